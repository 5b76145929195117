"""Reads and writes of campaigns and their lead organizations."""

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from api import clock
from api.auth.models import User
from api.auth.permissions import SHARED_VISIBILITY
from api.auth.scoping import as_system, load
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
from api.errors import Invalid, LongDay
from api.fields import stored_id
from api.i18n.catalogs import N_
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


def contracts_deadline(session: Session, contract_ids: list[int] | None) -> date | None:
    """The soonest termination-notice deadline of the contracts a campaign is about: the
    campaign's to meet. Read whoever asks (the deadline follows the contract, whoever changes
    it), from the contracts shared with the whole coalition only, since everyone signed in
    reads a campaign's dates."""
    if not contract_ids:
        return None
    # By the table's name, as a link's other table is read (api.crud): contracts follow the
    # campaigns about them (api.contracts.service), so this package does not import theirs.
    contract = SQLModel.metadata.tables["contract"]
    with as_system(session):
        return session.execute(sa.select(sa.func.min(contract.c.notice_deadline)).where(
            contract.c.id.in_(contract_ids),
            contract.c.visibility.in_(SHARED_VISIBILITY))).scalar()


FOLLOWS_CONTRACT = N_("The notice deadline follows the contract this campaign is about "
                      "({day}): leave it as it is, change the contract's terms, or unlink the "
                      "contract first.")


def _deadline_of_contracts(session: Session, values: dict[str, Any],
                           existing: Campaign | None) -> None:
    """A campaign about a contract with a notice deadline takes the contract's: a date typed
    beside it that says otherwise is refused rather than kept as a copy that drifts."""
    derived = contracts_deadline(session, values.get("contract_ids"))
    if derived is None:
        return
    given = values.get("notice_deadline")
    typed = given is not None and (existing is None or given != existing.notice_deadline)
    if typed and given != derived:
        raise Invalid(FOLLOWS_CONTRACT, day=LongDay.of(derived), field="notice_deadline")
    values["notice_deadline"] = derived


def _move_anchored(session: Session, actor: User, values: dict[str, Any],
                   existing: Campaign | None) -> dict[str, Any]:
    """A campaign's dates are checked as given (on a change, those changed: a campaign kept
    from long ago is not refused for another field's sake); a moved anchor date moves the
    unfinished actions and tasks counted from it, and the target date when it was that
    anchor. The notice deadline of a campaign about a contract is the contract's."""
    _deadline_of_contracts(session, values, existing)
    check_anchor_years(session, {column: values.get(column) for column in CAMPAIGN_DATES
                                 if existing is None
                                 or values.get(column) != getattr(existing, column)},
                       values.get("jurisdiction_id") if existing is None
                       else existing.jurisdiction_id)
    if existing is None:
        return values
    _move_steps(session, existing, values)
    return values


def _move_steps(session: Session, existing: Campaign, values: dict[str, Any]) -> None:
    """The steps counted from each anchor that moves move with it, and so does the target date
    when it was that anchor."""
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


def follow_contracts(session: Session, contract_ids: list[int]) -> list[int]:
    """Campaigns about these contracts take their new notice deadline (a change of terms, a
    renewal, a termination, a day rolled past), in the same transaction, with their unfinished
    steps counted from it; the campaigns moved. Written whoever changed the contract: the
    campaign's deadline is the contract's, not a lead's choice."""
    if not contract_ids:
        return []
    moved = []
    with as_system(session):
        campaign_ids = sorted(set(session.exec(select(CampaignContract.campaign_id).where(
            CampaignContract.contract_id.in_(contract_ids))).all()))
        for campaign_id in campaign_ids:
            campaign = session.get(Campaign, campaign_id)
            linked = list(session.exec(select(CampaignContract.contract_id).where(
                CampaignContract.campaign_id == campaign_id)).all())
            derived = contracts_deadline(session, linked)
            if campaign is None or derived is None or derived == campaign.notice_deadline:
                continue
            values = {"notice_deadline": derived, "target_date": campaign.target_date,
                      "start_date": campaign.start_date, "vote_date": campaign.vote_date}
            _move_steps(session, campaign, values)
            campaign.notice_deadline = derived
            campaign.target_date = values["target_date"]
            campaign.updated_at = clock.now()
            session.add(campaign)
            moved.append(campaign_id)
        session.flush()
    return moved


crud: Crud[Campaign, CampaignRead] = Crud(
    **CAMPAIGNS.crud_options(),
    links={"lead_organization_ids": Link(CampaignLead, "campaign_id", "organization_id",
                                         "organization", "organization"),
           "contract_ids": Link(CampaignContract, "campaign_id", "contract_id", "contract",
                                "contract")},
    prepare=_move_anchored,
    prepare_sees_links=True,
)


def zone(session: Session, campaign_id: int | None) -> ZoneInfo:
    """The timezone of a campaign's jurisdiction (the coalition's when none is set)."""
    campaign = load(session, Campaign, campaign_id) if campaign_id is not None else None
    return jurisdictions.zone(session, campaign.jurisdiction_id if campaign else None)
