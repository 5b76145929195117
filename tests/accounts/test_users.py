"""JSON API of user accounts."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import make_organization, make_user, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    email = unique("lead").replace(" ", ".") + "@coalition.example"
    return {"email": email, "name": unique("Lee Lead"), "role": "lead",
            "organization_id": make_organization(session, actor).id, "is_active": True}


class TestUsers(CrudContract):
    spec = Spec(
        path="/api/v1/users", payload=payload,
        rows=({"name": "Ada Admin", "role": "partner"}, {"name": "Bea Viewer", "role": "viewer"},
              {"name": "Cy Lead", "role": "viewer"}),
        sort="name", q="bea view", filter="role",
        patch={"role": "admin", "is_active": False},
        bad_patch=({"email": "lee@"}, "email"),
        invalid=[({"email": "not-an-address"}, "email"), ({"role": "owner"}, "role"),
                 ({"is_active": "sometimes"}, "is_active"), ({"name": ""}, "name")],
    )


def test_email_is_unique(client: TestClient, session: Session, actor: Any) -> None:
    existing = make_user("lead", session=session)
    body = {**payload(session, actor), "email": existing.email}
    problem(client.post("/api/v1/users", json=body), 409, "email")
    other = make_user("lead", session=session)
    problem(client.patch(f"/api/v1/users/{other.id}", json={"email": existing.email}), 409,
            "email")


def test_missing_organization(client: TestClient, session: Session, actor: Any) -> None:
    refused_reference(client, TestUsers.spec, session, actor, "organization_id", MISSING_ID)


def test_system_account_is_listed(client: TestClient, actor: Any, admin: Any) -> None:
    found = client.get("/api/v1/users", params={"role": "admin"}).json()["items"]
    assert sorted(user["id"] for user in found) == sorted([actor.id, admin.id])
    assert client.get(f"/api/v1/users/{actor.id}").json()["email"] == actor.email
