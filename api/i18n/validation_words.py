"""Pydantic's refusals in plain words, in the reader's language: the same on a page's form and
in the JSON API's problem details."""

import re
from decimal import Decimal
from typing import Any

from api.i18n.catalogs import N_, current, gettext, ngettext
from api.i18n.formatting import format_choices, format_number

# Pydantic's wording is for programmers ("String should have at least 1 character", or every
# stored value of a choice); a form says what to do, next to the field it is about.
# Each is said in the reader's language where the form is shown again.
REQUIRED = N_("This is required.")
WHOLE_NUMBER = N_("Enter a whole number.")
# Every decimal number a record takes is an amount of money (api.fields.Money).
AMOUNT = N_("Enter an amount in dollars and cents, like 12500.00.")
DAY = N_("Enter a date.")
DAY_AND_TIME = N_("Enter a date and a time.")
ONE_OF = N_("Choose one of the options.")
LIST = N_("Give a list, in square brackets [ ].")
TIME = N_("Enter a time, like 6:30 PM.")
LENGTH_OF_TIME = N_("Enter a length of time.")
WEB_ADDRESS = N_("Enter a whole web address, like https://example.org.")
IDENTIFIER = N_("This is not a whole identifier; copy it again in full.")
OBJECT = N_("Give an object, its fields in braces { }.")
KIND_WORDS = {
    "missing": REQUIRED,
    "int_parsing": WHOLE_NUMBER, "int_type": WHOLE_NUMBER, "int_from_float": WHOLE_NUMBER,
    "float_parsing": N_("Enter a number."), "decimal_parsing": AMOUNT, "decimal_type": AMOUNT,
    "date_parsing": DAY, "date_type": DAY, "date_from_datetime_parsing": DAY,
    "date_from_datetime_inexact": DAY,
    "datetime_parsing": DAY_AND_TIME, "datetime_type": DAY_AND_TIME,
    "datetime_from_date_parsing": DAY_AND_TIME,
    "enum": ONE_OF, "literal_error": ONE_OF,
    "bool_parsing": N_("Choose yes or no."),
    "json_invalid": N_("JSON decode error"),
    # The shape of a JSON value: what the field takes, not pydantic's names for types.
    "string_type": N_("Enter text."), "float_type": N_("Enter a number."),
    "bool_type": N_("Choose yes or no."),
    "list_type": LIST, "tuple_type": LIST, "set_type": LIST, "frozen_set_type": LIST,
    "dict_type": OBJECT, "model_type": OBJECT, "model_attributes_type": OBJECT,
    "dataclass_type": OBJECT, "is_instance_of": OBJECT,
    "extra_forbidden": N_("This field is not one this record has."),
    # Less common, but each said in words a reader can act on rather than the generic line.
    "int_parsing_size": N_("This number is too large."),
    "finite_number": N_("Enter a number."),
    "string_pattern_mismatch": N_("This is not written the way this field takes it; check "
                                  "for typing mistakes."),
    "string_unicode": N_("This text holds characters that cannot be read; type it again."),
    "string_not_ascii": N_("Use only letters without accents, digits and common signs "
                           "here."),
    "time_type": TIME, "time_parsing": TIME,
    "time_delta_type": LENGTH_OF_TIME, "time_delta_parsing": LENGTH_OF_TIME,
    "date_past": N_("Enter a date in the past."), "date_future": N_("Enter a date in the future."),
    "datetime_past": N_("Enter a date and time in the past."),
    "datetime_future": N_("Enter a date and time in the future."),
    "datetime_object_invalid": DAY_AND_TIME, "timezone_naive": DAY_AND_TIME,
    "timezone_aware": DAY_AND_TIME, "timezone_offset": DAY_AND_TIME,
    "url_type": WEB_ADDRESS, "url_parsing": WEB_ADDRESS, "url_syntax_violation": WEB_ADDRESS,
    "url_scheme": WEB_ADDRESS,
    "uuid_type": IDENTIFIER, "uuid_parsing": IDENTIFIER, "uuid_version": IDENTIFIER,
    "none_required": N_("Leave this empty."),
    "frozen_field": N_("This cannot be changed."), "frozen_instance": N_("This cannot be changed."),
    "bytes_type": N_("Enter text."), "iterable_type": LIST, "deque_type": LIST,
    "mapping_type": OBJECT, "invalid_key": OBJECT,
    "union_tag_invalid": ONE_OF, "union_tag_not_found": REQUIRED,
}
# Pydantic's own kinds of refusal (not a validator's words): said plainly in any other
# language when not listed above; English readers get pydantic's message.
OWN_WORDS = N_("This value is not valid here.")
BOUND_WORDS = {"greater_than_equal": ("ge", N_("Must be {} or more.")),
               "greater_than": ("gt", N_("Must be more than {}.")),
               "less_than_equal": ("le", N_("Must be {} or less.")),
               "less_than": ("lt", N_("Must be less than {}."))}

class Refusal(ValueError):
    """A validator's refusal that names the value refused: the words marked N_ where it is
    raised, the values apart, so the words are said in the reader's language and filled after.
    Pydantic keeps the English (the message API clients have always matched)."""

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template.format(**values))
        self.template = template
        self.values = values

    def said(self) -> str:
        try:
            return gettext(self.template).format(**self.values)
        except (KeyError, IndexError, ValueError):
            return str(self)


def words_for(err: Any, *, name_choices: bool = False) -> str:
    """One of pydantic's errors said the way a form asks. `name_choices` lists the values a
    choice takes, for the JSON API, whose clients send the stored values (a form shows their
    words instead)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if name_choices and kind in ("enum", "literal_error") and ctx.get("expected"):
        return gettext("Choose one of: {expected}.").format(expected=_choices(ctx["expected"]))
    if kind in ("int_parsing", "int_type") and "input" in err and \
            (err["input"] is None or str(err["input"]).strip() == ""):
        # A required number or choice of a record left empty (an agency not chosen) is
        # missing, not mistyped; an optional one left empty reaches the check as None.
        return gettext(REQUIRED)
    if kind in KIND_WORDS:
        return gettext(KIND_WORDS[kind])
    if kind in BOUND_WORDS:
        key, text = BOUND_WORDS[kind]
        return gettext(text).format(_number(ctx.get(key)))
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return gettext(REQUIRED) if least == 1 else ngettext(
            "At least {count} character.", "At least {count} characters.", least).format(
            count=_number(least))
    if kind == "string_too_long":
        most = ctx.get("max_length", 0)
        return ngettext("At most {count} character.", "At most {count} characters.",
                        most).format(count=_number(most))
    if kind == "multiple_of":
        return gettext("Must be a multiple of {}.").format(_number(ctx.get("multiple_of")))
    if kind in ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits"):
        return _digits(kind, ctx)
    if kind in ("url_too_long", "bytes_too_long"):
        most = ctx.get("max_length", 0)
        return ngettext("At most {count} character.", "At most {count} characters.",
                        most).format(count=_number(most))
    if kind == "too_short":
        return gettext("Choose at least {count}.").format(count=ctx.get("min_length", 1))
    if kind == "too_long":
        return gettext("Choose at most {count}.").format(count=ctx.get("max_length"))
    if isinstance(ctx.get("error"), Refusal):
        return ctx["error"].said()
    text = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    if is_email_refusal(text):
        return email_words(text)
    # A validator's own words, marked N_ where it is declared.
    said = gettext(text)
    if said == text and kind not in ("value_error", "assertion_error") \
            and not current().startswith("en"):
        return gettext(OWN_WORDS)
    return said


# email-validator's refusals are written for programmers, in English only ("The part after the
# @-sign is not valid. It should have a period."); each is said in our plain words instead,
# first match first. Its own text stays in the English message pydantic keeps.
EMAIL_PREFIX = "value is not a valid email address"
EMAIL_WORDS = (
    (("must have an @-sign", "instead of a regular at-sign"),
     N_("An email address needs an @, like name@example.org.")),
    (("something before the @-sign",), N_("Write the name before the @, like name@example.org.")),
    (("something after the @-sign",), N_("Write the part after the @, like example.org.")),
    (("special-use or reserved name",),
     N_("The part after the @ is a reserved name that receives no email; give a real "
        "address.")),
    (("too long",), N_("This email address is too long.")),
    (("invalid character", "unsafe character", "not valid ASCII", "Internationalized characters",
      "display name", "angle bracket", "Quoting", "after close quote", "anything after"),
     N_("This email address holds a character an address cannot have; check for spaces and "
        "typing mistakes.")),
    (("after the @-sign", "period", "hyphen", "dashes", "domain name"),
     N_("The part after the @ is not a real domain, like example.org.")),
)


def is_email_refusal(text: str) -> bool:
    return str(text).removeprefix("Value error, ").startswith(EMAIL_PREFIX)


def email_words(text: str) -> str:
    """An email-validator refusal in our plain words, in the reader's language."""
    reason = str(text).partition(":")[2]
    for clues, words in EMAIL_WORDS:
        if any(clue in reason for clue in clues):
            return gettext(words)
    return gettext("Enter a whole email address, like name@example.org.")


def _digits(kind: str, ctx: dict[str, Any]) -> str:
    """How many digits a number may have: in all, after the point, or before it."""
    if kind == "decimal_max_places":
        most = ctx.get("decimal_places", 0)
        said = ngettext("At most {count} digit after the decimal point.",
                        "At most {count} digits after the decimal point.", most)
    elif kind == "decimal_whole_digits":
        most = ctx.get("whole_digits", 0)
        said = ngettext("At most {count} digit before the decimal point.",
                        "At most {count} digits before the decimal point.", most)
    else:
        most = ctx.get("max_digits", 0)
        said = ngettext("At most {count} digit.", "At most {count} digits.", most)
    return said.format(count=_number(most))


def _choices(expected: Any) -> str:
    """pydantic's "'a', 'b' or 'c'" joined the reader's way ("'a', 'b' o 'c'")."""
    values = re.findall(r"'[^']*'", str(expected))
    return format_choices(values) if values else str(expected)


def _number(value: Any) -> Any:
    """A bound in the reader's shape of numbers (1,000 or 1.000); anything else as it is."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_number(value)
    return value
