"""A webhook address refused, or a test that cannot reach it, said in the reader's language;
and an address with a space in it is refused."""

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from api.auth.models import Role
from tests.web.html import plain


def _refusal(reader: TestClient, url: str) -> str:
    refused = reader.post("/alerts/webhooks", data={"name": "Canal", "url": url})
    assert refused.status_code == 422, url
    return plain(refused.text)


def test_a_refused_address_is_explained_in_spanish(
        client_as: Callable[..., TestClient]) -> None:
    reader = client_as(Role.admin, language="es")
    assert "debe ser una dirección http:// o https:// con un servidor" in _refusal(
        reader, "ftp://example.org/")
    assert "no debe llevar un nombre de usuario ni una contraseña" in _refusal(
        reader, "https://ana:secreto@example.org/")
    long = _refusal(reader, "https://example.org/" + "a" * 2000)
    assert "como máximo 2,000 caracteres." in long and "String should" not in long
    assert "127.0.0.1 es una dirección privada, de loopback o de enlace local" in _refusal(
        reader, "http://127.0.0.1/hook")
    assert "localhost apunta a " in _refusal(reader, "http://localhost/hook")
    for text in (_refusal(reader, "ftp://example.org/"),
                 _refusal(reader, "http://127.0.0.1/hook")):
        assert "must" not in text and "private, loopback" not in text


def test_an_address_with_a_space_is_refused(client: TestClient) -> None:
    refused = client.post("/alerts/webhooks", data={"name": "Typo",
                                                    "url": "https://exa mple.org/"})
    assert refused.status_code == 422
    assert "must not contain spaces" in plain(refused.text)


def test_a_test_that_cannot_find_the_receiver_says_so_in_spanish(
        client_as: Callable[..., TestClient]) -> None:
    reader = client_as(Role.admin, language="es")
    added = reader.post("/alerts/webhooks", data={"name": "Lejos",
                                                  "url": "https://no-such-host.invalid/hook"})
    assert added.status_code == 201, added.text
    endpoint_id = int(re.search(r'id="webhook-(\d+)"', added.text).group(1))  # type: ignore[union-attr]
    tested = plain(reader.post(f"/alerts/webhooks/{endpoint_id}/test").text)
    assert "No se pudo encontrar no-such-host.invalid" in tested
    assert "Could not look up" not in tested


def test_the_delivery_log_names_the_tests_in_the_readers_language(
        client_as: Callable[..., TestClient]) -> None:
    reader = client_as(Role.admin, language="es")
    added = reader.post("/alerts/webhooks", data={"name": "Lejos",
                                                  "url": "https://no-such-host.invalid/hook"})
    endpoint_id = int(re.search(r'id="webhook-(\d+)"', added.text).group(1))  # type: ignore[union-attr]
    assert reader.post(f"/alerts/webhooks/{endpoint_id}/test").status_code == 200
    # No mail server is set up here: the test fails, and is logged all the same.
    assert reader.post("/alerts/channels/test-email").status_code in (200, 422)
    log = plain(reader.get("/alerts/log").text)
    assert "Alerta de prueba para Lejos" in log
    assert "Correo de prueba a " in log
    assert "Test email to" not in log and "Test alert" not in log
