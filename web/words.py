"""How a stored choice reads on a page: its value with spaces for underscores, save the few
whose words need capitals, hyphens or an apostrophe; who may see a record, in the words of
whoever reads it."""

from typing import Any

from sqlalchemy.orm import object_session

from api.auth import permissions
from api.organizations import service as organizations

WORDS = {
    "ban_alpr": "ban ALPR",
    "end_ice_sharing": "end ICE sharing",
    "co_lead": "co-lead",
    "sheriffs_office": "sheriff's office",
    "city_managers_office": "city manager's office",
    "op_ed": "op-ed",
    "call_in_day": "call-in day",
    "teach_in": "teach-in",
    "in_app": "in-app",
}


def humanize(value: Any) -> str:
    text = str(getattr(value, "value", value))
    return WORDS.get(text, text.replace("_", " "))


# A stance chosen in a form, in the words of the whip board's columns ("Yes", "No", "Not
# known") beside the stored ones seen in histories ("champion", "opposed").
STANCE_WORDS = {"champion": "yes (champion)", "opposed": "no (opposed)", "unknown": "not known"}


def stance_words(level: Any) -> str:
    text = str(getattr(level, "value", level))
    return STANCE_WORDS.get(text, humanize(text))


# Who may read a record, in the words of the form that sets it, said to the members of the
# organization it belongs to; the order runs from the most closed to the most open.
SHARING_WORDS = {
    "private": "Our organization only",
    "leads": "Our organization and the coalition's leads",
    "coalition": "The whole coalition",
    "public": "Anyone (public)",
}
# The same said to everyone else, naming the organization.
OTHERS_SHARING_WORDS = {
    "private": "Only {owner}",
    "leads": "{owner} and the coalition's leads",
    "coalition": "The whole coalition",
    "public": "Anyone (public)",
}
# A record no organization owns is the coalition's, which its leads keep.
COALITION_SHARING_WORDS = {
    "private": "Only the coalition's leads",
    "leads": "The coalition's leads",
    "coalition": "The whole coalition",
    "public": "Anyone (public)",
}
# Who else reads a kind of record, whoever it is shared with (permissions.owned's readers).
NAMED_READERS = {"task": "the person and the organization it is assigned to"}
# What a kind starts shared with when neither its organization nor the coalition chose.
KINDS_OWN_DEFAULTS = ("meetings, people, tasks and records requests: {private}; the rest: "
                      "the whole coalition")


def sharing_words(value: Any, about: Any = None, reader: Any = None) -> str:
    """Who may read a record, in the words of whoever reads the page: "our organization" to
    the members of the organization it belongs to, its name to everyone else. `about` is the
    record (an organization, for its own default), or the table of one being made, which is
    the maker's organization's; without it, the words are said to that organization. An
    empty value is an organization's default not chosen: the coalition's, said the same way."""
    text = str(getattr(value, "value", value) or "")
    if about is None:
        return SHARING_WORDS.get(text, humanize(text))
    words = _said_to(reader, about)
    if not text:
        return _unchosen(about, words)
    said = words.get(text, humanize(text)).format(owner=_owner_name(about))
    named = NAMED_READERS.get(_table(about))
    if named and text in ("private", "leads"):
        said = f"{said}, and {named}"
    return said


def _table(about: Any) -> str:
    return str(getattr(about, "__tablename__", ""))


def _said_to(reader: Any, about: Any) -> dict[str, str]:
    org = getattr(reader, "organization_id", None)
    if isinstance(about, type):
        # A record being made is its maker's organization's, or with none the coalition's.
        return SHARING_WORDS if org is not None else COALITION_SHARING_WORDS
    owner = permissions.owner_of(about)
    if owner is None:
        return COALITION_SHARING_WORDS
    return SHARING_WORDS if owner == org else OTHERS_SHARING_WORDS


def _owner_name(record: Any) -> str:
    owner = None if isinstance(record, type) else permissions.owner_of(record)
    session = object_session(record) if owner is not None else None
    name = organizations.name_of(session, owner) if session is not None and owner else None
    return name or "its organization"


def _unchosen(organization: Any, words: dict[str, str]) -> str:
    """An organization's default not chosen: the coalition's, or with none each kind's own."""
    session = None if isinstance(organization, type) else object_session(organization)
    # With no one's organization to ask, the coalition's own default.
    found = permissions.default_visibility(session, None) if session is not None else None
    owner = _owner_name(organization)
    if found is not None:
        chosen = words.get(found.value, humanize(found.value)).format(owner=owner)
        return f"Not chosen: the coalition's default, {chosen[:1].lower()}{chosen[1:]}"
    private = words["private"].format(owner=owner)
    return "Not chosen: as each kind starts (" + KINDS_OWN_DEFAULTS.format(
        private=f"{private[:1].lower()}{private[1:]}") + ")"


# The kinds of webhook receiver, as their makers name them.
WEBHOOK_FLAVOR_WORDS = {
    "generic": "Generic JSON (Standard Webhooks)",
    "slack": "Slack",
    "discord": "Discord",
    "matrix": "Matrix",
}


# What a webhook channel is told of, from the most open: every member of a channel reads it.
ENDPOINT_REACH_WORDS = {
    "public": "Only what is public",
    "coalition": "What the whole coalition shares",
    "leads": "What the coalition's leads may read",
}


# Who may read an organization's notes, said of the organization the page is about, whoever
# reads it.
NOTES_SHARING_WORDS = {
    "private": "The organization's own members only",
    "leads": "Its members and the coalition's leads",
    "coalition": "The whole coalition",
    "public": "Anyone (public)",
}
