"""Every route of the app, enumerated from its router, as each role against records of each
visibility: the expected status, and no record the role may not read in any response."""

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.agencies.models import Agency
from api.auth import access
from api.auth.models import Role
from api.campaigns.models import Campaign
from api.contracts import service as contracts
from api.contracts.models import ContractCreate
from api.public_pages import service as public_pages
from api.public_pages.models import ChosenItem, PublicItem, PublicPageUpdate, ShownKind
from api.supporters import service as supporters
from api.supporters.models import Supporter, SupporterState
from api.votes.models import Vote
from tests.auth.routes import get_routes
from tests.factories import make_agency, make_body, make_jurisdiction, make_user, make_vote
from tests.factories.coalition import MONTH, World, build, may_read

COLLECTIONS = {"person": "people", "target": "targets", "meeting": "meetings", "task": "tasks",
               "records_request": "records-requests", "action": "actions",
               "document": "documents", "agency": "agencies", "contract": "contracts",
               "vote": "votes", "media_contact": "media-contacts", "press_hit": "press-hits",
               "vendor": "vendors", "sharing_link": "sharing-links", "evidence_entry": "evidence",
               "known_outcome": "known-outcomes"}
# Kinds whose records no organization owns any partner keeps up to date. A vendor is one: a
# public fact about a company (in the world at the "public" tier with no owner), read by every
# member and kept by any who writes, while who buys from it stays with the agencies and
# contracts that say so. Contracts and votes are not: the coalition's contracts (their terms,
# the deadlines every campaign counts from) and votes (their schedule, status, our position
# and outcome) are kept by its leads.
COALITION_KEPT = {"agency", "media_contact", "press_hit", "vendor", "sharing_link",
                  "evidence_entry", "known_outcome"}
ROLES = ["admin", "lead", "partner", "viewer", None]
PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def body_text(response: Any) -> str:
    if response.headers.get("content-type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "".join(archive.read(name).decode() for name in archive.namelist())
    return response.content.decode("utf-8", errors="replace")


def expand(path: str, world: World) -> Iterator[tuple[str, Any]]:
    """Concrete paths for a route pattern, with the record each one is about (if known)."""
    names = PARAM.findall(path)
    if not names:
        yield path, None
        return
    owned = next((kind for kind, collection in COLLECTIONS.items()
                  if path.startswith(f"/api/v1/{collection}/{{record_id}}")), None)
    if owned is not None and names == ["record_id"]:
        for record in world.of(owned):
            yield path.replace("{record_id}", str(record.id)), record
        return
    ids = sorted({record.id for record in world.records})
    for value in ids:
        concrete = path
        for name in names:
            concrete = PARAM.sub(str(value) if "id" in name else "x" * 32, concrete, count=1)
        yield concrete, None


@pytest.fixture
def world(session: Any, actor: Any) -> World:
    return build(session, actor)


@pytest.fixture
def clients(client_as: Callable[..., TestClient], anon_client: TestClient,
            world: World) -> dict[Any, TestClient]:
    return {"admin": client_as(Role.admin), "lead": client_as(Role.lead),
            "partner": client_as(Role.partner, world.org_a),
            "viewer": client_as(Role.viewer, world.org_a), None: anon_client}


# One test per role, so the parallel workers share the matrix between them.
@pytest.mark.parametrize("role", ["admin", "lead", "partner", "viewer", None])
def test_every_route_every_role_every_visibility(app: Any, world: World, role: str | None,
                                                  clients: dict[Any, TestClient]) -> None:
    cases = leaks = 0
    failures: list[str] = []
    routes = get_routes(app)
    assert "/api/v1/meetings/{record_id}" in routes and "/account" in routes
    client = clients[role]
    org = world.org_a if role in ("partner", "viewer") else None
    forbidden = [m for r in world.records if not may_read(role, org, r) for m in r.markers]
    forbidden += [f"Search {m}" for m in world.personal]
    if role not in ("admin", "lead"):
        forbidden += world.keepers_only
    for route in routes:
        for path, record in expand(route, world):
            response = client.get(path, follow_redirects=False)
            cases += 1
            text = body_text(response)
            found = [m for m in forbidden if m in text]
            if found:
                leaks += 1
                failures.append(f"{role} GET {path}: leaked {found[:2]}")
            if response.status_code >= 500:
                failures.append(f"{role} GET {path}: {response.status_code}")
            if role is None and not access.is_open(path.split("?")[0]):
                if response.status_code not in (401, 303):
                    failures.append(f"anonymous GET {path}: {response.status_code}")
            elif record is not None:
                expected = 200 if may_read(role, org, record) else 404
                if response.status_code != expected:
                    failures.append(f"{role} GET {path} ({record.visibility} of "
                                    f"{record.owner}): {response.status_code} != {expected}")
    print(f"\n{role}: route x visibility matrix: {cases} cases, {leaks} leaks")
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:60])
    assert cases > 200


def test_lists_searches_and_counts(world: World, clients: dict[Any, TestClient]) -> None:
    cases = 0
    for role, client in clients.items():
        if role is None:
            continue
        org = world.org_a if role in ("partner", "viewer") else None
        for kind, collection in COLLECTIONS.items():
            visible = {r.id for r in world.of(kind) if may_read(role, org, r)}
            for params in ({"limit": 500}, {"limit": 500, "q": "MARK"}):
                page = client.get(f"/api/v1/{collection}", params=params).json()
                cases += 1
                got = {item["id"] for item in page["items"]}
                if "q" in params and kind in ("meeting", "document"):
                    assert got <= visible
                else:
                    assert got == visible, (role, kind, params)
                assert page["total"] == len(got), (role, kind)
    print(f"\nlists, searches and counts: {cases} cases")


def test_writes_follow_ownership(world: World, clients: dict[Any, TestClient]) -> None:
    cases = 0
    for role, client in clients.items():
        if role is None:
            continue
        org = world.org_a if role in ("partner", "viewer") else None
        for kind, collection in COLLECTIONS.items():
            for record in world.of(kind):
                response = client.patch(f"/api/v1/{collection}/{record.id}", json={})
                cases += 1
                if kind == "document" and response.status_code == 405:
                    continue
                if not may_read(role, org, record):
                    expected = 404
                elif role in ("admin", "lead") or (role == "partner" and (
                        record.owner == org
                        or (record.owner is None and kind in COALITION_KEPT))):
                    expected = 200
                else:
                    expected = 403
                assert response.status_code == expected, (role, kind, record, response.text)
    print(f"\nwrite cases: {cases}")


def test_partner_cannot_give_a_record_to_another_organization(
        world: World, clients: dict[Any, TestClient]) -> None:
    partner = clients["partner"]
    own = next(r for r in world.of("meeting") if r.owner == world.org_a)
    response = partner.patch(f"/api/v1/meetings/{own.id}",
                             json={"organization_id": world.org_b})
    assert response.status_code == 403
    created = partner.post("/api/v1/people", json={"name": "New volunteer"})
    assert created.status_code == 201
    assert created.json()["owner_organization_id"] == world.org_a
    assert created.json()["visibility"] == "private"
    viewer = clients["viewer"].post("/api/v1/people", json={"name": "Nobody"})
    assert viewer.status_code == 403


def test_partners_record_stances_they_observe_on_targets_they_can_read(
        world: World, clients: dict[Any, TestClient], session: Any) -> None:
    campaign_id = session.exec(select(Campaign.id)).first()
    session.rollback()  # ends the read, so the app's writes are not kept waiting
    for role in ("partner", "viewer"):
        for record in world.of("target"):
            response = clients[role].put(
                f"/api/v1/targets/{record.id}/stances/{campaign_id}",
                json={"level": "leaning_yes", "source": "meeting", "note": "said so"})
            if not may_read(role, world.org_a, record):
                expected = 404
            elif role == "viewer":
                expected = 403
            else:
                expected = 200
            assert response.status_code == expected, (role, record, response.text)
            if expected == 200:
                # Recording a stance is not a licence to edit the target itself.
                edit = clients[role].patch(f"/api/v1/targets/{record.id}",
                                           json={"name": "Renamed"})
                assert edit.status_code == (200 if record.owner == world.org_a else 403)


def _readers(world: World, role: str | None) -> tuple[int | None, Callable[[Any], bool]]:
    org = world.org_a if role in ("partner", "viewer") else None
    return org, lambda record: may_read(role, org, record)


def test_the_calendar_shows_each_vote_and_contract_deadline_to_exactly_its_readers(
        world: World, clients: dict[Any, TestClient]) -> None:
    dated = world.of("vote") + world.of("contract")
    cases = 0
    for role, client in clients.items():
        if role is None:
            continue
        _, readable = _readers(world, role)
        for params in ({"view": "agenda", "month": MONTH}, {"month": MONTH}):
            page = client.get("/calendar", params=params)
            assert page.status_code == 200
            for record in dated:
                cases += 1
                assert (record.markers[0] in page.text) == readable(record), (role, record)
    print(f"\ncalendar cases: {cases}")


def test_the_campaign_page_and_whip_board_show_votes_and_press_to_exactly_their_readers(
        world: World, clients: dict[Any, TestClient]) -> None:
    for role, client in clients.items():
        if role is None:
            continue
        _, readable = _readers(world, role)
        page = client.get(f"/campaigns/{world.campaign}").text
        board = client.get(f"/campaigns/{world.campaign}/whip").text
        for record in world.of("vote") + world.of("press_hit"):
            if not readable(record):
                assert record.markers[0] not in page + board, (role, record)
        for record in world.of("press_hit"):
            assert (record.markers[0] in page) == readable(record), (role, record)


def test_exposure_counts_and_shows_exactly_the_links_each_reader_may_read(
        world: World, clients: dict[Any, TestClient]) -> None:
    """Who can search the coalition agency's reads: the count, the summary and the graph are
    made of the links the reader may read, on the agency's and its jurisdiction's pages."""
    agency = next(r for r in world.of("agency") if r.owner is None)
    links = [r for r in world.of("sharing_link") if r.about is None]
    assert {r.visibility for r in links} == {"private", "leads", "coalition", "public"}
    for role, client in clients.items():
        if role is None:
            continue
        _, readable = _readers(world, role)
        seen = client.get(f"/api/v1/agencies/{agency.id}/exposure").json()
        assert seen["direct"] == sum(map(readable, links)), role
        place = client.get(f"/api/v1/agencies/{agency.id}").json()["jurisdiction_id"]
        pages = [client.get(f"/agencies/{agency.id}").text,
                 client.get(f"/jurisdictions/{place}").text,
                 client.get(f"/jurisdictions/{place}/exposure",
                            headers={"HX-Request": "true"}).text]
        for record in links:
            for page in pages:
                assert (record.markers[0] in page) == readable(record), (role, record)


def test_an_organizations_notes_are_read_only_at_their_own_visibility(
        world: World, clients: dict[Any, TestClient]) -> None:
    """The organization itself every signed-in user reads; its notes only its own members,
    the leads when shared with them, everyone when shared with the coalition."""
    notes = world.of("organization_note")
    assert {r.visibility for r in notes} == {"private", "leads", "coalition", "public"}
    for role, client in clients.items():
        if role is None:
            continue
        _, readable = _readers(world, role)
        listed = {item["id"]: item for item in
                  client.get("/api/v1/organizations", params={"limit": 500}).json()["items"]}
        for record in notes:
            mark = record.markers[0]
            allowed = readable(record)
            read = client.get(f"/api/v1/organizations/{record.id}")
            assert read.status_code == 200, (role, record)
            assert (read.json()["notes"] == mark) == allowed, (role, record)
            assert (listed[record.id]["notes"] == mark) == allowed, (role, record)
            page = client.get(f"/organizations/{record.id}")
            assert page.status_code == 200 and (mark in page.text) == allowed, (role, record)
            found = client.get("/api/v1/organizations", params={"q": mark}).json()["items"]
            assert ([o["id"] for o in found] == [record.id]) == allowed, (role, record)
            searched = client.get("/search", params={"q": mark}).text
            assert (f'href="/organizations/{record.id}"' in searched) == allowed, (role, record)
            if role in ("admin", "lead"):
                audit = client.get("/api/v1/audit", params={
                    "record_kind": "organization", "record_id": record.id})
                assert audit.status_code == 200
                assert (mark in audit.text) == allowed, (role, record)


def test_notes_one_may_not_read_are_not_ones_to_change(
        world: World, clients: dict[Any, TestClient]) -> None:
    lead = clients["lead"]
    private = next(r for r in world.of("organization_note")
                   if r.visibility == "private" and r.owner == world.org_b)
    for change in ({"notes": ""}, {"notes_visibility": "coalition"}):
        refused = lead.patch(f"/api/v1/organizations/{private.id}", json=change)
        assert refused.status_code == 403, refused.text
    # Everything else about the organization the lead still keeps up to date.
    assert lead.patch(f"/api/v1/organizations/{private.id}",
                      json={"phone": "555-0100"}).status_code == 200
    assert clients["admin"].get(f"/api/v1/organizations/{private.id}").json()["notes"] == \
        private.markers[0]
    # The edit form of the page leaves them out: saving it cannot erase them.
    form = lead.get(f"/organizations/{private.id}/sections/notes/edit")
    assert form.status_code == 404
    own = clients["partner"].get(f"/organizations/{world.org_a}/sections/notes/edit")
    assert own.status_code == 200 and 'name="notes_visibility"' in own.text


def test_partners_keep_the_coalitions_records_but_neither_take_nor_hide_them(
        world: World, clients: dict[Any, TestClient]) -> None:
    partner = clients["partner"]
    shared = next(r for r in world.of("agency") if r.owner is None)
    url = f"/api/v1/agencies/{shared.id}"
    assert partner.patch(url, json={"fixed_cameras": 12}).status_code == 200
    for change in ({"visibility": "private"}, {"owner_organization_id": world.org_a}):
        assert partner.patch(url, json=change).status_code == 403, change
    assert partner.delete(url).status_code == 403
    assert clients["lead"].patch(url, json={"visibility": "leads"}).status_code == 200


def test_only_an_organization_and_the_leads_change_who_belongs_to_it(
        world: World, clients: dict[Any, TestClient]) -> None:
    """A partner keeps their own people but may not put them on another organization's
    member list, nor move a membership there or away from it."""
    own = next(r for r in world.of("person")
               if r.owner == world.org_a and r.visibility == "coalition")
    partner = clients["partner"]
    refused = partner.post("/api/v1/affiliations",
                           json={"person_id": own.id, "organization_id": world.org_b})
    assert refused.status_code == 403, refused.text
    page = partner.get(f"/organizations/{world.org_b}")
    assert own.markers[0] not in page.text
    assert clients["viewer"].post("/api/v1/affiliations", json={
        "person_id": own.id, "organization_id": world.org_b}).status_code == 403
    volunteer = partner.post("/api/v1/people", json={"name": "New volunteer"}).json()["id"]
    made = partner.post("/api/v1/affiliations",
                        json={"person_id": volunteer, "organization_id": world.org_a})
    assert made.status_code == 201, made.text
    moved = partner.patch(f"/api/v1/affiliations/{made.json()['id']}",
                          json={"organization_id": world.org_b})
    assert moved.status_code == 403, moved.text
    # The coalition's leads keep every organization's list.
    lead = clients["lead"].post("/api/v1/affiliations",
                                json={"person_id": own.id, "organization_id": world.org_b})
    assert lead.status_code == 201, lead.text
    taken = partner.delete(f"/api/v1/affiliations/{lead.json()['id']}")
    assert taken.status_code == 403, taken.text


def test_a_task_is_assigned_only_to_someone_who_reads_it_as_it_is_shared(
        world: World, clients: dict[Any, TestClient],
        client_as: Callable[..., TestClient]) -> None:
    other = client_as(Role.partner, world.org_b)
    colleague = client_as(Role.viewer, world.org_a).user.id  # type: ignore[attr-defined]
    partner, lead = clients["partner"], clients["lead"]
    private = {"title": "Call the clerk", "visibility": "private",
               "assignee_user_id": other.user.id}  # type: ignore[attr-defined]
    refused = partner.post("/api/v1/tasks", json=private)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "assignee_user_id"
    page = partner.post("/tasks", data=private, follow_redirects=False)
    assert page.status_code == 422 and "may not read this as it is shared" in page.text
    dashboard = other.get("/").text
    assert "Call the clerk" not in dashboard
    # Their own organization's people, and anyone when shared with the coalition.
    for assignee, visibility in ((colleague, "private"),
                                 (other.user.id, "coalition")):  # type: ignore[attr-defined]
        made = partner.post("/api/v1/tasks", json={
            "title": "x", "visibility": visibility, "assignee_user_id": assignee})
        assert made.status_code == 201, made.text
    # Nor is a task assigned across made private afterwards.
    hidden = partner.patch(f"/api/v1/tasks/{made.json()['id']}", json={"visibility": "private"})
    assert hidden.status_code == 422, hidden.text
    # A lead assigns a leads-only task only to someone who reads what leads read.
    leads_only = {"title": "y", "visibility": "leads",
                  "assignee_user_id": other.user.id}  # type: ignore[attr-defined]
    assert lead.post("/api/v1/tasks", json=leads_only).status_code == 422
    fellow = client_as(Role.lead).user.id  # type: ignore[attr-defined]
    assert lead.post("/api/v1/tasks", json={**leads_only, "assignee_user_id": fellow}
                     ).status_code == 201



def test_how_a_contracts_term_ended_is_recorded_by_leads_only(
        world: World, clients: dict[Any, TestClient], session: Any, actor: Any) -> None:
    """A renewal, renegotiation or termination is the coalition's decision: a lead records it,
    in the JSON API and on the contract's page; a partner may not, even on a contract of their
    own organization, and one no organization owns they may not change at all."""
    decided = {"outcome": "terminated", "decided_on": "2026-01-15", "note": "By the council"}
    cases = 0
    for role in ("partner", "viewer", None, "lead"):
        client = clients[role]
        org = world.org_a if role in ("partner", "viewer") else None
        for record in world.of("contract"):
            url = f"/api/v1/contracts/{record.id}/outcomes"
            answer = client.post(url, json=decided)
            page = client.post(f"/contracts/{record.id}/outcomes", data=decided,
                               follow_redirects=False)
            cases += 2
            if role is None:
                assert answer.status_code == 401 and page.status_code == 303, record
                continue
            if not may_read(role, org, record):
                assert (answer.status_code, page.status_code) == (404, 404), (role, record)
            elif role == "lead":
                # Let through to the terms' own checks (the world's contracts were ended by a
                # renegotiation with no new term: nothing more follows).
                assert answer.status_code == 422, (role, record, answer.text)
                assert page.status_code == 422, (role, record)
            else:
                assert (answer.status_code, page.status_code) == (403, 403), (role, record)
                assert "Only the coalition's leads record how a contract's term ended" in \
                    answer.json()["detail"]
                assert 'class="outcome-form"' not in client.get(f"/contracts/{record.id}").text
    assert cases

    # One no organization owns: the coalition's, kept and decided by its leads.
    ours = contracts.crud.create(session, actor, ContractCreate(
        title="Coalition contract", agency_id=make_agency(session, actor).id,
        end_date=date(2026, 6, 30), auto_renews=True, renewal_term_months=12,
        termination_notice_days=60, visibility="coalition"))
    session.commit()
    partner, lead = clients["partner"], clients["lead"]
    url = f"/api/v1/contracts/{ours.id}"
    edit = partner.patch(url, json={"notes": "Mine"})
    assert edit.status_code == 403
    assert edit.json()["detail"] == ("This contract is the coalition's, kept by its leads: ask a "
                                     "lead to change it.")
    assert partner.post(f"{url}/outcomes", json=decided).status_code == 403
    assert 'class="outcome-form"' not in partner.get(f"/contracts/{ours.id}").text
    assert 'class="outcome-form"' in lead.get(f"/contracts/{ours.id}").text
    assert lead.patch(url, json={"notes": "Ours"}).status_code == 200
    renewed = {"outcome": "renewed", "decided_on": "2026-05-01", "new_term_ends": "2027-06-30"}
    assert lead.post(f"{url}/outcomes", json=renewed).status_code == 201


def test_a_vote_no_organization_owns_is_changed_by_the_coalitions_leads_only(
        session: Any, actor: Any, clients: dict[Any, TestClient]) -> None:
    """A coalition vote's schedule, status, our position and outcome are the coalition's
    decisions: a partner reads it but changes it neither in the JSON API nor on its page."""
    vote = make_vote(session, actor, status="scheduled",
                     scheduled_at=datetime(2027, 3, 2, 2, 0, tzinfo=UTC))
    session.commit()
    assert vote.owner_organization_id is None
    partner, lead = clients["partner"], clients["lead"]
    url = f"/api/v1/votes/{vote.id}"
    assert partner.get(url).status_code == 200
    for change in ({"our_position": "against"}, {"status": "cancelled"},
                   {"scheduled_at": "2027-03-09T02:00:00Z"}):
        refused = partner.patch(url, json=change)
        assert refused.status_code == 403, (change, refused.text)
        assert refused.json()["detail"] == ("This vote is the coalition's, kept by its leads: "
                                            "ask a lead to change it.")
    page = partner.get(f"/votes/{vote.id}").text
    assert f"/votes/{vote.id}/sections/" not in page
    assert partner.get(f"/votes/{vote.id}/sections/vote/edit").status_code == 403
    assert lead.patch(url, json={"our_position": "against"}).status_code == 200
    assert f"/votes/{vote.id}/sections/vote/edit" in lead.get(f"/votes/{vote.id}").text


def test_agencies_are_merged_by_leads_into_and_from_agencies_they_may_read(
        world: World, clients: dict[Any, TestClient], session: Any, actor: Any) -> None:
    """Every agency of the world as the one kept and as the one folded in, by every role, in
    the JSON API and on the page: an agency one may not read answers as none, and only leads
    and administrators merge."""
    cases = 0
    for role in ("partner", "viewer", None, "lead", "admin"):
        client = clients[role]
        org = world.org_a if role in ("partner", "viewer") else None
        for record in world.of("agency"):
            for kept_is_world in (True, False):
                merges = role in ("lead", "admin") and may_read(role, org, record)
                if merges and not kept_is_world:
                    continue  # folding the world's agency away would end the matrix
                # Shared as the world's agency, and of its state: a merge never narrows who
                # reads an agency, nor joins two states (tests/agencies/test_merging.py).
                spare = make_agency(session, actor, name=f"Spare {role} {record.id}",
                                    visibility=record.visibility,
                                    owner_organization_id=record.owner,
                                    state_code=session.get(Agency, record.id).state_code)
                session.commit()
                # The app removes the agencies it merges, and their ids come again.
                session.expunge_all()
                keep, fold = (record.id, spare.id) if kept_is_world else (spare.id, record.id)
                if merges:
                    # Refused as a bad form first, so the world keeps its agencies.
                    page = client.post(f"/agencies/{keep}/merge", data={"fold_id": "x"})
                    assert page.status_code == 422, (role, record)
                answer = client.post(f"/api/v1/agencies/{keep}/merge", json={"fold_id": fold})
                cases += 1
                if role is None:
                    assert answer.status_code == 401
                elif not may_read(role, org, record):
                    assert answer.status_code == 404, (role, record, answer.text)
                    assert record.markers[0] not in answer.text
                elif role in ("lead", "admin"):
                    assert answer.status_code == 200, (role, record, answer.text)
                else:
                    assert answer.status_code == 403, (role, record, answer.text)
    assert cases


@pytest.mark.parametrize("kind", ["jurisdictions", "bodies"])
def test_the_coalitions_places_and_bodies_are_kept_by_its_leads(
        session: Any, actor: Any, clients: dict[Any, TestClient], kind: str) -> None:
    """No organization owns a jurisdiction or a body: every member reads them, leads and
    administrators add, change and remove them, and a partner is told to ask a lead."""
    place = make_jurisdiction(session, actor)
    record = place if kind == "jurisdictions" else make_body(session, actor,
                                                              jurisdiction_id=place.id)
    session.commit()
    url = f"/api/v1/{kind}/{record.id}"
    new = ({"name": "Shelbyville", "kind": "city", "state_code": "CA",
            "timezone": "America/Los_Angeles"} if kind == "jurisdictions"
           else {"name": "Shelbyville Council", "kind": "city_council",
                 "jurisdiction_id": place.id})
    for role in ("partner", "viewer"):
        client = clients[role]
        assert client.get(url).status_code == 200
        page = client.get(f"/{kind}/{record.id}")
        assert page.status_code == 200 and f"/{kind}/{record.id}/sections/" not in page.text
        changed = client.patch(url, json={"name": "Renamed"})
        assert changed.status_code == 403, (role, changed.text)
        assert client.post(f"/api/v1/{kind}", json=new).status_code == 403
        assert client.delete(url).status_code == 403
        assert client.post(f"/{kind}/{record.id}/delete").status_code in (403, 404)
        assert f'href="/{kind}/new"' not in client.get(f"/{kind}").text
    refused = clients["partner"].patch(url, json={"name": "Renamed"}).json()["detail"]
    noun = "jurisdiction" if kind == "jurisdictions" else "body"
    assert refused == f"This {noun} is the coalition's, kept by its leads: ask a lead to change it."
    lead = clients["lead"]
    assert lead.patch(url, json={"name": "Renamed"}).status_code == 200
    assert f"/{kind}/{record.id}/sections/" in lead.get(f"/{kind}/{record.id}").text
    made = lead.post(f"/api/v1/{kind}", json=new)
    assert made.status_code == 201, made.text
    assert lead.delete(f"/api/v1/{kind}/{made.json()['id']}").status_code == 204


# ---- the public side: anyone, signed in or not ---------------------------------------------
# The kinds a campaign's public page may show; each world record's first marker is in the
# words a page shows of it (its name or title), the others in what no page shows publicly.
SHOWN = {kind.value for kind in ShownKind}


def _publish_everything(session: Session, world: World) -> set[tuple[str, int]]:
    """The world's campaign published, with every record of the kinds it may show chosen: the
    campaign's public ones through the leads' form, the rest as a choice made while they were
    public and the campaign's, kept after they were shared less widely or no longer were the
    campaign's. Returns the records the form offered, which alone the page may show."""
    lead = make_user(Role.lead, session=session)
    offered = {(kind.value, record.id) for kind, rows in
               public_pages.candidates(session, lead, world.campaign).items() for record in rows}
    public = [ChosenItem(kind=ShownKind(r.kind), record_id=r.id) for r in world.records
              if (r.kind, r.id) in offered]
    public_pages.save(session, lead, campaign_id=world.campaign, changes=PublicPageUpdate(
        slug="no-renewal", show_stances=True, intro="Why", items=public))
    for record in world.records:
        if record.kind in SHOWN and (record.kind, record.id) not in offered:
            session.add(PublicItem(campaign_id=world.campaign, kind=ShownKind(record.kind),
                                   record_id=record.id))
    public_pages.set_published(session, lead, campaign_id=world.campaign, published=True)
    session.commit()
    return offered


def test_public_means_public_for_anyone_on_every_public_surface(
        frozen_now: datetime, session: Session, world: World,
        clients: dict[Any, TestClient]) -> None:
    # The clock is frozen before the world is made: every vote of it is a vote ahead.
    offered = _publish_everything(session, world)
    slug = "no-renewal"
    assert {kind for kind, _ in offered} >= {"target", "vote", "press_hit"}
    # Public records that are not the campaign's own never show, though chosen.
    assert any(r.kind in SHOWN and r.visibility == "public" and (r.kind, r.id) not in offered
               for r in world.records)
    # The vendor the world's agencies and contracts buy from: a public fact, named with them.
    shown = {r.markers[0] for r in world.records if (r.kind, r.id) in offered}
    if any(kind in ("agency", "contract") for kind, _ in offered):
        shown.add(world.of("vendor")[0].markers[0])
    never = [m for r in world.records for m in r.markers if m not in shown]
    never += world.personal + world.keepers_only
    surfaces = {"anyone": (clients[None], f"/p/{slug}")}
    for role in ("admin", "lead", "partner", "viewer"):
        # Signed in, the public page is the same page: the reader's rights add nothing.
        surfaces[role] = (clients[role], f"/p/{slug}")
    # Each vote's comment kit: a public vote's for anyone, any other as a vote that is not.
    missing_vote = clients[None].get(f"/p/{slug}/votes/999999")
    for vote in world.of("vote"):
        kit = clients[None].get(f"/p/{slug}/votes/{vote.id}")
        assert not [m for m in never if m in kit.text], vote
        if ("vote", vote.id) in offered:
            assert kit.status_code == 200 and vote.markers[0] in kit.text
        else:
            assert kit.status_code == 404 and kit.text == missing_vote.text
    # The page as JSON shows what the page shows; its calendar, the page's votes alone.
    surfaces["json"] = (clients[None], f"/p/{slug}.json")
    feed = clients[None].get(f"/p/{slug}.ics")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert not [m for m in never if m in feed.text]
    assert {m for m in shown if m in feed.text} == {
        r.markers[0] for r in world.records if r.kind == "vote" and ("vote", r.id) in offered}
    # The leads' JSON of the page's settings names records by id, and says nothing of them.
    settings = clients["lead"].get(f"/api/v1/campaigns/{world.campaign}/public-page")
    assert settings.status_code == 200 and not [m for m in never if m in settings.text]
    # The settings are the leads' alone, through the API as through their page.
    for role in ("partner", "viewer"):
        for path in (f"/campaigns/{world.campaign}/public",
                     f"/api/v1/campaigns/{world.campaign}/public-page"):
            assert clients[role].get(path).status_code == 403, (role, path)
    # The preview is the leads' own (never public), and shows exactly what the page shows.
    surfaces["preview"] = (clients["lead"], f"/campaigns/{world.campaign}/public/preview")
    # So is each vote's kit previewed, and it shows exactly what the public kit shows.
    preview_kits = [f"/campaigns/{world.campaign}/public/preview/votes/{vote.id}"
                    for vote in world.of("vote") if ("vote", vote.id) in offered]
    for address in preview_kits:
        kit = clients["lead"].get(address)
        assert kit.status_code == 200 and not [m for m in never if m in kit.text], address
        for role in ("partner", "viewer"):
            assert clients[role].get(address).status_code == 403, (role, address)
    for vote in world.of("vote"):
        if ("vote", vote.id) not in offered:
            assert clients["lead"].get(f"/campaigns/{world.campaign}/public/preview/votes/"
                                       f"{vote.id}").status_code == 404, vote
    cases = 0
    for name, (client, path) in surfaces.items():
        for headers in ({}, {"Accept-Language": "es"}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, path)
            leaked = [m for m in never if m in response.text]
            assert leaked == [], f"{name} {path} leaked {leaked[:3]}"
            missing = [m for m in shown if m not in response.text]
            assert missing == [], f"{name} {path} left out public {missing[:3]}"
            cases += 1
    # Nobody signed in reaches no other surface of the campaign: the leads' page, its
    # preview, and the records behind the page all answer as they do for any other route.
    for path in (f"/campaigns/{world.campaign}/public",
                 f"/campaigns/{world.campaign}/public/preview", *preview_kits,
                 f"/api/v1/campaigns/{world.campaign}/public-page",
                 f"/api/v1/campaigns/{world.campaign}/public-page/candidates"):
        refused = clients[None].get(path, follow_redirects=False)
        assert refused.status_code in (303, 401) and not [m for m in never + list(shown)
                                                          if m in refused.text]
    print(f"\npublic surfaces: {cases} cases, {len(never)} markers kept off, "
          f"{len(shown)} shown")


def test_the_public_calendar_keeps_only_public_votes_when_they_are_cancelled(
        frozen_now: datetime, session: Session, world: World,
        clients: dict[Any, TestClient]) -> None:
    """Cancelled, the page's votes stay in its calendar marked so; a vote of any other tier,
    though chosen while it was public, never joins them."""
    offered = _publish_everything(session, world)
    public = {r.markers[0] for r in world.records if r.kind == "vote" and ("vote", r.id) in offered}
    assert public
    never = [m for r in world.records for m in r.markers
             if not (r.kind == "vote" and ("vote", r.id) in offered and m == r.markers[0])]
    never += world.personal + world.keepers_only
    session.execute(sa.update(Vote).where(Vote.id.in_([v.id for v in world.of("vote")]))
                    .values(status="cancelled"))
    session.commit()
    for lang in ("en", "es"):
        feed = clients[None].get(f"/p/no-renewal.ics?lang={lang}")
        assert feed.status_code == 200
        leaked = [m for m in never if m in feed.text]
        assert leaked == [], leaked[:3]
        assert {m for m in public if m in feed.text} == public
        assert feed.text.count("STATUS:CANCELLED") == len(public)


# ---- supporters: their addresses reach the campaign's leads alone ---------------------------

def test_a_supporters_address_reaches_only_the_campaigns_leads(
        app: Any, frozen_now: datetime, session: Session, world: World,
        clients: dict[Any, TestClient]) -> None:
    _publish_everything(session, world)
    address = "supporter-MARKsupporter@example.org"
    fan = Supporter(campaign_id=world.campaign, email=address, state=SupporterState.confirmed)
    session.add(fan)
    session.commit()
    own = {f"/campaigns/{world.campaign}/public/supporters",
           f"/campaigns/{world.campaign}/public/supporters.csv"}
    public = {"/p/no-renewal", f"/p/no-renewal/unsubscribe/{supporters.leave_token(fan)}",
              f"/p/no-renewal/confirm/{supporters.confirm_token(fan)}"}
    public |= {f"/p/no-renewal/votes/{vote.id}" for vote in world.of("vote")}
    session.commit()
    # Every page of the app, as each role: only the leads' export shows the address.
    paths = {path for route in get_routes(app) for path, _ in expand(route, world)}
    cases = 0
    for role, client in clients.items():
        for path in sorted(paths | public | own):
            response = client.get(path, follow_redirects=False)
            cases += 1
            shows = "MARKsupporter" in body_text(response)
            expected = role in ("admin", "lead") and path.endswith("supporters.csv") \
                and path in own
            assert shows == expected, (role, path, response.status_code)
            if path in own:
                wanted = 200 if role in ("admin", "lead") else (403, 404, 303, 401)
                assert response.status_code == wanted or response.status_code in (
                    wanted if isinstance(wanted, tuple) else ()), (role, path)
            if path in public and role is None:
                assert response.status_code < 500 and "set-cookie" not in response.headers
    print(f"\nsupporter surfaces: {cases} cases")


def test_the_maps_mark_each_federal_sharing_agency_to_exactly_its_readers(
        world: World, clients: dict[Any, TestClient], session: Any, actor: Any) -> None:
    """Every agency of the world shares with federal agencies, in one county: the state map,
    the county map and their htmx fragments name each to exactly those who may read it."""
    county = make_jurisdiction(session, actor, name="Los Angeles County", kind="county",
                               state_code="CA", timezone="America/Los_Angeles")
    session.execute(sa.update(Agency).values(jurisdiction_id=county.id,
                                             shares_with_federal="yes"))
    session.commit()
    cases = 0
    for role, client in clients.items():
        if role is None:
            for url in ("/maps", "/maps/counties?state=CA"):
                assert client.get(url, follow_redirects=False).status_code in (303, 401)
            continue
        _, readable = _readers(world, role)
        for url in ("/maps", "/maps/counties?state=CA"):
            for headers in ({}, {"HX-Request": "true"}):
                page = client.get(url, headers=headers)
                assert page.status_code == 200, (role, url)
                for record in world.of("agency"):
                    cases += 1
                    assert (record.markers[0] in page.text) == readable(record), \
                        (role, url, record)
    print(f"\nmap cases: {cases}")


def test_the_sharing_imports_are_for_leads_and_offer_only_agencies_they_may_read(
        world: World, clients: dict[Any, TestClient]) -> None:
    """The sharing import pages: leads and administrators only, linked for them alone; a
    report is about an agency its importer may read, and the form offers no other."""
    agencies = world.of("agency")
    assert {r.visibility for r in agencies} >= {"private", "leads", "coalition"}
    report = b"Agency,State\nOakdale Police Department,CA\n"
    for role, client in clients.items():
        _, readable = _readers(world, role)
        for kind in ("data-driven-sharing", "sharing-report"):
            page = client.get(f"/imports/{kind}", follow_redirects=False)
            if role is None:
                assert page.status_code in (401, 303), kind
                continue
            expected = 200 if role in ("admin", "lead") else 403
            assert page.status_code == expected, (role, kind)
            listed = client.get("/imports").text + client.get("/").text
            assert (f'href="/imports/{kind}"' in listed) == (expected == 200), (role, kind)
        if role not in ("admin", "lead"):
            continue
        for record in agencies:
            # The report's agency is found by name among those the lead may read.
            form = client.get("/imports/sharing-report",
                              params={"agency_q": record.markers[0]}).text
            # The search echoes what was asked; the agency is offered only as a choice.
            offered = " ".join(re.findall(r"<option[^>]*>([^<]*)</option>", form))
            assert (record.markers[0] in offered) == readable(record), (role, record)
            chosen = client.get("/imports/sharing-report",
                                params={"agency_id": str(record.id)}).text
            assert (record.markers[0] in chosen) == readable(record), (role, record)
            sent = client.post("/imports/sharing-report", data={"agency_id": str(record.id)},
                               files={"file": ("r.csv", report, "text/csv")},
                               follow_redirects=False)
            assert sent.status_code == (303 if readable(record) else 422), (role, record)
            if not readable(record):
                assert "Choose the agency the report is about." in sent.text
                assert record.markers[0] not in sent.text
