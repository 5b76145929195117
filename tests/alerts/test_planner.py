"""What the rules plan for each kind of subject: contract deadlines, records requests (and every
7 days while overdue), tasks, the undecided-target escalation, followers, preferences, and the
default rules a new campaign gets."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from api.alerts import planner, service
from api.alerts.models import AlertRule, Channel, OutboxStatus
from api.alerts.rules import DEFAULT_RULES
from api.campaigns.models import CampaignContract
from api.db import session_scope
from api.organizations.models import Organization
from api.records_requests import service as records_requests
from api.targets import service as targets
from tests import factories
from tests.alerts.conftest import START, Campaign, Ticks, notifications, outbox, pending


def _eight_am_pacific(day: date) -> datetime:
    """8 AM in Los Angeles that day (the dates below are all in daylight time)."""
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)


def test_notice_deadline_and_contract_end_alerts_come_the_morning_of_each_day(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    agency = factories.make_agency(session, actor, jurisdiction_id=world.jurisdiction.id)
    # Ends September 30; 60 days' notice: the deadline is August 1.
    contract = factories.make_contract(session, actor, agency_id=agency.id,
                                       end_date=date(2026, 9, 30), termination_notice_days=60)
    # The campaign is about the contract: its alerts are the campaign's.
    session.add(CampaignContract(campaign_id=world.campaign.id, contract_id=contract.id))
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, subject="notice_deadline",
                              offsets=["90d", "60d", "30d", "7d"])
    factories.make_alert_rule(session, actor, world.campaign.id, subject="contract_end",
                              offsets=["30d"])
    ticks()
    rows = outbox()
    assert [(r.subject_kind, r.occurrence, r.due_at) for r in rows] == [
        ("notice_deadline", "-90d", _eight_am_pacific(date(2026, 5, 3))),
        ("notice_deadline", "-60d", _eight_am_pacific(date(2026, 6, 2))),
        ("notice_deadline", "-30d", _eight_am_pacific(date(2026, 7, 2))),
        ("notice_deadline", "-7d", _eight_am_pacific(date(2026, 7, 25))),
        ("contract_end", "-30d", _eight_am_pacific(date(2026, 8, 31))),
    ]
    assert all(r.subject_id == contract.id and r.all_day for r in rows)

    ticks.at(_eight_am_pacific(date(2026, 7, 2)) + timedelta(minutes=1))
    got = notifications(world.lead.id)
    assert got[-1].title == (f"Termination notice deadline: {contract.title} (in 30 days)")
    assert "Sat Aug 1, 2026" in got[-1].body


def test_a_records_request_is_flagged_before_its_due_date_and_every_week_while_overdue(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    requester = factories.make_organization(session, actor)
    member = factories.make_user("partner", session=session, organization_id=requester.id)
    request = factories.make_records_request(
        session, actor, campaign_id=world.campaign.id, requester_organization_id=requester.id,
        visibility="coalition", status="sent", sent_on=date(2026, 2, 20),
        due_on=date(2026, 3, 10))
    for spec in DEFAULT_RULES:
        if spec["subject"] == "records_request_due":
            factories.make_alert_rule(session, actor, world.campaign.id,
                                      **{**spec, "channels": ["in_app"]})
    ticks()
    mine = [r for r in outbox() if r.user_id == member.id]
    assert [(r.occurrence, r.due_at) for r in mine] == [
        ("-2d", _eight_am_pacific(date(2026, 3, 8))),  # daylight time began at 2 AM
        ("+7d", _eight_am_pacific(date(2026, 3, 17))),
        ("+14d", _eight_am_pacific(date(2026, 3, 24))),
        ("+21d", _eight_am_pacific(date(2026, 3, 31))),
    ]
    assert {r.user_id for r in outbox()} == {member.id, world.lead.id}

    for day in (8, 17, 24):
        ticks.at(datetime(2026, 3, day, 16, 0, tzinfo=UTC))
    titles = [n.title for n in notifications(member.id)]
    assert titles == [f"Records request due: {request.subject} (in 2 days)",
                      f"Records request due: {request.subject} (7 days ago)",
                      f"Records request due: {request.subject} (14 days ago)"]

    # Fulfilled: the weekly reminders stop.
    factories.update(records_requests.crud, session, actor, request.id, status="fulfilled")
    ticks.at(datetime(2026, 4, 30, 16, 0, tzinfo=UTC))
    assert len(notifications(member.id)) == 3
    left = [r for r in outbox(user_id=member.id) if r.occurrence == "+21d"]
    assert [(r.status, r.note) for r in left] == [(OutboxStatus.cancelled,
                                                   "the request is fulfilled")]


def test_a_task_due_tomorrow_reaches_its_assignee(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    assignee = factories.make_user("partner", session=session)
    task = factories.make_task(session, actor, campaign_id=world.campaign.id,
                               assignee_user_id=assignee.id, due_on=date(2026, 3, 20),
                               title="Book the room for the teach-in")
    factories.make_alert_rule(session, actor, world.campaign.id, subject="task_due", offsets=["1d"],
                              recipients=["assigned_organization"])
    ticks()
    [row] = outbox()
    assert (row.user_id, row.subject_id) == (assignee.id, task.id)
    assert row.due_at == _eight_am_pacific(date(2026, 3, 19))
    ticks.at(row.due_at + timedelta(minutes=1))
    assert [n.title for n in notifications(assignee.id)] == [
        "Task due: Book the room for the teach-in (tomorrow)"]


def test_the_undecided_target_escalation_goes_to_leads_and_the_relationship_owner(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    owner_org = factories.make_organization(session, actor)
    owner = factories.make_user("partner", session=session, organization_id=owner_org.id)
    undecided = factories.make_target(session, actor, name="Ana Okafor", body_id=world.body.id,
                                      owner_organization_id=owner_org.id)
    met = factories.make_target(session, actor, name="Sam Chen", body_id=world.body.id,
                                owner_organization_id=owner_org.id)
    decided = factories.make_target(session, actor, name="Dana Doyle", body_id=world.body.id,
                                    owner_organization_id=owner_org.id)
    for target, level in ((undecided, "undecided"), (met, "undecided"), (decided, "opposed")):
        targets.set_stance(session, actor, target_id=target.id, campaign_id=world.campaign.id,
                           level=level)
    session.commit()
    # Met on February 28, and shared with the coalition: within the 30 days before the alert
    # falls due on March 26, as everyone knows.
    factories.make_meeting(session, actor, held_at=datetime(2026, 2, 28, 18, 0, tzinfo=UTC),
                           target_ids=[met.id], visibility="coalition")
    factories.make_alert_rule(session, actor, world.campaign.id, subject="undecided_escalation",
                              offsets=["7d"], recipients=["campaign_leads", "relationship_owner"])
    factories.make_vote(session, actor, title="Renewal vote", body_id=world.body.id,
                        campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    rows = outbox()
    assert {r.occurrence for r in rows} == {f"-7d/t{undecided.id}"}
    assert {r.user_id for r in rows} == {world.lead.id, owner.id}
    ticks.at(datetime(2026, 3, 27, 1, 1, tzinfo=UTC))
    [note] = notifications(owner.id)
    assert note.title.startswith("Undecided, not met in 30 days: Ana Okafor, before Renewal vote")


def test_the_escalation_is_dropped_if_someone_meets_the_target_before_it_is_due(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    target = factories.make_target(session, actor, body_id=world.body.id)
    targets.set_stance(session, actor, target_id=target.id, campaign_id=world.campaign.id,
                       level="undecided")
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, subject="undecided_escalation",
                              offsets=["7d"], recipients=["campaign_leads"])
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    assert len(pending()) == 1
    ticks.at(datetime(2026, 3, 20, 18, 0, tzinfo=UTC))
    factories.make_meeting(session, actor, held_at=datetime(2026, 3, 20, 17, 0, tzinfo=UTC),
                           target_ids=[target.id], visibility="coalition")
    ticks.at(datetime(2026, 3, 27, 1, 1, tzinfo=UTC))
    assert notifications(world.lead.id) == []
    assert outbox()[0].status == OutboxStatus.cancelled


def test_followers_get_the_alerts_of_what_they_follow(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    follower = factories.make_user("partner", session=session)
    bystander = factories.make_user("partner", session=session)
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["1d"],
                              recipients=["followers"])
    vote = factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    assert outbox() == []
    followed = service.follow(session, follower, subject_kind="campaign",
                              subject_id=world.campaign.id)
    session.commit()
    # The request only marks what changed; the scheduler's next tick plans it.
    ticks()
    assert [r.user_id for r in pending()] == [follower.id]
    ticks.at(datetime(2026, 4, 2, 1, 1, tzinfo=UTC))
    assert [n.link for n in notifications(follower.id)] == [f"/votes/{vote.id}"]
    assert notifications(bystander.id) == []

    # Unfollowing cancels what is still pending.
    other = factories.make_vote(session, actor, body_id=world.body.id,
                                campaign_id=world.campaign.id,
                                scheduled_at=datetime(2026, 5, 3, 1, 0, tzinfo=UTC))
    ticks()
    assert [r.subject_id for r in pending()] == [other.id]
    service.unfollow(session, follower, followed.id)
    session.commit()
    ticks()
    assert pending() == []

    # Following a council member is following the votes of their council.
    member = factories.make_target(session, actor, body_id=world.body.id)
    service.follow(session, bystander, subject_kind="target", subject_id=member.id)
    session.commit()
    ticks()
    assert [(r.user_id, r.subject_id) for r in pending()] == [(bystander.id, other.id)]


def test_preferences_turn_channels_off_and_on(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["1d"],
                              channels=["email", "in_app"])
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    assert sorted(r.channel for r in pending()) == [Channel.email, Channel.in_app]
    service.update_preferences(session, world.lead, {"email_mode": "off", "in_app": False})
    session.commit()
    ticks()
    assert pending() == []
    service.update_preferences(session, world.lead, {"email_mode": "immediate", "in_app": True})
    session.commit()
    ticks()
    assert sorted(r.channel for r in pending()) == [Channel.email, Channel.in_app]


def test_a_new_campaign_gets_the_default_rules_and_deleting_them_is_respected(
        session: Session, actor: Any, make_campaign: Callable[..., Campaign],
        ticks: Ticks) -> None:
    world = make_campaign(defaults=True)
    ticks()
    with session_scope(read_only=True) as s:
        rules = s.exec(select(AlertRule).where(AlertRule.campaign_id == world.campaign.id)
                       .order_by(AlertRule.id)).all()
    assert [(r.subject, r.offsets, r.direction, r.repeat_every) for r in rules] == [
        (d["subject"], d["offsets"], d["direction"], d.get("repeat_every", ""))
        for d in DEFAULT_RULES]
    assert rules[0].name == ("14 days, 7 days, 3 days and 1 day before each vote, "
                             "and the morning of it")
    for found in rules:
        service.delete_rule(session, actor, found.id)
    session.commit()
    ticks.at(START + timedelta(hours=1))
    with session_scope(read_only=True) as s:
        assert s.exec(select(AlertRule)).all() == []


def test_a_playbook_shaped_spec_list_creates_rules(
        session: Session, actor: Any, world: Campaign) -> None:
    specs = [{"subject": "vote", "offsets": ["14d", "7d", "3d", "1d", "0d"],
              "direction": "before", "recipients": ["campaign_leads", "followers"],
              "channels": ["email", "in_app"]},
             {"subject": "records_request_due", "offsets": ["7d"], "direction": "after",
              "repeat_every": "7d", "recipients": ["assigned_organization"],
              "channels": ["email"]}]
    made = service.create_rules_from_specs(session, actor, campaign_id=world.campaign.id,
                                           specs=specs)
    session.commit()
    assert [(r.subject, r.repeat_every, r.channels) for r in made] == [
        ("vote", "", ["email", "in_app"]), ("records_request_due", "7d", ["email"])]
    assert made[1].name == "7 days after each records request due date, then every 7 days"


def test_alerts_about_a_private_record_reach_only_those_who_may_read_it(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    owners = factories.make_organization(session, actor)
    others = factories.make_organization(session, actor)
    insider = factories.make_user("partner", session=session, organization_id=owners.id)
    outsider = factories.make_user("partner", session=session, organization_id=others.id)
    private = factories.make_records_request(
        session, actor, campaign_id=world.campaign.id, requester_organization_id=owners.id,
        visibility="private", status="sent", sent_on=date(2026, 2, 20), due_on=date(2026, 3, 10))
    shared = factories.make_records_request(
        session, actor, campaign_id=world.campaign.id, requester_organization_id=owners.id,
        visibility="coalition", status="sent", sent_on=date(2026, 2, 20),
        due_on=date(2026, 3, 10))
    factories.make_alert_rule(session, actor, world.campaign.id, subject="records_request_due",
                              offsets=["2d"],
                              recipients=[f"user:{insider.id}", f"user:{outsider.id}"],
                              channels=["in_app"])
    ticks()
    planned = {(r.user_id, r.subject_id) for r in outbox()}
    assert (insider.id, private.id) in planned and (insider.id, shared.id) in planned
    assert (outsider.id, shared.id) in planned
    # Another organization's private request: not a title, not a date, not a row.
    assert (outsider.id, private.id) not in planned


def test_planning_reads_without_keeping_writers_waiting(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        monkeypatch: Any) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, subject="notice_deadline",
                              offsets=["7d"])
    agency = factories.make_agency(session, actor, jurisdiction_id=world.jurisdiction.id)
    factories.make_contract(session, actor, agency_id=agency.id)
    gather = planner.gather
    written: list[int] = []

    def gather_while_someone_writes(reading: Session, **kwargs: Any) -> Any:
        work = gather(reading, **kwargs)
        # A page saving a record while the planner is still reading: on SQLite a planner
        # holding the write lock would keep this waiting until it gave up.
        with session_scope() as writing:
            org = Organization(name="Saved mid-plan", kind="faith")
            writing.add(org)
            writing.flush()
            written.append(org.id)
        return work

    monkeypatch.setattr(planner, "gather", gather_while_someone_writes)
    ticks()
    assert written


def test_an_escalation_names_a_private_target_only_to_those_who_may_read_it(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    ours = factories.make_organization(session, actor)
    theirs = factories.make_organization(session, actor)
    insider = factories.make_user("partner", session=session, organization_id=ours.id)
    outsider = factories.make_user("partner", session=session, organization_id=theirs.id)
    kept = factories.make_target(session, actor, name="Kept Quiet", body_id=world.body.id,
                                 owner_organization_id=ours.id, visibility="private")
    shared = factories.make_target(session, actor, name="Known To All", body_id=world.body.id,
                                   owner_organization_id=ours.id, visibility="coalition")
    for target in (kept, shared):
        targets.set_stance(session, actor, target_id=target.id, campaign_id=world.campaign.id,
                           level="undecided")
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, subject="undecided_escalation",
                              offsets=["7d"], recipients=["campaign_leads", f"user:{insider.id}",
                                                          f"user:{outsider.id}"],
                              channels=["in_app", "webhook"])
    service.create_endpoint(session, actor, {"name": "Coalition channel",
                                             "url": "https://hooks.example.org/coalition"})
    session.commit()
    factories.make_vote(session, actor, title="Renewal vote", body_id=world.body.id,
                        campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    named = {(r.user_id, r.endpoint_id is not None, r.occurrence.split("/t")[1])
             for r in outbox()}
    k, s = str(kept.id), str(shared.id)
    assert (insider.id, False, k) in named and (insider.id, False, s) in named
    assert (outsider.id, False, s) in named and (outsider.id, False, k) not in named
    # The lead is no member of the owning organization: a private target is not theirs.
    assert (world.lead.id, False, s) in named and (world.lead.id, False, k) not in named
    assert (None, True, s) in named
    assert not any(webhook and target == k for _, webhook, target in named)
