"""Planning is the scheduler's: a request only marks what changed, so no click can cancel an
alert its user may not read; a postponed vote holds its alerts until it is rescheduled; every
new campaign gets the default rules, whatever rules it was given first."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session, select

from api.alerts import planner, replan, service
from api.alerts.models import AlertReplan, AlertRule, OutboxStatus
from api.alerts.rules import default_specs
from api.auth import scoping
from api.db import get_engine, session_scope
from api.votes import service as votes
from api.votes.models import Vote
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, notifications, outbox, pending
from tests.factories import make_user


def test_a_lead_following_a_campaign_leaves_a_partners_private_task_alert_alone(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    partner_org = factories.make_organization(session, actor)
    partner = factories.make_user("partner", session=session, organization_id=partner_org.id)
    lead = make_user("lead", organization_id=world.lead_org.id)
    factories.make_task(session, actor, campaign_id=world.campaign.id, title="Call the clerk",
                        due_on=date(2026, 3, 3), visibility="private",
                        owner_organization_id=partner_org.id,
                        assignee_organization_id=partner_org.id)
    factories.make_alert_rule(session, lead, world.campaign.id, subject="task_due", offsets=["1d"],
                              recipients=["assigned_organization"], channels=["in_app"])
    ticks()
    [planned] = pending()
    assert planned.user_id == partner.id

    # The lead's click, in a session that reads only what the lead may read, as a request's.
    with Session(get_engine(), expire_on_commit=False) as request:
        scoping.act_as(request, lead)
        service.follow(request, lead, subject_kind="campaign", subject_id=world.campaign.id)
        request.commit()
    assert [(r.id, r.status) for r in outbox()] == [(planned.id, OutboxStatus.pending)]
    ticks()
    assert [(r.id, r.status) for r in outbox()] == [(planned.id, OutboxStatus.pending)]

    ticks.at(planned.due_at + timedelta(minutes=1))
    assert [n.title for n in notifications(partner.id)] == ["Task due: Call the clerk (tomorrow)"]


def test_the_planner_refuses_a_session_scoped_to_one_user(
        session: Session, actor: Any, world: Campaign) -> None:
    with Session(get_engine()) as request:
        scoping.act_as(request, world.lead)
        with pytest.raises(RuntimeError, match="unscoped"):
            planner.plan(request, now=datetime(2026, 3, 1, 20, 0, tzinfo=UTC), changed={})


def test_a_tick_plans_only_the_subjects_that_changed(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"])
    first = factories.make_vote(session, actor, body_id=world.body.id,
                                campaign_id=world.campaign.id,
                                scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 4, 10, 1, 0, tzinfo=UTC))
    assert ticks().planned.full
    assert ticks().planned.subjects == 0

    factories.update(votes.crud, session, actor, first.id,
                     scheduled_at=datetime(2026, 4, 4, 1, 0, tzinfo=UTC))
    planned = ticks().planned
    assert not planned.full
    assert (planned.subjects, planned.moved) == (1, 1)
    with session_scope(read_only=True) as s:
        assert s.exec(select(AlertReplan)).all() == []


def test_a_postponed_vote_holds_its_alerts_until_it_is_rescheduled(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d", "1d"])
    vote = factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    ticks()
    assert len(pending()) == 2
    factories.update(votes.crud, session, actor, vote.id, status="postponed")
    ticks()
    rows = outbox()
    assert [(r.status, r.note) for r in rows] == [(OutboxStatus.paused,
                                                   "the vote is postponed")] * 2
    # Past the old dates, nothing goes out.
    ticks.at(datetime(2026, 3, 20, 2, 0, tzinfo=UTC))
    assert notifications(world.lead.id) == []

    factories.update(votes.crud, session, actor, vote.id, status="scheduled",
                     scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    assert [(r.status, r.due_at) for r in outbox()] == [
        (OutboxStatus.pending, datetime(2026, 3, 27, 1, 0, tzinfo=UTC)),
        (OutboxStatus.pending, datetime(2026, 4, 2, 1, 0, tzinfo=UTC))]
    ticks.at(datetime(2026, 3, 27, 1, 1, tzinfo=UTC))
    assert [n.title for n in notifications(world.lead.id)] == [
        "Vote in 7 days: Renew the Flock contract"]


def test_a_row_claimed_after_its_vote_was_postponed_is_held_not_sent(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"])
    vote = factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=datetime(2026, 3, 20, 1, 0, tzinfo=UTC))
    ticks()
    # Postponed behind the planner's back, just before the reminder falls due.
    session.execute(sa.update(Vote).where(Vote.id == vote.id).values(status="postponed"))
    session.execute(sa.delete(AlertReplan))
    session.commit()
    ticks.dispatcher.planner.last_full = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)
    ticks.at(datetime(2026, 3, 13, 1, 1, tzinfo=UTC))
    assert notifications(world.lead.id) == []
    assert [r.status for r in outbox()] == [OutboxStatus.paused]


def test_every_new_campaign_gets_the_default_rules_even_with_rules_of_its_own(
        session: Session, actor: Any, make_campaign: Callable[..., Campaign],
        ticks: Ticks) -> None:
    made = make_campaign(defaults=True)
    own = factories.make_alert_rule(session, actor, made.campaign.id, subject="task_due",
                                    offsets=["3d"], recipients=["campaign_leads"])
    ticks()
    with session_scope(read_only=True) as s:
        rules = s.exec(select(AlertRule).where(AlertRule.campaign_id == made.campaign.id)
                       .order_by(AlertRule.id)).all()
    assert rules[0].id == own.id
    assert [r.subject for r in rules[1:]] == [spec.subject for spec in default_specs()]


def test_a_default_the_campaign_already_has_is_not_added_twice(
        session: Session, actor: Any, make_campaign: Callable[..., Campaign],
        ticks: Ticks) -> None:
    made = make_campaign(defaults=True)
    first = default_specs()[0]
    service.create_rules_from_specs(session, actor, campaign_id=made.campaign.id,
                                    specs=[first])
    session.commit()
    ticks()
    with session_scope(read_only=True) as s:
        count = len(s.exec(select(AlertRule).where(
            AlertRule.campaign_id == made.campaign.id)).all())
    assert count == len(default_specs())


def test_every_watched_table_has_its_triggers(db: None) -> None:
    engine = get_engine()
    dialect = engine.dialect.name
    with engine.connect() as conn:
        if dialect == "postgresql":
            found = set(conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").scalars())
        else:
            found = set(conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
    for table, names in replan.trigger_names(dialect).items():
        assert set(names) <= found, table


def test_a_postponed_vote_is_tentative_in_calendar_feeds(
        client: TestClient, session: Session, actor: Any, world: Campaign) -> None:
    vote = factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    created = client.post("/api/v1/alerts/feeds",
                          json={"kind": "campaign", "scope_id": world.campaign.id})
    assert created.status_code == 201, created.text
    path = created.json()["path"]

    def status() -> str:
        [event] = Calendar.from_ical(client.get(path).content).walk("VEVENT")
        return str(event["STATUS"])

    assert status() == "CONFIRMED"
    factories.update(votes.crud, session, actor, vote.id, status="postponed")
    assert status() == "TENTATIVE"
