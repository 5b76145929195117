"""Law-enforcement agencies that run ALPR: vendor, cameras, retention and who they share with,
and the dated sources that say so."""

from datetime import date
from typing import Annotated, ClassVar

import sqlalchemy as sa
from pydantic import AfterValidator, StringConstraints
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    MAX_INT,
    Count,
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StateCode,
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

NO_SUCH_DAY = N_("is not a day of the calendar")


def _real_day(value: str | None) -> str | None:
    # The pattern lets through 30 February; a full date must be one the calendar has. A
    # change that leaves the date out (None) has nothing to check.
    if value is not None and len(value) == 10:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError(NO_SUCH_DAY) from None
    return value


# A date as precise as its source: "2019", "2019-05" or "2019-05-14".
PartialDate = Annotated[str, StringConstraints(
    pattern=r"^$|^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"),
    AfterValidator(_real_day)]
# Plate detections run into the hundreds of millions; a 64-bit column holds any real count.
BIG_INT = 2**63 - 1


class AgencyKind(StrEnum):
    police_department = "police_department"
    sheriff = "sheriff"
    state_police = "state_police"
    fusion_center = "fusion_center"
    federal = "federal"
    other = "other"


class Sharing(StrEnum):
    yes = "yes"
    no = "no"
    disputed = "disputed"
    unknown = "unknown"


class AgencyBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    kind: AgencyKind = enum_field(AgencyKind.police_department, title=N_("Kind"))
    jurisdiction_id: int | None = fk("jurisdiction.id", title=N_("Jurisdiction"))
    state_code: StateCode = Field(default="", max_length=2, title=N_("State code"))
    # The company its plate readers come from.
    vendor_id: int | None = fk("vendor.id", title=N_("Vendor"))
    fixed_cameras: Count | None = Field(default=None, title=N_("Fixed cameras"))
    mobile_cameras: Count | None = Field(default=None, title=N_("Mobile cameras"))
    retention_days: Count | None = Field(default=None, title=N_("Retention days"))
    shares_with_federal: Sharing = enum_field(Sharing.unknown, title=N_("Shares with federal"))
    sharing_evidence_url: Url = Field(default="", title=N_("Sharing evidence url"))
    sharing_partners: Count | None = Field(default=None, title=N_("Sharing partners"))
    policy_url: Url = Field(default="", title=N_("Policy url"))
    source_links: Annotated[list[Url], at_most(50)] = json_field(title=N_("Source links"))
    notes: LongText = Field(default="", title=N_("Notes"))
    # From outside datasets: the Atlas of Surveillance row id, and EFF's "Data Driven" numbers
    # (national pool participation, plate detections and hits over a stated period).
    atlas_id: ShortText = Field(default="", index=True, title=N_("Atlas"))
    # The FBI's nine-character originating agency identifier: one agency, whatever its name.
    ori: ShortText = Field(default="", max_length=9, index=True)
    national_pool: bool | None = Field(default=None, title=N_("National pool"))
    detections: int | None = Field(default=None, ge=0, le=BIG_INT, sa_type=sa.BigInteger,
                                   title=N_("Detections"))
    hits: int | None = Field(default=None, ge=0, le=BIG_INT, sa_type=sa.BigInteger,
                             title=N_("Hits"))
    detections_period: ShortText = Field(default="", title=N_("Detections period"))
    data_sharing_report_url: Url = Field(default="", title=N_("Data sharing report url"))
    # Empty: the coalition's record (an imported agency), which only leads change.
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


class Agency(TableBase, AgencyBase, table=True):
    # What a partner learned of an agency, a contract, a vote or the press may be theirs
    # alone; most are the coalition's (no owner), from imports and agendas.
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id", coalition_kept=True))
    pass


class AgencyCreate(AgencyBase):
    pass


AgencyUpdate = update_schema(AgencyCreate, "AgencyUpdate")


class AgencyLinkBase(SQLModel):
    """A source saying the agency runs plate readers: a news story, a budget, a council
    record, with the day it was published (a year, a month or a day, as the source gives it)."""

    url: Url = Field(min_length=1)
    published: PartialDate = ""
    source: ShortText = ""
    kind: ShortText = ""
    snapshot_url: Url = ""
    # The dataset the link came from ("atlas"); empty for one added by hand.
    dataset: ShortText = ""


class AgencyLink(TableBase, AgencyLinkBase, table=True):
    __tablename__ = "agency_link"
    __table_args__ = (sa.UniqueConstraint("agency_id", "url"),)
    # Read and written with its agency: a link says what the agency's record says.
    __access__: ClassVar[Access] = Access(child=Child(((Agency, "agency_id"),)))
    agency_id: int = fk("agency.id", required=True, ondelete="CASCADE", index=False)


class AgencyAlias(SQLModel, table=True):
    """A name and the dataset numbers an agency went by as another record, before the two were
    merged: a dataset imported again finds the kept agency under them, not a new one."""

    __tablename__ = "agency_alias"
    __table_args__ = (sa.UniqueConstraint("agency_id", "name", "atlas_id", "ori"),)
    __access__: ClassVar[Access] = Access(child=Child(((Agency, "agency_id"),)))
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = fk("agency.id", required=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=300)
    state_code: str = Field(default="", max_length=2)
    atlas_id: str = Field(default="", max_length=300)
    ori: str = Field(default="", max_length=9)


class AgencyLinkRead(AgencyLinkBase, ReadMeta):
    agency_id: int


class AgencyRead(AgencyBase, ReadMeta):
    pass


class AgencyMerge(SQLModel):
    """Two agencies kept that are one: the one named here is folded into the one kept."""

    fold_id: int = Field(ge=1, le=MAX_INT, title=N_("Agency to fold in"),
                         description="The agency to fold in: its contracts, requests, sources "
                         "and documents move to the one kept, and it is removed")


AGENCIES = Concept(
    table=Agency, create=AgencyCreate, update=AgencyUpdate,
    read=AgencyRead, label="agency", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Agency")),
        FieldRole("kind", filter=N_("Kind"), column=True, section=N_("Agency")),
        FieldRole("jurisdiction_id", filter=N_("Jurisdiction"), section=N_("Agency")),
        FieldRole("state_code", sort=True, filter=True, column=N_("State"), section=N_("Agency")),
        FieldRole("ori", filter=True, section=N_("Agency")),
        FieldRole("vendor_id", filter=N_("Vendor"), column=True,
                  section=N_("Plate readers")),
        FieldRole("fixed_cameras", sort=True, column=True,
                  section=N_("Plate readers")),
        FieldRole("mobile_cameras", section=N_("Plate readers")),
        FieldRole("retention_days", sort=True, column=N_("Retention (days)"),
                  section=N_("Plate readers")),
        FieldRole("policy_url", section=N_("Plate readers")),
        FieldRole("shares_with_federal", filter=N_("Shares with federal"),
                  column=True, section=N_("Sharing")),
        FieldRole("sharing_partners", section=N_("Sharing")),
        FieldRole("sharing_evidence_url", section=N_("Sharing")),
        FieldRole("source_links", section=N_("Sharing")),
        FieldRole("notes", section=N_("Notes")),
    ),
)
