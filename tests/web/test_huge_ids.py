"""No page answers 5xx to an id past the database's integers, or a word where an id belongs: in
the address, in a list's filter or prefill, or in a form. The routes are read from the app and
the filters from each concept's declaration, so a new page is walked without touching this
file. It matters most on PostgreSQL, where 2**31 is past an integer column; SQLite refuses
past 2**63."""

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.actions.models import ActionStatus
from api.app import create_app
from tests import factories as f
from web.concepts import SPECS

APP = create_app()
# Past SQLite's (and PostgreSQL's bigint) range, past PostgreSQL's integer, and a word.
HUGE = [str(10**20), str(2**31), "abc"]
# Names that carry an id in many forms and addresses; sent to every route at once.
COMMON = ["campaign_id", "body_id", "body", "target_id", "target_ids", "attendee_ids",
          "agency_id", "agency_ids", "vote_id", "organization_id", "meeting_id", "person_id",
          "contract_id", "scope_id", "subject_id"]
# Path parameters that are not ids, and a value each takes.
NOT_IDS = {"status": ActionStatus.planned.value, "kind": "people", "ask": "0",
           "token": "x" * 20}
PATHS = re.compile(r"{(\w+)(?::\w+)?}")
WEB = [(ctx.path, method, ctx.original_route) for ctx in iter_route_contexts(APP.routes)
       if isinstance(ctx.original_route, APIRoute) and not ctx.path.startswith(("/api/", "/feeds"))
       for method in sorted(ctx.methods) if method in ("GET", "POST")]


def _concept(path: str) -> Any:
    noun = path.strip("/").split("/")[0].split(".")[0]
    return SPECS.get(noun)


def _id_names(route: APIRoute) -> set[str]:
    names = {p.alias for p in route.dependant.query_params
             if p.alias.endswith(("_id", "_ids")) or p.alias == "body"}
    return names


def _filled(path: str, value: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "slug":
            spec = _concept(path)
            return spec.section_list()[0][0] if spec is not None else "details"
        return NOT_IDS.get(name, value)
    return PATHS.sub(one, path)


def _cases() -> list[tuple[str, str, dict[str, str]]]:
    cases: list[tuple[str, str, dict[str, str]]] = []
    for path, method, route in WEB:
        takes_id = any(name not in NOT_IDS and name != "slug" for name in PATHS.findall(path))
        names = _id_names(route)
        spec = _concept(path)
        if spec is not None and method == "GET":
            names |= {x.name for x in spec.filters if x.kind == "ref"}
            if path.endswith("/new"):
                names |= {x.name for x in spec.form_fields() if x.kind in ("ref", "refs")}
        for value in HUGE:
            if takes_id:
                cases.append((method, _filled(path, value), {}))
            if ("{" in path and not takes_id) or method == "POST":
                # A form posted to a real record (id 1) with ids in every field could sign the
                # client out or change its account; the whip board's form is tried below.
                continue
            cases.append((method, _filled(path, "1"), dict.fromkeys(COMMON, value)))
            cases.extend((method, _filled(path, "1"), {name: value}) for name in sorted(names))
    return cases


CASES = _cases()


def test_the_walk_covers_the_pages_that_take_ids() -> None:
    walked = {path for _, path, _ in CASES}
    for expected in ("/campaigns/abc/whip", f"/votes/{10**20}", f"/people/{2**31}",
                     f"/campaigns/{10**20}/whip/stance", "/targets", "/meetings/new",
                     f"/account/sessions/{10**20}/revoke"):
        assert expected in walked, expected
    assert any(params.get("campaign_id") == str(10**20) for _, path, params in CASES
               if path == "/tasks")


def test_no_page_fails_on_a_huge_or_malformed_id(client: TestClient, session: Session,
                                                  actor: Any) -> None:
    campaign = f.make_campaign(session, actor)
    body = f.make_body(session, actor)
    f.make_target(session, actor, body_id=body.id)
    f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id)
    session.commit()
    failures = []
    for method, path, params in CASES:
        if method == "GET":
            answer = client.get(path, params=params, follow_redirects=False)
        else:
            answer = client.post(path, data=params, follow_redirects=False)
        if answer.status_code >= 500:
            failures.append((method, path, params, answer.status_code))
    assert failures == [], '\n'.join(map(str, failures))
    # Still signed in: no request above ended the session and passed for the sign-in page.
    assert client.get("/", follow_redirects=False).status_code == 200


def test_the_whip_boards_stance_form_refuses_a_huge_target_or_body(
        client: TestClient, session: Session, actor: Any) -> None:
    campaign = f.make_campaign(session, actor)
    body = f.make_body(session, actor)
    target = f.make_target(session, actor, body_id=body.id)
    session.commit()
    for fields in ({"target_id": str(10**20)}, {"target_id": str(2**31)},
                   {"target_id": str(target.id), "body_id": str(10**20)},
                   {"target_id": str(target.id), "body_id": "abc"}):
        answer = client.post(f"/campaigns/{campaign.id}/whip/stance",
                             data={"level": "champion", "source": "meeting", **fields},
                             follow_redirects=False)
        assert 400 <= answer.status_code < 500, (fields, answer.status_code)


@pytest.mark.parametrize("value", ["²", "9" * 5000, str(2**31), str(10**20)])
def test_a_saved_search_refuses_an_id_filter_it_cannot_hold(client: TestClient, session: Session,
                                                            value: str) -> None:
    page = client.post("/saved-searches", data={"name": "Mine", "kind": "vote",
                                                "filter.campaign_id": value})
    assert page.status_code == 422, page.text[:300]
    answer = client.post("/api/v1/saved-searches", json={
        "name": "Mine", "kind": "vote", "filters": {"campaign_id": value}})
    assert answer.status_code == 422, answer.text[:300]
    assert "id" in answer.json()["detail"], answer.text


@pytest.mark.parametrize("days", ["²", "9" * 5000])
def test_a_tokens_lifetime_in_odd_digits_is_refused_in_words(client: TestClient,
                                                             days: str) -> None:
    answer = client.post("/account/tokens", data={"name": "script", "scope": "read",
                                                  "days": days, "password": "x"})
    assert 400 <= answer.status_code < 500, answer.status_code


@pytest.mark.parametrize("value", ["²", "9" * 5000, str(10**20)])
def test_the_letter_to_many_agencies_refuses_odd_agency_ids(client: TestClient,
                                                            value: str) -> None:
    answer = client.get("/records-requests/batch", params={"agency_ids": value})
    assert answer.status_code == 422, answer.status_code
    assert client.get("/records-requests/batch",
                      params={"page": "9" * 40}).status_code == 200
