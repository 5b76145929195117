"""An error page says its heading once, and in Spanish points back to «Esta semana»; an htmx
request gets the message in the flash area, led by the heading it has no room for."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.auth.models import Role
from tests.web.html import fragment, plain


@pytest.mark.parametrize(("language", "heading", "back"), [
    ("en", "Not found", "Back to this week"),
    ("es", "No encontrado", "Volver a «Esta semana»"),
])
def test_a_missing_page_says_its_heading_once(client_as: Callable[..., TestClient],
                                              language: str, heading: str, back: str) -> None:
    reader = client_as(Role.lead, language=language)
    for url in ("/nope", "/campaigns/999"):
        page = reader.get(url)
        assert page.status_code == 404
        assert page.text.count(f"<h1>{heading}</h1>") == 1
        assert f"{heading}." not in plain(page.text) and back in plain(page.text)
        flash = fragment(reader, url)
        assert flash.status_code == 404 and f"{heading}." in plain(flash.text)


def test_a_refused_page_says_its_heading_once_and_what_the_role_does_not_allow(
        client_as: Callable[..., TestClient]) -> None:
    viewer = client_as(Role.viewer, language="es")
    page = viewer.get("/campaigns/new")
    assert page.status_code == 403
    text = plain(page.text)
    assert "No permitido." not in text and "<h1>No permitido</h1>" in page.text
    assert "Su rol no permite agregar campañas." in text
