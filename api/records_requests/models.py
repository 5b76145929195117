"""Public-records requests sent to agencies, with their status, due date and history."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.cross_checks import Rule, every_problem
from api.fields import (
    Count,
    FieldError,
    Id,
    IdList,
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StateCode,
    StrEnum,
    TableBase,
    enum_field,
    fk,
    is_state,
    update_schema,
)
from api.i18n.catalogs import N_
from api.records_requests.laws import RecordsLawRead


class RequestStatus(StrEnum):
    draft = "draft"
    sent = "sent"
    acknowledged = "acknowledged"
    extended = "extended"
    waiting_on_requester = "waiting_on_requester"
    partially_fulfilled = "partially_fulfilled"
    fulfilled = "fulfilled"
    no_records = "no_records"
    denied = "denied"
    appealed = "appealed"
    withdrawn = "withdrawn"


CLOSED_STATUSES = frozenset({RequestStatus.fulfilled, RequestStatus.no_records,
                             RequestStatus.denied, RequestStatus.withdrawn})


class RequestMethod(StrEnum):
    email = "email"
    portal = "portal"
    mail = "mail"
    fax = "fax"
    in_person = "in_person"


def _sent_when_not_draft(values: Mapping[str, Any]) -> FieldError | None:
    if values.get("status") not in (None, RequestStatus.draft) and values.get("sent_on") is None:
        return FieldError("sent_on",
                          N_("A request that is no longer a draft needs the day it was sent."))
    return None


def _due_after_sent(values: Mapping[str, Any]) -> FieldError | None:
    sent, due = values.get("sent_on"), values.get("due_on_override")
    if sent and due and due < sent:
        return FieldError("due_on_override",
                          N_("The due date is before the day the request was sent."))
    return None


REQUEST_RULES = (Rule(("status", "sent_on"), _sent_when_not_draft),
                 Rule(("sent_on", "due_on_override"), _due_after_sent))


class RecordsRequestBase(SQLModel):
    subject: Name = Field(title=N_("Subject"))
    agency_id: int = fk("agency.id", required=True, title=N_("Agency"))
    campaign_id: int | None = fk("campaign.id", title=N_("Campaign"))
    requester_organization_id: int | None = fk("organization.id", index=False)
    law: ShortText = Field(default="", title=N_("Law"))
    state_code: StateCode = Field(default="", max_length=2, title=N_("State code"))
    text: LongText = Field(default="", title=N_("Text"))
    sent_on: date | None = Field(default=None, title=N_("Sent on"))
    method: RequestMethod = enum_field(RequestMethod.email, title=N_("Method"))
    tracking_number: ShortText = Field(default="", title=N_("Tracking number"))
    status: RequestStatus = enum_field(RequestStatus.draft, title=N_("Status"))
    # A lead's own due date; when set it wins over the one computed from the law.
    due_on_override: date | None = None
    notes: LongText = Field(default="", title=N_("Notes"))
    visibility: Visibility = visibility_field(index=False)

    @field_validator("state_code")
    @classmethod
    def _upper_state(cls, value: str) -> str:
        value = value.strip().upper()
        if value and not is_state(value):
            raise ValueError(N_("must be a two-letter state code such as CA, or US for federal "
                                "FOIA"))
        return value

    # Checked beside the fields' own problems, so a form shows every problem at once.
    _every_problem = model_validator(mode="wrap")(every_problem(REQUEST_RULES))


class RecordsRequest(TableBase, RecordsRequestBase, table=True):
    __access__: ClassVar[Access] = Access(owned=Owned("requester_organization_id"))
    __tablename__ = "records_request"
    # By due date, with what deciding who may read a request needs, so the requests due in a
    # stretch of days that a user may see are found in the index alone, for someone who may
    # read few of them.
    __table_args__ = (
        sa.Index("ix_records_request_due_on", "due_on", "visibility", "requester_organization_id"),
        # "Due soon" in parts, one per way of being allowed to read a request (a visibility, a
        # requester): each part the first few through one of these.
        sa.Index("ix_records_request_visibility", "visibility", "due_on"),
        sa.Index("ix_records_request_requester_organization_id", "requester_organization_id",
                 "due_on"),
    )
    # Computed by the service from the law, the sent date, pauses and extensions (or the
    # override) whenever the request or its status changes; stored so lists sort and filter.
    due_on: date | None = Field(default=None)


class RecordsRequestContract(SQLModel, table=True):
    """A contract a request is about: read, like the request, only with the contract."""

    __access__: ClassVar[Access] = Access(child=Child(
        ((RecordsRequest, "records_request_id"), ("contract", "contract_id")),
        read_parents=("contract_id",)))
    __tablename__ = "records_request_contract"
    records_request_id: int = fk("records_request.id", required=True, ondelete="CASCADE",
                                 primary_key=True, index=False)
    contract_id: int = fk("contract.id", required=True, ondelete="CASCADE", primary_key=True)


class RecordsRequestTarget(SQLModel, table=True):
    """An official a request is about (whose emails, whose decisions): read only with them."""

    __access__: ClassVar[Access] = Access(child=Child(
        ((RecordsRequest, "records_request_id"), ("target", "target_id")),
        read_parents=("target_id",)))
    __tablename__ = "records_request_target"
    records_request_id: int = fk("records_request.id", required=True, ondelete="CASCADE",
                                 primary_key=True, index=False)
    target_id: int = fk("target.id", required=True, ondelete="CASCADE", primary_key=True)


class RecordsRequestCreate(RecordsRequestBase):
    # What the request is about: contracts of its agency, and officials.
    contract_ids: IdList = Field(default=[], title=N_("Contract"))
    target_ids: IdList = []

    @model_validator(mode="before")
    @classmethod
    def _sent_when_dated(cls, data: Any) -> Any:
        # A new request given the day it was sent, and no status, was sent: saved as a draft
        # its deadline would never start running.
        if isinstance(data, dict) and data.get("sent_on") and "status" not in data:
            return {**data, "status": RequestStatus.sent.value}
        return data


RecordsRequestUpdate = update_schema(RecordsRequestCreate, "RecordsRequestUpdate")


class Deadline(SQLModel):
    """Where a request stands against its deadline today; computed on every read."""

    due_on: date | None = None
    source: str = "none"  # law | override | none
    # not_started, running, paused, met (an acknowledgement law, answered), stopped (closed),
    # no_fixed_deadline (the law says "promptly" or the like)
    clock: str = "not_started"
    days_left: int | None = None
    days_overdue: int | None = None
    overdue: bool = False
    paused_since: date | None = None
    extension_days: int = 0
    verify_badge: bool = False
    law: RecordsLawRead | None = None


class RecordsRequestRead(RecordsRequestBase, ReadMeta):
    # Empty to a reader who may not read the agency (api.auth.references). Narrower in the
    # base, where a request is written with its agency; pydantic allows the wider read field.
    agency_id: int | None  # type: ignore[assignment]
    contract_ids: list[int] = []
    target_ids: list[int] = []
    due_on: date | None = None
    deadline: Deadline | None = None


class RequestStatusChange(TableBase, table=True):
    """One change of a request's status: who, when it happened, from what to what, and why."""
    # A request's history and received files say as much as the request itself.
    __access__: ClassVar[Access] = Access(child=Child(((RecordsRequest, "records_request_id"),)))

    __tablename__ = "records_request_status_change"
    records_request_id: int = fk("records_request.id", required=True, ondelete="CASCADE")
    from_status: RequestStatus | None = enum_field(None, nullable=True)
    to_status: RequestStatus = enum_field()
    # The day the change happened, which may be earlier than the day it was recorded.
    effective_on: date
    extension_days: int | None = None
    changed_by_id: int | None = fk("app_user.id")
    note: str = ""


class RequestStatusChangeRead(ReadMeta):
    records_request_id: int
    from_status: RequestStatus | None
    to_status: RequestStatus
    effective_on: date
    extension_days: int | None
    changed_by_id: int | None
    note: str


class StatusChangeCreate(SQLModel):
    status: RequestStatus
    on: date | None = Field(default=None, description="The day it happened; today if left out")
    note: LongText = ""
    extension_days: Count | None = Field(
        default=None, le=365,
        description="Days the agency added, for a move to extended; the law's when left out")


class BatchCreate(SQLModel):
    """One letter to many agencies: one request each, each with its own law and due date."""

    agency_ids: IdList = Field(min_length=1)
    subject: Name
    campaign_id: Id | None = None
    requester_organization_id: Id | None = None
    template: ShortText = Field(default="", description="A letter template key")
    text: LongText = Field(default="", description=(
        "The letter as edited; may use the same {{ agency.name }} placeholders as templates"))
    requester_name: ShortText = ""
    requester_email: ShortText = ""
    requester_address: LongText = ""
    method: RequestMethod = RequestMethod.email
    sent_on: date | None = Field(default=None,
                                 description="Marks every request sent on that day")
    notes: LongText = ""

    @model_validator(mode="after")
    def _letter_given(self) -> "BatchCreate":
        if not self.template and not self.text.strip():
            raise ValueError(N_("give a letter template or the text of the letter"))
        if len(set(self.agency_ids)) != len(self.agency_ids):
            raise ValueError(N_("each agency may appear once"))
        return self


class RequestDocument(TableBase, table=True):
    """A document received for a request, and what it concerns: an agency, contract, target."""
    __access__: ClassVar[Access] = Access(child=Child(
        ((RecordsRequest, "records_request_id"), ("document", "document_id"),
         ("target", "target_id")),
        read_parents=("target_id",), optional=("target_id",)))

    __tablename__ = "records_request_document"
    records_request_id: int = fk("records_request.id", required=True, ondelete="CASCADE")
    document_id: int = fk("document.id", required=True, ondelete="CASCADE",
                          sa_column_kwargs={"unique": True})
    received_on: date | None = None
    agency_id: int | None = fk("agency.id")
    contract_id: int | None = fk("contract.id")
    target_id: int | None = fk("target.id")


class RequestDocumentLinks(SQLModel):
    received_on: date | None = None
    agency_id: Id | None = None
    contract_id: Id | None = None
    target_id: Id | None = None


class RequestDocumentRead(SQLModel):
    document_id: int
    records_request_id: int
    filename: str
    content_type: str
    size_bytes: int
    description: str
    uploaded_at: datetime
    received_on: date | None = None
    agency_id: int | None = None
    contract_id: int | None = None
    target_id: int | None = None


RECORDS_REQUESTS = Concept(
    table=RecordsRequest, create=RecordsRequestCreate, update=RecordsRequestUpdate,
    read=RecordsRequestRead, label="records request", title="subject",
    default_sort="due_on", date_column="due_on",
    fields=(
        FieldRole("subject", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Request")),
        FieldRole("agency_id", filter=N_("Agency"), column=True, section=N_("Request")),
        FieldRole("campaign_id", filter=N_("Campaign"), section=N_("Request")),
        FieldRole("requester_organization_id", filter=True, section=N_("Request")),
        FieldRole("law", section=N_("Request")),
        FieldRole("state_code", filter=True, section=N_("Request")),
        FieldRole("method", section=N_("Request")),
        FieldRole("contract_ids", section=N_("What it is about")),
        FieldRole("target_ids", section=N_("What it is about")),
        FieldRole("status", sort=True, filter=N_("Status"), column=True,
                  section=N_("Progress")),
        FieldRole("sent_on", sort=True, column=N_("Sent"), section=N_("Progress")),
        FieldRole("due_on_override", section=N_("Progress")),
        FieldRole("tracking_number", search=True, column=N_("Tracking no."),
                  section=N_("Progress")),
        FieldRole("text", search=True, section=N_("Text and notes")),
        FieldRole("notes", section=N_("Text and notes")),
        FieldRole("due_on", sort=True, column=N_("Due")),
    ),
    orders={
        "columns": ("subject", "agency_id", "status", "sent_on", "due_on"),
        "sort": ("subject", "sent_on", "due_on"),
    },
)
