"""JSON API of votes, whose times are local to the body's jurisdiction."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID, CrudContract, Spec, problem, refused_reference
from tests.factories import (
    make_body,
    make_campaign,
    make_contract,
    make_jurisdiction,
    make_target,
    make_vote,
    unique,
)


def payload(session: Session, actor: Any) -> dict[str, Any]:
    body = make_body(session, actor)
    member = make_target(session, actor, body_id=body.id)
    return {"title": unique("Flock renewal"), "body_id": body.id,
            "campaign_id": make_campaign(session, actor).id,
            "contract_id": make_contract(session, actor).id,
            "scheduled_at": "2031-04-15T01:30:00Z", "agenda_item_number": "7.B",
            "kind": "renewal", "consent_calendar": True,
            "agenda_url": "https://city.example/agenda", "location": "Council Chambers",
            "status": "scheduled", "outcome": "pending",
            "member_votes": [{"target_id": member.id, "vote": "no"}], "notes": "Pull it."}


class TestVotes(CrudContract):
    spec = Spec(
        path="/api/v1/votes", payload=payload,
        rows=({"scheduled_at": "2026-03-01T02:00:00Z", "status": "held"},
              {"scheduled_at": "2031-05-01T02:00:00Z", "title": "Budget hearing",
               "status": "scheduled"},
              {"scheduled_at": "2031-04-01T02:00:00Z", "status": "scheduled"}),
        sort="scheduled_at", q="budget", filter="status",
        patch={"status": "postponed", "outcome": "tabled"},
        bad_patch=({"scheduled_at": None}, "scheduled_at"),
        invalid=[({"scheduled_at": "2026-02-30T18:00:00"}, "scheduled_at"),
                 ({"kind": "referendum"}, "kind"),
                 ({"member_votes": [{"target_id": 1, "vote": "maybe"}]}, "member_votes.0.vote"),
                 ({"member_votes": [{"target_id": i, "vote": "yes"} for i in range(1, 202)]},
                  "member_votes"),
                 ({"agenda_url": "agenda"}, "agenda_url"), ({"body_id": None}, "body_id")],
    )


@pytest.mark.parametrize("field_name", ["body_id", "campaign_id", "contract_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestVotes.spec, session, actor, field_name, MISSING_ID)


@pytest.mark.parametrize(("zone", "local", "utc"), [
    ("America/Los_Angeles", "2031-04-14T18:30:00", "2031-04-15T01:30:00Z"),
    ("America/Los_Angeles", "2031-01-13T18:30:00", "2031-01-14T02:30:00Z"),
    ("America/New_York", "2031-11-02T19:00:00", "2031-11-03T00:00:00Z"),
    ("America/Chicago", "2031-04-14T18:30:00-07:00", "2031-04-15T01:30:00Z"),
])
def test_time_without_offset_is_local_to_the_body(client: TestClient, session: Session,
                                                  actor: Any, zone: str, local: str,
                                                  utc: str) -> None:
    body = make_body(session, actor,
                     jurisdiction_id=make_jurisdiction(session, actor, timezone=zone).id)
    created = client.post("/api/v1/votes", json={"title": "Vote", "body_id": body.id,
                                                 "scheduled_at": local})
    assert created.status_code == 201, created.text
    assert created.json()["scheduled_at"] == utc


def test_patched_time_is_local_too(client: TestClient, session: Session, actor: Any,
                                   frozen_now: Any) -> None:
    # A date still ahead on the frozen clock: one past would be asked about first.
    body = make_body(session, actor, jurisdiction_id=make_jurisdiction(
        session, actor, timezone="America/Denver").id)
    vote = make_vote(session, actor, body_id=body.id)
    changed = client.patch(f"/api/v1/votes/{vote.id}",
                           json={"scheduled_at": "2026-07-07T17:00:00"}).json()
    assert changed["scheduled_at"] == "2026-07-07T23:00:00Z"


def test_member_votes_name_real_members(client: TestClient, session: Session,
                                        actor: Any) -> None:
    member = make_target(session, actor)
    twice = [{"target_id": member.id, "vote": "yes"}, {"target_id": member.id, "vote": "no"}]
    problem(client.post("/api/v1/votes", json={**payload(session, actor),
                                               "member_votes": twice}), 422, "member_votes")
    ghost = [{"target_id": MISSING_ID, "vote": "yes"}]
    problem(client.post("/api/v1/votes", json={**payload(session, actor),
                                               "member_votes": ghost}), 422, "member_votes")


def test_list_by_date(client: TestClient, session: Session, actor: Any) -> None:
    body = make_body(session, actor)
    inside = make_vote(session, actor, body_id=body.id, scheduled_at="2026-04-14T18:00:00Z")
    make_vote(session, actor, body_id=body.id, scheduled_at="2026-05-20T18:00:00Z")
    page = client.get("/api/v1/votes", params={"body_id": body.id, "date_from": "2026-04-01",
                                               "date_to": "2026-04-30T23:59:59Z"}).json()
    assert [item["id"] for item in page["items"]] == [inside.id]
