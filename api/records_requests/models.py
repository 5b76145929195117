"""Public-records requests sent to agencies, with their status and due date."""

from datetime import date

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.fields import (
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    enum_field,
    fk,
    update_schema,
)


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


class RecordsRequestBase(SQLModel):
    subject: Name
    agency_id: int = fk("agency.id", required=True)
    campaign_id: int | None = fk("campaign.id")
    requester_organization_id: int | None = fk("organization.id")
    law: ShortText = ""
    state_code: str = Field(default="", max_length=2)
    text: LongText = ""
    sent_on: date | None = None
    method: RequestMethod = enum_field(RequestMethod.email)
    tracking_number: ShortText = ""
    status: RequestStatus = enum_field(RequestStatus.draft)
    due_on: date | None = Field(default=None, index=True)
    notes: LongText = ""
    visibility: Visibility = visibility_field()

    @model_validator(mode="after")
    def _sent_before_due(self) -> "RecordsRequestBase":
        if self.status != RequestStatus.draft and self.sent_on is None:
            raise ValueError("a request that is no longer a draft needs its sent_on date")
        if self.sent_on and self.due_on and self.due_on < self.sent_on:
            raise ValueError("due_on must not be before sent_on")
        return self


class RecordsRequest(TableBase, RecordsRequestBase, table=True):
    __tablename__ = "records_request"


class RecordsRequestCreate(RecordsRequestBase):
    pass


RecordsRequestUpdate = update_schema(RecordsRequestCreate, "RecordsRequestUpdate")


class RecordsRequestRead(RecordsRequestBase, ReadMeta):
    pass
