"""JSON API of jurisdictions."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import (
    MISSING_ID,
    CrudContract,
    Spec,
    blocked_delete,
    problem,
    refused_reference,
)
from tests.factories import make_body, make_jurisdiction, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Oak Valley"), "kind": "city", "state_code": "IL",
            "timezone": "America/Chicago", "population": 54_000,
            "parent_id": make_jurisdiction(session, actor, kind="county").id}


class TestJurisdictions(CrudContract):
    spec = Spec(
        path="/api/v1/jurisdictions", payload=payload,
        rows=({"name": "Ashford", "kind": "city"}, {"name": "Brookline", "kind": "county"},
              {"name": "Carver", "kind": "county"}),
        sort="name", q="brook", filter="kind",
        patch={"population": 61_000, "timezone": "America/Denver"},
        bad_patch=({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        invalid=[({"state_code": "C1"}, "state_code"), ({"state_code": "CAL"}, "state_code"),
                 ({"timezone": "Nowhere"}, "timezone"), ({"population": -5}, "population"),
                 ({"kind": "planet"}, "kind"), ({"parent_id": -1}, "parent_id")],
    )


def test_state_code_is_upper_cased(client: TestClient, session: Session, actor: Any) -> None:
    body = {**payload(session, actor), "state_code": "ca"}
    assert client.post("/api/v1/jurisdictions", json=body).json()["state_code"] == "CA"


def test_cannot_be_its_own_parent(client: TestClient, session: Session, actor: Any) -> None:
    place = make_jurisdiction(session, actor)
    problem(client.patch(f"/api/v1/jurisdictions/{place.id}", json={"parent_id": place.id}),
            422, "parent_id")


def test_missing_parent(client: TestClient, session: Session, actor: Any) -> None:
    refused_reference(client, TestJurisdictions.spec, session, actor, "parent_id", MISSING_ID)


def test_delete_blocked_by_a_body(client: TestClient, session: Session, actor: Any) -> None:
    body = make_body(session, actor)
    blocked_delete(client, f"/api/v1/jurisdictions/{body.jurisdiction_id}",
                   f"/api/v1/bodies/{body.id}")


def test_deleting_a_parent_clears_the_link(client: TestClient, session: Session,
                                           actor: Any) -> None:
    county = make_jurisdiction(session, actor, kind="county")
    city = make_jurisdiction(session, actor, parent_id=county.id)
    assert client.delete(f"/api/v1/jurisdictions/{county.id}").status_code == 204
    assert client.get(f"/api/v1/jurisdictions/{city.id}").json()["parent_id"] is None
