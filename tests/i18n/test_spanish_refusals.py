"""Refusals said before a route runs, in the reader's language: the expired-form page, and
the JSON API's answers to an unknown path, a wrong method, a body it cannot read or one too
large, and a caller it does not know."""

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth.models import Role
from tests.web.html import plain

SPANISH = {"Accept-Language": "es"}


def test_an_expired_form_is_explained_in_the_readers_language(
        client_as: Callable[..., TestClient]) -> None:
    reader = client_as(Role.admin, language="es")
    del reader.headers["X-CSRF-Token"]
    page = reader.post("/people", data={"name": "Ana"})
    assert page.status_code == 403
    assert '<html lang="es">' in page.text
    text = plain(page.text)
    assert "Este formulario caducó" in text
    assert "expired" not in text and "anti-forgery" not in text


def test_an_expired_form_stays_english_for_an_english_reader(
        client_as: Callable[..., TestClient]) -> None:
    reader = client_as(Role.admin)
    del reader.headers["X-CSRF-Token"]
    page = reader.post("/people", data={"name": "Ana"})
    assert page.status_code == 403
    assert '<html lang="en">' in page.text and "This form has expired" in page.text


def test_the_json_api_refuses_in_the_requesters_language(client: TestClient,
                                                         anon_client: TestClient) -> None:
    unknown = anon_client.get("/api/v1/campaigns", headers=SPANISH).json()
    assert unknown["detail"] == ("Inicie sesión o envíe un token personal de la API como "
                                 "'Authorization: Bearer'.")
    bad_token = anon_client.get("/api/v1/campaigns", headers={
        **SPANISH, "Authorization": "Bearer nope"}).json()
    assert bad_token["detail"] == "El token de la API no existe, caducó o fue revocado."
    missing = client.get("/api/v1/no-such-thing", headers=SPANISH)
    assert missing.status_code == 404 and missing.json()["detail"] == "No encontrado"
    wrong = client.delete("/api/v1/campaigns", headers=SPANISH)
    assert wrong.status_code == 405 and wrong.json()["detail"] == "Método no permitido"
    broken = client.post("/api/v1/campaigns", content=b"{", headers={
        **SPANISH, "Content-Type": "application/json"})
    assert broken.status_code == 422
    assert "JSON" in broken.json()["detail"] and "decode" not in broken.json()["detail"]
    damaged = client.get("/api/v1/campaigns?cursor=zzz", headers=SPANISH)
    assert damaged.status_code == 422
    assert damaged.json()["detail"].startswith("Este enlace de página está dañado")
    # English stays as it was.
    assert client.get("/api/v1/no-such-thing").json()["detail"] == "Not Found"


def test_a_body_too_large_is_refused_in_the_requesters_language(client: TestClient) -> None:
    huge = client.post("/api/v1/campaigns", content=b"x" * (2 * 1024 * 1024), headers={
        **SPANISH, "Content-Type": "application/json"})
    assert huge.status_code == 413
    body = huge.json()
    assert body["title"] == "Demasiado grande"
    assert body["detail"].startswith("La solicitud pasa del límite de 1 MB")


def test_a_choice_is_listed_with_the_languages_or(client: TestClient) -> None:
    refused = client.post("/api/v1/campaigns", json={"name": "X", "status": "nope"},
                          headers=SPANISH)
    assert refused.status_code == 422
    message = refused.json()["errors"][0]["message"]
    assert message.startswith("Elija uno de estos:") and " or " not in message
    assert " o '" in message


def test_a_partner_is_told_in_spanish_who_manages_access(
        client_as: Callable[..., TestClient]) -> None:
    partner = client_as(Role.partner, language="es")
    page = partner.get("/admin/users")
    assert page.status_code == 403
    assert "Solo líderes y personas administradoras" in plain(page.text)
