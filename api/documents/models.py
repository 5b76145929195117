"""Documents: uploaded files attached to any record, kept on disk under the data directory."""

from typing import ClassVar

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Attached, Owned
from api.fields import Id, LongText, ReadMeta, ShortText, StrEnum, TableBase, enum_field, fk


class AttachedTo(StrEnum):
    organization = "organization"
    person = "person"
    target = "target"
    body = "body"
    agency = "agency"
    contract = "contract"
    campaign = "campaign"
    vote = "vote"
    meeting = "meeting"
    action = "action"
    records_request = "records_request"
    press_hit = "press_hit"
    evidence_entry = "evidence_entry"


class Document(TableBase, table=True):
    __access__: ClassVar[Access] = Access(
        owned=Owned("owner_organization_id"),
        attached=Attached("attached_kind", "attached_id", tuple(kind.value for kind in AttachedTo)))
    __table_args__ = (Index("ix_document_attached", "attached_kind", "attached_id"),)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    stored_name: str = Field(max_length=100, sa_column_kwargs={"unique": True})
    description: str = ""
    attached_kind: AttachedTo = enum_field()
    attached_id: int
    uploaded_by_id: int | None = fk("app_user.id")
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field()


class DocumentMeta(SQLModel):
    """What a form or API call says about an upload besides the file itself."""

    attached_kind: AttachedTo
    attached_id: Id
    description: LongText = ""
    owner_organization_id: Id | None = None
    # Never wider than the record it is on; none given: as widely as that record.
    visibility: Visibility | None = None


class DocumentUpdate(SQLModel):
    description: LongText | None = None
    filename: ShortText | None = None
    visibility: Visibility | None = None


class DocumentRead(ReadMeta):
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    description: str
    attached_kind: AttachedTo
    attached_id: int
    uploaded_by_id: int | None
    owner_organization_id: int | None
    visibility: Visibility
