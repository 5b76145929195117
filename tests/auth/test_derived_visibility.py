"""What is derived from a record is told only to those who may read the record: a stance seen in
a private meeting, a private request's status notes, the audit entries about both; an id one may
not read answers as one that does not exist; reading a record is no licence to attach to it."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import fragment

MARK = "Quietly-open-to-a-ban"
STATUS_MARK = "Clerk-said-sharing-list-exists"


@pytest.fixture
def coalition(session: Session, actor: Any, client_as: Callable[..., TestClient]) -> Any:
    """Organizations A and B in one campaign, a coalition-visible council member, and a
    partner of A, a partner of B and a lead signed in."""
    org_a = f.make_organization(session, actor, name="Org A")
    org_b = f.make_organization(session, actor, name="Org B")
    campaign = f.make_campaign(session, actor, name="No Cameras in Riverton")
    target = f.make_target(session, actor, name="Dana Reyes", visibility="coalition")
    session.commit()

    class World:
        pass

    world = World()
    world.campaign, world.target = campaign, target  # type: ignore[attr-defined]
    world.org_a, world.org_b = org_a, org_b  # type: ignore[attr-defined]
    world.a = client_as("partner", organization_id=org_a.id)  # type: ignore[attr-defined]
    world.b = client_as("partner", organization_id=org_b.id)  # type: ignore[attr-defined]
    world.lead = client_as("lead")  # type: ignore[attr-defined]
    return world


def _private_meeting(world: Any) -> int:
    made = world.a.post("/api/v1/meetings", json={
        "held_at": "2026-11-17T18:00:00Z", "campaign_id": world.campaign.id,
        "summary": "Coffee with Dana", "target_ids": [world.target.id], "visibility": "private",
        "stances_observed": [{"target_id": world.target.id, "level": "leaning_yes",
                              "note": MARK}]})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_a_stance_seen_in_a_private_meeting_stays_with_the_meeting(coalition: Any) -> None:
    meeting_id = _private_meeting(coalition)
    target = coalition.target.id
    history = f"/api/v1/targets/{target}/stance-history"
    own = coalition.a.get(history).json()
    assert [c["meeting_id"] for c in own] == [meeting_id] and own[0]["note"] == MARK
    for other in (coalition.b, coalition.lead):
        assert other.get(f"/api/v1/meetings/{meeting_id}").status_code == 404
        assert other.get(history).json() == []
        for url in (f"/targets/{target}", f"/campaigns/{coalition.campaign.id}"):
            page = other.get(url)
            assert page.status_code == 200 and MARK not in page.text, url
        assert MARK not in fragment(other, f"/targets/{target}").text
    assert MARK in coalition.a.get(f"/targets/{target}").text


def test_the_audit_log_keeps_private_notes_from_leads(coalition: Any, session: Session,
                                                      actor: Any, client: TestClient) -> None:
    _private_meeting(coalition)
    police = f.make_agency(session, actor, name="Riverton PD")
    session.commit()
    made = coalition.a.post("/api/v1/records-requests", json={
        "subject": "Sharing list", "agency_id": police.id, "state_code": "CA",
        "visibility": "private"})
    assert made.status_code == 201, made.text
    request_id = made.json()["id"]
    changed = coalition.a.post(f"/api/v1/records-requests/{request_id}/status",
                               json={"status": "sent", "note": STATUS_MARK})
    assert changed.status_code == 200, changed.text
    assert coalition.lead.get(f"/api/v1/records-requests/{request_id}").status_code == 404
    lead_log = coalition.lead.get("/audit")
    assert lead_log.status_code == 200
    assert MARK not in lead_log.text and STATUS_MARK not in lead_log.text
    # An administrator reads everything: the notes are in the log.
    admin_log = client.get("/audit").text
    assert MARK in admin_log and STATUS_MARK in admin_log


def test_a_private_id_answers_as_a_missing_one(coalition: Any, session: Session,
                                               actor: Any) -> None:
    private = f.make_person(session, actor, name="Ana (private to A)",
                            owner_organization_id=coalition.org_a.id, visibility="private")
    session.commit()
    missing = private.id + 100_000

    def link(person_id: int) -> Any:
        return coalition.b.post("/api/v1/meetings", json={
            "held_at": "2026-11-17T18:00:00Z", "summary": "Visit",
            "attendee_ids": [person_id]})

    hidden, absent = link(private.id), link(missing)
    assert hidden.status_code == absent.status_code == 422
    assert hidden.json()["detail"].replace(str(private.id), "N") == \
        absent.json()["detail"].replace(str(missing), "N")
    assert coalition.b.get(f"/api/v1/people/{private.id}").status_code == \
        coalition.b.get(f"/api/v1/people/{missing}").status_code == 404


def test_reading_a_shared_record_is_no_licence_to_attach_to_it(coalition: Any) -> None:
    made = coalition.a.post("/api/v1/meetings", json={
        "held_at": "2026-11-17T18:00:00Z", "summary": "Shared visit",
        "visibility": "coalition"})
    meeting_id = made.json()["id"]
    assert coalition.b.get(f"/api/v1/meetings/{meeting_id}").status_code == 200
    files = {"file": ("note.txt", b"planted by another organization", "text/plain")}
    form = {"attached_kind": "meeting", "attached_id": str(meeting_id)}
    refused = coalition.b.post("/api/v1/documents", data=form, files=files)
    assert refused.status_code == 403, refused.text
    assert coalition.b.get(f"/meetings/{meeting_id}").text.count('type="file"') == 0
    allowed = coalition.a.post("/api/v1/documents", data=form, files=files)
    assert allowed.status_code == 201, allowed.text
