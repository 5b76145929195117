"""New campaign from a playbook: the campaign, its dated actions and tasks, owners by role and
the default alert rules; moving an anchor moves what is not yet done."""

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.alerts.models import AlertRule
from api.auth.models import Role
from api.campaigns.anchors import AnchorKind
from api.db import get_engine
from api.playbooks import loader
from api.playbooks.schema import Playbook
from api.settings import get_settings
from tests.alerts.conftest import outbox, tick_once
from tests.conftest import api_token
from tests.factories import at_noon

START = date(2026, 3, 2)
VOTE = date(2026, 5, 12)
NOTICE = date(2026, 6, 30)
ANCHORS = {AnchorKind.campaign_start: START, AnchorKind.vote: VOTE,
           AnchorKind.notice_deadline: NOTICE}
KEYS = ["stop_new_contract", "cancel_renewal", "restrict_by_ordinance", "end_federal_sharing",
        "community_control"]


def book(key: str) -> Playbook:
    return loader.catalog().playbooks[key].playbook


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def api(client: TestClient) -> TestClient:
    at_noon(START)
    return client


@pytest.fixture
def place(api: TestClient) -> int:
    return created(api.post("/api/v1/jurisdictions", json={
        "name": "Riverton", "state_code": "CA", "timezone": "America/Los_Angeles"}))["id"]


def org(api: TestClient, name: str) -> int:
    return created(api.post("/api/v1/organizations", json={"name": name}))["id"]


def start(api: TestClient, key: str, **body: Any) -> Any:
    return api.post(f"/api/v1/playbooks/{key}/campaigns", json=body)


def full_body(place: int) -> dict[str, Any]:
    return {"jurisdiction_id": place, "campaign_start": START.isoformat(),
            "vote_date": VOTE.isoformat(), "notice_deadline": NOTICE.isoformat()}


@pytest.mark.parametrize("key", KEYS)
def test_each_playbook_makes_its_campaign_actions_tasks_and_alert_rules(
        api: TestClient, place: int, key: str) -> None:
    lead = org(api, "Immigrant Rights Alliance")
    media = org(api, "Riverton Press Project")
    made = created(start(api, key, **full_body(place), lead_organization_ids=[lead],
                         role_assignments={"media_lead": media}))
    playbook = book(key)
    campaign = made["campaign"]
    assert (campaign["goal"], campaign["playbook_key"]) == (playbook.goal, key)
    assert campaign["name"] == f"Riverton: {playbook.title}"
    assert (campaign["start_date"], campaign["vote_date"]) == (START.isoformat(),
                                                               VOTE.isoformat())
    assert [a["ask"] for a in campaign["policy_asks"]] == [a.ask for a in playbook.policy_asks]
    assert campaign["lead_organization_ids"] == [lead]

    expected_actions = [(phase.phase.value, spec.title,
                         (ANCHORS[spec.anchor] + timedelta(days=spec.offset)).isoformat(),
                         spec.owner_role.value, media if spec.owner_role == "media_lead" else lead)
                        for phase, spec in playbook.actions()]
    assert [(a["phase"], a["title"], a["scheduled_on"], a["owner_role"],
             a["owner_organization_id"]) for a in made["actions"]] == expected_actions
    assert all(a["campaign_id"] == campaign["id"] for a in made["actions"])

    expected_tasks = []
    for _, spec in playbook.actions():
        for task in spec.tasks:
            anchor = task.anchor or spec.anchor
            offset = spec.offset if task.offset is None else task.offset
            expected_tasks.append((task.title, (ANCHORS[anchor] + timedelta(days=offset))
                                   .isoformat(), anchor.value, offset))
    assert [(t["title"], t["due_on"], t["anchor_kind"], t["anchor_offset_days"])
            for t in made["tasks"]] == expected_tasks
    action_ids = {a["id"] for a in made["actions"]}
    assert all(t["action_id"] in action_ids for t in made["tasks"])
    # Each task is owned by the organization it is given to, and shared like its action.
    assert all(t["owner_organization_id"] == t["assignee_organization_id"] in (lead, media)
               and t["visibility"] == "coalition" for t in made["tasks"])

    assert [{k: v for k, v in rule.items() if k not in ("campaign_id", "id")}
            for rule in made["alert_rules"]] == [r.model_dump(mode="json")
                                                 for r in playbook.alert_rules]
    assert all(rule["campaign_id"] == campaign["id"] for rule in made["alert_rules"])
    # The rules are stored for the alert pipeline, not only echoed back.
    with Session(get_engine()) as session:
        stored_rules = session.exec(select(AlertRule).where(
            AlertRule.campaign_id == campaign["id"]).order_by(AlertRule.id)).all()
    assert [(r.id, r.subject, r.offsets) for r in stored_rules] == [
        (rule["id"], rule["subject"], rule["offsets"]) for rule in made["alert_rules"]]

    stored = api.get("/api/v1/actions", params={"campaign_id": campaign["id"],
                                                "limit": 500}).json()
    assert stored["total"] == len(expected_actions)


def test_the_partner_given_a_task_ticks_it_off_and_another_cannot(
        api: TestClient, place: int, client_as: Callable[..., TestClient]) -> None:
    lead = org(api, "Immigrant Rights Alliance")
    field = org(api, "Riverton Neighbors Canvass")
    made = created(start(api, "cancel_renewal", **full_body(place), lead_organization_ids=[lead],
                         role_assignments={"field_lead": field}))
    theirs = [t for t in made["tasks"] if t["assignee_organization_id"] == field]
    assert theirs
    task = theirs[0]
    other = client_as(Role.partner, organization_id=lead)
    # Another partner of the campaign reads the task (the plan is shared) but may not close it.
    assert other.get(f"/api/v1/tasks/{task['id']}").status_code == 200
    refused = other.post(f"/tasks/{task['id']}/done")
    assert api.get(f"/api/v1/tasks/{task['id']}").json()["status"] == "open"
    assert refused.status_code in (200, 303)
    member = client_as(Role.partner, organization_id=field)
    dashboard = member.get("/").text
    assert task["title"] in dashboard and f"/tasks/{task['id']}/done" in dashboard
    done = member.post(f"/tasks/{task['id']}/done")
    assert done.status_code in (200, 303)
    assert api.get(f"/api/v1/tasks/{task['id']}").json()["status"] == "done"


def test_steps_already_late_are_named_and_get_no_reminders(
        api: TestClient, place: int, client_as: Callable[..., TestClient]) -> None:
    lead = org(api, "Immigrant Rights Alliance")
    # A member of the organization the tasks go to: someone the reminders would reach.
    client_as(Role.partner, organization_id=lead)
    made = created(start(api, "stop_new_contract", jurisdiction_id=place,
                         campaign_start=START.isoformat(),
                         vote_date=(START + timedelta(days=10)).isoformat(),
                         lead_organization_ids=[lead]))
    today = START.isoformat()
    late_actions = {a["id"] for a in made["actions"] if a["scheduled_on"] < today}
    late_tasks = {t["id"] for t in made["tasks"] if t["due_on"] < today}
    ahead_tasks = {t["id"] for t in made["tasks"]} - late_tasks
    assert late_actions and late_tasks and ahead_tasks
    assert set(made["late_action_ids"]) == late_actions
    assert set(made["late_task_ids"]) == late_tasks

    tick_once()
    reminded = {row.subject_id for row in outbox(subject_kind="task_due")}
    assert reminded and reminded <= ahead_tasks


def test_moving_the_vote_later_moves_what_is_not_done(api: TestClient, place: int) -> None:
    made = created(start(api, "stop_new_contract", **full_body(place)))
    campaign_id = made["campaign"]["id"]
    by_key = {a["title"]: a for a in made["actions"]}
    comment = by_key["Public comment at the vote"]
    op_ed = by_key["Op-ed on what the cameras record and who can search it"]
    records = by_key["Public-records requests for the proposal, the quote and the draft policy"]
    assert api.patch(f"/api/v1/actions/{op_ed['id']}", json={"status": "done"}).status_code \
        == 200
    # An organizer moved the call-in day a day earlier by hand.
    call_in = by_key["Call-in day to council offices"]
    hand_moved = (VOTE - timedelta(days=6)).isoformat()
    api.patch(f"/api/v1/actions/{call_in['id']}", json={"scheduled_on": hand_moved})

    later = VOTE + timedelta(days=14)
    moved = api.post(f"/api/v1/campaigns/{campaign_id}/anchors",
                     json={"vote_date": later.isoformat()})
    assert moved.status_code == 200, moved.text
    now = {a["id"]: a for a in moved.json()["actions"]}
    assert now[comment["id"]]["scheduled_on"] == later.isoformat()
    assert now[op_ed["id"]]["scheduled_on"] == op_ed["scheduled_on"]  # done: stays
    assert now[records["id"]]["scheduled_on"] == START.isoformat()  # counted from the start
    assert now[call_in["id"]]["scheduled_on"] == (VOTE + timedelta(days=8)).isoformat()
    assert moved.json()["campaign"]["vote_date"] == later.isoformat()
    assert moved.json()["campaign"]["target_date"] == later.isoformat()
    tasks = {t["title"]: t for t in moved.json()["tasks"]}
    assert tasks["Speaker preparation session"]["due_on"] == \
        (later - timedelta(days=2)).isoformat()
    assert tasks["Send the requests and record each due date"]["due_on"] == \
        (START + timedelta(days=2)).isoformat()
    # Which moved: the unfinished ones counted from the vote, not those done or on the start.
    moved_actions = set(moved.json()["moved_action_ids"])
    assert {comment["id"], call_in["id"]} <= moved_actions
    assert not {op_ed["id"], records["id"]} & moved_actions
    assert all(now[i]["anchor_kind"] == "vote" for i in moved_actions)
    moved_tasks = set(moved.json()["moved_task_ids"])
    assert tasks["Speaker preparation session"]["id"] in moved_tasks
    assert tasks["Send the requests and record each due date"]["id"] not in moved_tasks


def test_a_patch_of_the_campaign_moves_them_too(api: TestClient, place: int) -> None:
    made = created(start(api, "cancel_renewal", **full_body(place)))
    campaign_id = made["campaign"]["id"]
    later = NOTICE + timedelta(days=7)
    assert api.patch(f"/api/v1/campaigns/{campaign_id}",
                     json={"notice_deadline": later.isoformat()}).status_code == 200
    actions = api.get("/api/v1/actions", params={"campaign_id": campaign_id,
                                                 "limit": 500}).json()["items"]
    for action in actions:
        if action["anchor_kind"] == "notice_deadline":
            assert action["scheduled_on"] == (later + timedelta(
                days=action["anchor_offset_days"])).isoformat()


def test_a_missing_anchor_leaves_dates_open_until_it_is_set(api: TestClient,
                                                             place: int) -> None:
    made = created(start(api, "restrict_by_ordinance", jurisdiction_id=place))
    assert made["campaign"]["start_date"] == START.isoformat()  # today in Riverton
    vote_actions = [a for a in made["actions"] if a["anchor_kind"] == "vote"]
    assert vote_actions and all(a["scheduled_on"] is None for a in vote_actions)
    moved = api.post(f"/api/v1/campaigns/{made['campaign']['id']}/anchors",
                     json={"vote_date": VOTE.isoformat()}).json()
    for action in moved["actions"]:
        if action["anchor_kind"] == "vote":
            assert action["scheduled_on"] == (VOTE + timedelta(
                days=action["anchor_offset_days"])).isoformat()


def test_anchor_dates_can_come_from_the_contract_and_the_vote(api: TestClient,
                                                              place: int) -> None:
    agency = created(api.post("/api/v1/agencies", json={"name": "Riverton PD",
                                                        "state_code": "CA"}))["id"]
    contract = created(api.post("/api/v1/contracts", json={
        "title": "Flock lease", "agency_id": agency, "end_date": "2026-09-30",
        "termination_notice_days": 60}))
    body = created(api.post("/api/v1/bodies", json={"name": "Riverton City Council",
                                                    "jurisdiction_id": place}))["id"]
    vote = created(api.post("/api/v1/votes", json={
        "title": "Renewal", "body_id": body, "scheduled_at": "2026-07-14T18:00:00"}))
    made = created(start(api, "cancel_renewal", jurisdiction_id=place,
                         contract_id=contract["id"], vote_id=vote["id"]))
    assert made["campaign"]["notice_deadline"] == contract["notice_deadline"] == "2026-08-01"
    assert made["campaign"]["vote_date"] == "2026-07-14"
    comment = next(a for a in made["actions"] if a["anchor_kind"] == "vote")
    assert comment["vote_id"] == vote["id"]


@pytest.mark.parametrize(("key", "body", "field"), [
    ("stop_new_contract", {}, "vote_date"),
    ("cancel_renewal", {"vote_date": "2026-05-12"}, "notice_deadline"),
    ("stop_new_contract", {"vote_date": "2026-05-12", "role_assignments": {"field_lead": 999}},
     "role_assignments.field_lead"),
    ("stop_new_contract", {"vote_date": "2026-05-12", "role_assignments": {"chef": 1}},
     "role_assignments.chef.[key]"),
    ("cancel_renewal", {"contract_id": 999}, "contract_id"),
    ("stop_new_contract", {"vote_date": "someday"}, "vote_date"),
])
def test_bad_requests_are_refused(api: TestClient, place: int, key: str, body: dict[str, Any],
                                  field: str) -> None:
    response = start(api, key, jurisdiction_id=place, **body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert api.get("/api/v1/campaigns").json()["total"] == 0


def test_unknown_playbook_jurisdiction_and_campaign(api: TestClient, place: int) -> None:
    assert start(api, "no_such_playbook", jurisdiction_id=place).status_code == 404
    response = start(api, "restrict_by_ordinance", jurisdiction_id=999)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "jurisdiction_id"
    assert api.post("/api/v1/campaigns/999/anchors",
                    json={"vote_date": "2026-05-01"}).status_code == 404
    made = created(start(api, "restrict_by_ordinance", jurisdiction_id=place))
    empty = api.post(f"/api/v1/campaigns/{made['campaign']['id']}/anchors", json={})
    assert empty.status_code == 422


def test_list_detail_and_errors(api: TestClient) -> None:
    listed = api.get("/api/v1/playbooks").json()
    assert sorted(p["key"] for p in listed) == sorted(KEYS)
    assert all(p["source"] == "built-in" for p in listed)
    detail = api.get("/api/v1/playbooks/cancel_renewal").json()
    assert detail["required_anchors"] == ["notice_deadline"]
    assert detail["alert_rules"][0]["subject"] == "notice_deadline"
    assert detail["phases"][0]["actions"][0]["offset"] == 0
    summary = next(p for p in listed if p["key"] == "cancel_renewal")
    assert {k: detail[k] for k in ("action_count", "roles", "file", "source")} == \
        {k: summary[k] for k in ("action_count", "roles", "file", "source")}
    assert api.get("/api/v1/playbook-errors").json() == []
    assert api.get("/api/v1/playbooks/nope").status_code == 404
    assert api.get("/api/v1/playbooks/Bad Key!").status_code == 422


def test_a_broken_playbook_file_does_not_stop_the_app(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, admin: Any) -> None:
    from api.app import create_app

    built_in = get_settings().campaigns_dir / "playbooks"
    (tmp_path / "ours.yaml").write_text(
        (built_in / "community_control.yaml").read_text()
        .replace("key: community_control", "key: ours")
        .replace("offset: 45d", "offset: forty-five days", 1))
    monkeypatch.setattr(loader, "playbook_dirs",
                        lambda: [(built_in, "built-in"), (tmp_path, "organizer")])
    with TestClient(create_app(), raise_server_exceptions=False) as fresh:
        fresh.headers["Authorization"] = f"Bearer {api_token(admin)}"
        assert fresh.get("/healthz").status_code == 200
        assert sorted(p["key"] for p in fresh.get("/api/v1/playbooks").json()) == sorted(KEYS)
        errors = fresh.get("/api/v1/playbook-errors").json()
    assert len(errors) == 1
    error = errors[0]
    assert (error["file"], error["field"]) == ("organizer/ours.yaml",
                                               "phases.0.actions.1.offset")
    line = (tmp_path / "ours.yaml").read_text().splitlines()[error["line"] - 1]
    assert line.strip() == "offset: forty-five days"
    assert error["text"].startswith(f"organizer/ours.yaml, line {error['line']}")


def test_the_body_that_votes_gets_the_campaigns_vote_with_its_alerts(
        api: TestClient, place: int) -> None:
    council = created(api.post("/api/v1/bodies", json={
        "name": "Riverton Council", "jurisdiction_id": place, "seats": 7,
        "majority_needed": 4}))["id"]
    # A second body in the place: the one that votes has to be chosen.
    created(api.post("/api/v1/bodies", json={"name": "Riverton Police Commission",
                                             "jurisdiction_id": place, "seats": 5}))
    made = created(start(api, "cancel_renewal", **full_body(place), body_id=council))
    vote = api.get(f"/api/v1/votes/{made['vote_id']}").json()
    assert (vote["body_id"], vote["campaign_id"]) == (council, made["campaign"]["id"])
    assert (vote["kind"], vote["our_position"], vote["status"]) == ("renewal", "against",
                                                                    "scheduled")
    # 6 PM where the council sits (Pacific daylight time), the evening of the vote date.
    assert vote["scheduled_at"] == "2026-05-13T01:00:00Z"
    anchored = [a for a in made["actions"] if a["anchor_kind"] == "vote"]
    assert anchored and all(a["vote_id"] == vote["id"] for a in anchored)
    # The campaign has its vote ahead, and so its count and its alerts.
    page = api.get(f"/campaigns/{made['campaign']['id']}").text
    assert vote["title"] in page and "No votes ahead" not in page

    unchosen = created(start(api, "cancel_renewal", **full_body(place)))
    assert unchosen["vote_id"] is None
    bad = start(api, "cancel_renewal", **full_body(place), body_id=999999)
    assert bad.status_code == 422 and "No body with id 999999." in bad.text


def test_a_place_with_one_body_needs_no_choice(api: TestClient, place: int) -> None:
    council = created(api.post("/api/v1/bodies", json={
        "name": "Riverton Council", "jurisdiction_id": place, "seats": 7}))["id"]
    # A body with no seats recorded cannot vote: it is not the choice.
    created(api.post("/api/v1/bodies", json={"name": "Riverton Library Board",
                                             "jurisdiction_id": place}))
    made = created(start(api, "stop_new_contract", **full_body(place)))
    vote = api.get(f"/api/v1/votes/{made['vote_id']}").json()
    assert (vote["body_id"], vote["our_position"], vote["kind"]) == (
        council, "against", "contract_approval")


def test_a_playbook_keyed_errors_is_found_by_its_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, admin: Any) -> None:
    from api.app import create_app

    built_in = get_settings().campaigns_dir / "playbooks"
    (tmp_path / "errors.yaml").write_text(
        (built_in / "community_control.yaml").read_text()
        .replace("key: community_control", "key: errors"))
    monkeypatch.setattr(loader, "playbook_dirs",
                        lambda: [(built_in, "built-in"), (tmp_path, "organizer")])
    with TestClient(create_app(), raise_server_exceptions=False) as fresh:
        fresh.headers["Authorization"] = f"Bearer {api_token(admin)}"
        found = fresh.get("/api/v1/playbooks/errors")
        problems = fresh.get("/api/v1/playbook-errors")
    assert found.status_code == 200
    assert found.json()["key"] == "errors"
    assert problems.json() == []


def test_every_problem_of_a_new_campaign_is_told_at_once(api: TestClient, place: int) -> None:
    """A playbook form sent with a missing deadline, an unknown organization for a role and a
    body that does not exist is refused once, naming all three."""
    answer = start(api, "cancel_renewal", jurisdiction_id=place, body_id=999_999,
                   role_assignments={"media_lead": 999_999})
    assert answer.status_code == 422, answer.text
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"notice_deadline", "role_assignments.media_lead", "body_id"}
