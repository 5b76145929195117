"""Reads and writes of campaigns and their lead organizations."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import clock
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
from api.errors import Invalid
from api.fields import stored_id
from api.i18n.catalogs import N_, gettext
from api.jurisdictions import service as jurisdictions

# The years a campaign's anchor dates may fall in, counted from this year: a campaign is not
# dated from further back than this, nor planned further ahead.
ANCHOR_YEARS_BACK = 5
ANCHOR_YEARS_AHEAD = 10
ANCHOR_OUT_OF_RANGE = N_("Enter a date between %(first)s and %(last)s.")


def check_anchor_years(session: Session, days: dict[str, date | None],
                       jurisdiction_id: int | None) -> None:
    """Anchor dates a campaign could be counted from: a slip of the year (2020 for 2026,
    9999) would date every step decades away, and no reminder would ever go out."""
    year = clock.today(jurisdictions.zone(session, jurisdiction_id)).year
    first, last = year - ANCHOR_YEARS_BACK, year + ANCHOR_YEARS_AHEAD
    for field, day in days.items():
        if day is not None and not first <= day.year <= last:
            raise Invalid(gettext(ANCHOR_OUT_OF_RANGE) % {"first": first, "last": last},
                          field=field)


def _move_anchored(session: Session, actor: User, values: dict[str, Any],
                   existing: Campaign | None) -> dict[str, Any]:
    """A moved anchor date moves the unfinished actions and tasks counted from it, and the
    target date when it was that anchor."""
    if existing is None:
        return values
    check_anchor_years(session, {column: values.get(column) for column in ANCHOR_COLUMNS.values()
                                 if values.get(column) != getattr(existing, column)},
                       existing.jurisdiction_id)
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
    campaign = session.get(Campaign, campaign_id) if campaign_id is not None else None
    return jurisdictions.zone(session, campaign.jurisdiction_id if campaign else None)
