"""Counting a jurisdiction's ALPR cameras from OpenStreetMap through a replayed Overpass reply:
the query, the count by manufacturer, keeping it by day, the endpoint setting and failures."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.auth.models import User
from api.db import new_session
from api.settings import get_settings
from api.sources import overpass
from api.sources.fetching import OutsideError
from tests import factories as f
from tests.sources.replay import fixture

REPLY = json.loads(fixture("overpass_alpr_nodes_sample.json").read_text())
ENDPOINT = "https://overpass.example.org/api/interpreter"


@pytest.fixture
def endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Overpass at a configured address, and one attempt per call unless a test asks more."""
    monkeypatch.setenv("OVERSIGHT_OVERPASS_URL", ENDPOINT)
    monkeypatch.setenv("OVERSIGHT_OUTSIDE_ATTEMPTS", "1")
    get_settings.cache_clear()
    yield ENDPOINT
    monkeypatch.undo()
    get_settings.cache_clear()


def sent_query(request: httpx.Request) -> str:
    return parse_qs(request.content.decode())["data"][0]


def test_the_query_for_a_city_looks_inside_its_state() -> None:
    text = overpass.query(name='Ridgefield "Center"', kind="city", state_code="ct")
    assert text.startswith("[out:json][timeout:90];")
    assert 'area["ISO3166-2"="US-CT"]->.state;' in text
    assert ('rel(area.state)["boundary"="administrative"]["name"="Ridgefield \\"Center\\""]'
            '["admin_level"~"^(7|8)$"];') in text
    assert 'nwr(area.place)["man_made"="surveillance"]["surveillance:type"="ALPR"];' in text
    assert text.endswith("out tags;")


def test_the_query_for_a_county_a_state_and_a_relation() -> None:
    assert '["admin_level"~"^6$"]' in overpass.query(name="Fulton County", kind="county",
                                                     state_code="GA")
    assert 'area["ISO3166-2"="US-GA"]->.place;' in overpass.query(name="Georgia",
                                                                  kind="state", state_code="GA")
    by_relation = overpass.query(name="x", kind="city", state_code="GA", relation_id=119557)
    assert "rel(119557);\nmap_to_area->.place;" in by_relation
    assert "ISO3166-2" not in by_relation


def test_the_real_nodes_are_counted_by_manufacturer() -> None:
    assert overpass.count_by_manufacturer(REPLY) == {"Flock Safety": 2}
    extra = {"elements": [*REPLY["elements"],
                          {"type": "node", "id": 1, "tags": {"man_made": "surveillance",
                                                             "surveillance:type": "ALPR"}},
                          {"type": "node", "id": 2, "tags": {"man_made": "surveillance",
                                                             "surveillance:type": "camera"}},
                          {"type": "node", "id": 3}]}
    assert overpass.count_by_manufacturer(extra) == {"Flock Safety": 2, "unknown": 1}
    with pytest.raises(OutsideError, match="no list of elements"):
        overpass.count_by_manufacturer({"remark": "runtime error"})


def test_refresh_keeps_the_count_of_the_day(session: Session, actor: User,
                                            endpoint: str) -> None:
    clock.freeze(datetime(2026, 3, 2, 4, 0, tzinfo=UTC))  # still 1 March in Atlanta
    place = f.make_jurisdiction(session, actor, name="Atlanta", state_code="GA",
                                timezone="America/New_York")
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.post(endpoint).mock(return_value=httpx.Response(200, json=REPLY))
        kept = overpass.refresh(new_session, place.id)
        overpass.refresh(new_session, place.id)
    assert [(c.manufacturer, c.count, c.counted_on) for c in kept] == [
        ("Flock Safety", 2, date(2026, 3, 1))]
    assert '["name"="Atlanta"]' in sent_query(route.calls[0].request)
    with new_session() as fresh:
        stored = overpass.counts(fresh, place.id)
    assert [(c.manufacturer, c.count, c.counted_on) for c in stored] == [
        ("Flock Safety", 2, date(2026, 3, 1))]


def test_counts_are_kept_per_day_and_none_found_is_kept_too(session: Session, actor: User,
                                                           endpoint: str) -> None:
    place = f.make_jurisdiction(session, actor)
    with respx.mock(assert_all_mocked=True) as mock:
        mock.post(endpoint).mock(side_effect=[httpx.Response(200, json=REPLY),
                                              httpx.Response(200, json={"elements": []})])
        clock.freeze(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
        overpass.refresh(new_session, place.id)
        clock.freeze(datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
        overpass.refresh(new_session, place.id)
    with new_session() as fresh:
        history = [(c.counted_on, c.manufacturer, c.count)
                   for c in overpass.counts(fresh, place.id)]
        latest = [(c.counted_on, c.manufacturer, c.count)
                  for c in overpass.counts(fresh, place.id, latest_only=True)]
    assert history == [(date(2026, 3, 9), "", 0), (date(2026, 3, 2), "Flock Safety", 2)]
    assert latest == [(date(2026, 3, 9), "", 0)]


def test_a_busy_server_is_asked_again() -> None:
    waits: list[float] = []
    with respx.mock(assert_all_mocked=True) as mock:
        mock.post(ENDPOINT).mock(side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=REPLY)])
        found = overpass.fetch_counts("q", url=ENDPOINT, attempts=2, sleep=waits.append)
    assert found == {"Flock Safety": 2}
    assert waits == [7.0]


def test_camera_counts_through_the_api(client: TestClient, session: Session, actor: User,
                                       endpoint: str) -> None:
    clock.freeze(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    place = f.make_jurisdiction(session, actor, name="Ridgefield", state_code="CT",
                                timezone="America/New_York")
    url = f"/api/v1/jurisdictions/{place.id}/camera-counts"
    assert client.get(url).json() == []
    with respx.mock(assert_all_mocked=True) as mock:
        route = mock.post(endpoint).mock(return_value=httpx.Response(200, json=REPLY))
        done = client.post(f"{url}/refresh", json={"osm_relation_id": 2079574})
    assert done.status_code == 200, done.text
    assert done.json() == [{"jurisdiction_id": place.id, "manufacturer": "Flock Safety",
                            "count": 2, "counted_on": "2026-03-02", "source": "openstreetmap"}]
    assert "rel(2079574);" in sent_query(route.calls[0].request)
    assert client.get(url, params={"latest": True}).json() == done.json()
    assert client.get("/api/v1/jurisdictions/999999/camera-counts").status_code == 404


def test_an_overpass_failure_is_a_bad_gateway(client: TestClient, session: Session,
                                              actor: User, endpoint: str) -> None:
    place = f.make_jurisdiction(session, actor)
    with respx.mock(assert_all_mocked=True) as mock:
        mock.post(endpoint).mock(return_value=httpx.Response(504, text="Gateway timeout"))
        done = client.post(f"/api/v1/jurisdictions/{place.id}/camera-counts/refresh")
    assert done.status_code == 502
    assert done.json()["detail"] == ("OpenStreetMap's Overpass API answered HTTP 504: "
                                     "Gateway timeout")
