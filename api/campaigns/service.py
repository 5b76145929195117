"""Reads and writes of campaigns and their lead organizations."""

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.auth.models import User
from api.campaigns import anchors
from api.campaigns.anchors import ANCHOR_COLUMNS
from api.campaigns.models import (
    CAMPAIGNS,
    Campaign,
    CampaignContract,
    CampaignLead,
    CampaignRead,
)
from api.crud import Crud, Link
from api.fields import stored_id
from api.jurisdictions import service as jurisdictions


def _move_anchored(session: Session, actor: User, values: dict[str, Any],
                   existing: Campaign | None) -> dict[str, Any]:
    """A moved anchor date moves the unfinished actions and tasks counted from it, and the
    target date when it was that anchor."""
    if existing is None:
        return values
    target_unchanged = values.get("target_date") == existing.target_date
    for kind, column in ANCHOR_COLUMNS.items():
        old, new = getattr(existing, column), values.get(column)
        if old == new:
            continue
        anchors.move(session, campaign_id=stored_id(existing), kind=kind, old=old, new=new)
        if target_unchanged and new is not None and old is not None \
                and existing.target_date == old and column != "start_date":
            values["target_date"] = new
    return values


crud: Crud[Campaign, CampaignRead] = Crud(
    **CAMPAIGNS.crud_options(),
    links={"lead_organization_ids": Link(CampaignLead, "campaign_id", "organization_id",
                                         "organization", "organization"),
           "contract_ids": Link(CampaignContract, "campaign_id", "contract_id", "contract",
                                "contract")},
    prepare=_move_anchored,
)


def zone(session: Session, campaign_id: int | None) -> ZoneInfo:
    """The timezone of a campaign's jurisdiction (the coalition's when none is set)."""
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    return jurisdictions.zone(session, campaign.jurisdiction_id if campaign else None)
