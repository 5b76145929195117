"""ALPR vendors and the contracts agencies sign with them, with their notice deadlines."""

from datetime import date

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.fields import (
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


class VendorBase(SQLModel):
    name: Name = Field(sa_column_kwargs={"unique": True})
    website: Url = ""
    notes: LongText = ""


class Vendor(TableBase, VendorBase, table=True):
    pass


class VendorCreate(VendorBase):
    pass


VendorUpdate = update_schema(VendorCreate, "VendorUpdate")


class VendorRead(VendorBase, ReadMeta):
    pass


class ContractStatus(StrEnum):
    proposed = "proposed"
    active = "active"
    renewal_pending = "renewal_pending"
    expired = "expired"
    cancelled = "cancelled"
    terminated = "terminated"


class ContractBase(SQLModel):
    title: Name
    agency_id: int = fk("agency.id", required=True)
    vendor_id: int | None = fk("vendor.id")
    annual_cost: Money | None = money_field()
    cost_per_camera: Money | None = money_field()
    camera_count: Count | None = None
    start_date: date | None = None
    end_date: date | None = Field(default=None, index=True)
    auto_renews: bool = False
    renewal_term_months: Count | None = None
    termination_notice_days: Count | None = None
    approving_body_id: int | None = fk("body.id")
    funding_source: ShortText = ""
    status: ContractStatus = enum_field(ContractStatus.active)
    document_url: Url = ""
    notes: LongText = ""
    # Empty: the coalition's record, which only leads change.
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)

    @model_validator(mode="after")
    def _dates_in_order(self) -> "ContractBase":
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise FieldError("end_date", "must not be before start_date")
        if self.termination_notice_days is not None and self.termination_notice_days > 3650:
            raise FieldError("termination_notice_days", "must be at most 3650")
        return self


class Contract(TableBase, ContractBase, table=True):
    # Derived from end_date and termination_notice_days by the service; stored so the
    # dashboard can ask for "deadlines in the next 120 days" in one indexed query.
    notice_deadline: date | None = Field(default=None, index=True)


class ContractCreate(ContractBase):
    pass


ContractUpdate = update_schema(ContractCreate, "ContractUpdate")


class ContractRead(ContractBase, ReadMeta):
    notice_deadline: date | None = None
