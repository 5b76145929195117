"""Paging a list by keyset: a cursor names the last (or first) row shown by its sort key and id,
and the next page starts right after it, so page 200 costs what page 1 does, where an OFFSET
reads and drops every row before it."""

import base64
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

import sqlalchemy as sa

from api import signing
from api.auth import scoping
from api.errors import Invalid
from api.fields import MAX_INT
from api.i18n.catalogs import N_

# A cursor names one row's sort key; no honest one comes near this.
MAX_CURSOR_CHARS = 2000
# The database's integers: a value past them is not in any row, and would overflow the
# statement's parameter instead of finding nothing.
_INTEGERS = (-MAX_INT - 1, MAX_INT)
_BIG_INTEGERS = (-(2**63), 2**63 - 1)
# Amounts in a cursor: far beyond any contract, and within every database's numbers.
_LARGEST_AMOUNT = Decimal(10) ** 15
# Counting a list stops here: past it a page says "more than 1,000", and no request reads
# every row of a statewide list just to say how many there are.
COUNT_CAP = 1000
_VERSION = 1
_SPOILED = N_("This page link is damaged or was changed by hand; start again from the "
              "first page.")


@dataclass(frozen=True)
class SortTerm:
    """One term of a list's order: a column, its direction, and whether it may be empty (its
    empty values sort last either way)."""

    column: Any
    descending: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or, going back, before) the row whose key is `values`;
    `position` counts the rows before the page, for "51–100" (a hint, never a bound)."""

    values: tuple[Any, ...]
    before: bool = False
    position: int = 0


@dataclass
class Window:
    """One page of a list: its rows, where it starts, the cursors to the pages beside it, and
    the list's length when it is known cheaply (else `more_than`, a number it exceeds)."""

    rows: list[dict[str, Any]]
    start: int
    next: str | None
    previous: str | None
    total: int | None
    more_than: int | None


# A list's statements, kept by what they depend on beyond a request's values (the list, its
# search, filters and order, the reader, and the page's own shape): built afresh, SQLAlchemy
# walked each one, the reader's criteria included, on every request, which cost a list page
# more than its query.
_KEPT: dict[tuple[Any, ...], sa.Select[Any]] = {}
_MAX_KEPT = 4096
Made = tuple[sa.Select[Any], sa.Select[Any] | None]
_OFFSET = "keyset_offset"


def read_window(session: Any, make: Callable[[], Made], *, terms: Sequence[SortTerm],
                order: Callable[[bool], list[Any]], keys: Sequence[str], limit: int,
                scope: str, cursor: str | None = None, offset: int = 0,
                exact_count: bool = False, field: str = "cursor",
                kept: tuple[Any, ...] | None = None,
                values: Mapping[str, Any] | None = None,
                counted_in_passing: bool = False) -> Window:
    """The page of the list that the cursor or, failing one, the offset points at. `make()`
    gives the list's statement (filtered, its columns chosen, `keys` among them naming each
    sort term's value) and the statement counted (the same rows' ids without the joins that
    only name things; None: the statement's own ids). `order(reverse)` gives the ORDER BY
    terms. The rows are counted only up to COUNT_CAP unless `exact_count`.
    With `kept`, what the statements depend on beyond the request's values (bound parameters,
    given in `values`; the reader among them), the statements are made once and kept under it,
    and run with the reader's criteria added once (`scoping.read`).
    `counted_in_passing`: the order has the database read and sort every matching row anyway
    (no index serves it), so on SQLite the first page counts them all as it goes, by a window
    over the same rows, where a count of its own read them all again."""
    place = decode(cursor, terms, scope=scope, field=field) if cursor else None
    if place is not None and offset:
        raise Invalid(N_("Give either a cursor or an offset, not both."), field="offset")
    hinted = offset if place is None else place.position
    # The count comes with the page's rows, a column the database computes once: one
    # statement, and the page keeps its own plan. Capped, it reads at most COUNT_CAP + 1 rows;
    # a page known to start past that needs none.
    counting = exact_count or hinted <= COUNT_CAP
    made: dict[bool, tuple[sa.Select[Any], sa.Select[Any]]] = {}

    def base(in_passing: bool = False) -> tuple[sa.Select[Any], sa.Select[Any]]:
        if in_passing not in made:
            stmt, counted = make()
            ids = (stmt.with_only_columns(terms[-1].column) if counted is None
                   else counted).order_by(None)
            counted = ids if exact_count else ids.limit(COUNT_CAP + 1)
            if in_passing:
                # Every row the page is chosen from, before its LIMIT: only where nothing
                # narrows them but the list's own conditions (the first page).
                stmt = stmt.add_columns(sa.func.count().over().label(COUNT_KEY))
            elif counting:
                stmt = stmt.add_columns(sa.select(sa.func.count()).select_from(
                    counted.subquery()).scalar_subquery().label(COUNT_KEY))
            made[in_passing] = (stmt, ids)
        return made[in_passing]

    shape = (limit, counting, exact_count)

    def fetch(kind: tuple[Any, ...], build: Callable[[], sa.Select[Any]],
              bound: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [row._asdict() for row in _run(session, kept, (*shape, *kind), build,
                                              {**(values or {}), **bound})]

    rows: list[dict[str, Any]] = []
    more = False
    start = hinted
    if place is not None and place.before:
        back = place
        found = fetch(("before", *_empties(back)), lambda: base()[0].where(
            seek(terms, back.values, before=True)).order_by(*order(True)).limit(limit + 1),
            _sought(back))
        if len(found) > limit:
            rows, start, more = found[:limit][::-1], max(1, place.position), True
        else:
            # Fewer rows than a page before it: that is the start of the list.
            place, start = None, 0
    if place is None and offset:
        # A typed page far down the list: the rows before it are stepped over by their ids
        # alone (from an index holding what the reader's criteria test, no row read), and
        # only the page's own rows are read whole and have their names looked up.
        def skipping() -> sa.Select[Any]:
            stmt, ids = base()
            skipped = ids.order_by(*order(False)).limit(limit + 1).offset(
                sa.bindparam(_OFFSET, offset)).correlate(None)
            return stmt.where(terms[-1].column.in_(skipped)).order_by(*order(False))
        found = fetch(("skip",), skipping, {_OFFSET: offset})
        rows, more = found[:limit], len(found) > limit
    elif place is None:
        # On SQLite only: PostgreSQL kept every matching row whole for the window, where its
        # sort keeps only the page's, and the organizations search took twice its CPU.
        in_passing = (counted_in_passing and counting
                      and session.get_bind().dialect.name == "sqlite")
        found = fetch(("first", in_passing),
                      lambda: base(in_passing)[0].order_by(*order(False)).limit(limit + 1), {})
        rows, more = found[:limit], len(found) > limit
    elif not place.before:
        after = place
        found = fetch(("after", *_empties(after)), lambda: base()[0].where(
            seek(terms, after.values)).order_by(*order(False)).limit(limit + 1),
            _sought(after))
        rows, more = found[:limit], len(found) > limit
    end = start + len(rows)
    after_this = encode(Cursor(_key(rows[-1], keys), position=end), scope=scope) \
        if rows and more else None
    before = encode(Cursor(_key(rows[0], keys), before=True, position=max(0, start - limit)),
                    scope=scope) if rows and start > 0 else None
    total = more_than = None
    if place is None and rows and not more:
        # The last page, reached by counting from the start: the length is known.
        total = end
    elif counting:
        # An empty page past the end has no row to carry the count: asked on its own.
        count = int(rows[0][COUNT_KEY]) if rows else 0 if start == 0 and place is None \
            else int(fetch(("count",), lambda: sa.select(sa.func.count().label(COUNT_KEY))
                           .select_from((base()[1] if exact_count else
                                         base()[1].limit(COUNT_CAP + 1)).subquery()),
                           {})[0][COUNT_KEY])
        total = count if exact_count or count <= COUNT_CAP else None
    if total is None:
        # A row after this page: more than its end; none: more than what was counted.
        more_than = max(COUNT_CAP, end) if more else COUNT_CAP
    own = [name for name in (*keys, COUNT_KEY) if name.startswith(KEY_PREFIX)]
    for row in rows:
        for name in own:
            row.pop(name, None)
    return Window(rows=rows, start=start, next=after_this, previous=before, total=total,
                  more_than=more_than)


def _run(session: Any, kept: tuple[Any, ...] | None, kind: tuple[Any, ...],
         build: Callable[[], sa.Select[Any]], bound: Mapping[str, Any]) -> Any:
    if kept is None:
        return session.execute(build(), bound)
    key = (*kept, *kind)
    stmt = _KEPT.get(key)
    if stmt is None:
        if len(_KEPT) >= _MAX_KEPT:
            _KEPT.clear()
        stmt = _KEPT[key] = scoping.built_once(build())
    return scoping.read(session, stmt, bound)


def _empties(cursor: Cursor) -> tuple[bool, ...]:
    """Which of the cursor's values are empty: a seek after an empty value is another
    statement, not another value."""
    return tuple(value is None for value in cursor.values)


def _sought(cursor: Cursor) -> dict[str, Any]:
    return {f"{KEY_PREFIX}seek_{i}": value for i, value in enumerate(cursor.values)
            if value is not None}


# Columns a page selects only to make its cursors, taken out of its rows afterwards.
KEY_PREFIX = "sort_key_"
COUNT_KEY = KEY_PREFIX + "count"


def _fetch(session: Any, stmt: sa.Select[Any]) -> list[dict[str, Any]]:
    return [row._asdict() for row in session.execute(stmt)]


def _key(row: Mapping[str, Any], names: Sequence[str]) -> tuple[Any, ...]:
    return tuple(row[name] for name in names)


def encode(cursor: Cursor, *, scope: str) -> str:
    """The cursor as URL-safe text, with a check of its contents and of the list (search,
    filters, order) it belongs to."""
    body = [_VERSION, "b" if cursor.before else "a", cursor.position,
            [_tagged(v) for v in cursor.values]]
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=True)
    text = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{text}.{_check(text, scope)}"


def decode(text: str, terms: Sequence[SortTerm], *, scope: str, field: str = "cursor") -> Cursor:
    """The cursor a link carries, refused with a plain message (never a server error) when it
    is malformed, was changed, or belongs to another list or order."""
    if len(text) > MAX_CURSOR_CHARS or text.count(".") != 1:
        raise Invalid(_SPOILED, field=field)
    encoded, check = text.split(".")
    if not _checks(encoded, scope, check):
        # The same check a cursor made for this list would carry: one of another list, search
        # or order (or edited) does not.
        raise Invalid(N_("This page link was changed, or belongs to another search, filter or "
                      "order; start again from the first page."), field=field)
    try:
        body = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        version, direction, position, tagged = body
    except (ValueError, TypeError) as exc:
        raise Invalid(_SPOILED, field=field) from exc
    if version != _VERSION or direction not in ("a", "b") or type(position) is not int \
            or not 0 <= position <= MAX_INT or not isinstance(tagged, list) \
            or len(tagged) != len(terms):
        raise Invalid(_SPOILED, field=field)
    values = tuple(_untagged(item, term, field) for item, term in zip(tagged, terms, strict=True))
    if values[-1] is None:
        raise Invalid(_SPOILED, field=field)
    return Cursor(values=values, before=direction == "b", position=position)


def seek(terms: Sequence[SortTerm], values: Sequence[Any], *,
         before: bool = False) -> sa.ColumnElement[bool]:
    """Rows strictly after (or before) the key in the list's order, term by term: those that
    differ first at a term and lie beyond it there."""
    alternatives: list[sa.ColumnElement[bool]] = []
    equal: list[sa.ColumnElement[bool]] = []
    bound: list[Any] = []
    for i, (term, given) in enumerate(zip(terms, values, strict=True)):
        column = term.column
        # Bound by name, so a statement kept runs with another cursor's values (`_sought`).
        value = None if given is None else sa.bindparam(f"{KEY_PREFIX}seek_{i}", given,
                                                         type_=column.type)
        bound.append(value)
        if term.nullable and value is None:
            # Empty values sort last: before one lie all filled ones; after one, none.
            if before:
                alternatives.append(sa.and_(*equal, column.is_not(None)))
            equal.append(column.is_(None))
            continue
        beyond = _beyond(column, value, descending=term.descending, before=before)
        if term.nullable and not before:
            beyond = sa.or_(column.is_(None), beyond)
        alternatives.append(sa.and_(*equal, beyond))
        equal.append(column == value)
    found = sa.or_(*alternatives)
    first = terms[0]
    if not first.nullable or (before and values[0] is not None):
        # The same rows, with the first term's range said outright, so an index on it can
        # start there instead of testing every row.
        value = bound[0]
        if value is not None:
            towards_end = first.descending == before
            found = sa.and_(first.column >= value if towards_end else first.column <= value,
                            found)
    return found


def _beyond(column: Any, value: Any, *, descending: bool, before: bool) -> Any:
    return column < value if descending != before else column > value


# The check is the instance key's, so only this server makes cursors it accepts: one edited
# by hand, or made by someone who knows the format, is refused before anything in it is read.
_CHECK_BYTES = 16


def _check(encoded: str, scope: str) -> str:
    digest = signing.sign("page-cursor", f"{scope}\x00{encoded}")[:_CHECK_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _checks(encoded: str, scope: str, check: str) -> bool:
    return signing.same(check.encode(), _check(encoded, scope).encode())


def _tagged(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"m": str(value)}
    if isinstance(value, float):
        return {"f": repr(value)}
    raise TypeError(f"cannot put a {type(value).__name__} in a page cursor")


_READERS: dict[str, Callable[[str], Any]] = {
    "t": datetime.fromisoformat, "d": date.fromisoformat, "m": Decimal, "f": float}


def _untagged(item: Any, term: SortTerm, field: str) -> Any:
    if item is None:
        if not term.nullable:
            raise Invalid(_SPOILED, field=field)
        return None
    value: Any
    try:
        if isinstance(item, dict) and len(item) == 1:
            ((tag, text),) = item.items()
            if not isinstance(text, str):
                raise ValueError(text)
            value = _READERS[tag](text)
            if isinstance(value, float | Decimal) and not math.isfinite(value):
                raise ValueError(text)
        else:
            value = item
        return _as_column_value(value, term.column)
    except (ValueError, TypeError, KeyError, OverflowError, InvalidOperation) as exc:
        raise Invalid(_SPOILED, field=field) from exc


def _as_column_value(value: Any, column: Any) -> Any:
    """The value as the column holds it, or a ValueError when it is not of the column's kind
    (a name where a date belongs)."""
    kind = _python_type(column)
    if kind is None:
        return value
    if issubclass(kind, Enum):
        return kind(value)
    if kind is datetime:
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(value)
        # The instant as the column holds it (UTC); one with no UTC time (the year 9999 an
        # hour east) is refused here rather than by the database.
        return value.astimezone(UTC)
    if kind is date:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise ValueError(value)
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(value)
        return value
    if kind is int:
        least, most = _BIG_INTEGERS if isinstance(column.type, sa.BigInteger) else _INTEGERS
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            raise ValueError(value)
        return value
    if kind in (float, Decimal):
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal) \
                or not abs(Decimal(value)) < _LARGEST_AMOUNT:
            raise ValueError(value)
        return value
    if isinstance(value, str) and ("\x00" in value or not _encodable(value)):
        # Neither database keeps such text, so no row holds it; PostgreSQL refuses it outright.
        raise ValueError(value)
    if kind is str and not isinstance(value, str):
        raise ValueError(value)
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _python_type(column: Any) -> type | None:
    column_type = getattr(column, "type", None)
    for candidate in (column_type, getattr(column_type, "impl_instance", None)):
        if candidate is None:
            continue
        try:
            found = candidate.python_type
        except NotImplementedError:
            continue
        if isinstance(found, type) and found is not object:
            return found
    return None
