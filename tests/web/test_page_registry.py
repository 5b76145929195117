"""Each concept's pages are built from explicit lists (web.app): importing the page modules
changes no concept, and the pages come out the same whatever order the modules are imported,
run again, mounted or listed in."""

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from starlette.routing import Match

from api.campaigns.models import Campaign
from api.page_cache import MARK, reusable
from tests import factories as f
from tests.conftest import sign_in
from tests.factories import at_noon, make_agency, make_records_request
from tests.web.html import is_full_page, plain
from web import app as web_app
from web.concepts import SPECS
from web.routes import concept_pages

ROOT = Path(__file__).resolve().parents[2]
START = date(2026, 3, 2)
ASK = "No sharing outside the agency"
PARAM = re.compile(r"{(\w+)(?::(\w+))?}")


def _shuffled(*paths: str) -> dict[str, Any]:
    """What a fresh interpreter that imported the page modules out of order reports."""
    done = subprocess.run([sys.executable, "-m", "tests.web.shuffled_pages", *paths],
                          cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _names(extras: Any) -> list[str]:
    return [f"{e.__module__}.{e.__name__}" for e in extras]


@pytest.fixture
def from_playbook(client: TestClient, session: Session, actor: Any) -> Campaign:
    at_noon(START)
    place = f.make_jurisdiction(session, actor, name="Riverton")
    made = client.post("/campaigns/new-from-playbook", follow_redirects=False, data={
        "playbook": "stop_new_contract", "jurisdiction_id": str(place.id),
        "vote_date": "2026-05-12"})
    assert made.status_code == 303
    campaign = session.exec(select(Campaign)).one()
    session.commit()
    return campaign


@pytest.fixture
def request_record(session: Session, actor: Any) -> Any:
    agency = make_agency(session, actor, with_place=True, state_code="CA")
    record = make_records_request(session, actor, agency_id=agency.id, status="sent", sent_on=START,
                                  visibility="coalition")
    session.commit()
    return record


def _assert_whole(pages: dict[str, Any], campaign_id: int, request_id: int) -> None:
    campaign = pages[f"/campaigns/{campaign_id}"]
    assert campaign["status"] == 200
    assert 'id="anchors"' in campaign["text"]  # the playbook's dates
    assert ASK in plain(campaign["text"]) and 'id="board"' in campaign["text"]
    request = pages[f"/records-requests/{request_id}"]
    assert request["status"] == 200
    assert 'id="progress"' in request["text"] and 'id="deadline"' in request["text"]
    log = pages["/meetings/new"]
    assert log["status"] == 200 and "meetings/new/who" in log["text"]
    for own in ("/campaigns/new-from-playbook", "/records-requests/batch"):
        assert pages[own]["status"] == 200 and is_full_page(pages[own]["text"])


def test_importing_the_page_modules_changes_no_concept() -> None:
    assert _shuffled()["changed"] == []


def test_pages_are_whole_whatever_order_their_modules_were_imported_in(
        from_playbook: Campaign, request_record: Any) -> None:
    paths = [f"/campaigns/{from_playbook.id}", f"/records-requests/{request_record.id}",
             "/meetings/new", "/campaigns/new-from-playbook", "/records-requests/batch"]
    found = _shuffled(*paths)
    _assert_whole(found["pages"], from_playbook.id, request_record.id)
    assert found["changed"] == []
    assert found["extras"]["campaigns"] == ["web.routes.campaigns.campaign_extras",
                                            "web.routes.playbooks.anchors_extras"]
    assert found["extras"]["records-requests"] == ["web.routes.records_requests.request_extras"]


def test_pages_are_whole_whatever_order_they_are_listed_and_mounted_in(
        monkeypatch: pytest.MonkeyPatch, from_playbook: Campaign, request_record: Any,
        admin: Any) -> None:
    monkeypatch.setattr(web_app, "DETAIL_EXTRAS", tuple(reversed(web_app.DETAIL_EXTRAS)))
    monkeypatch.setattr(web_app, "PAGE_MODULES", tuple(reversed(web_app.PAGE_MODULES)))
    from api.app import create_app

    app = create_app()
    assert _names(app.state.concept_pages["campaigns"].extras) == [
        "web.routes.playbooks.anchors_extras", "web.routes.campaigns.campaign_extras"]
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, admin)
    paths = [f"/campaigns/{from_playbook.id}", f"/records-requests/{request_record.id}",
             "/meetings/new", "/campaigns/new-from-playbook", "/records-requests/batch"]
    pages = {}
    for path in paths:
        response = client.get(path)
        pages[path] = {"status": response.status_code, "text": response.text}
    _assert_whole(pages, from_playbook.id, request_record.id)


def _concrete(path: str) -> str:
    return PARAM.sub(lambda m: "1" if m.group(2) == "int" or m.group(1).endswith("id")
                     else "x", path)


def test_no_page_answers_a_request_meant_for_another(app: Any) -> None:
    """Each page's address reaches that page alone, so the order routers are tried in (and the
    order they were registered in) decides nothing."""
    routes = [ctx for ctx in iter_route_contexts(app.routes)
              if isinstance(ctx.original_route, APIRoute) and not ctx.path.startswith("/api/")
              and ctx.path == ctx.original_route.path]
    assert {"/campaigns/new-from-playbook", "/meetings/new"} <= {ctx.path for ctx in routes}
    clashes = []
    for ctx in routes:
        for method in ctx.methods - {"HEAD"}:
            scope = {"type": "http", "path": _concrete(ctx.path), "root_path": "",
                     "method": method}
            takers = {other.original_route.endpoint for other in routes
                      if other.original_route.matches(scope)[0] == Match.FULL}
            if takers != {ctx.original_route.endpoint}:
                clashes.append(f"{method} {ctx.path}: {sorted(map(str, takers))}")
    assert not clashes, "\n".join(clashes)


def test_each_page_is_registered_once(app: Any) -> None:
    """A page registered twice answers from whichever was mounted first, so a concept's page of
    its own would silently lose to the other (or the other to it)."""
    seen: dict[tuple[str, str], int] = {}
    for ctx in iter_route_contexts(app.routes):
        if isinstance(ctx.original_route, APIRoute):
            for method in ctx.methods - {"HEAD"}:
                seen[(method, ctx.path)] = seen.get((method, ctx.path), 0) + 1
    assert ("GET", "/meetings/new") in seen
    twice = sorted(f"{method} {path}" for (method, path), count in seen.items() if count > 1)
    assert not twice, "\n".join(twice)


def test_a_concept_with_a_page_of_its_own_overrides_the_generic_one_by_name() -> None:
    from web.routes import meetings

    build = concept_pages.build_concept_pages
    pages = build(SPECS, custom=web_app.CUSTOM_PAGES, extras=web_app.DETAIL_EXTRAS)
    assert type(pages["people"]) is concept_pages.ConceptPages
    meeting_routes = {(next(iter(r.methods)), r.path): r.endpoint
                      for r in pages["meetings"].router().routes}
    assert meeting_routes[("GET", "/meetings/new")] is meetings.log_form
    assert meeting_routes[("POST", "/meetings")] is meetings.log_meeting
    assert meeting_routes[("GET", "/meetings/{record_id:int}")] == pages["meetings"].detail
    with pytest.raises(ValueError, match="nowhere"):
        build(SPECS, extras=[{"nowhere": [lambda session, actor, record: {}]}])


def test_an_override_of_a_reusable_page_must_be_marked_reusable_itself() -> None:
    """An unmarked override of a page the cache reuses would quietly lose the reuse: the
    registry refuses it at startup, and takes it marked."""
    build = concept_pages.build_concept_pages

    class Unmarked(concept_pages.ConceptPages):
        def detail(self, record_id: Any, request: Any, session: Any, actor: Any) -> Any:
            return super().detail(record_id, request, session, actor)

    class UnmarkedBelow(Unmarked):
        pass

    class Marked(concept_pages.ConceptPages):
        @reusable
        def list_page(self, request: Any, session: Any, actor: Any) -> Any:
            return super().list_page(request, session, actor)

    for unmarked in (Unmarked, UnmarkedBelow):
        with pytest.raises(ValueError, match=r"\.detail"):
            build(SPECS, custom={"people": unmarked})
    pages = build(SPECS, custom={"people": Marked})
    routes = {r.path: r for r in pages["people"].router().routes
              if isinstance(r, APIRoute) and r.methods == {"GET"}}
    assert getattr(routes["/people"].endpoint, MARK, False)
    assert concept_pages.unmarked_reusable_overrides(concept_pages.ConceptPages) == []
