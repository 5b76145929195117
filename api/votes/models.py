"""Votes: the decision points of a campaign, on a body's agenda at a local date and time."""

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar

import sqlalchemy as sa
from pydantic import BaseModel, field_validator, model_validator
from sqlmodel import Field, SQLModel

from api.actions.models import Action
from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
from api.campaigns.anchors import AnchorKind
from api.campaigns.models import CampaignGoal
from api.concepts import Concept, FieldRole, ListColumn
from api.date_windows import HAPPENINGS
from api.fields import (
    Id,
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Url,
    at_most,
    enum_field,
    fk,
    json_field,
    update_schema,
    utc_field,
)
from api.i18n.catalogs import N_


class VoteKind(StrEnum):
    contract_approval = "contract_approval"
    renewal = "renewal"
    ordinance = "ordinance"
    budget = "budget"
    policy = "policy"
    other = "other"


class VoteStatus(StrEnum):
    scheduled = "scheduled"
    postponed = "postponed"
    held = "held"
    cancelled = "cancelled"


class VoteOutcome(StrEnum):
    pending = "pending"
    passed = "passed"
    failed = "failed"
    tabled = "tabled"
    withdrawn = "withdrawn"


class OurPosition(StrEnum):
    """What the coalition wants of the item: whether a yes vote is a win depends on it (a
    renewal the campaign fights is won by a no)."""

    support = "for"
    block = "against"
    amend = "amend"
    watch = "watch"


# What a campaign's goal makes of its votes: what is voted on, and what the coalition wants of
# it. A count outside any vote (a body's whip board before its vote is known) takes the
# position from here, as a vote made from a playbook does.
VOTE_OF_GOAL: dict[str, tuple[VoteKind, OurPosition]] = {
    CampaignGoal.ban_alpr: (VoteKind.ordinance, OurPosition.support),
    CampaignGoal.block_contract: (VoteKind.contract_approval, OurPosition.block),
    CampaignGoal.cancel_renewal: (VoteKind.renewal, OurPosition.block),
    CampaignGoal.restrict_use: (VoteKind.ordinance, OurPosition.support),
    CampaignGoal.end_ice_sharing: (VoteKind.policy, OurPosition.support),
    CampaignGoal.community_control: (VoteKind.ordinance, OurPosition.support),
}


def vote_of_goal(goal: str | None) -> tuple[VoteKind, OurPosition]:
    """The kind of vote a campaign with this goal fights over, and our position on it."""
    return VOTE_OF_GOAL.get(str(goal or ""), (VoteKind.other, OurPosition.watch))


class MemberChoice(StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"
    absent = "absent"
    recused = "recused"


class MemberVote(BaseModel):
    target_id: Id
    vote: MemberChoice


class VoteBase(SQLModel):
    title: Name = Field(title=N_("Title"))
    body_id: int = fk("body.id", required=True, title=N_("Body"))
    campaign_id: int | None = fk("campaign.id", title=N_("Campaign"))
    contract_id: int | None = fk("contract.id", title=N_("Contract"))
    # A time without an offset is read as local time where the body sits.
    scheduled_at: datetime = utc_field(default=..., index=True, nullable=False)
    # The day is known, the hour not (an agenda without a time, a vote planned from a date):
    # shown as "time not announced", an all-day event in calendars, never as midnight or a
    # made-up hour. A new time given on a form or an agenda announces it.
    time_not_announced: bool = Field(default=False, title=N_("Time not announced"))
    agenda_item_number: ShortText = Field(default="", title=N_("Agenda item number"))
    kind: VoteKind = enum_field(VoteKind.other, title=N_("Kind"))
    consent_calendar: bool = False
    agenda_url: Url = Field(default="", title=N_("Agenda url"))
    location: ShortText = Field(default="", title=N_("Location"))
    status: VoteStatus = enum_field(VoteStatus.scheduled, title=N_("Status"))
    our_position: OurPosition = enum_field(OurPosition.watch)
    outcome: VoteOutcome = enum_field(VoteOutcome.pending, title=N_("Outcome"))
    member_votes: Annotated[list[MemberVote], at_most(200)] = json_field(
        refers_to=("target_id", "target"), title=N_("Member votes"))
    notes: LongText = Field(default="", title=N_("Notes"))
    # Empty: the coalition's record (a vote found on an agenda), which only leads change.
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


def _in_vote_years(value: datetime | None) -> datetime | None:
    # A vote's year outside what happens in a campaign's time is a slip on a date picker
    # (0001 for 2026), not a vote.
    HAPPENINGS.check(value)
    return value


class Vote(TableBase, VoteBase, table=True):
    # What a partner learned of an agency, a contract, a vote or the press may be theirs
    # alone; most are the coalition's (no owner), from imports and agendas. A vote no
    # organization owns is the coalition's, kept by its leads: its schedule, status, our
    # position and outcome are the coalition's decisions, and every campaign's deadlines
    # count from it.
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id"))


def counted_from_by(campaigns: Any) -> Any:
    """The votes the steps of these campaigns (a list of ids, or one id or bound parameter) are
    counted from: a vote another campaign holds, chosen when a campaign was made from a
    playbook, is this one's too."""
    wanted = Action.campaign_id.in_(campaigns) if isinstance(campaigns, list | tuple | set) \
        else Action.campaign_id == campaigns
    return sa.select(Action.vote_id).where(wanted, Action.anchor_kind == AnchorKind.vote,
                                           Action.vote_id.is_not(None))


def of_campaigns(campaigns: Any) -> Any:
    """Whether a vote is one of these campaigns' (ids, or one id or bound parameter): filed
    under it, or one its steps are counted from. Every list, count and alert of a campaign's
    votes asks this, so a vote two campaigns share is on both pages and in both alerts."""
    filed = Vote.campaign_id.in_(campaigns) if isinstance(campaigns, list | tuple | set) \
        else Vote.campaign_id == campaigns
    return sa.or_(filed, Vote.id.in_(counted_from_by(campaigns)))


def member_votes_of(vote: VoteBase) -> list[dict[str, Any]]:
    """Each member's vote as a dict (target_id, vote). A stored vote's JSON column loads plain
    dicts, whatever the field's declared type; one not yet stored holds MemberVotes. Either
    reads the same way here."""
    return [dict(item) for item in vote.member_votes or []]


DAY_ONLY = re.compile(r"\s*\d{4}-\d{2}-\d{2}\s*")


def day_without_time(data: Any) -> Any:
    """A vote given a day and no time ("2026-12-10") is on that day at a time not announced,
    not at midnight; one given a time ("2026-12-10T18:30") has it announced, unless told."""
    if not (isinstance(data, dict) and isinstance(data.get("scheduled_at"), str)):
        return data
    if DAY_ONLY.fullmatch(data["scheduled_at"]):
        return {**data, "time_not_announced": True}
    return {"time_not_announced": False, **data}


class VoteCreate(VoteBase):
    _in_years = field_validator("scheduled_at")(_in_vote_years)
    _day_only = model_validator(mode="before")(day_without_time)


# A base made at import time: mypy cannot follow a class built by a function.
class VoteUpdate(update_schema(VoteCreate, "VoteChanges")):  # type: ignore[misc]
    _in_years = field_validator("scheduled_at")(_in_vote_years)
    _day_only = model_validator(mode="before")(day_without_time)


class VoteRead(VoteBase, ReadMeta):
    pass


VOTES = Concept(
    table=Vote, create=VoteCreate, update=VoteUpdate,
    read=VoteRead, label="vote", title="title",
    default_sort="scheduled_at", date_column="scheduled_at",
    fields=(
        FieldRole("title", search=True, sort=True, column=ListColumn(N_("Item"), "title"),
                  section=N_("Vote")),
        FieldRole("body_id", filter=N_("Body"), column=True, section=N_("Vote")),
        FieldRole("campaign_id", filter=N_("Campaign"), column=True, section=N_("Vote")),
        FieldRole("contract_id", filter=True, section=N_("Vote")),
        FieldRole("kind", filter=N_("Kind"), section=N_("Vote")),
        FieldRole("our_position", filter=N_("Our position"), column=N_("Our position"),
                  section=N_("Vote")),
        FieldRole("scheduled_at", sort=True, column=N_("When"), section=N_("Agenda")),
        FieldRole("time_not_announced", section=N_("Agenda")),
        FieldRole("agenda_item_number", search=True, section=N_("Agenda")),
        FieldRole("consent_calendar", filter=True, column=N_("Consent"), section=N_("Agenda")),
        FieldRole("agenda_url", section=N_("Agenda")),
        FieldRole("location", section=N_("Agenda")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Result")),
        FieldRole("outcome", column=True, section=N_("Result")),
        FieldRole("notes", search=True, section=N_("Result")),
    ),
    orders={
        "columns": ("scheduled_at", "title", "body_id", "campaign_id", "status", "outcome"),
        "sort": ("scheduled_at",),
    },
)
