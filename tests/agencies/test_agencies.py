"""JSON API of law-enforcement agencies."""

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
from tests.factories import make_contract, make_jurisdiction, make_records_request, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("County Sheriff"), "kind": "sheriff",
            "jurisdiction_id": make_jurisdiction(session, actor).id, "state_code": "CA",
            "fixed_cameras": 40, "mobile_cameras": 3,
            "retention_days": 30, "shares_with_federal": "disputed",
            "sharing_evidence_url": "https://records.example/audit.pdf", "sharing_partners": 800,
            "policy_url": "https://sheriff.example/policy",
            "source_links": ["https://atlas.example/agency/1"], "notes": "Audit shows lookups."}


class TestAgencies(CrudContract):
    spec = Spec(
        path="/api/v1/agencies", payload=payload,
        rows=({"name": "Alder PD", "fixed_cameras": 5, "kind": "sheriff"},
              {"name": "Birch Vigilant PD", "fixed_cameras": 50,
               "kind": "police_department"},
              {"name": "Cedar PD", "fixed_cameras": 12, "kind": "police_department"}),
        sort="fixed_cameras", q="vigilant", filter="kind",
        patch={"retention_days": 7, "shares_with_federal": "no", "state_code": "NV"},
        bad_patch=({"state_code": "N1"}, "state_code"),
        invalid=[({"state_code": "Cal"}, "state_code"), ({"fixed_cameras": -3}, "fixed_cameras"),
                 ({"retention_days": 10**30}, "retention_days"),
                 ({"source_links": ["ftp://x.example"]}, "source_links.0"),
                 ({"shares_with_federal": "maybe"}, "shares_with_federal")],
    )


def test_missing_jurisdiction(client: TestClient, session: Session, actor: Any) -> None:
    refused_reference(client, TestAgencies.spec, session, actor, "jurisdiction_id", MISSING_ID)


def test_state_code_is_upper_cased(client: TestClient, session: Session, actor: Any) -> None:
    body = {**payload(session, actor), "state_code": "wa"}
    assert client.post("/api/v1/agencies", json=body).json()["state_code"] == "WA"


def test_delete_blocked_by_a_contract(client: TestClient, session: Session, actor: Any) -> None:
    contract = make_contract(session, actor)
    blocked_delete(client, f"/api/v1/agencies/{contract.agency_id}",
                   f"/api/v1/contracts/{contract.id}")


def test_delete_blocked_by_a_records_request(client: TestClient, session: Session,
                                             actor: Any) -> None:
    request = make_records_request(session, actor)
    blocked_delete(client, f"/api/v1/agencies/{request.agency_id}",
                   f"/api/v1/records-requests/{request.id}")
