"""Where a jurisdiction is drawn on the county map: a county's code found from its name in the
map's outlines when saved, a code given checked against its state."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.atlas import places
from tests import factories as f

CA = {"state_code": "CA", "timezone": "America/Los_Angeles"}


def test_a_county_gets_its_code_from_its_name(session: Session, actor: Any) -> None:
    county = f.make_jurisdiction(session, actor, name="Los Angeles County", kind="county", **CA)
    assert county.county_fips == "06037"
    parish = f.make_jurisdiction(session, actor, name="Orleans Parish", kind="county",
                                 state_code="LA", timezone="America/Chicago")
    assert parish.county_fips == "22071"
    # A city is not a county: its county is given, or its parent's is used on the map.
    city = f.make_jurisdiction(session, actor, name="Orange", **CA)
    assert city.county_fips == ""
    unknown = f.make_jurisdiction(session, actor, name="Atlantis County", kind="county", **CA)
    assert unknown.county_fips == ""


def test_names_match_as_people_write_them() -> None:
    assert places.county_fips("los angeles", "California") == "06037"
    assert places.county_fips("St. Louis County", "Missouri") == "29189"
    assert places.county_fips("Kenai Peninsula Borough", "Alaska") == "02122"
    assert places.county_fips("Los Angeles", "Nevada") is None
    assert places.state_fips("District of Columbia") == "11"
    assert places.state_fips("Puerto Rico") is None
    assert places.state_name_of("06") == "California"


def test_a_code_given_must_be_a_county_of_the_state(client: TestClient) -> None:
    base = {"name": "Irvine", "kind": "city", **CA}
    made = client.post("/api/v1/jurisdictions", json={**base, "county_fips": "06059"})
    assert made.status_code == 201 and made.json()["county_fips"] == "06059"
    for code, said in (("48201", "That county code is not in this jurisdiction's state."),
                       ("06999", "No county has that code."),
                       ("6059", "five-digit code")):
        refused = client.post("/api/v1/jurisdictions", json={**base, "county_fips": code})
        assert refused.status_code == 422, code
        assert said in refused.text, refused.text
    moved = client.patch(f"/api/v1/jurisdictions/{made.json()['id']}",
                         json={"state_code": "TX", "timezone": "America/Chicago"})
    assert moved.status_code == 422 and "not in this jurisdiction's state" in moved.text
