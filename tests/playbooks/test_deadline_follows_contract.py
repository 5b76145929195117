"""A campaign's notice deadline is its contract's: a change of the contract's terms, a renewal
recorded of it or another contract linked moves the campaign's deadline and the dated steps
counted from it, in the same transaction; a deadline typed against the contract is refused."""

from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.actions.models import Action
from api.campaigns.anchors import AnchorKind
from api.campaigns.models import Campaign
from api.db import new_session
from api.playbooks import service as playbooks
from api.playbooks.models import CampaignFromPlaybook
from tests import factories as f


def _campaign(session: Session, actor: Any) -> tuple[int, int]:
    """A campaign to cancel a renewal of a contract whose term ends June 30, 2026 with 60
    days' notice: its deadline is May 1 (the frozen clock is March 2)."""
    agency = f.make_agency(session, actor, with_place=True)
    contract = f.make_contract(session, actor, agency_id=agency.id)
    made = playbooks.create_campaign(session, actor, key="cancel_renewal",
                                     data=CampaignFromPlaybook(
                                         jurisdiction_id=agency.jurisdiction_id,
                                         campaign_start=date(2026, 3, 1),
                                         contract_id=contract.id))
    session.commit()
    assert made.campaign.notice_deadline == date(2026, 5, 1)
    return made.campaign.id, contract.id


def _deadline(campaign_id: int) -> date | None:
    with new_session() as fresh:
        campaign = fresh.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.notice_deadline


def _step_days(campaign_id: int) -> dict[int, date | None]:
    with new_session() as fresh:
        return dict(fresh.exec(select(Action.id, Action.scheduled_on).where(
            Action.campaign_id == campaign_id,
            Action.anchor_kind == AnchorKind.notice_deadline)).all())


def test_a_change_of_the_contracts_terms_moves_the_campaign_and_its_steps(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, contract_id = _campaign(session, actor)
    before = _step_days(campaign_id)
    assert before
    answer = client.patch(f"/api/v1/contracts/{contract_id}",
                          json={"termination_notice_days": 90})
    assert answer.status_code == 200, answer.text
    assert answer.json()["notice_deadline"] == "2026-04-01"
    assert _deadline(campaign_id) == date(2026, 4, 1)
    after = _step_days(campaign_id)
    assert all(after[i] == day - (date(2026, 5, 1) - date(2026, 4, 1))
               for i, day in before.items() if day is not None)


def test_a_renewal_recorded_moves_the_campaigns_deadline(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, contract_id = _campaign(session, actor)
    answer = client.post(f"/api/v1/contracts/{contract_id}/outcomes", json={
        "outcome": "renewed", "decided_on": "2026-03-01", "new_term_ends": "2027-06-30"})
    assert answer.status_code in (200, 201), answer.text
    assert _deadline(campaign_id) == date(2027, 5, 1)


def test_linking_another_contract_takes_its_deadline(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, _ = _campaign(session, actor)
    other = f.make_contract(session, actor, end_date=date(2026, 9, 30))
    session.commit()
    answer = client.patch(f"/api/v1/campaigns/{campaign_id}", json={"contract_ids": [other.id]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["notice_deadline"] == "2026-08-01"
    assert _deadline(campaign_id) == date(2026, 8, 1)


def test_a_deadline_against_the_contract_is_refused(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, _ = _campaign(session, actor)
    answer = client.patch(f"/api/v1/campaigns/{campaign_id}",
                          json={"notice_deadline": "2026-06-15"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "notice_deadline"
    assert "May 1, 2026" in answer.json()["detail"]
    assert _deadline(campaign_id) == date(2026, 5, 1)
    moved = client.post(f"/api/v1/campaigns/{campaign_id}/anchors",
                        json={"notice_deadline": "2026-06-15"})
    assert moved.status_code == 422, moved.text
    same = client.patch(f"/api/v1/campaigns/{campaign_id}",
                        json={"notice_deadline": "2026-05-01", "description": "Kept"})
    assert same.status_code == 200, same.text
