"""Who owns a record and who may read it are its own organization's to change: a lead keeps
another organization's record up to date but neither hands it to someone else nor widens it,
and an organization's own sharing choices are made only by its members. A record the lead may
not read answers as a missing one."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.api.contract import MISSING_ID, problem
from tests.web.html import HX, form_fields, fragment, plain

SECRET = "Council-aide-leaks-agendas"


@pytest.fixture
def coalition(session: Session, actor: Any, client_as: Callable[..., TestClient]) -> Any:
    """Organizations A and B; A's leads-only target, meeting and task, and its private
    meeting; members of each, a lead of neither, a lead of A and an administrator."""
    org_a = f.make_organization(session, actor, name="Riverton Immigrant Rights Network")
    org_b = f.make_organization(session, actor, name="Riverton Faith Alliance")
    target = f.make_target(session, actor, name="Dana Reyes", notes=SECRET,
                           owner_organization_id=org_a.id, visibility="leads")
    meeting = f.make_meeting(session, actor, summary="Coffee with Dana",
                             organization_id=org_a.id, visibility="leads")
    private = f.make_meeting(session, actor, summary="Strategy", organization_id=org_a.id,
                             visibility="private")
    task = f.make_task(session, actor, title="Call Dana", owner_organization_id=org_a.id,
                       visibility="leads")
    session.commit()

    class World:
        pass

    world = World()
    world.org_a, world.org_b = org_a, org_b  # type: ignore[attr-defined]
    world.target, world.meeting, world.private = target, meeting, private  # type: ignore[attr-defined]
    world.task = task  # type: ignore[attr-defined]
    world.a = client_as(Role.partner, org_a.id)  # type: ignore[attr-defined]
    world.b = client_as(Role.partner, org_b.id)  # type: ignore[attr-defined]
    world.lead = client_as(Role.lead)  # type: ignore[attr-defined]
    world.a_lead = client_as(Role.lead, org_a.id)  # type: ignore[attr-defined]
    world.admin = client_as(Role.admin)  # type: ignore[attr-defined]
    return world


def test_a_lead_cannot_hand_another_organizations_record_to_someone_else(
        coalition: Any) -> None:
    target = f"/api/v1/targets/{coalition.target.id}"
    problem(coalition.lead.patch(target, json={"owner_organization_id": coalition.org_b.id}),
            403, "owner_organization_id")
    # A still holds it; B never read A's notes.
    assert coalition.a.get(target).json()["notes"] == SECRET
    assert coalition.b.get(target).status_code == 404
    meeting = f"/api/v1/meetings/{coalition.meeting.id}"
    assert coalition.lead.patch(meeting, json={
        "organization_id": coalition.org_b.id}).status_code == 403
    assert coalition.a.get(meeting).json()["organization_id"] == coalition.org_a.id


def test_a_lead_cannot_widen_or_narrow_another_organizations_record(coalition: Any) -> None:
    meeting = f"/api/v1/meetings/{coalition.meeting.id}"
    for visibility in ("public", "coalition", "private"):
        refused = coalition.lead.patch(meeting, json={"visibility": visibility})
        assert refused.status_code == 403, (visibility, refused.text)
        assert "belongs to" in refused.json()["detail"]
    assert coalition.b.get(meeting).status_code == 404
    assert coalition.a.get(meeting).json()["visibility"] == "leads"
    # Who a task is assigned to is who reads it: the owner's choice too.
    task = f"/api/v1/tasks/{coalition.task.id}"
    assert coalition.lead.patch(task, json={
        "assignee_organization_id": coalition.org_b.id}).status_code == 403
    assert coalition.b.get(task).status_code == 404


def test_a_lead_still_keeps_the_content_up_to_date(coalition: Any) -> None:
    meeting = f"/api/v1/meetings/{coalition.meeting.id}"
    edited = coalition.lead.patch(meeting, json={"summary": "Coffee, and a promise",
                                                 "visibility": "leads"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["summary"] == "Coffee, and a promise"
    assert coalition.lead.patch(f"/api/v1/tasks/{coalition.task.id}",
                                json={"title": "Call Dana twice"}).status_code == 200


def test_the_owners_members_and_administrators_decide(coalition: Any) -> None:
    meeting = f"/api/v1/meetings/{coalition.meeting.id}"
    assert coalition.a.patch(meeting, json={"visibility": "coalition"}).status_code == 200
    assert coalition.b.get(meeting).status_code == 200
    assert coalition.admin.patch(meeting, json={"visibility": "leads"}).status_code == 200
    # A lead who belongs to A may hand A's record to another organization.
    target = f"/api/v1/targets/{coalition.target.id}"
    moved = coalition.a_lead.patch(target, json={"owner_organization_id": coalition.org_b.id})
    assert moved.status_code == 200, moved.text
    assert coalition.b.get(target).status_code == 200


def test_a_record_the_lead_may_not_read_answers_as_a_missing_one(coalition: Any) -> None:
    hidden = coalition.lead.patch(f"/api/v1/meetings/{coalition.private.id}",
                                  json={"visibility": "public"})
    absent = coalition.lead.patch(f"/api/v1/meetings/{MISSING_ID}",
                                  json={"visibility": "public"})
    assert hidden.status_code == absent.status_code == 404
    assert hidden.json()["detail"].replace(str(coalition.private.id), "N") == \
        absent.json()["detail"].replace(str(MISSING_ID), "N")


@pytest.mark.parametrize("change", [{"tell_leads_meetings": True},
                                    {"default_visibility": "coalition"},
                                    {"notes_visibility": "coalition"}])
def test_an_organizations_sharing_choices_are_its_members(coalition: Any,
                                                          change: dict[str, Any]) -> None:
    url = f"/api/v1/organizations/{coalition.org_b.id}"
    for outsider in (coalition.lead, coalition.a):
        refused = outsider.patch(url, json=change)
        assert refused.status_code == 403, (change, refused.text)
    assert coalition.admin.get(url).json()[next(iter(change))] != next(iter(change.values()))
    assert coalition.b.patch(url, json=change).status_code == 200
    assert coalition.admin.patch(url, json={"phone": "555-0100"}).status_code == 200
    # The rest of the organization's details the leads still keep up to date.
    assert coalition.lead.patch(url, json={"phone": "555-0199"}).status_code == 200


def test_the_gate_refuses_the_same_change_made_past_the_record_service(
        coalition: Any, session: Session, actor: Any) -> None:
    """A document's visibility is changed by its own route, not the generic update."""
    doc = f.make_document(session, actor, attached_kind="meeting",
                          attached_id=coalition.meeting.id,
                          owner_organization_id=coalition.org_a.id, visibility="leads")
    refused = coalition.lead.patch(f"/api/v1/documents/{doc.id}", json={"visibility": "private"})
    assert refused.status_code == 403, refused.text
    assert coalition.a.patch(f"/api/v1/documents/{doc.id}",
                             json={"visibility": "private"}).status_code == 200


def test_the_page_offers_a_lead_only_what_it_would_accept(coalition: Any) -> None:
    url = f"/meetings/{coalition.meeting.id}"
    page = coalition.lead.get(url).text
    assert f'{url}/sections/who-can-see-this/edit"' not in page
    assert f'{url}/sections/what-we-heard/edit"' in page
    meeting_form = fragment(coalition.lead, f"{url}/sections/meeting/edit").text
    assert 'name="organization_id"' not in meeting_form and 'name="location"' in meeting_form
    sent = dict(form_fields(meeting_form))
    saved = coalition.lead.post(f"{url}/sections/meeting", data=sent, headers=HX)
    assert saved.status_code == 200, saved.text
    # The owner's own members are offered the choice, in their words.
    own = fragment(coalition.a, f"{url}/sections/who-can-see-this/edit").text
    assert 'name="visibility"' in own and "Our organization only" in plain(own)
    organization = coalition.lead.get(f"/organizations/{coalition.org_b.id}").text
    assert "/sections/sharing/edit" not in organization
    assert "/sections/sharing/edit" in coalition.b.get(
        f"/organizations/{coalition.org_b.id}").text
