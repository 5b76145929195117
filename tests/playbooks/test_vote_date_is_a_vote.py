"""A campaign's vote date is a Vote: given to a campaign with none, it makes one on the
campaign's voting body, whose reminders then go out; moved, it moves that vote; cleared, it
calls the vote off and its reminders with it."""

from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.actions.models import Action
from api.alerts import service as alerts
from api.campaigns.anchors import AnchorKind
from api.db import new_session
from api.playbooks import service as playbooks
from api.playbooks.models import CampaignFromPlaybook
from api.votes.models import Vote
from tests import factories as f
from tests.alerts.conftest import outbox, tick_once


def _votes(campaign_id: int) -> list[Vote]:
    with new_session() as fresh:
        return list(fresh.exec(select(Vote).where(Vote.campaign_id == campaign_id)
                               .order_by(Vote.id)).all())


def _plain_campaign(session: Session, actor: Any) -> int:
    """A campaign with no vote, in a city whose council is its only body that votes, led by
    an organization with a member, and the default reminders."""
    body = f.make_body(session, actor, name="Riverton Council")
    org = f.make_organization(session, actor, name="Riverton Privacy Watch")
    f.make_user("partner", session=session, organization_id=org.id)
    campaign = f.make_campaign(session, actor, jurisdiction_id=body.jurisdiction_id,
                               lead_organization_ids=[org.id])
    alerts.install_default_rules(session, actor, campaign_id=campaign.id)
    session.commit()
    return campaign.id


def test_a_vote_date_makes_the_vote_moves_it_and_clearing_calls_it_off(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id = _plain_campaign(session, actor)
    answer = client.patch(f"/api/v1/campaigns/{campaign_id}", json={"vote_date": "2026-04-14"})
    assert answer.status_code == 200, answer.text
    [vote] = _votes(campaign_id)
    assert vote.status == "scheduled"
    assert vote.scheduled_at.date() in (date(2026, 4, 14), date(2026, 4, 15))
    tick_once()
    assert outbox(subject_kind="vote", subject_id=vote.id, status="pending")

    moved = client.patch(f"/api/v1/campaigns/{campaign_id}", json={"vote_date": "2026-04-28"})
    assert moved.status_code == 200, moved.text
    [same] = _votes(campaign_id)
    assert same.id == vote.id
    assert same.scheduled_at.date() in (date(2026, 4, 28), date(2026, 4, 29))

    cleared = client.patch(f"/api/v1/campaigns/{campaign_id}", json={"vote_date": None})
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["vote_date"] is None
    [called_off] = _votes(campaign_id)
    assert called_off.status == "cancelled"
    tick_once()
    assert not outbox(subject_kind="vote", subject_id=vote.id, status="pending")


def test_a_playbook_campaigns_vote_cleared_is_called_off(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    made = playbooks.create_campaign(session, actor, key="stop_new_contract",
                                     data=CampaignFromPlaybook(
                                         jurisdiction_id=body.jurisdiction_id, body_id=body.id,
                                         campaign_start=date(2026, 3, 1),
                                         vote_date=date(2026, 4, 14)))
    session.commit()
    answer = client.patch(f"/api/v1/campaigns/{made.campaign.id}", json={"vote_date": None})
    assert answer.status_code == 200, answer.text
    with new_session() as fresh:
        vote = fresh.get(Vote, made.vote_id)
        assert vote is not None and vote.status == "cancelled"
        assert not fresh.exec(select(Action.id).where(
            Action.campaign_id == made.campaign.id, Action.anchor_kind == AnchorKind.vote,
            Action.vote_id.is_not(None))).all()


def test_with_several_voting_bodies_the_date_is_refused_plainly(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    place = f.make_jurisdiction(session, actor)
    f.make_body(session, actor, jurisdiction_id=place.id)
    f.make_body(session, actor, jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, jurisdiction_id=place.id)
    session.commit()
    answer = client.patch(f"/api/v1/campaigns/{campaign.id}", json={"vote_date": "2026-04-14"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "vote_date"
    assert "body" in answer.json()["detail"]
    assert _votes(campaign.id) == []
