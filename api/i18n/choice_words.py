"""How a stored choice reads: its value with spaces for underscores, save the few whose words
need capitals, hyphens or an apostrophe, in the language in force; the same on a page, in a
list's CSV and in an export (web.choice_words marks every one for the catalog)."""

from typing import Any

from api.i18n.catalogs import gettext, pgettext

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
    "hours_before": "so many hours before the meeting",
    "time_days_before": "by a time of day, so many days before",
    "audit_finding": "audit-log finding",
    "records_document": "records-request document",
}


def kind_of(of: Any) -> str:
    """What a choice is said of, from a noun ("campaigns"), a record or its choice's class
    ("CampaignStatus"): "campaign"."""
    name = of if isinstance(of, str) else (of if isinstance(of, type) else type(of)).__name__
    name = name.lower().removesuffix("status")
    return name.removesuffix("s")


def in_context(kind: str, text: str) -> str | None:
    """The few choices whose words depend on what they are said of: Spanish says an active
    campaign "activa" (a campaña), an active contract "vigente" (a contrato), an invited
    organization "invitada"."""
    if kind == "campaign" and text == "active":
        return pgettext("status of a campaign", "active")
    if kind == "contract":
        if text == "active":
            return pgettext("status of a contract", "active")
        if text == "proposed":
            return pgettext("status of a contract", "proposed")
        if text == "cancelled":
            return pgettext("status of a contract", "cancelled")
    if kind in ORGANIZATION_KINDS:
        return _of_an_organization(text)
    return None


# What an organization's choices are said of: the organization itself (a list, a record) or the
# class of its status or its role in a form ("OrgStatus", "CoalitionRole").
ORGANIZATION_KINDS = frozenset({"organization", "org", "coalitionrole"})


def _of_an_organization(text: str) -> str | None:
    """An organization's status or role, agreeing with it: Spanish says an organization
    "invitada", "inactiva", "aliada" (an organización is feminine)."""
    if text == "prospect":
        return pgettext("status of an organization", "prospect")
    if text == "invited":
        return pgettext("status of an organization", "invited")
    if text == "joined":
        return pgettext("status of an organization", "joined")
    if text == "inactive":
        return pgettext("status of an organization", "inactive")
    if text == "co_lead":
        return pgettext("an organization's role in the coalition", "co-lead")
    if text == "member":
        return pgettext("an organization's role in the coalition", "member")
    if text == "endorser":
        return pgettext("an organization's role in the coalition", "endorser")
    if text == "ally":
        return pgettext("an organization's role in the coalition", "ally")
    return None


def humanize(value: Any, of: Any = None) -> str:
    """A stored choice in the reader's language; `of` is what it is said of (a noun, a record)
    where the words depend on it."""
    text = str(getattr(value, "value", value))
    said = in_context(kind_of(of if of is not None else type(value)), text)
    if said is not None:
        return said
    words = WORDS.get(text, text.replace("_", " "))
    return gettext(words) if words else words
