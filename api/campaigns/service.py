"""Reads and writes of campaigns and their lead organizations."""

from zoneinfo import ZoneInfo

from sqlmodel import Session

from api.campaigns.models import (
    Campaign,
    CampaignCreate,
    CampaignLead,
    CampaignRead,
    CampaignUpdate,
)
from api.crud import Crud, Link
from api.jurisdictions import service as jurisdictions

crud = Crud(
    Campaign, create=CampaignCreate, update=CampaignUpdate, read=CampaignRead, label="campaign",
    search=("name", "description"), filters=("jurisdiction_id", "goal", "status"),
    sort=("name", "start_date", "target_date", "status"), default_sort="name",
    links={"lead_organization_ids": Link(CampaignLead, "campaign_id", "organization_id",
                                         "organization", "organization")},
)


def zone(session: Session, campaign_id: int | None) -> ZoneInfo:
    """The timezone of a campaign's jurisdiction (UTC when none is set)."""
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    return jurisdictions.zone(session, campaign.jurisdiction_id if campaign else None)
