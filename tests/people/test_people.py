"""JSON API of people and their memberships of organizations."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import make_affiliation, make_organization, make_person, unique


def person(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Rosa Organizer"), "email": "rosa@coalition.example",
            "phone": "555-0101", "signal_handle": "rosa.01", "preferred_contact": "signal",
            "ok_to_email": True, "ok_to_text": True, "ok_to_call": False,
            "notes": "Speaks at public comment.", "tags": ["speaker"]}


def affiliation(session: Session, actor: Any) -> dict[str, Any]:
    return {"person_id": make_person(session, actor).id,
            "organization_id": make_organization(session, actor).id, "role": "organizer"}


class TestPeople(CrudContract):
    spec = Spec(
        path="/api/v1/people", payload=person,
        rows=({"name": "Ana Alvarez", "preferred_contact": "email"},
              {"name": "Ben Brooks", "preferred_contact": "phone"},
              {"name": "Cy Chen", "preferred_contact": "phone"}),
        sort="name", q="brooks", filter="preferred_contact",
        patch={"ok_to_call": True, "phone": "555-0199"},
        bad_patch=({"name": None}, "name"),
        invalid=[({"email": "rosa@"}, "email"), ({"preferred_contact": "pigeon"},
                                                 "preferred_contact"),
                 ({"ok_to_email": "perhaps"}, "ok_to_email"), ({"name": "x" * 201}, "name")],
    )


class TestAffiliations(CrudContract):
    spec = Spec(
        path="/api/v1/affiliations", payload=affiliation,
        rows=({"role": "treasurer"}, {"role": "spokesperson"}, {"role": "volunteer"}),
        sort="id", q="spokes", filter="person_id",
        patch={"role": "chair"},
        bad_patch=({"person_id": None}, "person_id"),
        invalid=[({"person_id": 0}, "person_id"), ({"organization_id": "one"},
                                                   "organization_id"),
                 ({"role": "r" * 201}, "role")],
    )


def test_person_and_organization_once(client: TestClient, session: Session, actor: Any) -> None:
    existing = make_affiliation(session, actor)
    again = {"person_id": existing.person_id, "organization_id": existing.organization_id}
    problem(client.post("/api/v1/affiliations", json=again), 409, "organization_id")
    other = make_affiliation(session, actor, person_id=existing.person_id)
    problem(client.patch(f"/api/v1/affiliations/{other.id}",
                         json={"organization_id": existing.organization_id}), 409,
            "organization_id")


def test_affiliation_refuses_missing_rows(client: TestClient, session: Session,
                                          actor: Any) -> None:
    for name in ("person_id", "organization_id"):
        refused_reference(client, TestAffiliations.spec, session, actor, name, MISSING_ID)


def test_deleting_a_person_ends_their_memberships(client: TestClient, session: Session,
                                                  actor: Any) -> None:
    membership = make_affiliation(session, actor)
    assert client.delete(f"/api/v1/people/{membership.person_id}").status_code == 204
    problem(client.get(f"/api/v1/affiliations/{membership.id}"), 404)
    assert client.get(f"/api/v1/organizations/{membership.organization_id}").status_code == 200
