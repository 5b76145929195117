"""The empty choice of a select of records ("— none —"), in the gender its noun takes in the
reader's language: "— ninguna —" for a vote (votación) or an agency (agencia) in Spanish."""

from api.i18n.catalogs import gettext, pgettext


def none_choice(kind: str | None = None) -> str:
    """`kind` is the table of the records offered, as a foreign key names it."""
    # One context per noun, each a literal for the catalog's extraction.
    words = {
        "vote": pgettext("no vote", "— none —"),
        "agency": pgettext("no agency", "— none —"),
        "organization": pgettext("no organization", "— none —"),
        "campaign": pgettext("no campaign", "— none —"),
        "jurisdiction": pgettext("no jurisdiction", "— none —"),
        "meeting": pgettext("no meeting", "— none —"),
        "person": pgettext("no person", "— none —"),
    }
    return words.get(kind or "", "") or gettext("— none —")
