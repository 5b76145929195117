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


class PydanticWords(Term):
    """pydantic's own message for one error, kept as it is in English (API clients may match
    it), and said in plain words in any other language."""

    __slots__ = ("error",)
    error: Any

    def __new__(cls, message: str, error: Any) -> "PydanticWords":
        made = super().__new__(cls, message)
        made.error = error
        return made

    def said(self) -> str:
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


class Conflict(DomainError):
    status = 409


# The refusal for an id that does not exist (or that the reader may not see).
NO_SUCH = N_("No {noun} with id {id}.")
