"""The append-only audit log: every ORM write but sign-in bookkeeping and a person's own rows,
with who, when, what, and before and after."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
import sqlmodel
from pydantic_core import to_jsonable_python
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import SQLModel, select

from api import clock, log_redaction
from api.auth import permissions, references, table_access
from api.auth.models import (
    AuditEntry,
    AuthSession,
    LoginAttempt,
    PasswordReset,
    User,
    Visibility,
)
from api.auth.scoping import ACTOR
from api.db import table_of
from api.errors import Forbidden
from api.i18n.catalogs import N_

# Bookkeeping of sign-in itself; the events that matter (invitations, accounts) are kept.
UNAUDITED = (AuditEntry, AuthSession, LoginAttempt, PasswordReset)


# Kept out of the log by name in every table: the log is read by leads who were never shown
# them (a webhook's signing secret is shown once, to whoever made it).
SECRET_FIELDS = frozenset({"password_hash", "totp_secret", "token_hash", "legistar_token",
                           "secret", "smtp_password"})
# Addresses whose path is a password (a Slack or Discord webhook's): the log keeps the host.
ADDRESS_FIELDS = frozenset({("webhook_endpoint", "url")})
# Changes that alone are not worth an entry: stamps the system keeps.
NOISE = frozenset({"updated_at", "last_login_at", "totp_last_step", "last_used_at"})
REDACTED = "[secret]"
# A secret that is not set: the log says so, so a first token reads "(none) → [secret]".
UNSET = "(none)"

SKIP_SESSION = "oversight_no_audit"
# Ids per IN list when reading rows back; far below any database's limit on parameters.
CHUNK = 500
# Entries written per statement in bulk: a few at a time are freed as they go, rather than
# thousands kept alive for the garbage collector to walk again and again.
WRITE_CHUNK = 1000
# Values JSON holds as they are; checked by exact type, so enums still go through pydantic.
PLAIN = frozenset({str, int, float, bool, type(None)})
# A row's visibility as the string an entry holds, from a stored string or an enum member.
VISIBILITY: dict[str | Visibility | None, str] = {
    **{v.value: v.value for v in Visibility}, **{v: v.value for v in Visibility},
    None: Visibility.coalition.value}


@cache
def unaudited() -> tuple[type, ...]:
    """Tables whose writes the log leaves out: sign-in bookkeeping, and each person's own rows
    (permissions.personal). The log files every entry under an organization and a visibility,
    as a child row is filed under its parent; a person's own rows have one reader, whom no
    such place names (filed as the coalition's, every lead read a colleague's notifications
    and their titles; under the person's organization, its lead would). Like a person's
    sign-in sessions they are kept out, and what they come from (the records alerted about,
    the delivery log read as api.alerts.service.visible_alerts says) keeps its own trail."""
    # Tables kept as copies of others (each target's latest stance) declare themselves so.
    return (*UNAUDITED, *table_access.unaudited(), *permissions.personal())


def _value(name: str, value: Any) -> Any:
    if name in SECRET_FIELDS:
        return None if value is None else UNSET if value == "" else REDACTED
    if type(value) in PLAIN:
        return value
    return to_jsonable_python(value, fallback=str)


def _kind(obj: Any) -> str:
    return str(obj.__table__.name)


# From the most closed tier to the most open.
OPENNESS = (Visibility.private, Visibility.leads, Visibility.coalition, Visibility.public)


def _where(session: Session, obj: Any) -> tuple[int | None, str]:
    """The organization and visibility an entry about this record is filed under."""
    model = type(obj)
    spec = permissions.owned().get(model)
    if spec is not None:
        own = getattr(obj, spec.owner), VISIBILITY[getattr(obj, spec.visibility)]
        if model in permissions.children():
            # A sharing link tells of its agency: filed no more openly than the agency.
            return min((own, _parents_where(session, obj, permissions.children()[model])),
                       key=lambda where: OPENNESS.index(Visibility(where[1])))
        on = permissions.attached().get(model)
        if on is None:
            return own
        # A document tells of the record it is on: filed no more openly than that record.
        kind = getattr(getattr(obj, on.kind), "value", getattr(obj, on.kind))
        parent_model = on.parents.get(kind)
        with session.no_autoflush:
            parent = session.get(parent_model, getattr(obj, on.id)) if parent_model else None
        if parent is None:
            return own[0], Visibility.private.value
        return min((own, _where(session, parent)),
                   key=lambda where: OPENNESS.index(Visibility(where[1])))
    child = permissions.children().get(model)
    if child is not None:
        return _parents_where(session, obj, child)
    table = _kind(obj)
    if table == "organization":
        return obj.id, Visibility.coalition.value
    if hasattr(obj, "organization_id"):
        return obj.organization_id, Visibility.coalition.value
    return None, Visibility.coalition.value


def _parents_where(session: Session, obj: Any, child: Any) -> tuple[int | None, str]:
    """Where the most closed of the record's parents is filed: a stance seen in a private
    meeting is as private as the meeting, however open the target is."""
    found = []
    for parent_model, column in child.parents:
        parent_id = getattr(obj, column)
        if parent_id is None and column in child.optional:
            continue
        with session.no_autoflush:
            parent = session.get(parent_model, parent_id) if parent_id is not None else None
        if parent is None:
            return None, Visibility.private.value
        found.append(_where(session, parent))
    if not found:
        return None, Visibility.private.value
    return min(found, key=lambda where: OPENNESS.index(Visibility(where[1])))


def _snapshot(obj: Any) -> dict[str, Any]:
    state = sa.inspect(obj)
    return {attr.key: [None, _value(attr.key, getattr(obj, attr.key))]
            for attr in state.mapper.column_attrs}


def _changes(obj: Any) -> dict[str, Any]:
    state = sa.inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else getattr(obj, attr.key)
        if before == after:
            continue
        out[attr.key] = [_value(attr.key, before), _value(attr.key, after)]
    return out


def _record_id(obj: Any) -> int | None:
    value = getattr(obj, "id", None)
    return value if isinstance(value, int) else None


def _row(actor: permissions.Actor, action: str, record_kind: str, record_id: int | None,
         where: tuple[int | None, str], changes: dict[str, Any], *,
         at: datetime | None = None) -> dict[str, Any]:
    return {
        "at": at or clock.now(), "actor_id": getattr(actor, "id", None),
        "actor_label": str(getattr(actor, "email", "") or "system"), "action": action,
        "record_kind": record_kind, "record_id": record_id,
        "organization_id": where[0], "visibility": where[1], "changes": changes,
    }


def _entry(session: Session, obj: Any, action: str, changes: dict[str, Any]) -> dict[str, Any]:
    if action == "delete":
        changes = {k: [v[1], None] for k, v in changes.items()}
    for table, name in ADDRESS_FIELDS:
        if _kind(obj) == table and name in changes:
            changes[name] = [value if value is None else log_redaction.address_host(value)
                             for value in changes[name]]
    where = _where(session, obj)
    for name, guard in permissions.guarded().get(type(obj), {}).items():
        if name in changes:
            # What a guarded field says (an organization's notes) is told only where it is.
            where = (getattr(obj, guard.owner), VISIBILITY[getattr(obj, guard.visibility)])
    return _row(session.info.get(ACTOR), action, _kind(obj), _record_id(obj), where, changes)


@event.listens_for(Session, "after_flush")
def _record_writes(session: Session, flush_context: Any) -> None:
    if session.info.get(SKIP_SESSION):
        return
    rows = []
    left_out = unaudited()
    for obj in session.new:
        if not isinstance(obj, left_out):
            rows.append(_entry(session, obj, "create", _snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, left_out) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(obj)
        if changes and set(changes) - NOISE:
            rows.append(_entry(session, obj, "update", changes))
    for obj in session.deleted:
        if not isinstance(obj, left_out):
            rows.append(_entry(session, obj, "delete", _snapshot(obj)))
    if rows:
        session.connection().execute(sa.insert(AuditEntry), rows)


def record(session: Session, *, action: str, record_kind: str, record_id: int | None,
           organization_id: int | None = None,
           visibility: Visibility = Visibility.coalition,
           changes: dict[str, Any] | None = None) -> None:
    """An entry for an event that is not a row write, such as an erasure."""
    actor = session.info.get(ACTOR)
    session.execute(sa.insert(AuditEntry), [{
        "at": clock.now(), "actor_id": getattr(actor, "id", None),
        "actor_label": str(getattr(actor, "email", "") or "system"), "action": action,
        "record_kind": record_kind, "record_id": record_id, "organization_id": organization_id,
        "visibility": visibility.value, "changes": changes or {},
    }])


# ---- bulk writes ------------------------------------------------------------------------
# Bulk INSERT and UPDATE statements skip the flush above; an import that writes with them
# files the same entries through these, one per row, shaped as a flush would shape them.

def _column_keys(model: Any) -> list[str]:
    return [attr.key for attr in sa.inspect(model).column_attrs]


def _stored(session: Session, model: Any, ids: Iterable[int],
            names: Sequence[str] = ()) -> dict[int, dict[str, Any]]:
    """Rows as they are in the database (all columns, or the named ones), by id, past the
    actor's read scoping."""
    table = model.__table__
    columns = [table.c.id, *(table.c[name] for name in names)] if names else [table]
    wanted = sorted(set(ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        stmt = sa.select(*columns).where(table.c.id.in_(wanted[start:start + CHUNK]))
        found.update({row["id"]: dict(row) for row in session.connection().execute(stmt)
                      .mappings()})
    return found


def _places(session: Session, model: Any,
            rows: Sequence[Mapping[str, Any]]) -> list[tuple[int | None, str]]:
    """What `_where` says for each row, with one query per parent table for all of them."""
    spec = permissions.owned().get(model)
    child = permissions.children().get(model)
    if spec is not None:
        own = [(row.get(spec.owner), VISIBILITY[row.get(spec.visibility)]) for row in rows]
        if child is None:
            return own
        # As `_where` files it: a sharing link no more openly than its agency.
        parents = _parents_places(session, child, rows)
        return [min(pair, key=lambda where: OPENNESS.index(Visibility(where[1])))
                for pair in zip(own, parents, strict=True)]
    if child is not None:
        return _parents_places(session, child, rows)
    if model.__tablename__ == "organization":
        return [(row.get("id"), Visibility.coalition.value) for row in rows]
    if "organization_id" in model.__table__.c:
        return [(row.get("organization_id"), Visibility.coalition.value) for row in rows]
    return [(None, Visibility.coalition.value)] * len(rows)


def _parents_places(session: Session, child: Any,
                    rows: Sequence[Mapping[str, Any]]) -> list[tuple[int | None, str]]:
    """What `_parents_where` says for each row: where the most closed of its parents is
    filed, with one query per parent table for all of them."""
    private = (None, Visibility.private.value)
    found: list[list[tuple[int | None, str]]] = [[] for _ in rows]
    for parent_model, column in child.parents:
        owner = permissions.owned().get(parent_model)
        parents = _stored(session, parent_model,
                          (row[column] for row in rows if row.get(column) is not None),
                          (owner.owner, owner.visibility) if owner else ())
        by_id: dict[int | None, tuple[int | None, str]] = dict(
            zip(parents, _places(session, parent_model, list(parents.values())), strict=True))
        for places, row in zip(found, rows, strict=True):
            if row.get(column) is None and column in child.optional:
                continue
            # A parent not found (or not given where one is needed) is private.
            places.append(by_id.get(row.get(column), private))
    return [min(places, key=lambda where: OPENNESS.index(Visibility(where[1])))
            if places else private for places in found]


class _Values:
    """`_value` for many rows: the same enum, date or time recurs in thousands of them, so each
    is converted once."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.seen: dict[tuple[type, Any, Any], Any] = {}
        # Plain values skip the call in `snapshot`, unless the table has a secret to redact.
        self.plain = frozenset() if SECRET_FIELDS & set(keys) else PLAIN

    def __call__(self, name: str, value: Any) -> Any:
        kind = type(value)
        if name in SECRET_FIELDS:
            return _value(name, value)
        if kind in PLAIN:
            return value
        if kind is list and all(type(item) in PLAIN for item in value):
            return value
        # Equal times in different zones are equal keys but not the same text.
        key = (kind, value, getattr(value, "tzinfo", None))
        try:
            return self.seen[key]
        except KeyError:
            self.seen[key] = converted = _value(name, value)
            return converted
        except TypeError:  # not hashable
            return _value(name, value)

    def snapshot(self, keys: Sequence[str], row: Mapping[str, Any],
                 defaults: Mapping[str, Any]) -> dict[str, Any]:
        # The hot loop of a large import: 15 or so columns of every row.
        plain, out = self.plain, {}
        for key in keys:
            value = row[key] if key in row else defaults.get(key)
            out[key] = (None, value if type(value) in plain else self(key, value))
        return out


def record_bulk_insert(session: Session, model: Any,
                       rows: Sequence[Mapping[str, Any]]) -> None:
    """A "create" entry for each row a bulk INSERT wrote; each row holds the values written,
    its new id included. A column a row leaves out holds its default."""
    if not rows or session.info.get(SKIP_SESSION) or issubclass(model, unaudited()):
        return
    keys = _column_keys(model)
    columns = model.__table__.c
    defaults = {key: columns[key].default.arg for key in keys
                if columns[key].default is not None and columns[key].default.is_scalar}
    actor, at, kind, values = session.info.get(ACTOR), clock.now(), model.__tablename__, \
        _Values(keys)
    places = _places(session, model, rows)
    for start in range(0, len(rows), WRITE_CHUNK):
        _insert(session, [
            _row(actor, "create", kind, row["id"], where, values.snapshot(keys, row, defaults),
                 at=at)
            for row, where in zip(rows[start:start + WRITE_CHUNK],
                                  places[start:start + WRITE_CHUNK], strict=True)])


def record_bulk_update(session: Session, model: Any,
                       changes: Sequence[Mapping[str, Any]]) -> None:
    """An "update" entry for each row a bulk UPDATE is about to change; each mapping holds the
    row's id and its new values. Call it just before the UPDATE, in the same transaction: it
    reads the rows as they were. A row whose values do not change gets no entry, as in a
    flush."""
    if not changes or session.info.get(SKIP_SESSION) or issubclass(model, unaudited()):
        return
    before = _stored(session, model, (change["id"] for change in changes))
    actor, at, kind = session.info.get(ACTOR), clock.now(), model.__tablename__
    value = _Values(model.__table__.c.keys())
    after = [{**before[change["id"]], **change} for change in changes]
    entries = []
    for change, row, where in zip(changes, after, _places(session, model, after), strict=True):
        old = before[change["id"]]
        diff = {}
        for key, new in change.items():
            was, now = value(key, old.get(key)), value(key, new)
            if was != now:
                diff[key] = [was, now]
        if set(diff) - NOISE:
            entries.append(_row(actor, "update", kind, row["id"], where, diff, at=at))
    for start in range(0, len(entries), WRITE_CHUNK):
        _insert(session, entries[start:start + WRITE_CHUNK])


def _insert(session: Session, entries: list[dict[str, Any]]) -> None:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(AuditEntry), entries)
        return
    # psycopg sends an executemany row by row, each one as dear as the row it audits; COPY
    # takes them all at a fraction of that. The columns' own bind processing still applies.
    columns = [c for c in table_of(AuditEntry).c if c.name != "id"]
    dialect = connection.dialect
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = ", ".join(c.name for c in columns)
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection to the database is closed")
    cursor = driver.cursor()
    table = AuditEntry.__tablename__
    with cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for entry in entries:
            copy.write_row([entry[c.name] if process is None else process(entry[c.name])
                            for c, process in zip(columns, processors, strict=True)])


def entries(session: sqlmodel.Session, actor: User, *, record_kind: str | None = None,
            record_id: int | None = None, organization_id: int | None = None,
            limit: int = 100, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """The log for leads and administrators, newest first, scoped like the records it is about
    (permissions.visible of AuditEntry)."""
    if not permissions.can_read_audit(actor):
        raise Forbidden(N_("Only leads and administrators can read the audit log."))
    stmt = select(AuditEntry)
    if record_kind:
        stmt = stmt.where(AuditEntry.record_kind == record_kind)
    if record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if organization_id is not None:
        stmt = stmt.where(AuditEntry.organization_id == organization_id)
    total = session.exec(select(sa.func.count()).select_from(stmt.subquery())).one()
    rows = list(session.exec(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                             .limit(limit).offset(offset)).all())
    # Shown, not stored: each entry leaves the session before what it names is emptied.
    for row in rows:
        session.expunge(row)
        row.changes = dict(row.changes)
    models = {table_of(mapper.class_).name: mapper.class_
              for mapper in SQLModel._sa_registry.mappers}
    references.hide_in_changes(session, [(models[row.record_kind], row.changes)
                                         for row in rows if row.record_kind in models])
    return rows, int(total)
