"""Domain errors: services raise these; the JSON layer and the pages translate them.

A message is a template marked for the catalog (N_) with its values apart, as in
`NotFound(N_("No {noun} with id {id}."), noun=Term(N_("campaign")), id=5)`: the words are
put in the reader's language where the error is shown (a page, the JSON API, the command
line), and the values are filled in after, so a value never stops a message being translated.
"""

from datetime import date, datetime
from typing import Any

from api.i18n.catalogs import N_, current, gettext
from api.i18n.formatting import format_when
from api.i18n.locales import DEFAULT
from api.i18n.validation_words import is_email_refusal, words_for


class Term(str):
    """A value that is itself a word to translate (a record's kind, a status), marked N_."""

    __slots__ = ()

    def said(self) -> str:
        """The word in the language of the code running now."""
        return gettext(self)


class LongDay(date):
    """A day written out in full in a message ("March 3, 2027", "3 de marzo de 2027"); a plain
    date is written as the pages write days ("Mar 3, 2027", "3 mar 2027")."""

    @classmethod
    def of(cls, day: date) -> "LongDay":
        return cls(day.year, day.month, day.day)


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None, **values: Any) -> None:
        noun = values.get("noun")
        if message == NO_SUCH and noun in NOT_FOUND:
            # Spanish names the thing with its own gender ("ninguna campaña", "ningún
            # contrato"): one whole sentence for each kind of record.
            message = NOT_FOUND[noun]
            values = {name: value for name, value in values.items() if name != "noun"}
        self.template = message
        self.values = values
        self.field = field
        # In English for logs and tracebacks; `message` is said in the language in force.
        super().__init__(self._filled(message, translate=False))

    @property
    def message(self) -> str:
        """The message in the language of the code running now (a request's, a user's)."""
        return self._filled(gettext(self.template), translate=True)

    def _filled(self, text: str, *, translate: bool) -> str:
        if not self.values:
            return text
        shown = {name: _shown(value, translate=translate) for name, value in self.values.items()}
        try:
            return text.format(**shown)
        except (KeyError, IndexError, ValueError):
            # A translation that names a value the template does not: the English still holds.
            return self.template.format(**shown)


def after_colon(text: str) -> str:
    """A sentence put after a label and a colon starts in lower case ("Body: enter a whole
    number."), unless it starts with a name or an abbreviation ("URL", "ICE")."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


class PydanticWords(Term):
    """pydantic's own message for one error, kept as it is in English (API clients may match
    it), and said in plain words in any other language."""

    __slots__ = ("error", "labelled")
    error: Any
    labelled: bool

    def __new__(cls, message: str, error: Any, *, labelled: bool = False) -> "PydanticWords":
        made = super().__new__(cls, message)
        made.error = error
        # Said after a field's label and a colon.
        made.labelled = labelled
        return made

    def said(self) -> str:
        text = self._said()
        # pydantic's own English stays exactly as it is (API clients may match it).
        untouched = current() == DEFAULT and gettext(self) == self
        return after_colon(text) if self.labelled and not untouched else text

    def _said(self) -> str:
        own = gettext(self)
        if is_email_refusal(self):
            # email-validator's wording is for programmers, in any language.
            return words_for(self.error)
        if own != self or current() == DEFAULT:
            # A validator's own words, marked N_ where declared; or English as it was.
            return own
        return words_for(self.error, name_choices=True)


def _shown(value: Any, *, translate: bool) -> Any:
    if isinstance(value, DomainError):
        return value.message if translate else str(value)
    if isinstance(value, Term):
        return value.said() if translate else str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_shown(item, translate=translate)) for item in value)
    if isinstance(value, LongDay):
        if not translate:
            return f"{value:%B} {value.day}, {value.year}"
        return format_when(value, "long_date")
    if isinstance(value, (date, datetime)):
        # A day as the pages write it, in the reader's way ("Mar 3, 2027", "3 mar 2027").
        if not translate:
            return f"{value:%b} {value.day}, {value.year}"
        return format_when(value, "date")
    return value


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Invalid(DomainError):
    status = 422


class Problems(Invalid):
    """Several refusals of one write, told together so a form or a client fixes them all in one
    go; said as the first, listed whole in `problems`."""

    def __init__(self, problems: "list[Invalid]") -> None:
        first = problems[0]
        super().__init__(first.template, field=first.field, **first.values)
        self.problems = problems

    @staticmethod
    def each(exc: "Invalid") -> "list[Invalid]":
        return list(exc.problems) if isinstance(exc, Problems) else [exc]

    @classmethod
    def of(cls, problems: "list[Invalid]") -> "Invalid":
        """One refusal as it is; several as one Problems."""
        flat = [one for exc in problems for one in cls.each(exc)]
        return flat[0] if len(flat) == 1 else cls(flat)


class Conflict(DomainError):
    status = 409


# The refusal for an id that does not exist (or that the reader may not see).
NO_SUCH = N_("No {noun} with id {id}.")
NOT_FOUND = {
    "action": N_("No action with id {id}."),
    "affiliation": N_("No affiliation with id {id}."),
    "agency": N_("No agency with id {id}."),
    "body": N_("No body with id {id}."),
    "campaign": N_("No campaign with id {id}."),
    "contract": N_("No contract with id {id}."),
    "document": N_("No document with id {id}."),
    "jurisdiction": N_("No jurisdiction with id {id}."),
    "media contact": N_("No media contact with id {id}."),
    "meeting": N_("No meeting with id {id}."),
    "organization": N_("No organization with id {id}."),
    "person": N_("No person with id {id}."),
    "press hit": N_("No press hit with id {id}."),
    "records request": N_("No records request with id {id}."),
    "saved search": N_("No saved search with id {id}."),
    "sharing link": N_("No sharing link with id {id}."),
    "suggested vote": N_("No suggested vote with id {id}."),
    "target": N_("No target with id {id}."),
    "task": N_("No task with id {id}."),
    "user": N_("No user with id {id}."),
    "vendor": N_("No vendor with id {id}."),
    "vote": N_("No vote with id {id}."),
}
