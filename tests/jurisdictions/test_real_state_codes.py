"""A state code is a real one (a state, DC or a territory): "ZZ" is two letters, and an agency
or a place filed under it would be in no state's list, law or timezone."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session


def test_a_made_up_state_code_is_refused_by_agencies_and_jurisdictions(
        client: TestClient, session: Session, actor: Any) -> None:
    agency = client.post("/api/v1/agencies", json={
        "name": "Nowhere Police", "kind": "police_department", "state_code": "ZZ"})
    assert agency.status_code == 422, agency.text
    assert agency.json()["errors"][0]["field"] == "state_code"
    place = client.post("/api/v1/jurisdictions", json={
        "name": "Nowhere", "state_code": "ZZ", "timezone": "America/Chicago"})
    assert place.status_code == 422, place.text
    assert place.json()["errors"][0]["field"] == "state_code"
    for code in ("pr", "DC", "GU"):
        ok = client.post("/api/v1/jurisdictions", json={
            "name": f"Somewhere {code}", "state_code": code, "timezone": "America/New_York"})
        assert ok.status_code == 201, ok.text
