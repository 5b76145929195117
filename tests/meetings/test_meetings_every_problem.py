"""A meeting sent with several problems is refused once, naming every one: a client fixes them
all in one go instead of one per round trip."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.api.contract import MISSING_ID
from tests.factories import make_target
from tests.meetings.test_meetings import payload


def test_every_problem_of_a_meeting_in_one_answer(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    target = make_target(session, actor)
    session.commit()
    body = {**payload(session, actor), "held_at": "2026-03-09T18:00:00Z", "campaign_id": None,
            "stances_observed": [{"target_id": target.id, "level": "champion"}]}
    answer = client.post("/api/v1/meetings", json=body)
    assert answer.status_code == 422, answer.text
    fields = [e["field"] for e in answer.json()["errors"]]
    assert fields == ["held_at", "campaign_id"]


def test_every_missing_reference_in_one_answer(
        client: TestClient, session: Session, actor: Any) -> None:
    body = {**payload(session, actor), "campaign_id": MISSING_ID, "organization_id": MISSING_ID}
    answer = client.post("/api/v1/meetings", json=body)
    assert answer.status_code == 422, answer.text
    assert sorted(e["field"] for e in answer.json()["errors"]) == ["campaign_id",
                                                                   "organization_id"]
