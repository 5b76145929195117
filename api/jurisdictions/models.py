"""Jurisdictions: cities, counties and states, each with its timezone."""

from typing import Annotated
from zoneinfo import available_timezones

from pydantic import Field as PydField
from pydantic import field_validator, model_validator
from sqlmodel import Field, SQLModel

from api.concepts import Concept, FieldRole, ListColumn
from api.fields import (
    NOT_A_STATE,
    Count,
    FieldError,
    Name,
    ReadMeta,
    StrEnum,
    TableBase,
    enum_field,
    fk,
    is_state,
    update_schema,
)
from api.i18n.catalogs import N_
from api.settings import get_settings

_TIMEZONES = frozenset(available_timezones())


class JurisdictionKind(StrEnum):
    city = "city"
    county = "county"
    state = "state"


class JurisdictionBase(SQLModel):
    name: Name = Field(title=N_("Name"))
    kind: JurisdictionKind = enum_field(JurisdictionKind.city, title=N_("Kind"))
    state_code: str = Field(min_length=2, max_length=2, index=True, title=N_("State code"))
    parent_id: int | None = fk("jurisdiction.id")
    # The coalition's own zone unless told otherwise: most places a coalition works share it.
    timezone: str = Field(default_factory=lambda: get_settings().timezone, max_length=64,
                          title=N_("Timezone"))
    population: Count | None = Field(default=None, title=N_("Population"))
    # Where the place is drawn on the county map: the county itself, or the county a city lies
    # in, as its five-digit Census (FIPS) code. A county's is found from its name when saved.
    county_fips: str = Field(default="", max_length=5, title=N_("County code (FIPS)"))
    # Where the place is (its center), to find what happened near it.
    latitude: Annotated[float, PydField(ge=-90, le=90)] | None = Field(
        default=None, title=N_("Latitude"))
    longitude: Annotated[float, PydField(ge=-180, le=180)] | None = Field(
        default=None, title=N_("Longitude"))

    @field_validator("state_code")
    @classmethod
    def _upper_state(cls, value: str) -> str:
        if not is_state(value):
            raise ValueError(NOT_A_STATE)
        return value.upper()

    @field_validator("county_fips")
    @classmethod
    def _five_digits(cls, value: str) -> str:
        value = value.strip()
        if value and not (len(value) == 5 and value.isdigit()):
            raise ValueError(N_("must be a county's five-digit code, such as 06037"))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in _TIMEZONES:
            raise ValueError(N_("must be an IANA timezone such as America/Chicago"))
        return value


class Jurisdiction(TableBase, JurisdictionBase, table=True):
    pass


class JurisdictionCreate(JurisdictionBase):
    @model_validator(mode="after")
    def _both_coordinates(self) -> "JurisdictionCreate":
        if (self.latitude is None) != (self.longitude is None):
            raise FieldError("latitude" if self.latitude is None else "longitude",
                             N_("Give both the latitude and the longitude, or neither."))
        return self


JurisdictionUpdate = update_schema(JurisdictionCreate, "JurisdictionUpdate")


class JurisdictionRead(JurisdictionBase, ReadMeta):
    pass


JURISDICTIONS = Concept(
    table=Jurisdiction, create=JurisdictionCreate, update=JurisdictionUpdate,
    read=JurisdictionRead, label="jurisdiction", title="name",
    default_sort="name",
    fields=(
        FieldRole("name", search=True, sort=True, column=ListColumn(kind="title")),
        FieldRole("kind", sort=True, filter=N_("Kind"), column=True),
        FieldRole("state_code", sort=True, filter=True, column=N_("State")),
        FieldRole("timezone", column=ListColumn(kind="timezone")),
        FieldRole("parent_id", filter=True, column=N_("Part of")),
        FieldRole("county_fips"),
        FieldRole("latitude"),
        FieldRole("longitude"),
    ),
    orders={"sort": ("name", "state_code")},
)
