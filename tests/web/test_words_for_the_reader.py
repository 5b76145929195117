"""A record page speaks to whoever reads it: who may see a record is said in "our" words only to
the organization it belongs to, by that organization's name to everyone else; a record the
reader may not read is not named, not even by its id; an organization's default not chosen
says what applies instead; a task says that whoever it is assigned to reads it."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.web.html import fragment, plain

OWNER = "Riverton Immigrant Rights Network"
ASSIGNED = "Riverton Faith Alliance"


@pytest.fixture
def coalition(session: Session, actor: Any, client_as: Callable[..., TestClient]) -> Any:
    """A's private task, from A's private meeting and for A's private action, assigned to B."""
    org_a = f.make_organization(session, actor, name=OWNER)
    org_b = f.make_organization(session, actor, name=ASSIGNED)
    meeting = f.make_meeting(session, actor, summary="Strategy", organization_id=org_a.id,
                             visibility="private")
    action = f.make_action(session, actor, title="Quiet lobbying", owner_organization_id=org_a.id,
                           visibility="private")
    task = f.make_task(session, actor, title="Bring the petition", visibility="private",
                       owner_organization_id=org_a.id, assignee_organization_id=org_b.id,
                       meeting_id=meeting.id, action_id=action.id)
    session.commit()

    class World:
        pass

    world = World()
    world.org_a, world.org_b, world.task = org_a, org_b, task  # type: ignore[attr-defined]
    world.meeting, world.action = meeting, action  # type: ignore[attr-defined]
    world.a = client_as(Role.partner, org_a.id)  # type: ignore[attr-defined]
    world.b = client_as(Role.partner, org_b.id)  # type: ignore[attr-defined]
    world.lead = client_as(Role.lead)  # type: ignore[attr-defined]
    world.admin = client_as(Role.admin)  # type: ignore[attr-defined]
    return world


def _field(text: str, label: str, following: str) -> str:
    return text.split(label, 1)[1].split(following, 1)[0].strip()


def test_the_assigned_organization_reads_no_reference_it_may_not_read(coalition: Any) -> None:
    url = f"/tasks/{coalition.task.id}"
    for page in (coalition.b.get(url).text, fragment(coalition.b, f"{url}/sections/task").text):
        assert f"/meetings/{coalition.meeting.id}" not in page
        assert f"/actions/{coalition.action.id}" not in page
        text = plain(page)
        assert _field(text, "For action", "From meeting") == "—"
        assert _field(text, "From meeting", "Notes") == "—"
    told = coalition.b.get(f"/api/v1/tasks/{coalition.task.id}").json()
    assert told["meeting_id"] is None and told["action_id"] is None
    asked = coalition.b.get("/api/v1/tasks", params={"meeting_id": coalition.meeting.id})
    assert asked.json()["items"] == []
    # The owner reads both, by name.
    own = plain(coalition.a.get(url).text)
    assert "Quiet lobbying" in own and "Meeting of" in own
    assert coalition.a.get(f"/api/v1/tasks/{coalition.task.id}").json()["meeting_id"] == \
        coalition.meeting.id


def test_who_can_see_a_record_is_said_from_the_readers_side(coalition: Any) -> None:
    url = f"/tasks/{coalition.task.id}"
    told = plain(coalition.b.get(url).text)
    assert "Our organization only" not in told
    assert (f"Who can see this Only {OWNER}, and the person and the organization it is "
            "assigned to") in told
    own = plain(coalition.a.get(url).text)
    assert "Who can see this Our organization only, and the person and the organization" in own
    # An administrator changing A's record is offered A's choices in A's name.
    form = plain(fragment(coalition.admin, f"{url}/sections/who-can-see-this/edit").text)
    assert f"Only {OWNER}" in form and "Our organization only" not in form


def test_task_forms_say_whoever_it_is_assigned_to_reads_it(coalition: Any) -> None:
    form = plain(coalition.a.get("/tasks/new").text)
    assert "Our organization only, and the person and the organization it is assigned to" in form
    edit = plain(fragment(coalition.a, f"/tasks/{coalition.task.id}/sections/who-can-see-this"
                                       "/edit").text)
    assert "and the person and the organization it is assigned to" in edit


def test_a_leads_new_record_is_offered_as_the_coalitions_and_kept_so(
        coalition: Any, client_as: Callable[..., TestClient], session: Session) -> None:
    """A lead's new record is the coalition's, whatever organization the lead belongs to: its
    form must not promise "our organization only" for what only the coalition's leads read."""
    lead = client_as(Role.lead, coalition.org_a.id)
    form = plain(lead.get("/actions/new").text)
    assert "Only the coalition's leads" in form and "Our organization only" not in form
    made = lead.post("/api/v1/actions", json={"title": "Leads' plan", "visibility": "private"})
    assert made.status_code == 201, made.text
    assert made.json()["owner_organization_id"] is None
    member = client_as(Role.partner, coalition.org_a.id)
    assert member.get(f"/api/v1/actions/{made.json()['id']}").status_code == 404
    # A partner's is their organization's, and said so.
    assert "Our organization only" in plain(coalition.a.get("/actions/new").text)


def test_an_organization_page_speaks_to_outsiders_and_says_the_default(
        coalition: Any, client: TestClient) -> None:
    url = f"/organizations/{coalition.org_b.id}"
    outside = plain(coalition.lead.get(url).text)
    assert "Share our new records with" not in outside
    assert f"{ASSIGNED} shares its new records with Not chosen: as each kind starts" in outside
    assert f"only {ASSIGNED}" in outside
    assert re.search(r"Share our new records with —", outside) is None
    own = plain(coalition.b.get(url).text)
    assert "Share our new records with Not chosen: as each kind starts" in own
    assert "our organization only" in own
    chose = client.patch("/api/v1/instance-settings", json={"default_visibility": "leads"})
    assert chose.status_code == 200, chose.text
    now = plain(coalition.b.get(url).text)
    assert ("Share our new records with Not chosen: the coalition's default, our organization "
            "and the coalition's leads") in now
