"""The "undecided, not met in 30 days" escalation holds, or not, as each reader knows the target:
a private meeting neither tells others the stance it observed nor spares them the alert, and
sharing it afterwards re-plans what it changes."""

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from api.alerts import service
from api.alerts.models import OutboxStatus
from api.auth.models import Role
from api.meetings import service as meetings
from api.targets import service as targets
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, notifications, outbox


def _told(target: Any) -> set[tuple[int | None, bool]]:
    """(user, by webhook) of every alert still waiting that names the target."""
    return {(r.user_id, r.endpoint_id is not None) for r in outbox()
            if r.occurrence.endswith(f"/t{target.id}") and r.status == OutboxStatus.pending}


def test_each_reader_is_told_of_the_stances_and_meetings_they_may_read(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    ours = factories.make_organization(session, actor)
    theirs = factories.make_organization(session, actor)
    insider = factories.make_user("partner", session=session, organization_id=ours.id)
    outsider = factories.make_user("partner", session=session, organization_id=theirs.id)
    known = factories.make_target(session, actor, name="Known Undecided", body_id=world.body.id,
                                  visibility="coalition")
    quiet = factories.make_target(session, actor, name="Quietly Undecided", body_id=world.body.id,
                                  visibility="coalition")
    # Everyone knows the first is undecided; only our organization knows it met them lately.
    targets.set_stance(session, actor, target_id=known.id, campaign_id=world.campaign.id,
                       level="undecided")
    met = factories.make_meeting(session, actor, organization_id=ours.id, visibility="private",
                                 held_at=datetime(2026, 2, 27, 18, 0, tzinfo=UTC),
                                 target_ids=[known.id], summary="Coffee with the council member")
    # Only our organization knows the second is undecided: it said so in a private meeting
    # long before the window.
    told = factories.make_meeting(session, actor, organization_id=ours.id, visibility="private",
                                  held_at=datetime(2026, 1, 10, 18, 0, tzinfo=UTC),
                                  target_ids=[quiet.id], summary="Said they have not decided")
    targets.set_stance(session, actor, target_id=quiet.id, campaign_id=world.campaign.id,
                       level="undecided", meeting_id=told.id,
                       recorded_at=datetime(2026, 1, 10, 18, 0, tzinfo=UTC))
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

    # Our members met the first lately; the others, who may not read that meeting, are told.
    assert _told(known) == {(outsider.id, False), (world.lead.id, False), (None, True)}
    # Nobody outside our organization knows the second's stance: only our members are told.
    assert _told(quiet) == {(insider.id, False)}

    # The meeting is shared with the coalition: now everyone knows the first was met, and the
    # next tick, long before the alerts fall due, takes them back.
    factories.update(meetings.crud, session, actor, met.id, visibility="coalition")
    ticks()
    assert _told(known) == set()
    ticks.at(datetime(2026, 3, 27, 1, 1, tzinfo=UTC))
    assert notifications(outsider.id) == []
    assert [n.title for n in notifications(insider.id)] == [
        "Undecided, not met in 30 days: Quietly Undecided, before Renewal vote (in 7 days)"]


def test_a_post_to_the_leads_channel_is_shown_to_those_who_read_it(
        session: Session, actor: Any, world: Campaign, ticks: Ticks, client_as: Any) -> None:
    quiet = factories.make_target(session, actor, name="Lena Leadsonly", body_id=world.body.id,
                                  visibility="leads")
    targets.set_stance(session, actor, target_id=quiet.id, campaign_id=world.campaign.id,
                       level="undecided")
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, subject="undecided_escalation",
                              offsets=["7d"], recipients=["campaign_leads"], channels=["webhook"])
    for name, reads in (("Leads' channel", "leads"), ("Coalition channel", "coalition")):
        service.create_endpoint(session, actor, {"name": name, "reads": reads,
                                                 "url": f"https://hooks.example.org/{reads}"})
    session.commit()
    factories.make_vote(session, actor, title="Renewal vote", body_id=world.body.id,
                        campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 4, 3, 1, 0, tzinfo=UTC))
    ticks()
    assert _told(quiet) == {(None, True)}
    lead, partner = client_as(Role.lead), client_as(Role.partner)
    assert "Lena Leadsonly" in lead.get("/api/v1/alerts/outbox").text
    assert "Lena Leadsonly" not in partner.get("/api/v1/alerts/outbox").text
    assert "Lena Leadsonly" not in partner.get("/alerts/log").text
