"""A vote or a contract an organization keeps to itself reaches nobody else through what is
derived from it: alerts, the delivery log, calendar feeds and the calendar page."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from api.alerts import service
from api.campaigns.models import CampaignContract
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, outbox

SECRET_VOTE = "Quiet-renewal-vote"
SECRET_CONTRACT = "Quiet-vendor-contract"


@pytest.fixture
def kept(session: Session, actor: Any, world: Campaign) -> Any:
    """Organization A's private vote and contract on the campaign, beside shared ones, and a
    member of A and of B."""
    ours = factories.make_organization(session, actor)
    theirs = factories.make_organization(session, actor)
    agency = factories.make_agency(session, actor, jurisdiction_id=world.jurisdiction.id)

    class Kept:
        insider = factories.make_user("partner", session=session, organization_id=ours.id)
        outsider = factories.make_user("partner", session=session, organization_id=theirs.id)
        vote = factories.make_vote(session, actor, title=SECRET_VOTE, body_id=world.body.id,
                                   campaign_id=world.campaign.id,
                                   scheduled_at=datetime(2026, 3, 20, 1, 0, tzinfo=UTC),
                                   owner_organization_id=ours.id, visibility="private")
        shared_vote = factories.make_vote(session, actor, title="Open budget vote",
                                          body_id=world.body.id, campaign_id=world.campaign.id,
                                          scheduled_at=datetime(2026, 3, 21, 1, 0, tzinfo=UTC))
        contract = factories.make_contract(session, actor, title=SECRET_CONTRACT,
                                           agency_id=agency.id, end_date=date(2026, 4, 30),
                                           termination_notice_days=30,
                                           owner_organization_id=ours.id, visibility="private")

    # The campaign is about the contract: its alerts are the campaign's.
    session.add(CampaignContract(campaign_id=world.campaign.id, contract_id=Kept.contract.id))
    session.commit()
    return Kept


def test_alerts_about_a_private_vote_or_contract_reach_only_its_readers(
        session: Session, actor: Any, world: Campaign, ticks: Ticks, kept: Any,
        client_as: Callable[..., TestClient]) -> None:
    readers = [f"user:{kept.insider.id}", f"user:{kept.outsider.id}", "campaign_leads"]
    factories.make_alert_rule(session, actor, world.campaign.id, subject="vote", offsets=["14d"],
                              recipients=readers, channels=["in_app", "webhook"])
    factories.make_alert_rule(session, actor, world.campaign.id, subject="notice_deadline",
                              offsets=["14d"], recipients=readers, channels=["in_app", "webhook"])
    service.create_endpoint(session, actor, {"name": "Coalition channel",
                                             "url": "https://hooks.example.org/coalition"})
    session.commit()
    ticks()
    planned = {(r.user_id, r.subject_kind, r.subject_id) for r in outbox()}
    secret = {("vote", kept.vote.id), ("notice_deadline", kept.contract.id)}
    for kind, subject in secret:
        assert (kept.insider.id, kind, subject) in planned
        # Another organization's member, the campaign's lead organization and the webhook
        # everyone in the coalition reads: no row, so no title, date or link.
        for reader in (kept.outsider.id, world.lead.id, None):
            assert (reader, kind, subject) not in planned, (reader, kind)
    assert (kept.outsider.id, "vote", kept.shared_vote.id) in planned
    assert (None, "vote", kept.shared_vote.id) in planned

    # The delivery log shows others' rows only about what the reader may read.
    lead = client_as("lead")
    log = lead.get("/api/v1/alerts/outbox", params={"limit": 200})
    assert log.status_code == 200
    assert SECRET_VOTE not in log.text and SECRET_CONTRACT not in log.text
    assert "Open budget vote" in log.text


def _feed_events(client: TestClient, kind: str, scope_id: int = 0) -> str:
    made = client.post("/api/v1/alerts/feeds", json={"kind": kind, "scope_id": scope_id})
    assert made.status_code == 201, made.text
    feed = client.get(made.json()["path"])
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    return "\n".join(str(event["SUMMARY"]) for event in events)


def test_calendar_feeds_and_the_calendar_show_a_private_vote_only_to_its_readers(
        world: Campaign, kept: Any, client_as: Callable[..., TestClient]) -> None:
    insider = client_as("partner", organization_id=kept.insider.organization_id)
    outsider = client_as("partner", organization_id=kept.outsider.organization_id)
    lead = client_as("lead")
    for client, reads in ((insider, True), (outsider, False), (lead, False)):
        for kind, scope in (("campaign", world.campaign.id), ("body", world.body.id)):
            summaries = _feed_events(client, kind, scope)
            assert "Open budget vote" in summaries
            assert (SECRET_VOTE in summaries) == reads, (client.user, kind)  # type: ignore[attr-defined]
            if kind == "campaign":
                assert (SECRET_CONTRACT in summaries) == reads
        page = client.get("/calendar", params={"view": "agenda", "month": "2026-03"})
        assert page.status_code == 200 and "Open budget vote" in page.text
        assert (SECRET_VOTE in page.text) == reads
        assert (SECRET_CONTRACT in page.text) == reads
