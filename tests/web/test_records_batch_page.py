"""Sending one letter to many agencies: the agency picker, the preview of one agency's letter,
creating one request per agency (each under its own law), and the refusals."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role
from api.records_requests.models import RecordsRequest
from tests.web.html import HX, fragment, is_full_page, plain


def _form(agencies: dict[str, Any], *ids: int, **changes: str) -> dict[str, Any]:
    return {"template": "alpr_all", "subject": "ALPR sharing lists",
            "agency_ids": [str(i) for i in ids], "requester_organization_id":
            str(agencies["org"].id), "requester_name": "Rosa Parkes",
            "requester_email": "rosa@example.org", "method": "email", **changes}


def test_the_page_lists_letters_and_agencies(client: TestClient,
                                             agencies: dict[str, Any]) -> None:
    page = client.get("/records-requests/batch")
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    assert "Send one request to many agencies" in text
    assert "Everything about the ALPR program" in text
    assert "California SB 34 usage and privacy policy and access records (CA only)" in text
    assert "Zephyr Police Department" in text and "Zenith County Sheriff" in text
    # Only first-request letters: a follow-up or an appeal needs a request of its own.
    assert "Follow-up at the deadline" not in text
    assert "Chosen (0)" in text
    assert 'href="/records-requests/batch"' in client.get("/records-requests").text


def test_the_agency_search_keeps_those_chosen(client: TestClient,
                                              agencies: dict[str, Any]) -> None:
    chosen = agencies["ca"].id
    part = fragment(client, f"/records-requests/batch/agencies?q=Zenith&agency_ids={chosen}")
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="agency-lists"')
    text = plain(part.text)
    assert "Chosen (1) Zephyr Police Department CA" in text
    assert f'value="{chosen}" checked' in part.text
    assert "Matching “Zenith” 1–1 of 1, those chosen left out. Zenith County Sheriff" in text
    assert "Amarillo" not in text
    by_state = fragment(client, "/records-requests/batch/agencies?state=TX")
    assert "Amarillo Police" in plain(by_state.text) and "Zephyr" not in plain(by_state.text)
    assert fragment(client, "/records-requests/batch/agencies?agency_ids=abc").status_code == 422


def test_the_preview_shows_one_agencys_letter(client: TestClient,
                                              agencies: dict[str, Any]) -> None:
    ca, co = agencies["ca"].id, agencies["co"].id
    part = client.post("/records-requests/batch/preview", headers=HX,
                       data=_form(agencies, ca, co))
    assert part.status_code == 200, part.text
    assert part.text.lstrip().startswith('<section id="batch-preview"')
    text = plain(part.text)
    assert "as Zephyr Police Department will get it" in text
    assert "California Public Records Act" in text and "Rosa Parkes" in text
    second = client.post("/records-requests/batch/preview", headers=HX,
                         data=_form(agencies, ca, co, preview_agency_id=str(co)))
    assert "as Zenith County Sheriff will get it" in plain(second.text)
    assert "Colorado" in plain(second.text) or "CORA" in plain(second.text)

    empty = client.post("/records-requests/batch/preview", headers=HX,
                        data=_form(agencies, subject=""))
    assert empty.status_code == 422
    assert "Choose at least one agency." in plain(empty.text)
    assert "Give the subject of the request." in plain(empty.text)
    page = client.post("/records-requests/batch/preview", data=_form(agencies, ca, co))
    assert page.status_code == 200 and is_full_page(page.text)
    assert "as Zephyr Police Department will get it" in plain(page.text)


def test_creating_makes_one_request_per_agency_each_under_its_own_law(
        client: TestClient, session: Session, agencies: dict[str, Any]) -> None:
    ca, co = agencies["ca"].id, agencies["co"].id
    response = client.post("/records-requests/batch", follow_redirects=False,
                           data=_form(agencies, ca, co, sent_on="2026-03-02"))
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/records-requests/batch/done?id=")
    made = session.exec(select(RecordsRequest).where(
        RecordsRequest.subject == "ALPR sharing lists").order_by(RecordsRequest.id)).all()
    session.commit()
    assert [(r.agency_id, r.state_code, r.status, r.due_on) for r in made] == [
        (ca, "CA", "sent", date(2026, 3, 12)), (co, "CO", "sent", date(2026, 3, 5))]
    assert "Zephyr Police Department" in made[0].text and "Zenith" in made[1].text

    done = client.get(location)
    text = plain(done.text)
    assert "Created 2 records requests, one per agency, each with its own law and due date." \
        in text
    assert "2 records requests made" in text
    for request in made:
        assert f'href="/records-requests/{request.id}"' in done.text
    assert "10 days left" in text and "3 days left" in text


def test_the_create_form_refuses_bad_input_with_422(client: TestClient, session: Session,
                                                    agencies: dict[str, Any]) -> None:
    none = client.post("/records-requests/batch", data=_form(agencies))
    assert none.status_code == 422 and is_full_page(none.text)
    assert 'id="batch-agencies-error"' in none.text

    unknown = client.post("/records-requests/batch",
                          data=_form(agencies, agencies["ca"].id, template="no_such_letter"))
    assert unknown.status_code == 422 and 'id="batch-template-error"' in unknown.text

    wrong_state = client.post("/records-requests/batch", data=_form(
        agencies, agencies["ca"].id, agencies["co"].id, template="ca_sb34_policy"))
    assert wrong_state.status_code == 422
    assert "is for agencies in CA only; Zenith County Sheriff is not." in plain(wrong_state.text)
    # What was typed and chosen comes back.
    assert "Chosen (2)" in plain(wrong_state.text)
    assert 'value="ALPR sharing lists"' in wrong_state.text

    missing = client.post("/records-requests/batch", data=_form(agencies, 999999))
    assert missing.status_code == 422 and "No agency with id 999999." in plain(missing.text)
    future = client.post("/records-requests/batch",
                         data=_form(agencies, agencies["ca"].id, sent_on="2026-04-01"))
    assert future.status_code == 422 and "cannot be in the future" in plain(future.text)
    assert session.exec(select(RecordsRequest)).all() == []


def test_a_viewer_cannot_send(client_as: Any, session: Session,
                              agencies: dict[str, Any]) -> None:
    viewer = client_as(Role.viewer)
    page = viewer.get("/records-requests/batch")
    assert "You can read records requests but not make them." in plain(page.text)
    refused = viewer.post("/records-requests/batch", data=_form(agencies, agencies["ca"].id))
    assert refused.status_code == 403
    assert "Viewers can read but not change records." in plain(refused.text)
    assert session.exec(select(RecordsRequest)).all() == []
