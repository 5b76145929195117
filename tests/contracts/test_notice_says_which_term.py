"""A contract that renews by itself says which term its notice deadline is for: once this
term's day has gone, the next deadline is the next term's, and the API says so."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_agency


def test_the_notice_deadline_names_its_term(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    agency = make_agency(session, actor)
    session.commit()
    # The term in force ends April 30, 2026 and 60 days' notice was due March 1: gone on
    # March 2, so the next deadline is the next term's (ending April 30, 2027).
    made = client.post("/api/v1/contracts", json={
        "title": "Flock agreement", "agency_id": agency.id, "start_date": "2025-05-01",
        "end_date": "2026-04-30", "auto_renews": True, "renewal_term_months": 12,
        "termination_notice_days": 60})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["term_ends"] == "2026-04-30"
    assert body["notice_deadline"] == "2027-03-01"
    assert body["notice_for_term_ending"] == "2027-04-30"
