"""A jurisdiction's page shows its ALPR cameras mapped in OpenStreetMap by manufacturer, with the
day of the count; leads count again from a replayed Overpass reply."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.db import new_session
from api.settings import get_settings
from api.sources import overpass
from tests import factories as f
from tests.sources.replay import fixture
from tests.web.html import HX, is_full_page, plain

REPLY = json.loads(fixture("overpass_alpr_nodes_sample.json").read_text())
ENDPOINT = "https://overpass.example.org/api/interpreter"


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("OVERSIGHT_OVERPASS_URL", ENDPOINT)
    monkeypatch.setenv("OVERSIGHT_OUTSIDE_ATTEMPTS", "1")
    get_settings.cache_clear()
    yield ENDPOINT
    monkeypatch.undo()
    get_settings.cache_clear()


def cameras(html: str) -> str:
    return plain(html.split('id="cameras"', 1)[1].split("</section>", 1)[0])


def test_the_stored_counts_with_their_day(client: TestClient, session: Session,
                                          actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, name="Atlanta", state_code="GA",
                                timezone="America/New_York")
    assert "Not counted yet." in cameras(client.get(f"/jurisdictions/{place.id}").text)
    with new_session() as s:
        overpass.store(s, jurisdiction_id=place.id, counted_on=date(2026, 2, 1),
                       counts={"Flock Safety": 3})
        overpass.store(s, jurisdiction_id=place.id, counted_on=date(2026, 3, 1),
                       counts={"Flock Safety": 5, "unknown": 2, "Motorola Solutions": 1})
        s.commit()
    page = client.get(f"/jurisdictions/{place.id}")
    assert page.status_code == 200 and is_full_page(page.text)
    shown = cameras(page.text)
    assert "Counted on Mar 1, 2026 : 8 cameras mapped." in shown
    assert "Flock Safety 5 Not tagged 2 Motorola Solutions 1" in shown
    assert "Earlier counts: Feb 1, 2026: 3." in shown
    assert "Count now" in shown


def test_count_now(client: TestClient, session: Session, actor: Any, endpoint: str) -> None:
    clock.freeze(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    place = f.make_jurisdiction(session, actor, name="Ridgefield", state_code="CT",
                                timezone="America/New_York")
    with respx.mock(assert_all_mocked=True) as mock:
        mock.post(endpoint).mock(return_value=httpx.Response(200, json=REPLY))
        done = client.post(f"/jurisdictions/{place.id}/camera-count", follow_redirects=False)
        part = client.post(f"/jurisdictions/{place.id}/camera-count", headers=HX)
    assert done.status_code == 303
    assert done.headers["location"] == f"/jurisdictions/{place.id}#cameras"
    page = client.get(f"/jurisdictions/{place.id}").text
    assert "Counted 2 ALPR cameras mapped in OpenStreetMap." in plain(page)
    assert "Counted on Mar 2, 2026 : 2 cameras mapped." in cameras(page)
    assert part.status_code == 200 and not is_full_page(part.text)
    assert part.text.lstrip().startswith('<section class="panel cameras-panel" id="cameras"')
    assert "Flock Safety 2" in plain(part.text)
    assert 'hx-swap-oob="true"' in part.text


def test_a_failed_count_says_why(client: TestClient, session: Session, actor: Any,
                                 endpoint: str) -> None:
    place = f.make_jurisdiction(session, actor)
    with respx.mock(assert_all_mocked=True) as mock:
        mock.post(endpoint).mock(return_value=httpx.Response(504, text="Gateway timeout"))
        part = client.post(f"/jurisdictions/{place.id}/camera-count", headers=HX)
    assert part.status_code == 200
    assert ("Problem: The count failed: OpenStreetMap's Overpass API answered HTTP 504: "
            "Gateway timeout") in plain(part.text)
    assert "Not counted yet." in plain(part.text)


@pytest.mark.parametrize("role", ["partner", "viewer"])
def test_only_leads_count(client_as: Any, session: Session, actor: Any, role: str) -> None:
    place = f.make_jurisdiction(session, actor)
    other = client_as(role)
    shown = cameras(other.get(f"/jurisdictions/{place.id}").text)
    assert "Not counted yet." in shown and "Count now" not in shown
    with respx.mock(assert_all_mocked=True):
        assert other.post(f"/jurisdictions/{place.id}/camera-count").status_code == 403
        refused = other.post(f"/api/v1/jurisdictions/{place.id}/camera-counts/refresh")
        assert refused.status_code == 403
