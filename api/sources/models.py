"""Tables of outside data: suggested votes found on agendas, each body's agenda sync state,
campaigns' agenda keywords, and camera counts from OpenStreetMap; and what an import answers
with, as a preview and once committed."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, StringConstraints
from pydantic import Field as PydField
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from api.fields import (
    Id,
    Name,
    ReadMeta,
    StrEnum,
    TableBase,
    enum_field,
    fk,
    json_field,
    utc_field,
)
from api.votes.models import VoteKind


class SuggestionStatus(StrEnum):
    suggested = "suggested"
    confirmed = "confirmed"
    dismissed = "dismissed"


class SuggestedVoteFields(SQLModel):
    body_id: int = fk("body.id", required=True, ondelete="CASCADE")
    campaign_id: int | None = fk("campaign.id")
    source: str = Field(default="legistar", max_length=40)
    source_event_id: str = Field(max_length=64, index=True)
    source_item_id: str = Field(max_length=64)
    scheduled_at: datetime = utc_field(default=..., index=True, nullable=False)
    # The meeting time as the platform wrote it (e.g. "1:30 PM"); blank when it gave none.
    time_text: str = Field(default="", max_length=40)
    item_number: str = Field(default="", max_length=200)
    title: str = Field(default="", sa_type=sa.Text)
    matter_file: str = Field(default="", max_length=200)
    matter_type: str = Field(default="", max_length=200)
    consent_calendar: bool = False
    agenda_url: str = Field(default="", max_length=2000)
    event_url: str = Field(default="", max_length=2000)
    location: str = Field(default="", max_length=200)
    matched_keywords: list[str] = json_field()
    status: SuggestionStatus = enum_field(SuggestionStatus.suggested, index=True)
    vote_id: int | None = fk("vote.id")
    decided_by_id: int | None = fk("app_user.id")
    decided_at: datetime | None = utc_field()
    # Where the meeting was before the platform last moved it; empty if it never moved.
    moved_from: datetime | None = utc_field()
    # The platform's id of the matter (the ordinance, contract or resolution) the item is
    # about: an item continued to a later meeting comes back under a new item id but this one.
    matter_id: str = Field(default="", max_length=64, index=True)
    # Why the item is not on an agenda ahead any more: "withdrawn" from its meeting's agenda, or
    # its meeting "cancelled"; empty while it is on one.
    off_agenda: str = Field(default="", max_length=20)


class SuggestedVote(TableBase, SuggestedVoteFields, table=True):
    """An agenda item that matched a campaign's keywords, waiting for a lead to confirm it."""

    __tablename__ = "suggested_vote"
    __table_args__ = (UniqueConstraint("body_id", "source_item_id"),)


class SuggestedVoteRead(SuggestedVoteFields, ReadMeta):
    pass


class SuggestionConfirm(BaseModel):
    """Optional corrections a lead makes while confirming a suggestion."""

    title: Name | None = None
    campaign_id: Id | None = None
    kind: VoteKind | None = None


class AgendaSync(SQLModel, table=True):
    """How the last agenda fetches of one body went, so failures are visible."""

    __tablename__ = "agenda_sync"
    body_id: int = fk("body.id", required=True, ondelete="CASCADE", primary_key=True)
    last_attempt_at: datetime | None = utc_field()
    last_success_at: datetime | None = utc_field()
    last_error_at: datetime | None = utc_field()
    last_error: str = Field(default="", sa_type=sa.Text)
    consecutive_failures: int = 0
    events_seen: int = 0
    items_seen: int = 0
    suggestions_made: int = 0


class AgendaSyncRead(SQLModel):
    body_id: int
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error_at: datetime | None = None
    last_error: str = ""
    consecutive_failures: int = 0
    events_seen: int = 0
    items_seen: int = 0
    suggestions_made: int = 0


class AgendaKeyword(SQLModel, table=True):
    """One word or phrase a campaign watches agendas for; a campaign with none uses the defaults."""

    __tablename__ = "agenda_keyword"
    campaign_id: int = fk("campaign.id", required=True, ondelete="CASCADE", primary_key=True)
    phrase: str = Field(max_length=100, primary_key=True)


Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]


class KeywordsSet(BaseModel):
    keywords: list[Phrase] = PydField(max_length=100)


class KeywordsRead(BaseModel):
    campaign_id: int
    keywords: list[str]
    uses_defaults: bool


class CameraCount(TableBase, table=True):
    """How many ALPR cameras of one manufacturer OpenStreetMap showed in a jurisdiction on a day.
    A count that found none is kept as one row with an empty manufacturer and a count of 0."""

    __tablename__ = "camera_count"
    __table_args__ = (UniqueConstraint("jurisdiction_id", "counted_on", "manufacturer"),)
    jurisdiction_id: int = fk("jurisdiction.id", required=True, ondelete="CASCADE")
    manufacturer: str = Field(default="", max_length=200)
    count: int = 0
    counted_on: date = Field(index=True)
    source: str = Field(default="openstreetmap", max_length=40)


class CameraCountRead(SQLModel):
    jurisdiction_id: int
    manufacturer: str
    count: int
    counted_on: date
    source: str


class CameraRefresh(BaseModel):
    # OpenStreetMap relation of the jurisdiction's boundary, when its name alone is ambiguous.
    osm_relation_id: Id | None = None


# ---- what an import answers with ----------------------------------------------------------
# A preview says what the file would do; a committed import says the same of what it did, with
# its result. `committed` tells the two apart, in the JSON and in the schema.

class ImportCounts(BaseModel):
    """How many rows would be (or were) created, updated, skipped, or refused for an error."""

    create: int
    update: int
    skip: int
    error: int


class AgencyRowPlan(BaseModel):
    """What one dataset row does to its agency."""

    row: int
    name: str
    state: str
    action: str = PydField(description="create, update, skip or error")
    agency_id: int | None
    changes: dict[str, list[Any]] = PydField(description="field: [now, after]")
    message: str
    new_place: dict[str, str] | None = PydField(
        description="The jurisdiction the import makes, when none matches the agency's place")
    place: str
    vendor: dict[str, Any] | None = PydField(description='{"name", "id" (null when new)}')
    links: list[dict[str, str]]
    links_unchanged: int
    warnings: list[str]
    duplicates: list[dict[str, Any]] = PydField(
        default_factory=list,
        description='Agencies already kept that look like one ({"id", "name"}), to be merged '
                    "before this row can be imported")


class AgencyImportPlan(BaseModel):
    committed: bool
    kind: str
    token: str = PydField(description="Give it back with the commit, to import this file only")
    total_rows: int
    ignored_rows: int
    counts: ImportCounts
    rows: list[AgencyRowPlan]


class AgencyImportPreview(AgencyImportPlan):
    """An agency dataset's preview: nothing was written."""

    committed: Literal[False] = False


class AgencyImportResult(BaseModel):
    created: int
    updated: int
    skipped: int
    links_added: int
    links_updated: int
    errors: list[dict[str, Any]]


class AgencyImportCommitted(AgencyImportPlan):
    """An agency dataset imported: its plan, and what was written."""

    committed: Literal[True] = True
    result: AgencyImportResult


AgencyImportAnswer = Annotated[AgencyImportPreview | AgencyImportCommitted,
                               PydField(discriminator="committed")]


class SheetRowPlan(BaseModel):
    """What one spreadsheet row does: its values as read, its errors, the record it matches."""

    row: int
    action: str = PydField(description="create, update, skip or error")
    values: dict[str, Any]
    errors: list[dict[str, str]]
    existing_id: int | None
    match: str
    organization_id: int | None
    role: str


class SheetRowError(BaseModel):
    row: int
    field: str
    message: str


class SheetImportPlan(BaseModel):
    committed: bool
    concept: str
    token: str = PydField(description="Give it back with the commit, to import this file only")
    headers: list[str]
    mapping: dict[str, str]
    fields: list[str]
    unmapped_headers: list[str]
    total_rows: int
    counts: ImportCounts
    errors: list[SheetRowError]
    rows: list[SheetRowPlan] = PydField(description="Every row with an error or a duplicate")
    sample: list[SheetRowPlan] = PydField(description="Some of the other rows")


class SheetImportPreview(SheetImportPlan):
    """A spreadsheet's preview: nothing was written."""

    committed: Literal[False] = False


class SheetImportResult(BaseModel):
    created: int
    updated: int
    skipped: int
    left_out: list[int] = PydField(description="Rows with errors, not imported")


class SheetImportCommitted(SheetImportPlan):
    """A spreadsheet imported: its plan, and what was written."""

    committed: Literal[True] = True
    result: SheetImportResult


SheetImportAnswer = Annotated[SheetImportPreview | SheetImportCommitted,
                              PydField(discriminator="committed")]
