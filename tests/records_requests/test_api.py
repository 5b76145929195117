"""The records-request JSON API: status changes and history, letters, batches, documents,
the records-law table and the letter templates."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import ZONES, at_noon

SENT = date(2026, 1, 5)


@pytest.fixture
def api(client: TestClient) -> TestClient:
    at_noon(date(2026, 1, 8))
    return client


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()


def agency(api: TestClient, state: str = "CA", name: str = "Riverton Police") -> int:
    place = created(api.post("/api/v1/jurisdictions", json={
        "name": f"{name} city", "state_code": state, "timezone": ZONES[state]}))
    return created(api.post("/api/v1/agencies", json={
        "name": name, "state_code": state, "jurisdiction_id": place["id"]}))["id"]


def organization(api: TestClient) -> int:
    return created(api.post("/api/v1/organizations", json={
        "name": "Bay Privacy Network", "email": "records@privacy.example.org"}))["id"]


def sent_request(api: TestClient, agency_id: int, **extra: Any) -> dict[str, Any]:
    return created(api.post("/api/v1/records-requests", json={
        "subject": "ALPR audit logs", "agency_id": agency_id, "status": "sent",
        "sent_on": SENT.isoformat(), **extra}))


def problem_field(response: Any) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()["errors"][0]["field"]


def test_create_shows_the_computed_deadline(api: TestClient) -> None:
    made = sent_request(api, agency(api))
    assert (made["state_code"], made["due_on"]) == ("CA", "2026-01-15")
    assert made["deadline"]["days_left"] == 7
    assert made["deadline"]["law"]["day_type"] == "calendar"
    listed = api.get("/api/v1/records-requests", params={"date_from": "2026-01-15"}).json()
    assert [item["id"] for item in listed["items"]] == [made["id"]]
    assert listed["items"][0]["deadline"]["clock"] == "running"


def test_due_on_is_computed_not_typed(api: TestClient) -> None:
    made = sent_request(api, agency(api), due_on="2030-01-01")
    assert made["due_on"] == "2026-01-15"
    assert problem_field(api.post("/api/v1/records-requests", json={
        "subject": "x", "agency_id": agency(api, name="Other PD"), "status": "overdue"})) \
        == "status"


def test_status_changes_and_history(api: TestClient) -> None:
    made = sent_request(api, agency(api))
    url = f"/api/v1/records-requests/{made['id']}"
    paused = api.post(f"{url}/status", json={"status": "waiting_on_requester",
                                             "on": "2026-01-07", "note": "Clarify dates"})
    assert paused.status_code == 200, paused.text
    assert paused.json()["due_on"] is None
    assert paused.json()["deadline"]["clock"] == "paused"
    resumed = api.post(f"{url}/status", json={"status": "acknowledged", "on": "2026-01-08"})
    assert resumed.json()["due_on"] == "2026-01-16"
    patched = api.patch(url, json={"status": "denied"})
    assert patched.status_code == 200, patched.text
    history = api.get(f"{url}/history").json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "sent"), ("sent", "waiting_on_requester"),
        ("waiting_on_requester", "acknowledged"), ("acknowledged", "denied")]
    assert history[1]["note"] == "Clarify dates"


def test_status_errors(api: TestClient) -> None:
    made = sent_request(api, agency(api))
    url = f"/api/v1/records-requests/{made['id']}/status"
    assert problem_field(api.post(url, json={"status": "appealed"})) == "status"
    assert problem_field(api.post(url, json={"status": "overdue"})) == "status"
    assert problem_field(api.post(url, json={"status": "acknowledged",
                                             "on": "2026-02-01"})) == "on"
    missing = api.post("/api/v1/records-requests/9999/status", json={"status": "sent"})
    assert missing.status_code == 404
    assert api.get("/api/v1/records-requests/9999/history").status_code == 404


def test_letters(api: TestClient) -> None:
    org = organization(api)
    made = sent_request(api, agency(api), requester_organization_id=org)
    url = f"/api/v1/records-requests/{made['id']}/letter"
    letter = api.get(url, params={"template": "alpr_audit_logs",
                                  "requester_name": "Ana Ruiz"})
    assert letter.status_code == 200, letter.text
    body = letter.json()
    assert body["template"]["kind"] == "initial"
    assert "Riverton Police" in body["text"] and "Ana Ruiz" in body["text"]
    assert "records@privacy.example.org" in body["text"]
    # Without a template the letter is the first request that asks for everything.
    assert api.get(url).json()["template"]["key"] == "alpr_all"
    assert problem_field(api.get(url, params={"template": "follow_up"})) == "template"
    assert api.get(url, params={"template": "nope"}).status_code == 404
    assert api.get("/api/v1/records-requests/9999/letter",
                   params={"template": "alpr_cameras"}).status_code == 404
    at_noon(date(2026, 1, 16))
    follow_up = api.get(url, params={"template": "follow_up"})
    assert follow_up.status_code == 200, follow_up.text
    assert "January 15, 2026, 1 day ago" in follow_up.json()["text"]


def test_batch(api: TestClient) -> None:
    ids = [agency(api, "CA", "Riverton Police"), agency(api, "NY", "Hudson Police"),
           agency(api, "CO", "Boulder Sheriff")]
    response = api.post("/api/v1/records-requests/batch", json={
        "agency_ids": ids, "subject": "ALPR contracts", "template": "alpr_contracts",
        "requester_name": "Ana Ruiz", "sent_on": SENT.isoformat()})
    items = created(response)["items"]
    assert [i["state_code"] for i in items] == ["CA", "NY", "CO"]
    assert [i["deadline"]["verify_badge"] for i in items] == [False, False, True]
    assert items[0]["due_on"] == "2026-01-15"
    assert problem_field(api.post("/api/v1/records-requests/batch", json={
        "agency_ids": [ids[0], 9999], "subject": "x", "template": "alpr_contracts",
        "requester_name": "Ana"})) == "agency_ids"
    assert problem_field(api.post("/api/v1/records-requests/batch", json={
        "agency_ids": [ids[0]], "subject": "x"})) == "body"
    # The refused batches made nothing.
    assert api.get("/api/v1/records-requests").json()["total"] == 3


def test_a_template_as_text_to_edit_then_a_batch_from_the_edited_text(api: TestClient) -> None:
    ids = [agency(api, "CA", "Riverton Police"), agency(api, "NY", "Hudson Police")]
    source = api.get("/api/v1/letter-templates/alpr_cameras/text")
    assert source.status_code == 200, source.text
    body = source.json()
    assert (body["key"], body["title"]) == ("alpr_cameras", "ALPR camera numbers and locations")
    assert "{{ agency.name }}" in body["text"] and "{% extends" not in body["text"]
    edited = body["text"].replace("Dear Custodian of Records:", "Dear {{ agency.name }} clerk:")
    items = created(api.post("/api/v1/records-requests/batch", json={
        "agency_ids": ids, "subject": "Cameras", "template": "alpr_cameras", "text": edited,
        "requester_name": "Ana Ruiz"}))["items"]
    assert "Dear Riverton Police clerk:" in items[0]["text"]
    assert "Dear Hudson Police clerk:" in items[1]["text"]
    assert "Re: Freedom of Information Law request: Cameras" in items[1]["text"]
    assert "Re: California Public Records Act request: Cameras" in items[0]["text"]
    assert api.get("/api/v1/letter-templates/nope/text").status_code == 404
    refused = api.post("/api/v1/records-requests/batch", json={
        "agency_ids": ids, "subject": "Cameras", "requester_name": "Ana Ruiz",
        "text": "{{ ''.__class__ }}"})
    assert problem_field(refused) == "text"
    assert "not a placeholder" in refused.json()["detail"]


def test_overdue(api: TestClient) -> None:
    late = sent_request(api, agency(api))
    sent_request(api, agency(api, "CA", "Other PD"), sent_on="2026-01-08")
    at_noon(date(2026, 1, 17))
    overdue = api.get("/api/v1/records-requests/overdue").json()
    assert [(r["id"], r["deadline"]["days_overdue"]) for r in overdue] == [(late["id"], 2)]


def test_documents(api: TestClient) -> None:
    agency_id = agency(api)
    made = sent_request(api, agency_id)
    url = f"/api/v1/records-requests/{made['id']}/documents"
    uploaded = created(api.post(url, files={"file": ("log.csv", b"plate,reason\nX,ICE\n")},
                                data={"description": "Audit log", "agency_id": str(agency_id),
                                      "received_on": "2026-01-08"}))
    assert (uploaded["agency_id"], uploaded["received_on"]) == (agency_id, "2026-01-08")
    listed = api.get(url).json()
    assert [d["filename"] for d in listed] == ["log.csv"]
    concerning = api.get("/api/v1/records-requests/documents",
                         params={"agency_id": agency_id}).json()
    assert [d["document_id"] for d in concerning] == [uploaded["document_id"]]
    relinked = api.patch(f"{url}/{uploaded['document_id']}", json={"agency_id": None})
    assert relinked.status_code == 200 and relinked.json()["agency_id"] is None
    assert api.get("/api/v1/records-requests/documents",
                   params={"agency_id": agency_id}).json() == []
    assert api.patch(f"{url}/9999", json={}).status_code == 404
    assert problem_field(api.post(url, data={"description": "no file"})) == "file"
    assert api.post("/api/v1/records-requests/9999/documents",
                    files={"file": ("a.txt", b"hello")}).status_code == 404
    assert problem_field(api.get("/api/v1/records-requests/documents")) == "agency_id"


def test_records_laws(api: TestClient) -> None:
    table = api.get("/api/v1/records-laws").json()
    assert len(table) == 52
    california = api.get("/api/v1/records-laws/ca").json()
    assert (california["days"], california["verified"], california["verify_badge"]) == \
        (10, True, False)
    assert api.get("/api/v1/records-laws/ZZ").status_code == 404


def test_letter_templates(api: TestClient) -> None:
    texas = {t["key"] for t in api.get("/api/v1/letter-templates",
                                       params={"kind": "initial", "state": "TX"}).json()}
    assert "alpr_cameras" in texas and "ca_sb34_policy" not in texas and "appeal" not in texas
    agency_id = agency(api)
    preview = api.post("/api/v1/letter-templates/ca_sb34_policy/render", json={
        "agency_id": agency_id, "subject": "SB 34 policy", "requester_name": "Ana Ruiz"})
    assert preview.status_code == 200, preview.text
    assert "1798.90.52" in preview.json()["text"]
    assert problem_field(api.post("/api/v1/letter-templates/alpr_cameras/render", json={
        "agency_id": 9999, "subject": "x", "requester_name": "Ana"})) == "agency_id"
    assert problem_field(api.post("/api/v1/letter-templates/alpr_cameras/render", json={
        "agency_id": agency_id, "subject": "x"})) == "requester_name"
    assert api.post("/api/v1/letter-templates/nope/render", json={
        "agency_id": agency_id, "subject": "x", "requester_name": "Ana"}).status_code == 404
