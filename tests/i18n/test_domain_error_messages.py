"""A service's refusal is a template with its values apart, said in the reader's language where
it is shown: the JSON API per the account or Accept-Language, the pages in the page's language,
logs in English. pydantic's refusals in the JSON API are plain words in that language too."""

from datetime import date

from fastapi.testclient import TestClient

from api.errors import NO_SUCH, Invalid, LongDay, NotFound, Term
from api.i18n.catalogs import N_, use_locale


def test_the_template_is_translated_and_then_filled() -> None:
    refusal = NotFound(NO_SUCH, noun=Term(N_("campaign")), id=42)
    assert str(refusal) == "No campaign with id 42."
    assert refusal.message == "No campaign with id 42."
    with use_locale("es"):
        assert refusal.message == "No hay ninguna campaña con el número 42."
    # Logs stay English whatever the reader's language.
    with use_locale("es"):
        assert str(refusal) == "No campaign with id 42."


def test_days_and_nested_refusals_are_said_in_the_readers_language() -> None:
    refusal = Invalid(N_("The new term must end after the one it follows, which ends on "
                         "{ended}."), ended=date(2027, 3, 4), field="new_term_ends")
    assert refusal.message.endswith("which ends on Mar 4, 2027.")
    with use_locale("es"):
        assert refusal.message == ("El nuevo plazo debe terminar después del anterior, que "
                                   "termina el 4 mar 2027.")
    long = Invalid(N_("A status change cannot be dated before the last change, on "
                      "{effective_on}."), effective_on=LongDay.of(date(2027, 3, 4)))
    assert str(long).endswith("on March 4, 2027.")
    with use_locale("es"):
        assert long.message.endswith("al último cambio, del 4 de marzo de 2027.")
    outer = Invalid(N_("Follow-up {value}: {message_}"), value=2, message_=refusal)
    with use_locale("es"):
        assert outer.message.startswith("Seguimiento 2: El nuevo plazo")


def test_a_translation_that_names_another_value_falls_back_to_english() -> None:
    refusal = Invalid("Made up {one}.", one=1)
    refusal.template = "Made up {one}."
    assert refusal.message == "Made up 1."


def test_the_json_api_answers_in_the_requesters_language(client: TestClient) -> None:
    english = client.get("/api/v1/campaigns/987654")
    assert english.status_code == 404
    assert english.json()["detail"] == "No campaign with id 987654."
    spanish = client.get("/api/v1/campaigns/987654", headers={"Accept-Language": "es-MX,es"})
    assert spanish.status_code == 404
    body = spanish.json()
    assert body["detail"] == "No hay ninguna campaña con el número 987654."
    assert body["title"] == "No encontrado"


def test_json_validation_errors_are_plain_words_in_the_requesters_language(
        client: TestClient) -> None:
    english = client.post("/api/v1/campaigns", json={})
    assert english.status_code == 422
    assert {"field": "name", "message": "This is required.", "in": "body"} in \
        english.json()["errors"]
    spanish = client.post("/api/v1/campaigns", json={}, headers={"Accept-Language": "es"})
    messages = {e["field"]: e["message"] for e in spanish.json()["errors"]}
    assert messages["name"] == "Este dato es obligatorio."
    assert spanish.json()["title"] == "Datos no válidos"


def test_a_page_shows_the_refusal_in_the_pages_language(client: TestClient) -> None:
    client.post("/account/language", data={"language": "es"})
    page = client.get("/campaigns/987654")
    assert page.status_code == 404
    assert "No hay ninguna campaña con el número 987654." in page.text


def test_a_refusal_without_values_is_said_in_the_requesters_language(
        client: TestClient) -> None:
    made = client.post("/api/v1/jurisdictions", json={
        "name": "Riverton", "state_code": "CA", "timezone": "America/Los_Angeles"})
    assert made.status_code == 201, made.text
    place = made.json()["id"]
    refused = client.patch(f"/api/v1/jurisdictions/{place}", json={"parent_id": place},
                           headers={"Accept-Language": "es"})
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Una jurisdicción no puede estar dentro de sí misma."
