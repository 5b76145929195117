"""Reads and writes of campaigns and their lead organizations."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import clock
from api.auth.models import User
from api.auth.scoping import load
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
from api.date_windows import HAPPENINGS
from api.errors import Invalid
from api.fields import stored_id
from api.jurisdictions import service as jurisdictions

# A campaign's own dates: its anchors and what it aims for.
CAMPAIGN_DATES = (*ANCHOR_COLUMNS.values(), "target_date")


def check_anchor_years(session: Session, days: dict[str, date | None],
                       jurisdiction_id: int | None) -> None:
    """A campaign's dates fall in the years things happen in (date_windows.HAPPENINGS): a slip
    of the year (2002 for 2026, 9999) would date every step decades away, and no reminder
    would ever go out."""
    today = clock.today(jurisdictions.zone(session, jurisdiction_id))
    for field, day in days.items():
        problem = HAPPENINGS.problem(day, today)
        if problem is not None:
            raise Invalid(problem, field=field)


def _move_anchored(session: Session, actor: User, values: dict[str, Any],
                   existing: Campaign | None) -> dict[str, Any]:
    """A campaign's dates are checked as given (on a change, those changed: a campaign kept
    from long ago is not refused for another field's sake); a moved anchor date moves the
    unfinished actions and tasks counted from it, and the target date when it was that
    anchor."""
    check_anchor_years(session, {column: values.get(column) for column in CAMPAIGN_DATES
                                 if existing is None
                                 or values.get(column) != getattr(existing, column)},
                       values.get("jurisdiction_id") if existing is None
                       else existing.jurisdiction_id)
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
            start = values.get("start_date")
            # A campaign aims after it starts: a vote that moves before the start (found to
            # have been held earlier) leaves the aim where it was.
            if start is None or new >= start:
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
    campaign = load(session, Campaign, campaign_id) if campaign_id is not None else None
    return jurisdictions.zone(session, campaign.jurisdiction_id if campaign else None)
