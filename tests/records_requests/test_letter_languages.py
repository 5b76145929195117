"""A records-request letter is written in the language the requester picks: English by default
(agencies answer in English), or Spanish, in the JSON API and on the request's page."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.errors import Invalid
from api.records_requests import letters
from tests.factories import ZONES, at_noon, make_agency, make_records_request
from tests.records_requests.test_letters import KINDS, context
from tests.web.html import fragment, plain

SENT = date(2026, 1, 5)


def test_every_letter_has_its_spanish_letter_by_the_same_name() -> None:
    english = {p.name for p in letters.letters_dir().glob(f"*{letters.SUFFIX}")}
    spanish = {p.name for p in letters.letters_dir("es").glob(f"*{letters.SUFFIX}")}
    assert spanish == english


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_spanish_letter_renders_with_nothing_left_unfilled(key: str) -> None:
    text = letters.render(key, context(), "es")
    assert "Riverton Police & Fire" in text and "Ana Ruiz" in text
    assert "{" not in text and "}" not in text and "None" not in text
    assert "Atentamente," in text and "Sincerely" not in text
    # Days as Spanish writes them.
    assert "2 de marzo de 2026" in text
    assert "\n\n\n" not in text and text.endswith("\n")


def test_english_stays_the_default_and_another_language_is_refused() -> None:
    assert "Sincerely," in letters.render("alpr_cameras", context())
    with pytest.raises(Invalid) as refused:
        letters.render("alpr_cameras", context(), "fr")
    assert refused.value.field == "language"


def test_the_spanish_letter_names_itself_in_spanish() -> None:
    found = letters.translated(letters.template("alpr_cameras"), "es")
    assert found.title == "Número y ubicación de las cámaras ALPR"
    assert found.kind == letters.LetterKind.initial


@pytest.fixture
def api(client: TestClient) -> TestClient:
    at_noon(date(2026, 1, 8))
    return client


def _request(api: TestClient) -> int:
    place = api.post("/api/v1/jurisdictions", json={
        "name": "Riverton", "state_code": "CA", "timezone": ZONES["CA"]}).json()
    agency = api.post("/api/v1/agencies", json={
        "name": "Riverton Police", "state_code": "CA", "jurisdiction_id": place["id"]}).json()
    made = api.post("/api/v1/records-requests", json={
        "subject": "ALPR audit logs", "agency_id": agency["id"], "status": "sent",
        "sent_on": SENT.isoformat()})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_the_letter_api_writes_the_letter_in_the_language_asked_for(api: TestClient) -> None:
    url = f"/api/v1/records-requests/{_request(api)}/letter"
    english = api.get(url, params={"template": "alpr_cameras", "requester_name": "Ana"}).json()
    assert english["language"] == "en" and "Dear Custodian of Records" in english["text"]
    spanish = api.get(url, params={"template": "alpr_cameras", "language": "es",
                                      "requester_name": "Ana"})
    assert spanish.status_code == 200, spanish.text
    body = spanish.json()
    assert body["language"] == "es"
    assert "Estimada persona encargada de los registros públicos:" in body["text"]
    assert "una decisión dentro de 10 días calendario" in body["text"]
    assert body["template"]["title"] == "Número y ubicación de las cámaras ALPR"
    at_noon(date(2026, 1, 16))
    follow_up = api.get(url, params={"template": "follow_up", "language": "es",
                                         "requester_name": "Ana"}).json()
    assert "venció el 15 de enero de 2026, hace 1 día" in follow_up["text"]
    assert api.get(url, params={"language": "fr"}).status_code == 422


def test_the_letter_preview_api_takes_the_language(api: TestClient) -> None:
    _request(api)
    agency_id = api.get("/api/v1/agencies").json()["items"][0]["id"]
    preview = api.post("/api/v1/letter-templates/alpr_policies/render", json={
        "agency_id": agency_id, "subject": "Políticas", "language": "es", "requester_name": "Ana"})
    assert preview.status_code == 200, preview.text
    assert "Asunto: Solicitud de registros públicos" in preview.json()["text"]
    assert api.post("/api/v1/letter-templates/alpr_policies/render", json={
        "agency_id": agency_id, "subject": "x", "language": "de"}).status_code == 422
    default = api.post("/api/v1/letter-templates/alpr_policies/render", json={
        "agency_id": agency_id, "subject": "Policies", "requester_name": "Ana"})
    assert "Re: " in default.json()["text"]


def test_the_requests_page_writes_the_letter_in_the_language_chosen(
        client: TestClient, session: Session, actor: Any) -> None:
    at_noon(date(2026, 3, 2))
    agency = make_agency(session, actor, with_place=True, state_code="CA",
                         name="Zephyr Police Department")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=date(2026, 3, 2), visibility="coalition",
                                   subject="Zonal audit logs")
    session.commit()
    url = f"/records-requests/{request.id}/letter?template=alpr_all&requester_name=Rosa"
    english = plain(fragment(client, url).text)
    assert "Dear Custodian of Records" in english
    page = client.get(url + "&language=es")
    assert page.status_code == 200
    spanish = plain(fragment(client, url + "&language=es").text)
    assert "Estimada persona encargada de los registros públicos:" in spanish
    assert "Zephyr Police Department" in spanish and "Rosa" in spanish
    refused = client.get(url + "&language=xx")
    assert refused.status_code == 422


def test_the_requests_page_offers_the_letter_language_and_keeps_the_choice(
        client: TestClient, session: Session, actor: Any) -> None:
    at_noon(date(2026, 3, 2))
    agency = make_agency(session, actor, with_place=True, state_code="CA")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=date(2026, 3, 2), visibility="coalition")
    session.commit()
    page = client.get(f"/records-requests/{request.id}").text
    assert 'name="language" value="en" lang="en" aria-describedby="letter-language-help" ' \
           'checked' in page
    assert 'name="language" value="es" lang="es"' in page
    chosen = client.get(f"/records-requests/{request.id}/letter?template=alpr_all"
                        "&requester_name=Rosa&language=es").text
    assert 'value="es" lang="es" aria-describedby="letter-language-help" checked' in chosen
