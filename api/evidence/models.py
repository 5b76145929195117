"""Evidence of misuse: dated entries (an audit-log finding, a records-request document, a news
story, a lawsuit, council testimony, a policy violation), each with its source, on a contract,
an agency or a campaign."""

from datetime import date
from typing import ClassVar

from pydantic import model_validator
from sqlmodel import Field, SQLModel

from api import clock
from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    FIRST_YEAR,
    TOO_EARLY,
    FieldError,
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
)
from api.i18n.catalogs import N_


class EvidenceKind(StrEnum):
    audit_finding = "audit_finding"
    records_document = "records_document"
    news_story = "news_story"
    lawsuit = "lawsuit"
    council_testimony = "council_testimony"
    policy_violation = "policy_violation"


# The records an entry may be about, by the name of their table.
SUBJECTS = {"contract": "contract_id", "agency": "agency_id", "campaign": "campaign_id"}


def require_source(citation: str, url: str) -> None:
    """What is told to a meeting is sourced: a citation, a link, or both."""
    if not (citation or url):
        raise FieldError("citation", N_("Give the source: where this is written down, or a "
                                        "link to it."))


class EvidenceEntryBase(SQLModel):
    title: Name = Field(title=N_("What happened"))
    kind: EvidenceKind = enum_field(EvidenceKind.news_story, title=N_("Kind of evidence"))
    occurred_on: date = Field(index=True, title=N_("Date"))
    summary: LongText = Field(default="", title=N_("Summary"))
    citation: ShortText = Field(default="", title=N_("Source"))
    url: Url = Field(default="", title=N_("Source link"))
    contract_id: int | None = fk("contract.id", index=True, title=N_("Contract"))
    agency_id: int | None = fk("agency.id", index=True, title=N_("Agency"))
    campaign_id: int | None = fk("campaign.id", index=True, title=N_("Campaign"))
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


class EvidenceEntry(TableBase, EvidenceEntryBase, table=True):
    # Most evidence is the coalition's, gathered for everyone's meetings; a partner's own
    # finding may stay theirs until they share it.
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id",
                                                      coalition_kept=True))
    __tablename__ = "evidence_entry"


class EvidenceEntryCreate(EvidenceEntryBase):
    @model_validator(mode="after")
    def _about_something(self) -> "EvidenceEntryCreate":
        if not (self.contract_id or self.agency_id or self.campaign_id):
            raise FieldError("contract_id", N_("Say which contract, agency or campaign this "
                                               "evidence is about."))
        require_source(self.citation, self.url)
        # Evidence is of what happened, with plate readers: an earlier or later date is a
        # typing slip.
        if self.occurred_on.year < FIRST_YEAR:
            raise FieldError("occurred_on", TOO_EARLY)
        if self.occurred_on > clock.today():
            raise FieldError("occurred_on", N_("This date is after today: give the day it "
                                               "happened."))
        return self


EvidenceEntryUpdate = update_schema(EvidenceEntryCreate, "EvidenceEntryUpdate")


class EvidenceEntryRead(EvidenceEntryBase, ReadMeta):
    pass


EVIDENCE = Concept(
    table=EvidenceEntry, create=EvidenceEntryCreate, update=EvidenceEntryUpdate,
    read=EvidenceEntryRead, label="evidence entry", title="title",
    default_sort="-occurred_on", date_column="occurred_on",
    fields=(
        FieldRole("title", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Evidence")),
        FieldRole("kind", filter=N_("Kind of evidence"), column=True, section=N_("Evidence")),
        FieldRole("occurred_on", sort=True, column=True, section=N_("Evidence")),
        FieldRole("summary", search=True, section=N_("Evidence")),
        FieldRole("citation", search=True, section=N_("Source")),
        FieldRole("url", section=N_("Source")),
        FieldRole("contract_id", filter=N_("Contract"), section=N_("About")),
        FieldRole("agency_id", filter=N_("Agency"), column=True, section=N_("About")),
        FieldRole("campaign_id", filter=N_("Campaign"), section=N_("About")),
    ),
    orders={"sort": ("occurred_on",)},
)
