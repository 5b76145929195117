"""Moving the clock across a vote's schedule: the right alerts, in order, at the right local
hour; moving the vote moves them, cancelling cancels them; nothing from before a rule existed;
late sends after downtime only while the event is still ahead."""

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.alerts.models import OutboxStatus
from api.votes import service as votes
from api.votes.models import Vote
from tests import factories
from tests.alerts.conftest import (
    START,
    Campaign,
    Ticks,
    notifications,
    outbox,
    pending,
)

# Thursday April 2, 2026, 6 PM in Los Angeles (PDT, UTC-7).
VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def _pdt(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC) + timedelta(hours=7)


EXPECTED = [  # due time, headline
    (_pdt(3, 19, 18), "Vote in 14 days"),
    (_pdt(3, 26, 18), "Vote in 7 days"),
    (_pdt(3, 30, 18), "Vote in 3 days"),
    (_pdt(4, 1, 18), "Vote tomorrow"),
    (_pdt(4, 2, 8), "Vote today"),
]


def _setup(session: Session, actor: Any, world: Campaign, ticks: Ticks) -> Any:
    factories.make_alert_rule(session, actor, world.campaign.id)
    vote = factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=VOTE_AT, location="Council Chambers")
    ticks()
    return vote


def test_walking_the_clock_across_a_vote_delivers_each_alert_once_in_order(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    vote = _setup(session, actor, world, ticks)
    assert [row.due_at for row in pending()] == [due for due, _ in EXPECTED]
    assert notifications(world.lead.id) == []

    for count, (due, headline) in enumerate(EXPECTED, start=1):
        ticks.at(due - MINUTE)
        assert len(notifications(world.lead.id)) == count - 1
        ticks.at(due + MINUTE)
        got = notifications(world.lead.id)
        assert len(got) == count
        assert got[-1].title == f"{headline}: Renew the Flock contract"
        assert got[-1].link == f"/votes/{vote.id}"
        assert "Thu Apr 2, 2026 6:00 PM PDT" in got[-1].body

    # After the vote nothing more comes, however long the clock runs.
    ticks.at(VOTE_AT + timedelta(days=30))
    assert len(notifications(world.lead.id)) == len(EXPECTED)
    rows = outbox()
    assert [r.status for r in rows] == [OutboxStatus.sent] * len(EXPECTED)
    assert not any(r.late for r in rows)


def test_moving_the_vote_moves_its_pending_alerts(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    vote = _setup(session, actor, world, ticks)
    ticks.at(_pdt(3, 19, 18) + MINUTE)
    assert [n.title.split(":")[0] for n in notifications(world.lead.id)] == ["Vote in 14 days"]

    # Postponed two weeks, to Thursday April 16, 6 PM local.
    factories.update(votes.crud, session, actor, vote.id,
                     scheduled_at=datetime(2026, 4, 16, 18, 0))
    ticks()
    assert [row.due_at for row in pending()] == [
        _pdt(4, 9, 18), _pdt(4, 13, 18), _pdt(4, 15, 18), _pdt(4, 16, 8)]

    # The old times pass quietly; the new ones deliver.
    ticks.at(_pdt(3, 26, 18) + MINUTE)
    ticks.at(_pdt(4, 1, 18) + MINUTE)
    assert len(notifications(world.lead.id)) == 1
    ticks.at(_pdt(4, 9, 18) + MINUTE)
    got = notifications(world.lead.id)
    assert [n.title.split(":")[0] for n in got] == ["Vote in 14 days", "Vote in 7 days"]
    assert "Thu Apr 16, 2026 6:00 PM PDT" in got[-1].body


def test_a_dispatcher_that_has_not_replanned_yet_still_sends_at_the_new_time(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    """The vote moves between the planner's look and the due time: the claim checks the vote
    as it is now, and re-plans instead of sending the stale alert."""
    vote = _setup(session, actor, world, ticks)
    ticks.at(_pdt(3, 19, 18) + MINUTE)
    factories.update(votes.crud, session, actor, vote.id,
                     scheduled_at=datetime(2026, 4, 16, 18, 0))
    # Claim directly, skipping the planner's pass, at the old "7 days" time.
    clock.freeze(_pdt(3, 26, 18) + MINUTE)
    report = ticks.dispatcher.dispatch_due()
    assert report.claimed == 1 and report.sent == 0
    assert len(notifications(world.lead.id)) == 1
    assert [row.due_at for row in pending()][0] == _pdt(4, 9, 18)


def test_cancelling_the_vote_cancels_its_alerts_and_rescheduling_brings_them_back(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    vote = _setup(session, actor, world, ticks)
    ticks.at(_pdt(3, 20, 12))
    factories.update(votes.crud, session, actor, vote.id, status="cancelled")
    ticks()
    rows = outbox()
    assert [r.status for r in rows] == [OutboxStatus.sent] + [OutboxStatus.cancelled] * 4
    assert all(r.note == "the vote is cancelled" for r in rows[1:])
    ticks.at(VOTE_AT + MINUTE)
    assert len(notifications(world.lead.id)) == 1

    factories.update(votes.crud, session, actor, vote.id, status="scheduled",
                     scheduled_at=datetime(2026, 5, 7, 18, 0))
    ticks()
    assert [r.due_at for r in pending()] == [
        _pdt(4, 30, 18), _pdt(5, 4, 18), _pdt(5, 6, 18), _pdt(5, 7, 8)]


def test_deleting_the_vote_cancels_its_alerts(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    vote = _setup(session, actor, world, ticks)
    votes.crud.delete(session, actor, vote.id)
    session.commit()
    ticks.at(_pdt(3, 26, 18) + MINUTE)
    assert notifications(world.lead.id) == []
    assert {r.status for r in outbox()} == {OutboxStatus.cancelled}


def test_a_new_rule_never_sends_for_times_already_past(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    clock.freeze(_pdt(3, 28, 9))  # Saturday before the vote: 14 and 7 days before are past
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=VOTE_AT)
    factories.make_alert_rule(session, actor, world.campaign.id)
    ticks()
    assert [r.occurrence for r in outbox()] == ["-3d", "-1d", "-0d"]
    assert notifications(world.lead.id) == []


def test_alerts_that_fell_due_while_down_go_out_late_once_if_the_vote_is_ahead(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    _setup(session, actor, world, ticks)
    # Down from before the 14-day alert until after the 1-day one: only the latest is useful.
    restarted = Ticks()
    try:
        restarted.at(_pdt(4, 2, 7))
    finally:
        restarted.close()
    got = notifications(world.lead.id)
    # The words count from when it is sent: at 7 AM on the day, the vote is today.
    assert [n.title.split(":")[0] for n in got] == ["Vote today"]
    by_occurrence = {r.occurrence: r for r in outbox()}
    assert by_occurrence["-1d"].status == OutboxStatus.sent and by_occurrence["-1d"].late
    for earlier in ("-14d", "-7d", "-3d"):
        assert by_occurrence[earlier].status == OutboxStatus.skipped
    assert by_occurrence["-0d"].status == OutboxStatus.pending


def test_nothing_goes_out_for_a_vote_already_past(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    _setup(session, actor, world, ticks)
    ticks.at(VOTE_AT + timedelta(hours=2))
    assert notifications(world.lead.id) == []
    rows = outbox()
    assert {r.status for r in rows} == {OutboxStatus.skipped}
    assert "The event had already passed." in {r.note for r in rows}


def test_daylight_saving_keeps_the_local_hour(
        make_campaign: Any, session: Session, actor: Any, ticks: Ticks) -> None:
    """Chicago springs forward on Sunday March 8, 2026. A vote at 6 PM that Sunday is alerted
    at 6 PM the Saturday before (CST), and a vote the Thursday after at 6 PM the Thursday
    before: the local hour holds, though the UTC offset changed in between."""
    world = make_campaign(timezone="America/Chicago")
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d", "1d"])
    sunday = factories.make_vote(session, actor, title="Sunday hearing", body_id=world.body.id,
                                 campaign_id=world.campaign.id,
                                 scheduled_at=datetime(2026, 3, 8, 18, 0))
    thursday = factories.make_vote(session, actor, title="Thursday vote", body_id=world.body.id,
                                   campaign_id=world.campaign.id,
                                   scheduled_at=datetime(2026, 3, 12, 18, 0))
    ticks()
    due = {(r.subject_id, r.occurrence): r.due_at for r in outbox()}
    # 6 PM CST is 00:00 UTC the next day; 6 PM CDT is 23:00 UTC the same day.
    assert due[(sunday.id, "-1d")] == datetime(2026, 3, 8, 0, 0, tzinfo=UTC)
    assert due[(thursday.id, "-7d")] == datetime(2026, 3, 6, 0, 0, tzinfo=UTC)
    assert due[(thursday.id, "-1d")] == datetime(2026, 3, 11, 23, 0, tzinfo=UTC)

    # Each alert arrives in the minute of its local hour, not an hour early or late.
    walk = [(datetime(2026, 3, 2, 0, 0, tzinfo=UTC), "Vote in 7 days: Sunday hearing"),
            (datetime(2026, 3, 6, 0, 0, tzinfo=UTC), "Vote in 7 days: Thursday vote"),
            (datetime(2026, 3, 8, 0, 0, tzinfo=UTC), "Vote tomorrow: Sunday hearing"),
            (datetime(2026, 3, 11, 23, 0, tzinfo=UTC), "Vote tomorrow: Thursday vote")]
    for count, (due, title) in enumerate(walk):
        ticks.at(due - MINUTE)
        assert len(notifications(world.lead.id)) == count
        ticks.at(due + MINUTE)
        got = notifications(world.lead.id)
        assert [n.title for n in got][-1] == title
    got = notifications(world.lead.id)
    assert "Sun Mar 8, 2026 6:00 PM CDT" in got[2].body
    assert "Thu Mar 12, 2026 6:00 PM CDT" in got[3].body


def test_a_vote_changed_outside_the_services_is_replanned_on_the_next_tick(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    """Agenda sync or an import may write votes directly: the tick re-plans every subject
    changed since its last look, so no hook in the services is needed."""
    vote = _setup(session, actor, world, ticks)
    clock.freeze(START + timedelta(hours=1))
    session.execute(sa.update(Vote).where(Vote.id == vote.id).values(
        scheduled_at=datetime(2026, 4, 17, 1, 0, tzinfo=UTC), updated_at=clock.now()))
    session.commit()
    ticks()
    assert [row.due_at for row in pending()] == [
        _pdt(4, 2, 18), _pdt(4, 9, 18), _pdt(4, 13, 18), _pdt(4, 15, 18), _pdt(4, 16, 8)]
