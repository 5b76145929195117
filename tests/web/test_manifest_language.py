"""The installed app's name, description and shortcut in the reader's language: the page links
the manifest with its own language in the address (a browser fetches a manifest without
cookies), and the offline shell keeps the manifest of every language offered."""

import re
from pathlib import Path

from fastapi.testclient import TestClient

from api.i18n import locales

WORKER = Path(__file__).resolve().parents[2] / "web" / "static" / "js" / "service-worker.js"


def test_the_manifest_speaks_the_language_in_its_address(anon_client: TestClient) -> None:
    spanish = anon_client.get("/manifest.webmanifest?lang=es")
    assert spanish.status_code == 200
    assert spanish.headers["content-type"].startswith("application/manifest+json")
    said = spanish.json()
    assert said["lang"] == "es" and said["start_url"] == "/meetings/new"
    assert said["description"].startswith("Las campañas, los funcionarios y las reuniones")
    assert said["shortcuts"] == [{"name": "Registrar una reunión", "url": "/meetings/new"}]
    english = anon_client.get("/manifest.webmanifest?lang=en").json()
    assert english["shortcuts"][0]["name"] == "Log a meeting" and english["lang"] == "en"
    # Without a language offered in the address, the browser's.
    assert anon_client.get("/manifest.webmanifest?lang=fr",
                           headers={"Accept-Language": "es"}).json()["lang"] == "es"
    assert anon_client.get("/manifest.webmanifest?lang=" + "x" * 40).status_code == 422
    # The static file still answers, in English.
    assert anon_client.get("/static/manifest.webmanifest").json()["name"] == "Oversight"


def test_every_page_links_the_manifest_in_its_own_language(anon_client: TestClient) -> None:
    page = anon_client.get("/login", headers={"Accept-Language": "es"}).text
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=es">' in page
    page = anon_client.get("/login", headers={"Accept-Language": "en"}).text
    assert '<link rel="manifest" href="/manifest.webmanifest?lang=en">' in page


def test_the_offline_shell_keeps_every_languages_manifest() -> None:
    kept = set(re.findall(r'"/manifest\.webmanifest\?lang=(\w+)"', WORKER.read_text()))
    assert kept == set(locales.SUPPORTED)
