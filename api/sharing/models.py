"""A sharing link: one agency's plate reads reaching another agency, a national pool or a
federal agency, with the source that says so."""

from typing import ClassVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from api.agencies.models import Agency, PartialDate
from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Child, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    Count,
    ReadMeta,
    ShortText,
    StrEnum,
    TableBase,
    Url,
    enum_field,
    fk,
    update_schema,
)
from api.i18n.catalogs import N_


class SharingKind(StrEnum):
    # The agency's reads go to the partner: the partner can search them.
    shares_with = "shares_with"
    # The agency can search the partner's reads.
    can_query = "can_query"


class SourceKind(StrEnum):
    vigilant_report = "vigilant_report"
    records_request = "records_request"
    news = "news"
    other = "other"


class Confidence(StrEnum):
    confirmed = "confirmed"
    likely = "likely"
    reported = "reported"


class SharingLinkBase(SQLModel):
    agency_id: int = fk("agency.id", required=True, ondelete="CASCADE", title=N_("Agency"))
    kind: SharingKind = enum_field(SharingKind.shares_with, title=N_("Direction"))
    # The partner is an agency kept here, or a name alone: a national pool ("Vigilant LEARN
    # national pool"), or the partners a dataset counts without naming them.
    partner_agency_id: int | None = fk("agency.id", ondelete="CASCADE", title=N_("Partner"))
    partner_name: ShortText = Field(default="", title=N_("Partner name"))
    # Partners a source counts without naming them: how many; the name is then left empty.
    partner_count: Count | None = Field(default=None, title=N_("Agencies it stands for"))
    # A national pool: every agency in it can search the reads, however many they are.
    pool: bool = Field(default=False, title=N_("National pool"))
    # ICE, HSI and CBP: whose searches reach deportations.
    immigration: bool = Field(default=False, title=N_("Immigration enforcement"))
    source_kind: SourceKind = enum_field(SourceKind.other, title=N_("Source kind"))
    source_url: Url = Field(default="", title=N_("Source url"))
    document_id: int | None = fk("document.id", title=N_("Document"))
    reported_on: PartialDate = Field(default="", title=N_("Date of the source"))
    confidence: Confidence = enum_field(Confidence.reported, title=N_("Confidence"))
    # The dataset the link came from ("data-driven", "sharing-report"); empty by hand.
    dataset: ShortText = Field(default="", title=N_("Dataset"))
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


class SharingLink(TableBase, SharingLinkBase, table=True):
    __tablename__ = "sharing_link"
    # Like the agencies it joins: a partner's finding may be theirs alone; an imported link is
    # the coalition's, which any partner keeps up to date. It tells of its agency, so it is
    # read only by those who may read the agency too; a partner writes one about an agency it
    # reads without keeping it. A link to a partner agency tells of that agency as well, so it
    # is read only with both.
    __access__: ClassVar[Access] = Access(
        owned=Owned("owner_organization_id", coalition_kept=True),
        child=Child(((Agency, "agency_id"), (Agency, "partner_agency_id")),
                    read_parents=("agency_id", "partner_agency_id"),
                    optional=("partner_agency_id",)))
    __table_args__ = (sa.Index("ix_sharing_link_partner_kind", "partner_agency_id", "kind"),)


class SharingLinkCreate(SharingLinkBase):
    # Left out, it is worked out from the partner's name (api.sharing.service).
    immigration: bool | None = Field(  # type: ignore[assignment]
        default=None, title=N_("Immigration enforcement"))


SharingLinkUpdate = update_schema(SharingLinkCreate, "SharingLinkUpdate")


class SharingLinkRead(SharingLinkBase, ReadMeta):
    # Empty to a reader who may not read the agency (api.auth.references). Narrower in the
    # base, where a link is written with its agency; pydantic allows the wider read field.
    agency_id: int | None  # type: ignore[assignment]


SHARING_LINKS = Concept(
    table=SharingLink, create=SharingLinkCreate, update=SharingLinkUpdate,
    read=SharingLinkRead, label="sharing link", title="partner_name",
    default_sort="-reported_on",
    orders={"columns": ("partner_name", "agency_id")},
    fields=(
        FieldRole("partner_name", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Link")),
        FieldRole("agency_id", filter=N_("Agency"), column=True, section=N_("Link")),
        FieldRole("kind", filter=N_("Direction"), column=True, section=N_("Link")),
        FieldRole("partner_agency_id", filter=N_("Partner"), column=True, section=N_("Link")),
        FieldRole("partner_count", section=N_("Link")),
        FieldRole("pool", filter=True, section=N_("Link")),
        FieldRole("immigration", filter=N_("Immigration enforcement"), column=True,
                  section=N_("Link")),
        FieldRole("source_kind", filter=N_("Source kind"), section=N_("Source")),
        FieldRole("source_url", section=N_("Source")),
        FieldRole("reported_on", sort=True, column=True, section=N_("Source")),
        FieldRole("confidence", filter=True, section=N_("Source")),
        FieldRole("dataset", filter=True),
    ),
)
