"""Reads and writes of jurisdictions."""

from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import clock
from api.atlas import places
from api.auth.models import User
from api.crud import Crud
from api.errors import Invalid
from api.i18n.catalogs import N_
from api.jurisdictions.models import (
    JURISDICTIONS,
    Jurisdiction,
    JurisdictionKind,
    JurisdictionRead,
)
from api.jurisdictions.states import NAMES


def _no_self_parent(session: Session, actor: User, values: dict[str, Any],
                    existing: Jurisdiction | None) -> dict[str, Any]:
    if existing is not None and values.get("parent_id") == existing.id:
        raise Invalid(N_("A jurisdiction cannot be its own parent."), field="parent_id")
    return _on_the_map(values)


def _on_the_map(values: dict[str, Any]) -> dict[str, Any]:
    """A county given no code gets the one its name has in the map's outlines; a code given
    must be a county of the jurisdiction's state."""
    code, state = values.get("county_fips") or "", NAMES.get(values.get("state_code") or "", "")
    if not code:
        if values.get("kind") == JurisdictionKind.county and state:
            return {**values, "county_fips": places.county_fips(values["name"], state) or ""}
        return values
    state_fips = places.state_fips(state) if state else None
    if state_fips is not None and not code.startswith(state_fips):
        raise Invalid(N_("That county code is not in this jurisdiction's state."),
                      field="county_fips")
    if places.installed() and not places.known_county(code):
        raise Invalid(N_("No county has that code."), field="county_fips")
    return values


crud: Crud[Jurisdiction, JurisdictionRead] = Crud(**JURISDICTIONS.crud_options(),
                                                  prepare=_no_self_parent)


def zone(session: Session, jurisdiction_id: int | None) -> ZoneInfo:
    """The timezone of a jurisdiction (the coalition's when none is known)."""
    if jurisdiction_id is not None:
        found = crud.load(session, jurisdiction_id)
        if found is not None:
            return ZoneInfo(found.timezone)
    return clock.home_zone()
