"""Retention: people with no activity for OVERSIGHT_RETENTION_DAYS lose their contact details."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.accounts import erasure
from api.accounts.service import system_user
from api.auth import audit
from api.auth.models import AuditEntry, Visibility
from api.auth.scoping import act_as
from api.db import UTCDateTime, get_engine, session_scope, table_of
from api.documents.models import AttachedTo, Document
from api.meetings.models import Meeting, MeetingAttendee
from api.people.models import Affiliation, Person
from api.search import fulltext
from api.settings import get_settings

ACTION = "retention"
CONTACT_FIELDS = ("email", "phone", "signal_handle")
CONSENT_FIELDS = ("ok_to_email", "ok_to_text", "ok_to_call")
# What a cleared value reads as in the audit log: that there was one, never what it was.
REMOVED = "[removed]"
CHUNK = 500

PEOPLE = table_of(Person)
AFFILIATIONS = table_of(Affiliation)
MEETINGS = table_of(Meeting)
ATTENDEES = table_of(MeetingAttendee)
DOCUMENTS = table_of(Document)
ENTRIES = table_of(AuditEntry)


@dataclass(frozen=True)
class Stale:
    """A person whose contact details are due to go, and which of them they have."""

    id: int
    name: str
    last_active: datetime
    fields: tuple[str, ...]


def cutoff(days: int, *, now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=days)


def _last_active() -> Any:
    """The latest activity of the person in the enclosing query, as one scalar: their record
    being created or changed, a membership of theirs being added or changed, a meeting they
    attended (when it is held, and when its record was last changed), or a document attached
    to them being added or changed."""
    person = PEOPLE.c.id
    latest = [
        sa.select(sa.func.max(AFFILIATIONS.c.updated_at))
        .where(AFFILIATIONS.c.person_id == person).scalar_subquery(),
        sa.select(sa.func.max(MEETINGS.c.held_at))
        .select_from(ATTENDEES.join(MEETINGS, MEETINGS.c.id == ATTENDEES.c.meeting_id))
        .where(ATTENDEES.c.person_id == person).scalar_subquery(),
        sa.select(sa.func.max(MEETINGS.c.updated_at))
        .select_from(ATTENDEES.join(MEETINGS, MEETINGS.c.id == ATTENDEES.c.meeting_id))
        .where(ATTENDEES.c.person_id == person).scalar_subquery(),
        sa.select(sa.func.max(DOCUMENTS.c.updated_at))
        .where(DOCUMENTS.c.attached_kind == AttachedTo.person.value,
               DOCUMENTS.c.attached_id == person).scalar_subquery(),
    ]
    # COALESCE each: a NULL (no memberships, say) would make GREATEST/MAX NULL on one database
    # and ignored on the other.
    values = [PEOPLE.c.updated_at, *(sa.func.coalesce(v, PEOPLE.c.updated_at) for v in latest)]
    latest_of = sa.func.max(*values) if _is_sqlite() else sa.func.greatest(*values)
    # Read and compared as the columns are: stored UTC, handed back aware.
    return sa.type_coerce(latest_of, UTCDateTime())


def _is_sqlite() -> bool:
    return get_settings().is_sqlite


def stale(session: Session, *, days: int, now: datetime | None = None) -> list[Stale]:
    """The people who would lose their contact details, by name."""
    before = cutoff(days, now=now)
    has_contact = sa.or_(PEOPLE.c.email.is_not(None), PEOPLE.c.phone != "",
                         PEOPLE.c.signal_handle != "")
    last = _last_active().label("last_active")
    inner = (sa.select(PEOPLE.c.id, PEOPLE.c.name, *(PEOPLE.c[f] for f in CONTACT_FIELDS), last)
             .where(has_contact, PEOPLE.c.updated_at < before).subquery())
    rows = session.execute(sa.select(inner).where(inner.c.last_active < before)
                           .order_by(inner.c.name, inner.c.id)).mappings().all()
    return [Stale(id=row["id"], name=row["name"], last_active=row["last_active"],
                  fields=tuple(f for f in CONTACT_FIELDS if row[f])) for row in rows]


def apply(session: Session, *, days: int, now: datetime | None = None) -> list[Stale]:
    """Clears the stale people's email, phone and Signal handle, and the consents given for
    them; name, notes, tags, memberships and attendance stay. Each clearing is recorded in the
    audit log without the values, and the values are struck from their earlier entries.
    The caller commits, then calls `erasure.settle` so the database files forget them."""
    found = stale(session, days=days, now=now)
    if not found:
        return []
    act_as(session, system_user(session))
    for start in range(0, len(found), CHUNK):
        _clear(session, found[start:start + CHUNK])
    if session.get_bind().dialect.name == "sqlite":
        # The search index's older segments still hold the cleared words until merged.
        session.execute(sa.text(fulltext.sqlite_optimize(PEOPLE.name)))
    return found


def _clear(session: Session, people: Sequence[Stale]) -> None:
    ids = [p.id for p in people]
    places = {row.id: (row.owner_organization_id, row.visibility) for row in session.execute(
        sa.select(PEOPLE.c.id, PEOPLE.c.owner_organization_id, PEOPLE.c.visibility)
        .where(PEOPLE.c.id.in_(ids)))}
    consents = {row.id: row for row in session.execute(
        sa.select(PEOPLE.c.id, *(PEOPLE.c[f] for f in CONSENT_FIELDS))
        .where(PEOPLE.c.id.in_(ids)))}
    # Core statements: an ORM update would copy the old values into the audit log.
    session.execute(sa.update(PEOPLE).where(PEOPLE.c.id.in_(ids)).values(
        email=None, phone="", signal_handle="",
        **dict.fromkeys(CONSENT_FIELDS, False)))
    _strike_from_log(session, ids)
    for person in people:
        changes: dict[str, Any] = {f: [REMOVED, None if f == "email" else ""]
                                   for f in person.fields}
        changes.update({f: [True, False] for f in CONSENT_FIELDS
                        if getattr(consents[person.id], f)})
        owner, visibility = places[person.id]
        audit.record(session, action=ACTION, record_kind="person", record_id=person.id,
                     organization_id=owner, visibility=Visibility(visibility),
                     changes=changes)


def _strike_from_log(session: Session, ids: list[int]) -> None:
    """Earlier entries about these people keep what changed, but not the contact values."""
    rows = session.execute(sa.select(ENTRIES.c.id, ENTRIES.c.changes).where(
        ENTRIES.c.record_kind == "person", ENTRIES.c.record_id.in_(ids))).all()
    for entry_id, changes in rows:
        if not isinstance(changes, dict):
            continue
        struck = {name: [REMOVED if value else value for value in change]
                  if name in CONTACT_FIELDS and isinstance(change, list) else change
                  for name, change in changes.items()}
        if struck != changes:
            session.execute(sa.update(ENTRIES).where(ENTRIES.c.id == entry_id)
                            .values(changes=struck))


def scheduled(days: int | None = None) -> int:
    """The scheduler's job: applies OVERSIGHT_RETENTION_DAYS; returns how many were cleared."""
    days = days if days is not None else get_settings().retention_days
    if days <= 0:
        return 0
    with session_scope() as session:
        cleared = apply(session, days=days)
    if cleared:
        erasure.settle(get_engine())
    return len(cleared)
