"""JSON API of decision-making bodies."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import (
    MISSING_ID,
    CrudContract,
    Spec,
    blocked_delete,
    refused_reference,
)
from tests.factories import make_jurisdiction, make_vote, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Board of Supervisors"), "kind": "board_of_supervisors",
            "jurisdiction_id": make_jurisdiction(session, actor).id, "seats": 5,
            "majority_needed": 3, "website": "https://county.example/board",
            "agenda_source": "legistar", "legistar_client": "oakcounty"}


class TestBodies(CrudContract):
    spec = Spec(
        path="/api/v1/bodies", payload=payload,
        rows=({"name": "Alameda Council", "kind": "city_council"},
              {"name": "Berkeley Police Commission", "kind": "police_commission"},
              {"name": "Contra Costa Board", "kind": "police_commission"}),
        sort="name", q="police comm", filter="kind",
        patch={"seats": 9, "majority_needed": 5},
        bad_patch=({"majority_needed": 6}, "majority_needed"),
        invalid=[({"seats": -1}, "seats"), ({"seats": 10**30}, "seats"),
                 ({"kind": "senate"}, "kind"), ({"jurisdiction_id": None}, "jurisdiction_id"),
                 ({"legistar_client": ""}, "legistar_client"),
                 ({"website": "javascript:alert(1)"}, "website")],
    )


def test_missing_jurisdiction(client: TestClient, session: Session, actor: Any) -> None:
    refused_reference(client, TestBodies.spec, session, actor, "jurisdiction_id", MISSING_ID)


def test_delete_blocked_by_a_vote(client: TestClient, session: Session, actor: Any) -> None:
    vote = make_vote(session, actor)
    blocked_delete(client, f"/api/v1/bodies/{vote.body_id}", f"/api/v1/votes/{vote.id}")
