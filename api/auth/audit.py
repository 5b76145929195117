"""The append-only audit log: every ORM write, with who, when, what, and before and after."""

from typing import Any

import sqlalchemy as sa
from pydantic_core import to_jsonable_python
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import select

from api import clock
from api.auth import permissions
from api.auth.models import (
    AuditEntry,
    AuthSession,
    LoginAttempt,
    PasswordReset,
    Visibility,
)
from api.auth.scoping import ACTOR
from api.errors import Forbidden

# Bookkeeping of sign-in itself; the events that matter (tokens, invitations, accounts) are kept.
UNAUDITED = (AuditEntry, AuthSession, LoginAttempt, PasswordReset)
SECRET_FIELDS = frozenset({"password_hash", "totp_secret", "token_hash"})
# Changes that alone are not worth an entry: stamps the system keeps.
NOISE = frozenset({"updated_at", "last_login_at", "totp_last_step", "last_used_at"})
REDACTED = "[secret]"

SKIP_SESSION = "oversight_no_audit"


def _value(name: str, value: Any) -> Any:
    if name in SECRET_FIELDS:
        return None if value is None else REDACTED
    return to_jsonable_python(value, fallback=str)


def _kind(obj: Any) -> str:
    return str(obj.__table__.name)


def _where(session: Session, obj: Any) -> tuple[int | None, str]:
    """The organization and visibility an entry about this record is filed under."""
    model = type(obj)
    spec = permissions.owned().get(model)
    if spec is not None:
        return getattr(obj, spec.owner), str(getattr(obj, spec.visibility))
    child = permissions.children().get(model)
    if child is not None:
        parent_model, column = child.parents[0]
        with session.no_autoflush:
            parent = session.get(parent_model, getattr(obj, column))
        if parent is not None:
            return _where(session, parent)
        return None, Visibility.private.value
    table = _kind(obj)
    if table == "organization":
        return obj.id, Visibility.coalition.value
    if hasattr(obj, "organization_id"):
        return obj.organization_id, Visibility.coalition.value
    return None, Visibility.coalition.value


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


def _entry(session: Session, obj: Any, action: str, changes: dict[str, Any]) -> dict[str, Any]:
    actor = session.info.get(ACTOR)
    organization_id, visibility = _where(session, obj)
    if action == "delete":
        changes = {k: [v[1], None] for k, v in changes.items()}
    return {
        "at": clock.now(), "actor_id": getattr(actor, "id", None),
        "actor_label": str(getattr(actor, "email", "") or "system"), "action": action,
        "record_kind": _kind(obj), "record_id": _record_id(obj),
        "organization_id": organization_id, "visibility": visibility, "changes": changes,
    }


@event.listens_for(Session, "after_flush")
def _record_writes(session: Session, flush_context: Any) -> None:
    if session.info.get(SKIP_SESSION):
        return
    rows = []
    for obj in session.new:
        if not isinstance(obj, UNAUDITED):
            rows.append(_entry(session, obj, "create", _snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, UNAUDITED) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(obj)
        if changes and set(changes) - NOISE:
            rows.append(_entry(session, obj, "update", changes))
    for obj in session.deleted:
        if not isinstance(obj, UNAUDITED):
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


def entries(session: Session, actor: Any, *, record_kind: str | None = None,
            record_id: int | None = None, organization_id: int | None = None,
            limit: int = 100, offset: int = 0) -> tuple[list[AuditEntry], int]:
    """The log for leads and administrators, newest first, scoped like the records it is about."""
    if not permissions.can_read_audit(actor):
        raise Forbidden("Only leads and administrators can read the audit log.")
    stmt = select(AuditEntry)
    if record_kind:
        stmt = stmt.where(AuditEntry.record_kind == record_kind)
    if record_id is not None:
        stmt = stmt.where(AuditEntry.record_id == record_id)
    if organization_id is not None:
        stmt = stmt.where(AuditEntry.organization_id == organization_id)
    total = session.exec(select(sa.func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())  # type: ignore[attr-defined]
                        .limit(limit).offset(offset)).all()
    return list(rows), int(total)
