"""The contracts agencies sign with ALPR vendors, with their notice deadlines, the
term in force, and what was decided at the end of a term."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, computed_field, model_validator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.cross_checks import Rule, every_problem
from api.date_windows import CONTRACT_DATES
from api.fields import (
    MAX_INT,
    Count,
    FieldError,
    LongText,
    Money,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Url,
    enum_field,
    fk,
    money_field,
    update_schema,
)
from api.i18n.catalogs import N_, gettext


class ContractStatus(StrEnum):
    proposed = "proposed"
    active = "active"
    renewal_pending = "renewal_pending"
    expired = "expired"
    cancelled = "cancelled"
    terminated = "terminated"


# Beyond these a number is a slip of the keyboard (120000 months for 12), and the terms counted
# from it would run off the calendar; the years a contract's dates may name are CONTRACT_DATES.
RENEWAL_MONTHS = (1, 120)
NOTICE_DAYS = (0, 730)


def _in_contract_years(value: date | None) -> date | None:
    CONTRACT_DATES.check(value)
    return value


def _renewal_months(value: int | None) -> int | None:
    if value is not None and not RENEWAL_MONTHS[0] <= value <= RENEWAL_MONTHS[1]:
        raise ValueError(gettext("A renewal term is from {least} to {most} months (ten "
                                 "years).").format(least=RENEWAL_MONTHS[0],
                                                   most=RENEWAL_MONTHS[1]))
    return value


def _notice_days(value: int | None) -> int | None:
    if value is not None and not NOTICE_DAYS[0] <= value <= NOTICE_DAYS[1]:
        raise ValueError(gettext("A notice period is from {least} to {most} days (two "
                                 "years).").format(least=NOTICE_DAYS[0], most=NOTICE_DAYS[1]))
    return value


def _vote_id(value: int) -> int:
    # Past the database's integers the lookup itself would fail; no vote has such an id.
    if not 1 <= value <= MAX_INT:
        raise ValueError(no_vote_with(value))
    return value


def no_vote_with(vote_id: int) -> str:
    return gettext("No vote with id {id}.").format(id=vote_id)


def _dates_in_order(values: Mapping[str, Any]) -> FieldError | None:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        return FieldError("end_date", N_("The end date is before the start date."))
    return None


CONTRACT_RULES = (Rule(("start_date", "end_date"), _dates_in_order),)

ContractDay = Annotated[date, AfterValidator(_in_contract_years)]
RenewalMonths = Annotated[int, AfterValidator(_renewal_months)]
NoticeDays = Annotated[int, AfterValidator(_notice_days)]
VoteId = Annotated[int, AfterValidator(_vote_id)]


class ContractBase(SQLModel):
    title: Name = Field(title=N_("Title"))
    agency_id: int = fk("agency.id", required=True, title=N_("Agency"))
    vendor_id: int | None = fk("vendor.id", title=N_("Vendor"))
    annual_cost: Money | None = money_field(title=N_("Annual cost"))
    cost_per_camera: Money | None = money_field(title=N_("Cost per camera"))
    # A field's label is declared with it, marked for the catalog (web.concepts.label_for).
    camera_count: Count | None = Field(default=None, title=N_("Camera count"))
    start_date: ContractDay | None = Field(default=None, title=N_("Start date"))
    # The end of the first term: later terms, automatic or decided, are derived from it and
    # from the outcomes recorded (api.contracts.terms), so their history stays.
    end_date: ContractDay | None = Field(default=None, index=True, title=N_("End date"))
    auto_renews: bool = Field(default=False, title=N_("Auto renews"))
    renewal_term_months: RenewalMonths | None = Field(default=None, title=N_("Renewal term months"))
    termination_notice_days: NoticeDays | None = None
    approving_body_id: int | None = fk("body.id")
    funding_source: ShortText = Field(default="", title=N_("Funding source"))
    status: ContractStatus = enum_field(ContractStatus.active, title=N_("Status"))
    document_url: Url = Field(default="", title=N_("Document url"))
    notes: LongText = Field(default="", title=N_("Notes"))
    # Empty: the coalition's record, which only leads change.
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)

    # Checked beside the fields' own problems, so a form shows every problem at once.
    _every_problem = model_validator(mode="wrap")(every_problem(CONTRACT_RULES))


class Contract(TableBase, ContractBase, table=True):
    # What a partner learned of an agency, a contract, a vote or the press may be theirs
    # alone; most are the coalition's (no owner), from imports and agendas.
    # A contract no organization owns is the coalition's, kept by its leads: its terms decide
    # the deadlines every campaign counts from (agencies and votes partners keep up to date).
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id"))
    # Derived by api.contracts.terms from the end date, the renewal terms and today, and kept
    # up to date each day; stored so the dashboard, alerts and feeds can ask for "deadlines in
    # the next 120 days" in one indexed query. The term in force: the end date, rolled forward
    # by every automatic renewal that has happened.
    term_ends: date | None = Field(default=None, index=True)
    # The next day notice can still be given to stop a renewal (past, for a contract that does
    # not renew by itself and whose day has gone).
    notice_deadline: date | None = Field(default=None, index=True, title=N_("Notice deadline"))


class ContractCreate(ContractBase):
    # Terms whose last day to give notice has already passed are saved only when asked so in
    # so many words (a form's tick, or this in the API): otherwise they are refused, so a
    # deadline nobody can meet any more is never saved without anyone noticing.
    confirm_past_deadline: bool = Field(
        default=False, title=N_("The day to give notice has passed: save it anyway"),
        description="Save terms whose last day to give notice has already passed")


ContractUpdate = update_schema(ContractCreate, "ContractUpdate")


class ContractRead(ContractBase, ReadMeta):
    # Empty to a reader who may not read the agency (api.auth.references). Narrower in the
    # base, where a contract is written with its agency; pydantic allows the wider read field.
    agency_id: int | None  # type: ignore[assignment]
    term_ends: date | None = None
    notice_deadline: date | None = None

    # mypy does not follow a decorator over a property; pydantic's own documented way.
    @computed_field  # type: ignore[prop-decorator]
    @property
    def notice_for_term_ending(self) -> date | None:
        """The end of the term the notice deadline is for: with automatic renewals, the next
        deadline can be a later term's than the one in force."""
        if self.notice_deadline is None or self.termination_notice_days is None:
            return None
        return self.notice_deadline + timedelta(days=self.termination_notice_days)


class Outcome(StrEnum):
    """What was decided as a term ended."""

    renewed = "renewed"
    renegotiated = "renegotiated"
    terminated = "terminated"


class ContractOutcomeCreate(SQLModel):
    outcome: Outcome
    decided_on: ContractDay = Field(description="The day it was decided")
    new_term_ends: ContractDay | None = Field(
        default=None, description="The end of the new term, for a renewal; one renewal term on "
        "from the term in force on the day it was decided when left out")
    vote_id: VoteId | None = Field(default=None, description="The vote that decided it")
    note: LongText = ""


class ContractOutcome(TableBase, table=True):
    """A renewal, renegotiation or termination a lead recorded, with the term it ended and the
    one it began. Read and written with its contract."""
    # What was decided at the end of a contract's term is read and written with it.
    __access__: ClassVar[Access] = Access(child=Child(((Contract, "contract_id"),)))

    __tablename__ = "contract_outcome"
    contract_id: int = fk("contract.id", required=True, ondelete="CASCADE")
    outcome: Outcome = enum_field()
    decided_on: date
    # The term in force when it was decided, and the new one (none after a termination).
    term_ended: date | None = None
    new_term_ends: date | None = None
    vote_id: int | None = fk("vote.id", ondelete="SET NULL")
    recorded_by_id: int | None = fk("app_user.id", ondelete="SET NULL")
    note: str = ""


class ContractOutcomeRead(ReadMeta):
    contract_id: int
    outcome: Outcome
    decided_on: date
    term_ended: date | None
    new_term_ends: date | None
    vote_id: int | None
    recorded_by_id: int | None
    note: str


CONTRACTS = Concept(
    table=Contract, create=ContractCreate, update=ContractUpdate,
    read=ContractRead, label="contract", title="title",
    default_sort="notice_deadline", date_column="notice_deadline",
    fields=(
        FieldRole("title", search=True, sort=True, column=ListColumn(N_("Contract"), "title"),
                  section=N_("Contract")),
        FieldRole("agency_id", filter=N_("Agency"), column=True, section=N_("Contract")),
        FieldRole("vendor_id", filter=N_("Vendor"), column=True, section=N_("Contract")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Contract")),
        FieldRole("approving_body_id", filter=True, section=N_("Contract")),
        FieldRole("document_url", section=N_("Contract")),
        FieldRole("annual_cost", sort=True, column=True, section=N_("Money")),
        FieldRole("cost_per_camera", section=N_("Money")),
        FieldRole("camera_count", section=N_("Money")),
        FieldRole("funding_source", search=True, section=N_("Money")),
        FieldRole("start_date", section=N_("Term")),
        FieldRole("end_date", sort=True, section=N_("Term")),
        FieldRole("auto_renews", filter=N_("Auto-renews"), column=N_("Auto-renews"),
                  section=N_("Term")),
        FieldRole("renewal_term_months", section=N_("Term")),
        FieldRole("termination_notice_days", section=N_("Term")),
        FieldRole("notes", section=N_("Notes")),
        FieldRole("notice_deadline", sort=True,
                  column=ListColumn(kind="deadline")),
        FieldRole("term_ends", sort=True, column=N_("Term ends")),
    ),
    orders={
        "columns": ("title", "agency_id", "vendor_id", "status", "annual_cost", "notice_deadline",
                    "term_ends"),
        "sort": ("title", "end_date", "term_ends", "notice_deadline", "annual_cost"),
    },
)



@dataclass(frozen=True)
class ContractDeadline:
    """A contract whose termination-notice deadline or end date is coming up, as the home page
    lists it; `timezone` is its agency's, so days are counted where the agency is."""
    id: int
    title: str
    notice_deadline: date | None
    end_date: date | None
    auto_renews: bool
    annual_cost: Decimal | None
    agency_name: str | None
    vendor_name: str | None
    timezone: str | None
