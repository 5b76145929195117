"""A records request names the contracts and officials it is about: set on the request (API and
page), shown on the contract's and the official's pages, and each left out for a reader who
may not read it."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import plain


def test_a_request_names_its_contracts_and_officials(
        client: TestClient, session: Session, actor: Any,
        client_as: Any) -> None:
    ours = f.make_organization(session, actor, name="Ours")
    agency = f.make_agency(session, actor, name="Riverton PD")
    contract = f.make_contract(session, actor, agency_id=agency.id, title="Flock agreement")
    chief = f.make_target(session, actor, name="Chief Ruiz")
    private = f.make_target(session, actor, name="Their contact",
                            owner_organization_id=ours.id, visibility="private")
    session.commit()
    made = client.post("/api/v1/records-requests", json={
        "subject": "Flock audit logs", "agency_id": agency.id, "visibility": "coalition",
        "contract_ids": [contract.id], "target_ids": [chief.id, private.id]})
    assert made.status_code == 201, made.text
    request = made.json()
    assert (request["contract_ids"], sorted(request["target_ids"])) == (
        [contract.id], sorted([chief.id, private.id]))

    page = plain(client.get(f"/records-requests/{request['id']}").text)
    assert "Flock agreement" in page and "Chief Ruiz" in page
    assert "Flock audit logs" in plain(client.get(f"/contracts/{contract.id}").text)
    assert "Flock audit logs" in plain(client.get(f"/targets/{chief.id}").text)

    # Another organization's member reads the shared request without the private official.
    other = client_as("partner", f.make_organization(session, actor, name="Theirs").id)
    seen = other.get(f"/api/v1/records-requests/{request['id']}").json()
    assert seen["target_ids"] == [chief.id] and seen["contract_ids"] == [contract.id]
    assert "Their contact" not in other.get(f"/records-requests/{request['id']}").text

    form = client.get("/records-requests/new").text
    assert 'name="contract_ids"' in form and 'name="target_ids"' in form
    assert "Officials it is about" in plain(form)

    bad = client.post("/api/v1/records-requests", json={
        "subject": "Nothing", "agency_id": agency.id, "contract_ids": [999999]})
    assert bad.status_code == 422 and "contract" in bad.text.lower()
