"""Campaigns: a coalition's goal in one jurisdiction, its policy asks and lead organizations."""

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, model_validator
from sqlmodel import Field, SQLModel

from api.auth.table_access import Access
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    FieldError,
    IdList,
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
)
from api.i18n.catalogs import N_


class CampaignGoal(StrEnum):
    ban_alpr = "ban_alpr"
    block_contract = "block_contract"
    cancel_renewal = "cancel_renewal"
    restrict_use = "restrict_use"
    end_ice_sharing = "end_ice_sharing"
    community_control = "community_control"


class CampaignStatus(StrEnum):
    planning = "planning"
    active = "active"
    paused = "paused"
    won = "won"
    lost = "lost"
    closed = "closed"


class CampaignOutcome(StrEnum):
    """How a campaign ended, ours or another place's: what a status of won or lost
    came to."""

    contract_cancelled = "contract_cancelled"
    not_renewed = "not_renewed"
    ordinance_passed = "ordinance_passed"
    restrictions_adopted = "restrictions_adopted"
    lost = "lost"


class PolicyAsk(StrEnum):
    retention_limit = "retention_limit"
    no_outside_sharing = "no_outside_sharing"
    no_immigration_use = "no_immigration_use"
    public_annual_report = "public_annual_report"
    search_audits = "search_audits"
    community_control_ordinance = "community_control_ordinance"


class PolicyAskItem(BaseModel):
    ask: PolicyAsk
    won: bool = False
    note: LongText = ""


class CampaignBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    jurisdiction_id: int | None = fk("jurisdiction.id", title=N_("Jurisdiction"))
    goal: CampaignGoal = enum_field(CampaignGoal.restrict_use, title=N_("Goal"))
    status: CampaignStatus = enum_field(CampaignStatus.active, title=N_("Status"))
    description: LongText = Field(default="", title=N_("Description"))
    policy_asks: Annotated[list[PolicyAskItem], at_most(len(PolicyAsk))] = json_field(
        title=N_("Policy asks"))
    start_date: date | None = Field(default=None, title=N_("Start date"))
    target_date: date | None = Field(default=None, title=N_("Target date"))
    # Anchors a playbook dates its actions from (with start_date); moving one moves them.
    vote_date: date | None = Field(default=None, title=N_("Vote date"))
    notice_deadline: date | None = Field(default=None, title=N_("Notice deadline"))
    # What a won or lost campaign came to, and where that is written down: told to other
    # campaigns as a win or loss elsewhere.
    outcome: CampaignOutcome | None = enum_field(None, title=N_("Outcome"))
    outcome_on: date | None = Field(default=None, title=N_("Outcome decided on"))
    outcome_source: ShortText = Field(default="", title=N_("Source of the outcome"))
    outcome_url: Url = Field(default="", title=N_("Link to the outcome's source"))

    @model_validator(mode="after")
    def _asks_once(self) -> "CampaignBase":
        asks = [item.ask for item in self.policy_asks]
        if len(asks) != len(set(asks)):
            raise FieldError("policy_asks", N_("Each policy ask may appear only once."))
        if self.start_date and self.target_date and self.target_date < self.start_date:
            raise FieldError("target_date", N_("The target date is before the start date."))
        if self.outcome is not None:
            lost = self.outcome == CampaignOutcome.lost
            if str(self.status) != (CampaignStatus.lost if lost else CampaignStatus.won):
                raise FieldError("outcome", N_("A loss is recorded on a lost campaign, a win "
                                               "on a won one: change its status too."))
        elif self.outcome_on or self.outcome_source or self.outcome_url:
            raise FieldError("outcome", N_("Say what the outcome was."))
        return self


class Campaign(TableBase, CampaignBase, table=True):
    __access__: ClassVar[Access] = Access(leads_write_only=True)
    playbook_key: str | None = Field(default=None, max_length=100)


def policy_asks_of(campaign: CampaignBase) -> list[dict[str, Any]]:
    """Each of the campaign's policy asks as a dict (ask, won, note). A stored campaign's JSON
    column loads plain dicts, whatever the field's declared type; one not yet stored holds
    PolicyAskItems. Either reads the same way here."""
    return [dict(item) for item in campaign.policy_asks or []]


class CampaignLead(SQLModel, table=True):
    __access__: ClassVar[Access] = Access(leads_write_only=True)
    __tablename__ = "campaign_lead"
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE", primary_key=True)
    organization_id: int = fk("organization.id", required=True, ondelete="CASCADE",
                              primary_key=True)


class CampaignContract(SQLModel, table=True):
    """A contract the campaign is about: its notice deadline is the campaign's to meet."""

    __access__: ClassVar[Access] = Access(leads_write_only=True)
    __tablename__ = "campaign_contract"
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE", primary_key=True)
    contract_id: int = fk("contract.id", required=True, ondelete="CASCADE", primary_key=True)


class CampaignCreate(CampaignBase):
    lead_organization_ids: IdList = []
    contract_ids: IdList = Field(default=[], title=N_("Contract"))


CampaignUpdate = update_schema(CampaignCreate, "CampaignUpdate")


class CampaignRead(CampaignBase, ReadMeta):
    lead_organization_ids: list[int] = []
    contract_ids: list[int] = []
    playbook_key: str | None = None


CAMPAIGNS = Concept(
    table=Campaign, create=CampaignCreate, update=CampaignUpdate,
    read=CampaignRead, label="campaign", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(N_("Campaign"), "title"),
                  section=N_("Campaign")),
        FieldRole("goal", filter=N_("Goal"), column=True, section=N_("Campaign")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Campaign")),
        FieldRole("jurisdiction_id", filter=N_("Jurisdiction"), column=True,
                  section=N_("Campaign")),
        FieldRole("start_date", sort=True, section=N_("Campaign")),
        FieldRole("target_date", sort=True, column=True, section=N_("Campaign")),
        FieldRole("lead_organization_ids", section=N_("Campaign")),
        FieldRole("contract_ids", section=N_("Campaign")),
        FieldRole("description", search=True, section=N_("About")),
        FieldRole("outcome", filter=N_("Outcome"), section=N_("Outcome")),
        FieldRole("outcome_on", sort=True, section=N_("Outcome")),
        FieldRole("outcome_source", section=N_("Outcome")),
        FieldRole("outcome_url", section=N_("Outcome")),
    ),
    orders={"sort": ("name", "start_date", "target_date")},
)
