"""Decision-makers we work on, and their stance on each campaign with its full history."""

from datetime import date, datetime
from typing import ClassVar

from pydantic import EmailStr
from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Url,
    enum_field,
    fk,
    update_schema,
    utc_field,
)
from api.i18n.catalogs import N_


class TargetTitle(StrEnum):
    council_member = "council_member"
    supervisor = "supervisor"
    mayor = "mayor"
    sheriff = "sheriff"
    police_chief = "police_chief"
    city_manager = "city_manager"
    staffer = "staffer"
    other = "other"


class StanceLevel(StrEnum):
    champion = "champion"
    leaning_yes = "leaning_yes"
    undecided = "undecided"
    leaning_no = "leaning_no"
    opposed = "opposed"
    unknown = "unknown"


class StanceSource(StrEnum):
    meeting = "meeting"
    public_statement = "public_statement"
    vote = "vote"
    news = "news"
    other = "other"


class TargetBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    title: TargetTitle = enum_field(TargetTitle.council_member, title=N_("Office"))
    body_id: int | None = fk("body.id", title=N_("Body"))
    district: ShortText = Field(default="", title=N_("District"))
    term_ends: date | None = Field(default=None, title=N_("Term ends"))
    email: EmailStr | None = Field(default=None, max_length=254, title=N_("Email"))
    phone: ShortText = Field(default="", title=N_("Phone"))
    office_address: ShortText = Field(default="", title=N_("Office address"))
    website: Url = Field(default="", title=N_("Website"))
    staffers: LongText = Field(default="", title=N_("Staffers"))
    owner_organization_id: int | None = fk("organization.id", title=N_("Owner organization"))
    notes: LongText = Field(default="", title=N_("Notes"))
    visibility: Visibility = visibility_field(Visibility.coalition)


class Target(TableBase, TargetBase, table=True):
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id"))
    # Lists sort by name, then id: this index serves that order without sorting the table.
    __table_args__ = (Index("ix_target_name", "name", "id"),)


class TargetCreate(TargetBase):
    pass


TargetUpdate = update_schema(TargetCreate, "TargetUpdate")


class TargetRead(TargetBase, ReadMeta):
    # Read back as stored: checked when written, and checking the syntax again on every read
    # cost more than the rest of a list page.
    email: str | None = None


class Stance(TableBase, table=True):
    """The latest stance change of one target on one campaign, whoever may read it: kept for
    trusted code (the alert planner), never told to a reader. What a reader is told is worked
    out from the changes that reader may read (api.targets.service.current)."""
    # Left out of the audit log: the trusted copy of each target's latest stance, whoever told
    # it, filed under the target would tell every reader of the target what a private meeting
    # observed. The stance changes themselves are logged, each read with its meeting.
    __access__: ClassVar[Access] = Access(
        child=Child(((Target, "target_id"),), read_parents=("target_id",)), audited=False)

    __table_args__ = (UniqueConstraint("target_id", "campaign_id"),)
    target_id: int = fk("target.id", required=True, ondelete="CASCADE")
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE")
    level: StanceLevel = enum_field(StanceLevel.unknown)


class StanceChange(TableBase, table=True):
    """One observed stance: never edited, only added. The level it moved from is not stored:
    it is the previous change the reader may read, which differs from reader to reader."""
    # A stance seen in a meeting is told only to those who may read the meeting.
    __access__: ClassVar[Access] = Access(child=Child(
        ((Target, "target_id"), ("meeting", "meeting_id")),
        read_parents=("target_id", "meeting_id"), optional=("meeting_id",)))

    # A target's history on a campaign in order, from the index alone: each reader's current
    # stance is the latest change they may read, found by walking it back from the end.
    __table_args__ = (Index("ix_stancechange_history", "target_id", "campaign_id",
                            "recorded_at", "id"),)
    target_id: int = fk("target.id", required=True, ondelete="CASCADE", index=False)
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE")
    to_level: StanceLevel = enum_field()
    source: StanceSource = enum_field(StanceSource.other)
    note: str = ""
    # An observation goes with the meeting it was made in: kept without it, it would be read
    # with its target alone, by readers the meeting was never shared with.
    meeting_id: int | None = fk("meeting.id", ondelete="CASCADE")
    recorded_by_id: int | None = fk("app_user.id")
    # Where the change stands in the target's history: when it was recorded, or, for a
    # meeting's observation corrected later, when the meeting first told of it (created_at
    # says when the row was written).
    recorded_at: datetime = utc_field(nullable=False)


class StanceSet(SQLModel):
    level: StanceLevel
    source: StanceSource = StanceSource.other
    note: LongText = ""


class StanceRead(SQLModel):
    """A target's stance on a campaign as one reader knows it: the latest change they may read."""

    target_id: int
    campaign_id: int
    level: StanceLevel
    updated_at: datetime


class StanceChangeRead(SQLModel):
    """A change as one reader knows it: `from_level` is the previous change they may read."""

    id: int
    target_id: int
    campaign_id: int
    from_level: StanceLevel
    to_level: StanceLevel
    source: StanceSource
    note: str
    meeting_id: int | None
    recorded_by_id: int | None
    recorded_at: datetime


TARGETS = Concept(
    table=Target, create=TargetCreate, update=TargetUpdate,
    read=TargetRead, label="target", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Seat")),
        FieldRole("title", sort=True, filter=N_("Office"), column=True, section=N_("Seat")),
        FieldRole("body_id", filter=N_("Body"), column=True, section=N_("Seat")),
        FieldRole("district", search=True, sort=True, filter=True, column=True,
                  section=N_("Seat")),
        FieldRole("term_ends", sort=True, column=True, section=N_("Seat")),
        FieldRole("email", search=True, section=N_("Contact")),
        FieldRole("phone", section=N_("Contact")),
        FieldRole("office_address", section=N_("Contact")),
        FieldRole("website", section=N_("Contact")),
        FieldRole("staffers", section=N_("Contact")),
        FieldRole("owner_organization_id", filter=N_("Relationship owner"),
                  column=N_("Relationship owner"), section=N_("Relationship")),
        FieldRole("notes", section=N_("Relationship")),
    ),
    orders={
        "columns": ("name", "title", "body_id", "district", "owner_organization_id"),
        "filters": ("body_id",),
    },
)
