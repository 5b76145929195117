"""A campaign's recent activity reads only what already happened, a few rows of each kind,
and shows exactly what reading every row and leaving out what is ahead would show."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.activity import service as activity
from api.documents.models import AttachedTo
from api.tasks.models import Task
from tests.factories import (
    make_action,
    make_campaign,
    make_meeting,
    make_press_hit,
    make_records_request,
    make_task,
)
from tests.statements import statements

NOW = datetime(2026, 6, 15, 11, 0, tzinfo=UTC)


def _everything_past(session: Session, actor: Any, campaign_id: int,
                     limit: int) -> list[tuple[Any, ...]]:
    """What the timeline showed when it read every row (each kind here has fewer than the
    full reading's limit) and left out in Python what is still ahead."""
    events = activity.for_record(session, actor, kind=AttachedTo.campaign,
                                 record_id=campaign_id, limit=10_000)
    past = [e for e in events if e.sort_key <= clock.now()]
    return [(e.kind, e.record_id, e.what, e.at) for e in past[:limit]]


def test_the_recent_activity_is_the_newest_past_events_of_every_kind(
        session: Session, actor: Any) -> None:
    clock.freeze(NOW)
    try:
        campaign = make_campaign(session, actor)
        today = NOW.date()
        # More than a page of each kind, the past and the future interleaved, so a reading cut
        # to a page per kind before leaving out the future would miss past events.
        for n in range(-12, 12):
            make_action(session, actor, campaign_id=campaign.id,
                        scheduled_on=today + timedelta(days=2 * n + 1))
            make_press_hit(session, actor, campaign_id=campaign.id,
                           published_on=today + timedelta(days=3 * n))
        for n in range(1, 20):
            make_meeting(session, actor, campaign_id=campaign.id,
                         held_at=NOW - timedelta(days=n, hours=5))
        # The tasks part reads a campaign's latest tasks by id: made in the order of their days.
        for n in range(-10, 10):
            make_task(session, actor, campaign_id=campaign.id,
                      due_on=today + timedelta(days=2 * n))
        # Today's date falls at noon UTC, after NOW: not yet past.
        make_task(session, actor, campaign_id=campaign.id, due_on=today)
        # Sent, but due ahead: only the sending is past.
        make_records_request(session, actor, campaign_id=campaign.id,
                             sent_on=today - timedelta(days=1), due_on=today + timedelta(days=9))
        session.commit()
        assert session.execute(sa.select(sa.func.count()).select_from(Task)
                               .where(Task.campaign_id == campaign.id)).scalar_one() == 21

        with statements() as seen:
            shown = activity.for_campaign(session, actor, campaign_id=campaign.id, limit=15)
        assert len(seen) == 1, seen

        assert [(e.kind, e.record_id, e.what, e.at) for e in shown] == \
            _everything_past(session, actor, campaign.id, 15)
        assert len(shown) == 15
        assert all(e.sort_key <= NOW for e in shown)
        assert not any(e.kind == "task" and e.at == today for e in shown)
        whats = {e.what for e in activity.for_campaign(session, actor, campaign_id=campaign.id,
                                                        limit=200)}
        assert "Records request sent" in whats and "Records request due" not in whats
    finally:
        clock.set_clock(None)


def test_a_later_page_of_the_past_is_read_as_exactly(session: Session, actor: Any) -> None:
    clock.freeze(NOW)
    try:
        campaign = make_campaign(session, actor)
        for n in range(-14, 14):
            make_action(session, actor, campaign_id=campaign.id,
                        scheduled_on=date(2026, 6, 15) + timedelta(days=n))
        session.commit()
        for limit in (1, 5, 15, 29):
            shown = activity.for_campaign(session, actor, campaign_id=campaign.id, limit=limit)
            assert [(e.kind, e.record_id, e.what, e.at) for e in shown] == \
                _everything_past(session, actor, campaign.id, limit)
    finally:
        clock.set_clock(None)
