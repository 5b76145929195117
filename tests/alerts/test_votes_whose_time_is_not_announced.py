"""A vote whose day is known and hour is not is an all-day event in calendar feeds, noted as
such, and its alerts say "time not announced" (in Spanish, "hora por anunciar"), never an hour
made up for it."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from api.alerts import service
from api.alerts.channels import local_when
from api.i18n.catalogs import use_locale
from api.votes import service as votes
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, outbox, tick_once


def _feed_events(client: TestClient, campaign_id: int) -> dict[str, Any]:
    made = client.post("/api/v1/alerts/feeds", json={"kind": "campaign", "scope_id": campaign_id})
    assert made.status_code == 201, made.text
    calendar = Calendar.from_ical(client.get(made.json()["path"]).content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_a_vote_without_a_time_is_all_day_in_the_feed(
        client: TestClient, session: Session, actor: Any, world: Campaign) -> None:
    unknown = factories.make_vote(session, actor, title="Renew the Flock contract",
                                  body_id=world.body.id, campaign_id=world.campaign.id,
                                  scheduled_at="2026-04-02")
    known = factories.make_vote(session, actor, title="Budget hearing", body_id=world.body.id,
                                campaign_id=world.campaign.id,
                                scheduled_at=datetime(2026, 5, 7, 18, 0))
    assert unknown.time_not_announced is True and known.time_not_announced is False
    events = _feed_events(client, world.campaign.id)
    event = events[f"vote-{unknown.id}@127.0.0.1"]
    assert event.decoded("DTSTART") == date(2026, 4, 2)
    assert event.decoded("DTEND") == date(2026, 4, 3)
    assert event["SUMMARY"] == "Vote: Renew the Flock contract (time not announced)"
    timed = events[f"vote-{known.id}@127.0.0.1"]
    assert isinstance(timed.decoded("DTSTART"), datetime)
    assert timed["SUMMARY"] == "Vote: Budget hearing"


def _untimed_vote_alerted(session: Session, actor: Any, world: Campaign,
                          offsets: list[str]) -> Any:
    """A vote on April 2 at a time not announced, with a rule telling the lead ahead of it."""
    service.create_rules_from_specs(session, actor, campaign_id=world.campaign.id, specs=[{
        "subject": "vote", "offsets": offsets, "direction": "before",
        "recipients": [f"user:{world.lead.id}"], "channels": ["in_app"]}])
    vote = factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at="2026-04-02")
    session.commit()
    return vote


def test_an_alert_of_a_vote_without_a_time_says_so(
        session: Session, actor: Any, world: Campaign) -> None:
    vote = _untimed_vote_alerted(session, actor, world, ["1d"])
    tick_once()
    [row] = outbox(subject_kind="vote", subject_id=vote.id)
    assert row.all_day is True
    said = local_when(row)
    assert said == "Thu Apr 2, 2026, time not announced"
    assert "AM" not in said and "PM" not in said
    with use_locale("es"):
        assert local_when(row) == "jue 2 abr 2026, hora por anunciar"


def test_hours_before_a_vote_without_a_time_count_back_from_its_morning(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    """Two hours before a vote on April 2 whose hour nobody knows is 6 AM on April 2 where the
    council meets (8 AM, the morning every day-based alert uses, less two hours), not 10 PM the
    evening before; 24 hours before is 8 AM the day before, as "1 day before" is; and the
    alerts follow the vote when it moves or its hour is announced."""
    vote = _untimed_vote_alerted(session, actor, world, ["2h", "24h"])
    ticks()
    # Los Angeles is on daylight time (UTC-7) by April.
    assert {r.occurrence: r.due_at for r in outbox(subject_kind="vote")} == {
        "-2h": datetime(2026, 4, 2, 13, 0, tzinfo=UTC),
        "-24h": datetime(2026, 4, 1, 15, 0, tzinfo=UTC)}

    factories.update(votes.crud, session, actor, vote.id, scheduled_at="2026-04-09")
    ticks()
    assert {r.occurrence: r.due_at for r in outbox(subject_kind="vote")} == {
        "-2h": datetime(2026, 4, 9, 13, 0, tzinfo=UTC),
        "-24h": datetime(2026, 4, 8, 15, 0, tzinfo=UTC)}

    # Once the hour is announced, hours count from it.
    factories.update(votes.crud, session, actor, vote.id,
                     scheduled_at=datetime(2026, 4, 10, 1, 0, tzinfo=UTC),
                     time_not_announced=False)
    ticks()
    assert outbox(subject_kind="vote", occurrence="-2h")[0].due_at == datetime(
        2026, 4, 9, 23, 0, tzinfo=UTC)
