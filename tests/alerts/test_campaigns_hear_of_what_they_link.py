"""A campaign is told of the contracts it names and of those its votes decide, shared votes
included, not of every contract of its place; and a deadline two rules both remind of (a
playbook's and the defaults) is told once."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from api.actions.models import Action
from api.alerts import service
from api.campaigns import service as campaigns
from api.campaigns.anchors import AnchorKind
from api.campaigns.models import CampaignUpdate
from tests import factories as f
from tests.alerts.conftest import Campaign, outbox, tick_once

THIRTY_DAYS = {"subject": "notice_deadline", "offsets": ["30d"], "direction": "before",
               "recipients": ["campaign_leads"], "channels": ["in_app"]}


def _contract_in(session: Session, actor: Any, world: Campaign) -> Any:
    agency = f.make_agency(session, actor, jurisdiction_id=world.jurisdiction.id)
    contract = f.make_contract(session, actor, agency_id=agency.id)
    session.commit()
    return contract


def _told(user_id: int, contract_id: int) -> list[Any]:
    return [r for r in outbox(subject_kind="notice_deadline", subject_id=contract_id)
            if r.user_id == user_id and r.status == "pending"]


def test_a_campaign_hears_of_the_contract_it_names_not_of_its_place(
        session: Session, actor: Any, world: Campaign) -> None:
    contract = _contract_in(session, actor, world)
    service.create_rule(session, actor, campaign_id=world.campaign.id, spec=THIRTY_DAYS)
    session.commit()
    tick_once()
    assert _told(world.lead.id, contract.id) == []

    campaigns.crud.update(session, actor, world.campaign.id,
                          CampaignUpdate(contract_ids=[contract.id]))
    session.commit()
    tick_once()
    assert len(_told(world.lead.id, contract.id)) == 1


def test_a_campaign_hears_of_the_contract_a_shared_vote_decides(
        session: Session, actor: Any, make_campaign: Callable[..., Campaign]) -> None:
    holder, sharer = make_campaign(), make_campaign()
    contract = f.make_contract(session, actor)
    vote = f.make_vote(session, actor, body_id=holder.body.id, campaign_id=holder.campaign.id,
                       contract_id=contract.id,
                       scheduled_at=datetime(2026, 4, 14, 1, 0, tzinfo=UTC))
    # The other campaign's steps are counted from the same vote.
    session.add(Action(title="Pack the hearing", kind="public_comment",
                       campaign_id=sharer.campaign.id, vote_id=vote.id,
                       anchor_kind=AnchorKind.vote, anchor_offset_days=0))
    service.create_rule(session, actor, campaign_id=sharer.campaign.id, spec=THIRTY_DAYS)
    session.commit()
    tick_once()
    assert len(_told(sharer.lead.id, contract.id)) == 1


def test_a_deadline_two_rules_remind_of_is_told_once(
        session: Session, actor: Any, world: Campaign) -> None:
    contract = _contract_in(session, actor, world)
    campaigns.crud.update(session, actor, world.campaign.id,
                          CampaignUpdate(contract_ids=[contract.id]))
    # The playbook's rule and the default one, both a month ahead.
    service.create_rule(session, actor, campaign_id=world.campaign.id,
                        spec={**THIRTY_DAYS, "offsets": ["60d", "30d"]})
    service.create_rule(session, actor, campaign_id=None, spec=THIRTY_DAYS)
    session.commit()
    tick_once()
    told = _told(world.lead.id, contract.id)
    assert len(told) == 2
    assert len({r.due_at for r in told}) == 2
