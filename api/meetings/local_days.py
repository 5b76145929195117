"""The day each meeting falls on where it happens, stored with the meeting when it is written,
so that a calendar month finds its meetings by an indexed day instead of working out every
meeting's local time.

A meeting happens on its campaign's jurisdiction's clock, else the coalition's
(OVERSIGHT_TIMEZONE). The zone a day was reckoned in is kept beside it: a meeting whose zone
has changed since (its campaign moved, the jurisdiction's zone or the coalition's corrected)
is found by comparing the two, and reckoned again.

Kept here, in one place, rather than by triggers: neither database can turn a time into a
local day in SQLite's SQL, so the app does it as it flushes a meeting (every write of a meeting
through a session passes here), and `follow_zones` catches up rows written in bulk and rows
whose zone changed."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import flag_modified

from api import clock
from api.campaigns.models import Campaign
from api.db import table_of
from api.jurisdictions.models import Jurisdiction
from api.meetings.models import Meeting

# Rows reckoned again per statement: bounded memory for a statewide catch-up.
_BATCH = 5000


def local_day(held_at: datetime, zone: str) -> date:
    return held_at.astimezone(ZoneInfo(zone)).date()


def _zone_of(session: Session, campaign_id: int | None) -> str:
    if campaign_id is None:
        return clock.home_zone().key
    found = session.execute(
        sa.select(Jurisdiction.timezone).select_from(Campaign)
        .join(Jurisdiction, Jurisdiction.id == Campaign.jurisdiction_id)
        .where(Campaign.id == campaign_id)).scalar()
    return found or clock.home_zone().key


def _stamp(session: Session, meeting: Meeting) -> None:
    if meeting.held_at is None:
        return
    zone = _zone_of(session, meeting.campaign_id)
    meeting.local_zone = zone
    meeting.local_day = local_day(meeting.held_at, zone)
    # Written even when equal to what the session last loaded: `follow_zones` may have changed
    # the row since, behind the session's back.
    flag_modified(meeting, "local_zone")
    flag_modified(meeting, "local_day")


@event.listens_for(Session, "before_flush")
def _stamp_meetings(session: Session, flush_context: Any, instances: Any) -> None:
    changed = [obj for obj in session.new if isinstance(obj, Meeting)]
    changed += [obj for obj in session.dirty if isinstance(obj, Meeting)
                and _moved(obj)]
    if changed:
        with session.no_autoflush:
            for meeting in changed:
                _stamp(session, meeting)
    if any(isinstance(obj, Campaign | Jurisdiction) and _zone_changed(obj)
           for obj in session.dirty):
        session.info["oversight_follow_zones"] = True


@event.listens_for(Session, "after_flush")
def _follow_after_flush(session: Session, flush_context: Any) -> None:
    if session.info.pop("oversight_follow_zones", False):
        follow_zones(session.connection())


def _moved(meeting: Meeting) -> bool:
    state = sa.inspect(meeting)
    return any(state.attrs[name].history.has_changes() for name in ("held_at", "campaign_id"))


def _zone_changed(obj: Any) -> bool:
    name = "jurisdiction_id" if isinstance(obj, Campaign) else "timezone"
    return bool(sa.inspect(obj).attrs[name].history.has_changes())


def follow_zones(connection: sa.Connection, home: str | None = None) -> int:
    """Reckons again the day of every meeting whose zone is not the one its day was reckoned
    in (or that has no day yet); gives how many changed."""
    home = home or clock.home_zone().key
    place = aliased(Jurisdiction)
    zone = sa.func.coalesce(place.timezone, home)
    table = table_of(Meeting)
    stale = (sa.select(table.c.id, table.c.held_at, zone.label("zone"))
             .select_from(table)
             .outerjoin(Campaign, Campaign.id == table.c.campaign_id)
             .outerjoin(place, place.id == Campaign.jurisdiction_id)
             .where(sa.or_(table.c.local_zone.is_(None), table.c.local_zone != zone,
                           table.c.local_day.is_(None)))
             .order_by(table.c.id))
    update = (sa.update(table).where(table.c.id == sa.bindparam("meeting_id"))
              .values(local_day=sa.bindparam("day"), local_zone=sa.bindparam("zone")))
    changed, after = 0, 0
    while True:
        rows = connection.execute(stale.where(table.c.id > after).limit(_BATCH)).all()
        if not rows:
            return changed
        connection.execute(update, [{"meeting_id": row.id, "day": local_day(row.held_at, row.zone),
                                     "zone": row.zone} for row in rows])
        changed += len(rows)
        after = rows[-1].id
