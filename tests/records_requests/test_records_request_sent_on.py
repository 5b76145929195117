"""A records request made through the API with the day it was sent, and no status, was sent:
a draft's deadline never starts running. A status given is kept."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_agency


def test_a_request_made_with_its_sent_day_is_sent(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    agency = make_agency(session, actor)
    session.commit()
    made = client.post("/api/v1/records-requests", json={
        "subject": "ALPR audit logs", "agency_id": agency.id, "sent_on": "2026-02-20"})
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "sent"
    assert made.json()["due_on"] is not None
    draft = client.post("/api/v1/records-requests", json={
        "subject": "ALPR policy", "agency_id": agency.id})
    assert draft.json()["status"] == "draft"
    changed = client.patch(f"/api/v1/records-requests/{draft.json()['id']}",
                           json={"notes": "Waiting on the letter."})
    assert changed.json()["status"] == "draft"
