"""How a stored choice reads on a page (api.i18n.choice_words says it, here for a form's
choices made before anyone's language is known); who may see a record, in the words of
whoever reads it."""

from typing import Any

from sqlalchemy.orm import object_session

from api.auth import permissions
from api.i18n.catalogs import N_, gettext
from api.i18n.choice_words import WORDS, in_context, kind_of
from api.i18n.choice_words import humanize as humanize  # the pages and filters name it here
from api.organizations import service as organizations
from api.targets.stance_words import our_stance


class ChoiceWords(str):
    """A stored choice's English words, with what it is said of, for a form's choices made
    before anyone's language is known; `said` puts them in the reader's language."""

    __slots__ = ("kind", "stored")
    kind: str
    stored: str

    def __new__(cls, words: str, *, kind: str, stored: str) -> "ChoiceWords":
        made = super().__new__(cls, words)
        made.kind = kind
        made.stored = stored
        return made

    def said(self) -> str:
        return in_context(self.kind, self.stored) or gettext(self)


def choice_words(member: Any) -> str:
    """A choice of a form, in English now, said in the reader's language later."""
    text = str(getattr(member, "value", member))
    return ChoiceWords(WORDS.get(text, text.replace("_", " ")), kind=kind_of(type(member)),
                       stored=text)


def stance_words(level: Any) -> str:
    """A stance chosen in a form, in the campaign's terms ("with us", "against us"): the
    literal yes and no belong to a roll call, and "yes" on an item the coalition wants voted
    down would read as the opposite of what is meant."""
    return our_stance(level)


# Who may read a record, in the words of the form that sets it, said to the members of the
# organization it belongs to; the order runs from the most closed to the most open.
SHARING_WORDS = {
    "private": N_("Our organization only"),
    "leads": N_("Our organization and the coalition's leads"),
    "coalition": N_("The whole coalition"),
    "public": N_("Anyone (public)"),
}
# The same said to everyone else, naming the organization.
OTHERS_SHARING_WORDS = {
    "private": N_("Only {owner}"),
    "leads": N_("{owner} and the coalition's leads"),
    "coalition": N_("The whole coalition"),
    "public": N_("Anyone (public)"),
}
# A record no organization owns is the coalition's, which its leads keep.
COALITION_SHARING_WORDS = {
    "private": N_("Only the coalition's leads"),
    "leads": N_("The coalition's leads"),
    "coalition": N_("The whole coalition"),
    "public": N_("Anyone (public)"),
}
# Who else reads a kind of record, whoever it is shared with (permissions.owned's readers).
NAMED_READERS = {"task": N_("the person and the organization it is assigned to")}
# What a kind starts shared with when neither its organization nor the coalition chose.
KINDS_OWN_DEFAULTS = N_("meetings, people, tasks and records requests: {private}; the rest: "
                         "the whole coalition")


def sharing_words(value: Any, about: Any = None, reader: Any = None) -> str:
    """Who may read a record, in the words of whoever reads the page: "our organization" to
    the members of the organization it belongs to, its name to everyone else. `about` is the
    record (an organization, for its own default), or the table of one being made, which is
    the maker's organization's; without it, the words are said to that organization. An
    empty value is an organization's default not chosen: the coalition's, said the same way."""
    text = str(getattr(value, "value", value) or "")
    if about is None:
        return gettext(SHARING_WORDS[text]) if text in SHARING_WORDS else humanize(text)
    words = _said_to(reader, about)
    if not text:
        return _unchosen(about, words)
    return _said(words, text, _owner_name(about), _table(about))


def _said(words: dict[str, str], text: str, owner_name: str, table: str) -> str:
    said = _words(words, text).format(owner=owner_name)
    named = NAMED_READERS.get(table)
    if named and text in ("private", "leads"):
        said = gettext("{said}, and {named}").format(said=said, named=gettext(named))
    return said


def owner_sharing_words(value: Any, *, owner: int | None, owner_name: str | None, reader: Any,
                        table: str) -> str:
    """sharing_words of a list's row, which carries its owner's id and name in place of the
    record: the same words its record page says to the same reader."""
    text = str(getattr(value, "value", value) or "")
    return _said(_words_for(reader, owner), text,
                 owner_name or gettext("its organization"), table)


def _words(words: dict[str, str], value: str) -> str:
    return gettext(words[value]) if value in words else humanize(value)


def _table(about: Any) -> str:
    return str(getattr(about, "__tablename__", ""))


def _said_to(reader: Any, about: Any) -> dict[str, str]:
    if isinstance(about, type):
        # Said of a record being made as the write gate will own it.
        return SHARING_WORDS if permissions.default_owner(reader) is not None \
            else COALITION_SHARING_WORDS
    return _words_for(reader, permissions.owner_of(about))


def _words_for(reader: Any, owner: int | None) -> dict[str, str]:
    """The words said to `reader` of a record `owner` owns (None: the coalition's)."""
    if owner is None:
        return COALITION_SHARING_WORDS
    return SHARING_WORDS if owner == getattr(reader, "organization_id", None) \
        else OTHERS_SHARING_WORDS


def _owner_name(record: Any) -> str:
    owner = None if isinstance(record, type) else permissions.owner_of(record)
    session = object_session(record) if owner is not None else None
    name = organizations.name_of(session, owner) if session is not None and owner else None
    return name or gettext("its organization")


def _unchosen(organization: Any, words: dict[str, str]) -> str:
    """An organization's default not chosen: the coalition's, or with none each kind's own."""
    session = None if isinstance(organization, type) else object_session(organization)
    # With no one's organization to ask, the coalition's own default.
    found = permissions.default_visibility(session, None) if session is not None else None
    owner = _owner_name(organization)
    if found is not None:
        chosen = _words(words, found.value).format(owner=owner)
        return gettext("Not chosen: the coalition's default, {chosen}").format(
            chosen=f"{chosen[:1].lower()}{chosen[1:]}")
    private = _words(words, "private").format(owner=owner)
    return gettext("Not chosen: as each kind starts ({defaults})").format(
        defaults=gettext(KINDS_OWN_DEFAULTS).format(private=f"{private[:1].lower()}{private[1:]}"))


# The kinds of webhook receiver, as their makers name them.
WEBHOOK_FLAVOR_WORDS = {
    "generic": N_("Generic JSON (Standard Webhooks)"),
    "slack": N_("Slack"),
    "discord": N_("Discord"),
    "matrix": N_("Matrix"),
}


# What a webhook channel is told of, from the most open: every member of a channel reads it.
ENDPOINT_REACH_WORDS = {
    "public": N_("Only what is public"),
    "coalition": N_("What the whole coalition shares"),
    "leads": N_("What the coalition's leads may read"),
}


# Who may read an organization's notes, said of the organization the page is about, whoever
# reads it.
NOTES_SHARING_WORDS = {
    "private": N_("The organization's own members only"),
    "leads": N_("Its members and the coalition's leads"),
    "coalition": N_("The whole coalition"),
    "public": N_("Anyone (public)"),
}
