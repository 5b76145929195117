"""Ids as pages take them, from an address, a list's filter or a form: one bound, the
database's integers, so a forged or mistyped number is refused in words and never reaches the
database (where it would overflow its integer and fail the request)."""

import re
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator

from api.errors import Invalid
from api.fields import MAX_INT, digits_only

# An id in a page's address, in digits only; past the bound FastAPI refuses it as it does a
# word.
RecordId = Annotated[int, BeforeValidator(digits_only), Path(ge=1, le=MAX_INT)]
# An optional id in a page's query string.
QueryId = Annotated[int | None, Query(ge=1, le=MAX_INT)]


def whole_number(value: Any, *, least: int = 0) -> int | None:
    """A number as a form or a query string sends it (an id, a page), or None for anything
    else: a sign, a word, or more than the database's integers hold. Bounded before it is
    read, so a long run of digits costs nothing."""
    text = str(value or "").strip()
    if not re.fullmatch(r"[0-9]{1,10}", text) or not least <= int(text) <= MAX_INT:
        return None
    return int(text)


def path_id(value: str) -> int:
    """An id in an address, digits and nothing else ('1 ' names nothing, as a record has one
    address); 0, which names no record, for anything else."""
    if not (value.isascii() and value.isdigit()):
        return 0
    return whole_number(value) or 0


def given_id(value: Any, *, field: str, message: str) -> int:
    """The id a filter or form sends, or a refusal with `message` for anything that cannot be
    one of our records' ids."""
    found = whole_number(value, least=1)
    if found is None:
        raise Invalid(message, field=field)
    return found


def distinct_ids(values: Iterable[Any], *, refusal: tuple[str, str] | None = None,
                 limit: int | None = None) -> list[int]:
    """The ids a form ticks or a query string lists, each once in the order given, blanks
    skipped, at most `limit`. With `refusal` (the field and its message) a value that cannot
    be an id is refused, where the list is the form's whole point; without, it is passed over,
    where the list only narrows what a page offers."""
    found: list[int | None] = []
    for value in values:
        if not str(value or "").strip():
            continue
        found.append(whole_number(value, least=1) if refusal is None else
                     given_id(value, field=refusal[0], message=refusal[1]))
    return list(dict.fromkeys(i for i in found if i is not None))[:limit]
