"""The summaries kept beside the meetings (each target's latest meeting per owner and
visibility, and each meeting's local day) always equal what the meetings themselves say,
however the meetings change, and "last met" tells each reader only of meetings they may read."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.auth import permissions
from api.auth.models import Role, Visibility
from api.campaigns import service as campaigns
from api.jurisdictions import service as jurisdictions
from api.meetings import latest, local_days
from api.meetings import service as meetings
from api.meetings.models import Meeting, MeetingTarget
from api.whip import service as whip
from tests import factories as f

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _kept(session: Session) -> list[tuple[Any, ...]]:
    return sorted((tuple(row) for row in session.execute(sa.select(latest.table))),
                  key=lambda r: (r[0], r[1] or 0, r[2]))


def _recomputed(session: Session) -> list[tuple[Any, ...]]:
    stmt = (sa.select(MeetingTarget.target_id, Meeting.organization_id, Meeting.visibility,
                      sa.func.max(Meeting.held_at))
            .join(Meeting, Meeting.id == MeetingTarget.meeting_id)
            .group_by(MeetingTarget.target_id, Meeting.organization_id, Meeting.visibility))
    rows = [(t, o, getattr(v, "value", v), at) for t, o, v, at in session.execute(stmt)]
    return sorted(rows, key=lambda r: (r[0], r[1] or 0, r[2]))


def _same(session: Session) -> None:
    session.commit()
    kept, recomputed = _kept(session), _recomputed(session)
    assert kept == recomputed
    assert kept, "the summary should hold something to compare"


@pytest.fixture
def world(session: Session, actor: Any) -> Any:
    clock.freeze(NOW)
    ours = f.make_organization(session, actor, name="Riverbend Privacy")
    theirs = f.make_organization(session, actor, name="Eastside Rights")
    body = f.make_body(session, actor)
    campaign = f.make_campaign(session, actor)
    ana, ben = (f.make_target(session, actor, name=name, body_id=body.id)
                for name in ("Ana Member", "Ben Member"))
    session.commit()
    return type("World", (), {"ours": ours, "theirs": theirs, "body": body,
                              "campaign": campaign, "ana": ana, "ben": ben})


def _meeting(session: Session, actor: Any, *, targets: list[Any], day: int, org: Any,
             visibility: str) -> Any:
    return f.make_meeting(session, actor, held_at=datetime(2026, 3, day, 18, 0, tzinfo=UTC),
                          target_ids=[t.id for t in targets], organization_id=org.id,
                          visibility=visibility)


def test_the_latest_meetings_follow_every_change_of_the_meetings(
        session: Session, actor: Any, world: Any) -> None:
    w = world
    first = _meeting(session, actor, targets=[w.ana, w.ben], day=2, org=w.ours,
                     visibility="private")
    second = _meeting(session, actor, targets=[w.ana], day=5, org=w.theirs,
                      visibility="coalition")
    _same(session)
    # Moved to another day, shared more widely, handed to the other organization.
    f.update(meetings.crud, session, actor, first.id,
             held_at=datetime(2026, 3, 9, 18, 0, tzinfo=UTC))
    _same(session)
    f.update(meetings.crud, session, actor, first.id, visibility="leads")
    _same(session)
    f.update(meetings.crud, session, actor, second.id, organization_id=w.ours.id)
    _same(session)
    # Who was met: one taken off, one added.
    f.update(meetings.crud, session, actor, first.id, target_ids=[w.ben.id])
    _same(session)
    f.update(meetings.crud, session, actor, second.id, target_ids=[w.ana.id, w.ben.id])
    _same(session)
    # A link moved in bulk, from outside any service.
    session.execute(sa.update(MeetingTarget)
                    .where(MeetingTarget.meeting_id == first.id)
                    .values(target_id=w.ana.id))
    _same(session)
    # A meeting written in bulk, then changed in bulk.
    third = _meeting(session, actor, targets=[w.ben], day=12, org=w.theirs,
                     visibility="public")
    session.execute(sa.update(Meeting).where(Meeting.id == third.id)
                    .values(held_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
                            visibility=Visibility.private.value))
    _same(session)
    # Deleted: through the service, and by the database's cascade from a bare delete.
    meetings.crud.delete(session, actor, second.id)
    _same(session)
    session.execute(sa.delete(Meeting).where(Meeting.id == third.id))
    session.commit()
    assert _kept(session) == _recomputed(session)
    session.execute(sa.delete(Meeting))
    session.commit()
    assert _kept(session) == [] == _recomputed(session)


def _readers(session: Session, w: Any) -> list[Any]:
    return [f.make_user(role, session=session, organization_id=org.id if org else None)
            for role, org in ((Role.admin, None), (Role.lead, None), (Role.lead, w.ours),
                              (Role.partner, w.ours), (Role.partner, w.theirs),
                              (Role.viewer, w.theirs))]


def test_last_met_is_the_latest_meeting_each_reader_may_read(
        session: Session, actor: Any, world: Any) -> None:
    w = world
    shapes = [(2, w.ours, "public"), (4, w.theirs, "coalition"), (6, w.ours, "leads"),
              (8, w.theirs, "leads"), (10, w.ours, "private"), (12, w.theirs, "private")]
    made = []
    readers = _readers(session, w)
    for day, org, visibility in shapes:
        made.append(_meeting(session, actor, targets=[w.ana], day=day, org=org,
                             visibility=visibility))
        session.commit()
        for reader in readers:
            seen = [m.held_at for m in made if permissions.can_read(reader, m)]
            found = {m.target_id: m for m in whip.members(
                session, reader, campaign_id=w.campaign.id, body_ids=[w.body.id])}
            assert found[w.ana.id].last_met == max(seen, default=None), (reader.role, day)
            assert found[w.ben.id].last_met is None


def test_a_partner_never_learns_of_another_organizations_private_meeting(
        session: Session, actor: Any, world: Any) -> None:
    w = world
    _meeting(session, actor, targets=[w.ana], day=3, org=w.ours, visibility="coalition")
    _meeting(session, actor, targets=[w.ana], day=15, org=w.theirs, visibility="private")
    session.commit()
    partner = f.make_user(Role.partner, session=session, organization_id=w.ours.id)
    found = {m.target_id: m for m in whip.members(
        session, partner, campaign_id=w.campaign.id, body_ids=[w.body.id])}
    assert found[w.ana.id].last_met == datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    assert found[w.ana.id].partner_met is None


def test_a_lead_is_told_of_a_meeting_held_not_one_later_today(
        session: Session, actor: Any, world: Any) -> None:
    w = world
    session.execute(sa.text("UPDATE organization SET tell_leads_meetings = :yes WHERE id = :id"),
                    {"yes": True, "id": w.theirs.id})
    _meeting(session, actor, targets=[w.ana], day=10, org=w.theirs, visibility="private")
    later = _meeting(session, actor, targets=[w.ana], day=20, org=w.theirs,
                     visibility="private")
    # Held later today: not yet a meeting anyone was told of.
    session.execute(sa.update(Meeting).where(Meeting.id == later.id)
                    .values(held_at=NOW + timedelta(hours=3)))
    session.commit()
    lead = f.make_user(Role.lead, session=session)
    told = whip.told_to_leads(session, lead, [w.ana.id, w.ben.id], now=NOW)
    assert told == {w.ana.id: datetime(2026, 3, 10, 18, 0, tzinfo=UTC)}


# ---- local days --------------------------------------------------------------------------


def _day(session: Session, meeting_id: int) -> tuple[date | None, str | None]:
    session.commit()
    row = session.execute(sa.select(Meeting.local_day, Meeting.local_zone)
                          .where(Meeting.id == meeting_id)).one()
    return row.local_day, row.local_zone


def test_a_meetings_local_day_follows_its_time_campaign_and_zone(
        session: Session, actor: Any) -> None:
    clock.freeze(NOW)
    east = f.make_jurisdiction(session, actor, timezone="America/New_York")
    west = f.make_jurisdiction(session, actor, timezone="America/Los_Angeles")
    campaign = f.make_campaign(session, actor, jurisdiction_id=west.id)
    # 03:30 UTC on the 6th is still the 5th on the west coast, already the 5th's night east.
    meeting = f.make_meeting(session, actor, held_at=datetime(2026, 3, 6, 3, 30, tzinfo=UTC),
                             campaign_id=campaign.id)
    assert _day(session, meeting.id) == (date(2026, 3, 5), "America/Los_Angeles")
    f.update(meetings.crud, session, actor, meeting.id,
             held_at=datetime(2026, 3, 6, 9, 0, tzinfo=UTC))
    assert _day(session, meeting.id) == (date(2026, 3, 6), "America/Los_Angeles")
    f.update(meetings.crud, session, actor, meeting.id,
             held_at=datetime(2026, 3, 7, 6, 30, tzinfo=UTC))
    assert _day(session, meeting.id) == (date(2026, 3, 6), "America/Los_Angeles")
    # The campaign moves east, then the place's own zone is corrected.
    f.update(campaigns.crud, session, actor, campaign.id, jurisdiction_id=east.id)
    assert _day(session, meeting.id) == (date(2026, 3, 7), "America/New_York")
    f.update(jurisdictions.crud, session, actor, east.id, timezone="Pacific/Honolulu")
    assert _day(session, meeting.id) == (date(2026, 3, 6), "Pacific/Honolulu")
    # Without a campaign: the coalition's clock, and a new one for the coalition followed.
    f.update(meetings.crud, session, actor, meeting.id, campaign_id=None)
    home = clock.home_zone().key
    assert _day(session, meeting.id) == (
        datetime(2026, 3, 7, 6, 30, tzinfo=UTC).astimezone(clock.home_zone()).date(), home)
    changed = local_days.follow_zones(session.connection(), home="Asia/Tokyo")
    assert changed >= 1
    assert _day(session, meeting.id) == (date(2026, 3, 7), "Asia/Tokyo")
    # Rows written in bulk, with no day yet, are caught up.
    session.execute(sa.update(Meeting).values(local_day=None, local_zone=None))
    local_days.follow_zones(session.connection())
    assert _day(session, meeting.id) == (
        datetime(2026, 3, 7, 6, 30, tzinfo=UTC).astimezone(clock.home_zone()).date(), home)
    assert session.execute(sa.select(sa.func.count()).select_from(Meeting)
                           .where(Meeting.local_day.is_(None))).scalar() == 0
