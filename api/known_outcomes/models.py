"""Outcomes known elsewhere: what other places decided about their plate readers (a contract
cancelled or not renewed, an ordinance passed, restrictions adopted, or a campaign lost), where
and when, with the source that says so."""

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field as PydField
from pydantic import model_validator
from sqlmodel import Field, SQLModel

from api.auth.models import Visibility, visibility_field
from api.auth.table_access import Access, Owned
from api.campaigns.models import CampaignOutcome
from api.concepts import Concept, FieldRole, ListColumn
from api.evidence.models import require_source
from api.fields import (
    LongText,
    Name,
    ReadMeta,
    ShortText,
    StateCode,
    TableBase,
    Url,
    enum_field,
    fk,
    update_schema,
)
from api.i18n.catalogs import N_

WINS = frozenset({CampaignOutcome.contract_cancelled, CampaignOutcome.not_renewed,
                  CampaignOutcome.ordinance_passed, CampaignOutcome.restrictions_adopted})
# The wins that ended a contract, which a meeting hears of first.
ENDED_CONTRACTS = frozenset({CampaignOutcome.contract_cancelled, CampaignOutcome.not_renewed})

Latitude = Annotated[float, PydField(ge=-90, le=90)]
Longitude = Annotated[float, PydField(ge=-180, le=180)]


class KnownOutcomeBase(SQLModel):
    place: Name = Field(title=N_("Place"))
    state_code: StateCode = Field(min_length=2, max_length=2, title=N_("State code"))
    latitude: Latitude = Field(title=N_("Latitude"))
    longitude: Longitude = Field(title=N_("Longitude"))
    outcome: CampaignOutcome = enum_field(CampaignOutcome.contract_cancelled,
                                          title=N_("Outcome"))
    decided_on: date = Field(index=True, title=N_("Decided on"))
    vendor: ShortText = Field(default="", title=N_("Vendor"))
    citation: ShortText = Field(default="", title=N_("Source"))
    url: Url = Field(default="", title=N_("Source link"))
    notes: LongText = Field(default="", title=N_("Notes"))
    owner_organization_id: int | None = fk("organization.id")
    visibility: Visibility = visibility_field(Visibility.coalition)


class KnownOutcome(TableBase, KnownOutcomeBase, table=True):
    # Gathered from the news and other coalitions: the coalition's, kept by any partner.
    __access__: ClassVar[Access] = Access(owned=Owned("owner_organization_id",
                                                      coalition_kept=True))
    __tablename__ = "known_outcome"


class KnownOutcomeCreate(KnownOutcomeBase):
    @model_validator(mode="after")
    def _sourced(self) -> "KnownOutcomeCreate":
        require_source(self.citation, self.url)
        return self


KnownOutcomeUpdate = update_schema(KnownOutcomeCreate, "KnownOutcomeUpdate")


class KnownOutcomeRead(KnownOutcomeBase, ReadMeta):
    pass


KNOWN_OUTCOMES = Concept(
    table=KnownOutcome, create=KnownOutcomeCreate, update=KnownOutcomeUpdate,
    read=KnownOutcomeRead, label="outcome elsewhere", title="place",
    default_sort="-decided_on", date_column="decided_on",
    fields=(
        FieldRole("place", search=True, sort=True, column=ListColumn(kind="title"),
                  section=N_("Outcome")),
        FieldRole("state_code", sort=True, filter=True, column=N_("State"),
                  section=N_("Outcome")),
        FieldRole("outcome", filter=N_("Outcome"), column=True, section=N_("Outcome")),
        FieldRole("decided_on", sort=True, column=True, section=N_("Outcome")),
        FieldRole("vendor", search=True, column=True, section=N_("Outcome")),
        FieldRole("latitude", section=N_("Where")),
        FieldRole("longitude", section=N_("Where")),
        FieldRole("citation", section=N_("Source")),
        FieldRole("url", section=N_("Source")),
        FieldRole("notes", search=True, section=N_("Source")),
    ),
    orders={"sort": ("decided_on", "place")},
)
