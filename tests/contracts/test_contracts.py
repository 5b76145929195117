"""JSON API of ALPR vendors and contracts, with the termination-notice deadline."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import make_agency, make_body, make_contract, make_vendor, unique


def vendor(session: Session, actor: Any) -> dict[str, Any]:
    return {"name": unique("Lens Systems"), "website": "https://lens.example",
            "notes": "Sells cloud-hosted ALPR."}


def contract(session: Session, actor: Any) -> dict[str, Any]:
    return {"title": unique("Camera subscription"), "agency_id": make_agency(session, actor).id,
            "vendor_id": make_vendor(session, actor).id,
            "approving_body_id": make_body(session, actor).id, "annual_cost": "125000.00",
            "cost_per_camera": "2500.50", "camera_count": 50, "start_date": "2024-07-01",
            "end_date": "2026-06-30", "auto_renews": True, "renewal_term_months": 24,
            "termination_notice_days": 60, "funding_source": "General fund",
            "status": "active", "document_url": "https://city.example/contract.pdf",
            "notes": "Renews unless noticed."}


class TestVendors(CrudContract):
    spec = Spec(
        path="/api/v1/vendors", payload=vendor,
        rows=({"name": "Argus Lens"}, {"name": "Beacon Plate"}, {"name": "Corvid Vision"}),
        sort="name", q="beacon", filter=None,
        patch={"notes": "Also sells drones."},
        bad_patch=({"website": "lens.example"}, "website"),
        invalid=[({"name": ""}, "name"), ({"website": "http://"}, "website"),
                 ({"notes": "x" * 20_001}, "notes")],
    )
    # Vendors are few; their list has search and sorting but no filters.
    test_filter = None


class TestContracts(CrudContract):
    spec = Spec(
        path="/api/v1/contracts", payload=contract,
        rows=({"title": "Alpha", "end_date": "2027-01-31", "status": "active"},
              {"title": "Bravo", "end_date": "2026-09-30", "funding_source": "Federal grant",
               "status": "renewal_pending"},
              {"title": "Charlie", "end_date": "2028-03-31", "status": "renewal_pending"}),
        sort="end_date", q="federal", filter="status",
        patch={"camera_count": 75, "annual_cost": "150000.00"},
        bad_patch=({"end_date": "2020-01-01"}, "end_date"),
        invalid=[({"annual_cost": "-1"}, "annual_cost"),
                 ({"annual_cost": "12345678901.00"}, "annual_cost"),
                 ({"termination_notice_days": 5000}, "termination_notice_days"),
                 ({"end_date": "2024-06-30"}, "end_date"), ({"status": "paused"}, "status"),
                 ({"start_date": "2026-02-30"}, "start_date")],
    )


def test_vendor_name_is_unique(client: TestClient, session: Session, actor: Any) -> None:
    existing = make_vendor(session, actor)
    problem(client.post("/api/v1/vendors", json={"name": existing.name}), 409, "name")
    other = make_vendor(session, actor)
    problem(client.patch(f"/api/v1/vendors/{other.id}", json={"name": existing.name}), 409,
            "name")


@pytest.mark.parametrize("field_name", ["agency_id", "vendor_id", "approving_body_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestContracts.spec, session, actor, field_name, MISSING_ID)


def test_notice_deadline_follows_end_date_and_notice(client: TestClient, session: Session,
                                                     actor: Any, frozen_now: Any) -> None:
    # Renewing by itself, a contract whose end has passed moves on (test_contract_terms).
    body = {**contract(session, actor), "end_date": "2026-06-30", "termination_notice_days": 60,
            "auto_renews": False}
    created = client.post("/api/v1/contracts", json=body).json()
    assert created["notice_deadline"] == "2026-05-01"
    url = f"/api/v1/contracts/{created['id']}"
    assert client.patch(url, json={"termination_notice_days": 90}).json()[
        "notice_deadline"] == "2026-04-01"
    assert client.patch(url, json={"end_date": "2027-03-01"}).json()[
        "notice_deadline"] == "2026-12-01"
    assert client.patch(url, json={"termination_notice_days": None}).json()[
        "notice_deadline"] is None
    assert client.get(url).json()["notice_deadline"] is None


def test_notice_deadline_cannot_be_set_directly(client: TestClient, session: Session,
                                                actor: Any) -> None:
    created = make_contract(session, actor, end_date="2026-06-30", termination_notice_days=30)
    response = client.patch(f"/api/v1/contracts/{created.id}",
                            json={"notice_deadline": "2020-01-01"})
    assert response.status_code == 200
    assert response.json()["notice_deadline"] == "2026-05-31"


def test_list_by_notice_deadline(client: TestClient, session: Session, actor: Any) -> None:
    early = make_contract(session, actor, end_date="2026-06-30", termination_notice_days=30)
    make_contract(session, actor, end_date="2027-06-30", termination_notice_days=30)
    page = client.get("/api/v1/contracts",
                      params={"date_from": "2026-05-01", "date_to": "2026-06-01"}).json()
    assert [item["id"] for item in page["items"]] == [early.id]
    problem(client.get("/api/v1/contracts", params={"date_from": "2026-02-30"}), 422,
            "date_from")


def test_deleting_a_vendor_keeps_its_contracts(client: TestClient, session: Session,
                                               actor: Any) -> None:
    made = make_contract(session, actor, vendor_id=make_vendor(session, actor).id)
    assert client.delete(f"/api/v1/vendors/{made.vendor_id}").status_code == 204
    assert client.get(f"/api/v1/contracts/{made.id}").json()["vendor_id"] is None
