"""Jurisdictions placed on the maps, with camera counts: Los Angeles County counted as a whole
and one of its cities counted too, and a city of Orange County counted alone."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from api.sources import overpass
from tests.factories import make_jurisdiction


@dataclass
class CountedPlaces:
    los_angeles: Any
    pasadena: Any
    irvine: Any
    fresno: Any


def make_counted_places(session: Session, actor: Any) -> CountedPlaces:
    zone = {"state_code": "CA", "timezone": "America/Los_Angeles"}
    los_angeles = make_jurisdiction(session, actor, name="Los Angeles County", kind="county",
                                    **zone)
    pasadena = make_jurisdiction(session, actor, name="Pasadena", parent_id=los_angeles.id,
                                 **zone)
    irvine = make_jurisdiction(session, actor, name="Irvine", county_fips="06059", **zone)
    # Named but never counted.
    fresno = make_jurisdiction(session, actor, name="Fresno", county_fips="06019", **zone)
    for place, counts in ((los_angeles, {"Flock Safety": 40, "unknown": 2}),
                          (pasadena, {"Flock Safety": 7}), (irvine, {"Flock Safety": 4})):
        overpass.store(session, jurisdiction_id=place.id, counted_on=date(2026, 3, 1),
                       counts=counts)
    # An older count of Irvine, which the newest replaces.
    overpass.store(session, jurisdiction_id=irvine.id, counted_on=date(2026, 1, 1),
                   counts={"Flock Safety": 90})
    session.commit()
    return CountedPlaces(los_angeles, pasadena, irvine, fresno)
