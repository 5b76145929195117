"""JSON API of coalition partner organizations."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import CrudContract, Spec, problem
from tests.factories import make_organization, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Privacy Alliance"), "kind": "privacy", "coalition_role": "co_lead",
            "status": "joined", "website": "https://privacy.example", "email": "hi@privacy.example",
            "phone": "555-0100", "notes": "Runs the phone tree.", "tags": ["alpr", "records"]}


class TestOrganizations(CrudContract):
    spec = Spec(
        path="/api/v1/organizations", payload=payload,
        rows=({"name": "Alder Collective", "kind": "faith"},
              {"name": "Birch Union", "kind": "labor"},
              {"name": "Cedar Watch", "kind": "labor"}),
        sort="name", q="BIRCH", filter="kind",
        patch={"status": "inactive", "tags": ["dormant"]},
        bad_patch=({"name": "   "}, "name"),
        invalid=[({"name": ""}, "name"), ({"website": "ftp://files.example"}, "website"),
                 ({"email": "not-an-email"}, "email"), ({"kind": "club"}, "kind"),
                 ({"tags": ["x"] * 31}, "tags"), ({"tags": ["ok", "a\x00"]}, "tags.1"),
                 ({"name": "a\x00b"}, "name")],
    )


def test_name_is_unique(client: TestClient, session: Session, actor: Any) -> None:
    existing = make_organization(session, actor)
    body = problem(client.post("/api/v1/organizations", json={"name": existing.name}), 409,
                   "name")
    assert "name" in body["detail"]
    other = make_organization(session, actor)
    problem(client.patch(f"/api/v1/organizations/{other.id}", json={"name": existing.name}),
            409, "name")
