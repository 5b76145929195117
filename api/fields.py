"""Shared column and field types: validated text, money, counts, enums as strings, UTC times."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, Optional, Protocol

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, StringConstraints, create_model
from pydantic import Field as PydField
from pydantic.fields import FieldInfo
from sqlmodel import Field, SQLModel

from api import clock
from api.db import UTCDateTime
from api.i18n.catalogs import N_
from api.i18n.validation_words import Refusal

# What a foreign key does when its target row is deleted.
OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]

# PostgreSQL integers are 32-bit; keep every user number inside so no insert overflows.
MAX_INT = 2_147_483_647


class FieldError(Refusal):
    """Raised by a rule that spans fields, naming the one field the user should correct; its
    words, marked N_ where it is raised, are said in the reader's language."""

    def __init__(self, field: str, message: str, **values: Any) -> None:
        super().__init__(message, **values)
        self.field = field


LOCATIONS = frozenset({"body", "query", "path", "header", "cookie", "form"})


def describe_error(error: Mapping[str, Any], *, located: bool = False) -> tuple[str, str]:
    """One pydantic error as (dotted field path, message). `located` errors come from a request
    and start with where the value was (body, query, ...), which is not part of the field."""
    loc = [str(part) for part in error.get("loc", ())]
    if located and loc and loc[0] in LOCATIONS:
        loc = loc[1:]
    if error.get("type") == "json_invalid":
        # The position in the text is no field; the whole body is what needs fixing.
        loc = []
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, FieldError):
        loc.append(cause.field)
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    return ".".join(loc), message


# Every character below 32 but tab, newline and carriage return. A regular expression, not a
# loop in Python: this runs on every text field of every record read, notes of 20,000
# characters included.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATES = re.compile("[\ud800-\udfff]")


_DIGITS = re.compile(r"[0-9]+")


def digits_only(value: Any) -> Any:
    """An id as an address gives it: ASCII digits and nothing else. Read as a number, ' 1',
    '1\n' or '+1' would name record 1, so one record would answer at many addresses."""
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError(N_("must be a whole number written in digits"))
    return value


def no_control_chars(value: str | None) -> str | None:
    """Refuses text no person means to type and no database column can hold."""
    # None reaches here only from an optional PATCH field, where it means "not given".
    if value is None:
        return None
    # PostgreSQL text cannot hold NUL; other control characters are never meant in a form field.
    if _CONTROL_CHARS.search(value):
        raise ValueError(N_("must not contain control characters"))
    # A lone surrogate (JSON allows "\ud800") cannot be encoded as UTF-8, so could be neither
    # stored nor sent back.
    if _SURROGATES.search(value):
        raise ValueError(N_("must be valid Unicode text"))
    return value


# The states, the District of Columbia and the territories, by their postal codes: "ZZ" is two
# letters too, and an agency filed under it would be in no state's list, law or timezone.
US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
    "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
    "VA", "WA", "WV", "WI", "WY", "DC", "PR", "GU", "VI", "AS", "MP",
})
NOT_A_STATE = N_("must be a two-letter state code such as CA")


def is_state(value: str) -> bool:
    """A state's, DC's or a territory's code, or US for the federal government (a federal
    agency in the datasets, a request under the federal FOIA)."""
    return value.upper() in US_STATES or value.upper() == "US"


def _state_code(value: str | None) -> str | None:
    if value and not is_state(value):
        raise ValueError(NOT_A_STATE)
    return value.upper() if value else value


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError(N_("must be an http:// or https:// link"))
    if value and (" " in value or len(value.split("://", 1)[1]) == 0):
        raise ValueError(N_("is not a valid link"))
    return value


MAX_NAME = 200
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME),
    AfterValidator(no_control_chars),
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200), AfterValidator(no_control_chars)
]
LongText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(no_control_chars)]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2_000),
    AfterValidator(no_control_chars),
    AfterValidator(_http_url),
]
# Empty when unknown; the column keeps its own max_length=2.
StateCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2), AfterValidator(_state_code)
]
Count = Annotated[int, PydField(ge=0, le=MAX_INT)]
Id = Annotated[int, PydField(ge=1, le=MAX_INT)]
IdList = Annotated[list[Id], PydField(max_length=200)]
# An amount of money, in dollars and cents, as large as its column (12 digits, 2 of them cents)
# holds; more cents than two are refused in words a form's reader acts on.
MAX_MONEY = Decimal("9999999999.99")
IN_CENTS = N_("Enter an amount in dollars and cents, like 12500.00.")


def _in_cents(value: Decimal) -> Decimal:
    if value != value.quantize(Decimal("0.01")):
        raise Refusal(IN_CENTS)
    return value


Money = Annotated[Decimal, PydField(ge=0, le=MAX_MONEY), AfterValidator(_in_cents)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50),
               AfterValidator(no_control_chars)]
Tags = Annotated[list[Tag], PydField(max_length=30)]


def at_most(items: int) -> Any:
    """A bound on a list's length, so no request can grow a row or a query without end."""
    return PydField(max_length=items)


def enum_field(default: Any = ..., **kwargs: Any) -> Any:
    """An enum kept as a plain string column, so adding a value needs no database type change."""
    return Field(default=default, sa_type=sa.String(40), **kwargs)


def json_field(default_factory: Any = list, *, refers_to: tuple[str, str] | None = None,
               **kwargs: Any) -> Any:
    """A JSON column; `refers_to` (key, table) says which key of each item names a record of
    which table, so an item naming one its reader may not read is left out for that reader."""
    if refers_to is not None:
        kwargs["sa_column_kwargs"] = {"info": {"refers_to": refers_to}}
    return Field(default_factory=default_factory, sa_type=sa.JSON, **kwargs)


def money_field(**kwargs: Any) -> Any:
    return Field(default=None, sa_type=sa.Numeric(12, 2), **kwargs)


def utc_field(default: Any = None, **kwargs: Any) -> Any:
    return Field(default=default, sa_type=UTCDateTime, **kwargs)


def fk(target: str, *, required: bool = False, ondelete: OnDelete | None = None,
       index: bool = True, **kwargs: Any) -> Any:
    """A foreign key. An optional one is cleared when its target goes; a required one blocks
    the delete (RESTRICT) unless told to CASCADE, so deleting never silently takes records.
    `index=False` when the table declares an index that starts with the column instead."""
    if ondelete is None:
        ondelete = "RESTRICT" if required else "SET NULL"
    return Field(default=... if required else None, foreign_key=target, ondelete=ondelete,
                 index=index, nullable=not required, ge=1, le=MAX_INT, **kwargs)


class TableBase(SQLModel):
    """Columns every table has: a surrogate id and when the row was made and last changed."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, nullable=False)


class Stored(Protocol):
    """A row of any table, whose surrogate id is set once the row is flushed."""

    @property
    def id(self) -> int | None: ...


def stored_id(row: Stored) -> int:
    """The id of a row that is in the database. Rows read from it always have one; only a row
    just made and not yet flushed has none, and using its id then would be a bug."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id


def stored_values(row: SQLModel) -> dict[str, Any]:
    """A row's fields as they are held. Not `model_dump()`: a choice read from the database is
    a plain string, and serializing it where an enum is declared only raises warnings."""
    return {name: getattr(row, name) for name in type(row).model_fields}


class PlaybookAnchor(SQLModel):
    """Set when made from a playbook: the anchor date a row is counted from, how many days from
    it, and the role that owns it. Moving the anchor moves the rows not yet done."""

    anchor_kind: str | None = Field(default=None, max_length=40)
    anchor_offset_days: int | None = None
    owner_role: str | None = Field(default=None, max_length=40)


class ReadMeta(SQLModel):
    id: int
    created_at: datetime
    updated_at: datetime


def update_schema(base: type[BaseModel], name: str) -> type[BaseModel]:
    """The PATCH schema of a concept: every field of its Create schema, all optional."""
    fields: dict[str, Any] = {}
    for field_name, info in base.model_fields.items():
        merged = FieldInfo.merge_field_infos(info, default=None)
        merged.default_factory = None
        fields[field_name] = (Optional[info.annotation], merged)  # noqa: UP045
    return create_model(name, __base__=SQLModel, **fields)


__all__ = [
    "Count", "FieldError", "Id", "IdList", "LongText", "MAX_INT", "Money", "Name",
    "PlaybookAnchor", "ReadMeta", "ShortText", "StateCode", "StrEnum", "TableBase", "Tags", "Url",
    "at_most", "describe_error",
    "enum_field", "fk", "json_field", "money_field", "no_control_chars", "update_schema",
    "utc_field",
]


# Plate readers came into use after this: a source or outcome dated earlier is a mistyped year.
FIRST_YEAR = 1990
TOO_EARLY = N_("A date before 1990 cannot be right here: check the year.")
IN_FUTURE = N_("This date is in the future: give the day it happened or was published.")


def date_problem(value: date | str | None) -> str:
    """Why a date of a source or an outcome cannot be right (empty when it can): before
    FIRST_YEAR, or after today. A year or a month alone is refused only when it starts after
    today."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        parts = [int(part) for part in value.split("-")]
        value = date(parts[0] or 1, *(parts[1:] or [1]), *([1] if len(parts) < 3 else []))
    if value.year < FIRST_YEAR:
        return TOO_EARLY
    if value > clock.today():
        return IN_FUTURE
    return ""
