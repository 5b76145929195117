"""A validator's own refusals (a link, a state code, an alert's timing, an email address) reach
the reader in their language: the JSON API in the caller's, a form in the page's. The words
email-validator writes for programmers are said in our own plain words in both languages."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.i18n.catalogs import use_locale
from api.i18n.validation_words import email_words

SPANISH = {"Accept-Language": "es"}


def _messages(answer: Any) -> dict[str, str]:
    assert answer.status_code == 422, answer.text
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


def test_the_json_api_says_a_validators_refusal_in_the_callers_language(
        client: TestClient) -> None:
    said = _messages(client.post("/api/v1/organizations", headers=SPANISH, json={
        "name": "Coalición del Valle", "website": "ftp://example.org"}))
    assert said["website"] == "debe ser un enlace que empiece con http:// o https://."
    said = _messages(client.post("/api/v1/organizations", headers=SPANISH, json={
        "name": "Coalición del Valle", "phone": "555\x07"}))
    assert said["phone"] == "no debe contener caracteres de control"
    said = _messages(client.post("/api/v1/jurisdictions", headers=SPANISH, json={
        "name": "Riverton", "kind": "city", "state_code": "C1"}))
    assert "código de dos letras de un estado" in said["state_code"]
    english = _messages(client.post("/api/v1/organizations", json={
        "name": "Coalición del Valle", "website": "ftp://example.org"}))
    assert english["website"] == "must be an http:// or https:// link"


def test_an_alert_rules_refusals_are_said_in_spanish_with_the_value_refused(
        client: TestClient) -> None:
    rule = {"subject": "vote", "offsets": ["7d"], "direction": "before",
            "recipients": ["campaign_leads"], "channels": ["in_app"]}
    said = _messages(client.post("/api/v1/alerts/rules", headers=SPANISH,
                                 json={**rule, "offsets": ["pronto"]}))
    assert said["offsets"].startswith("«pronto» no es un plazo como 14d")
    said = _messages(client.post("/api/v1/alerts/rules", headers=SPANISH,
                                 json={**rule, "recipients": ["todos"]}))
    assert said["recipients"].startswith("«todos» no es un destinatario")
    made = client.post("/api/v1/alerts/rules", json=rule)
    assert made.status_code == 201, made.text
    changed = client.patch(f"/api/v1/alerts/rules/{made.json()['id']}", headers=SPANISH,
                           json={"repeat_every": "7d"})
    assert changed.status_code == 422
    assert "repeat_every solo va con la dirección «after»" in changed.json()["detail"]
    english = _messages(client.post("/api/v1/alerts/rules", json={**rule, "offsets": ["soon"]}))
    assert english["offsets"] == "'soon' is not an offset like 14d, 12h, 2w, 1mo or 30m"


@pytest.mark.parametrize(("address", "english", "spanish"), [
    ("nadie", "An email address needs an @, like name@example.org.",
     "Un correo electrónico lleva una @, como nombre@example.org."),
    ("@example.org", "Write the name before the @, like name@example.org.",
     "Escriba el nombre antes de la @, como nombre@example.org."),
    ("ana@", "Write the part after the @, like example.org.",
     "Escriba lo que va después de la @, como example.org."),
    ("ana@ejemplo", "The part after the @ is not a real domain, like example.org.",
     "Lo que va después de la @ no es un dominio válido, como example.org."),
    ("ana maria@example.org",
     "This email address holds a character an address cannot have; check for spaces and "
     "typing mistakes.",
     "Este correo electrónico tiene un carácter que una dirección no puede llevar; revise "
     "que no tenga espacios ni errores de escritura."),
    ("ana@coalicion.invalid",
     "The part after the @ is a reserved name that receives no email; give a real address.",
     "Lo que va después de la @ es un nombre reservado que no recibe correo; escriba una "
     "dirección real."),
])
def test_an_email_address_refused_is_said_in_our_words(
        client: TestClient, address: str, english: str, spanish: str) -> None:
    body = {"name": "Coalición del Valle", "email": address}
    assert _messages(client.post("/api/v1/organizations", json=body))["email"] == english
    assert _messages(client.post("/api/v1/organizations", headers=SPANISH,
                                 json=body))["email"] == spanish


def test_a_changed_records_email_is_refused_in_our_words_too(client: TestClient) -> None:
    made = client.post("/api/v1/organizations", json={"name": "Coalición del Valle"})
    assert made.status_code == 201, made.text
    path = f"/api/v1/organizations/{made.json()['id']}"
    english = client.patch(path, json={"email": "nadie"})
    assert english.status_code == 422
    assert "An email address needs an @" in english.text
    assert "value is not a valid email address" not in english.text
    spanish = client.patch(path, headers=SPANISH, json={"email": "nadie"})
    assert "Un correo electrónico lleva una @" in spanish.text


def test_a_form_says_the_refusal_in_the_pages_language(client: TestClient) -> None:
    page = client.post("/organizations", headers=SPANISH, data={
        "name": "Coalición del Valle", "website": "ftp://example.org",
        "email": "ana@"}).text
    # A form's message starts with a capital, as its sentences do.
    assert "Debe ser un enlace que empiece con http:// o https://" in page
    assert "Escriba lo que va después de la @, como example.org." in page
    assert "must be an http" not in page and "@-sign" not in page


def test_an_unknown_email_validator_wording_still_reads_plainly() -> None:
    with use_locale("es"):
        assert email_words("value is not a valid email address: Something new.") == \
            "Escriba un correo electrónico completo, como nombre@example.org."


def test_a_refused_field_is_named_in_the_pages_language(client: TestClient) -> None:
    page = client.post("/admin/invitations", headers=SPANISH,
                       data={"email": "nueva@example.org", "role": "zzz"})
    assert page.status_code == 422
    # After the field's label and its colon, the sentence goes on in lower case.
    assert "Rol: elija una de las opciones." in page.text and "Role:" not in page.text
