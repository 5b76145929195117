"""JSON API of meetings with decision-makers, their attendees and the stances heard there."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import (
    make_campaign,
    make_jurisdiction,
    make_meeting,
    make_organization,
    make_person,
    make_target,
    unique,
)


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"held_at": "2026-03-02T18:00:00Z", "campaign_id": make_campaign(session, actor).id,
            "organization_id": make_organization(session, actor).id,
            "location": "Room 201", "summary": unique("Met the chief of staff"),
            "asks": "Pull the renewal from consent.", "commitments": "Will read the audit.",
            "follow_ups": "Send the audit.", "stances_observed": [],
            "target_ids": [make_target(session, actor).id],
            "attendee_ids": [make_person(session, actor).id]}


class TestMeetings(CrudContract):
    spec = Spec(
        path="/api/v1/meetings", payload=payload,
        rows=({"held_at": "2026-02-01T18:00:00Z"},
              {"held_at": "2026-01-10T18:00:00Z", "summary": "Lunch with the mayor"},
              {"held_at": "2026-03-05T18:00:00Z"}),
        sort="held_at", q="mayor", filter="organization_id",
        patch={"commitments": "Will co-sponsor.", "location": "Zoom"},
        bad_patch=({"held_at": None}, "held_at"),
        invalid=[({"held_at": "2026-02-30T10:00:00"}, "held_at"),
                 ({"target_ids": [-4]}, "target_ids.0"),
                 ({"attendee_ids": "everyone"}, "attendee_ids"),
                 ({"stances_observed": [{"target_id": 1, "level": "thrilled"}]},
                  "stances_observed.0.level")],
    )


@pytest.mark.parametrize("field_name", ["campaign_id", "organization_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestMeetings.spec, session, actor, field_name, MISSING_ID)


def test_link_lists(client: TestClient, session: Session, actor: Any) -> None:
    t1, t2 = make_target(session, actor), make_target(session, actor)
    p1, p2 = make_person(session, actor), make_person(session, actor)
    body = {**payload(session, actor), "target_ids": [t2.id, t1.id], "attendee_ids": [p1.id]}
    created = client.post("/api/v1/meetings", json=body).json()
    assert (created["target_ids"], created["attendee_ids"]) == ([t1.id, t2.id], [p1.id])
    url = f"/api/v1/meetings/{created['id']}"
    changed = client.patch(url, json={"attendee_ids": [p2.id, p1.id], "target_ids": []}).json()
    assert (changed["target_ids"], changed["attendee_ids"]) == ([], [p1.id, p2.id])
    assert client.get(url).json() == changed
    assert client.delete(f"/api/v1/people/{p1.id}").status_code == 204
    assert client.get(url).json()["attendee_ids"] == [p2.id]


@pytest.mark.parametrize("field_name", ["target_ids", "attendee_ids"])
def test_link_lists_refuse_unknown_ids(client: TestClient, session: Session, actor: Any,
                                       field_name: str) -> None:
    body = {**payload(session, actor), field_name: [MISSING_ID]}
    detail = problem(client.post("/api/v1/meetings", json=body), 422, field_name)["detail"]
    assert str(MISSING_ID) in detail
    meeting = make_meeting(session, actor)
    problem(client.patch(f"/api/v1/meetings/{meeting.id}", json={field_name: [MISSING_ID]}),
            422, field_name)
    assert client.get("/api/v1/meetings").json()["total"] == 1


def test_observed_stance_updates_the_target(client: TestClient, session: Session,
                                            actor: Any) -> None:
    target = make_target(session, actor)
    campaign = make_campaign(session, actor)
    body = {**payload(session, actor), "campaign_id": campaign.id, "target_ids": [target.id],
            "stances_observed": [{"target_id": target.id, "level": "leaning_yes",
                                  "note": "Open to a retention cap."}]}
    meeting = client.post("/api/v1/meetings", json=body).json()
    stances = client.get(f"/api/v1/targets/{target.id}/stances").json()
    assert [(s["campaign_id"], s["level"]) for s in stances] == [(campaign.id, "leaning_yes")]
    history = client.get(f"/api/v1/targets/{target.id}/stance-history").json()
    assert [(h["source"], h["meeting_id"], h["to_level"], h["note"]) for h in history] == [
        ("meeting", meeting["id"], "leaning_yes", "Open to a retention cap.")]

    # Saving the meeting again with the same stance records no new change.
    client.patch(f"/api/v1/meetings/{meeting['id']}", json={"summary": "Edited notes"})
    assert len(client.get(f"/api/v1/targets/{target.id}/stance-history").json()) == 1
    client.patch(f"/api/v1/meetings/{meeting['id']}",
                 json={"stances_observed": [{"target_id": target.id, "level": "champion"}]})
    history = client.get(f"/api/v1/targets/{target.id}/stance-history").json()
    assert [(h["from_level"], h["to_level"]) for h in history][0] == ("leaning_yes", "champion")


def test_observed_stance_needs_campaign_and_real_target(client: TestClient, session: Session,
                                                         actor: Any) -> None:
    target = make_target(session, actor)
    observed = [{"target_id": target.id, "level": "opposed"}]
    body = {**payload(session, actor), "campaign_id": None, "stances_observed": observed}
    problem(client.post("/api/v1/meetings", json=body), 422, "campaign_id")
    ghost = [{"target_id": MISSING_ID, "level": "opposed"}]
    body = {**payload(session, actor), "stances_observed": ghost}
    problem(client.post("/api/v1/meetings", json=body), 422, "stances_observed")
    assert client.get("/api/v1/meetings").json()["total"] == 0
    assert client.get(f"/api/v1/targets/{target.id}/stance-history").json() == []


def test_time_without_offset_is_local_to_the_campaign(client: TestClient, session: Session,
                                                      actor: Any) -> None:
    place = make_jurisdiction(session, actor, timezone="America/New_York")
    campaign = make_campaign(session, actor, jurisdiction_id=place.id)
    body = {**payload(session, actor), "campaign_id": campaign.id,
            "held_at": "2026-03-02T13:00:00"}
    assert client.post("/api/v1/meetings", json=body).json()["held_at"] == "2026-03-02T18:00:00Z"


def test_list_by_date(client: TestClient, session: Session, actor: Any) -> None:
    inside = make_meeting(session, actor, held_at="2026-03-10T18:00:00Z")
    make_meeting(session, actor, held_at="2026-04-10T18:00:00Z")
    for params in ({"date_from": "2026-03-01", "date_to": "2026-03-31"},
                   {"date_from": "2026-03-01T00:00:00-08:00", "date_to": "2026-03-31T23:00:00Z"}):
        page = client.get("/api/v1/meetings", params=params)
        assert page.status_code == 200, page.text
        assert [item["id"] for item in page.json()["items"]] == [inside.id]
    problem(client.get("/api/v1/meetings", params={"date_from": "9999-12-31T23:00:00-12:00"}),
            422, "date_from")
