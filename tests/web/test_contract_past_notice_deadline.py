"""Terms that make a contract's last day to give notice one already gone are asked about
before they are saved, as a vote on a past date is: on a new contract and on an edit of its
terms, in the page (422, with a box to confirm) and in the API (422 with a plain message unless
confirmed); terms that roll the deadline forward, or a deadline past before the edit, are
saved without a question."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.accounts import service as accounts
from api.auth.models import User
from api.contracts.models import Contract
from tests.factories import make_agency, make_contract
from tests.web.html import plain

PASSED = ("With these terms the last day to give notice, May 1, 2026, has already "
          "passed")


@pytest.fixture(autouse=True)
def in_june(db: None) -> None:
    clock.freeze(datetime(2026, 6, 10, 19, 0, tzinfo=UTC))


def _new(agency_id: object, **changes: str) -> dict[str, str]:
    return {"title": "Flock ALPR services", "agency_id": str(agency_id), "status": "active",
            "start_date": "2024-07-01", "end_date": "2026-06-30",
            "termination_notice_days": "60", **changes}


def test_a_new_contract_whose_deadline_passed_is_asked_about_first(
        client: TestClient, session: Session, actor: Any) -> None:
    agency = make_agency(session, actor)
    asked = client.post("/contracts", data=_new(agency.id))
    assert asked.status_code == 422
    text = plain(asked.text)
    assert PASSED in text
    assert 'name="confirm_past_deadline"' in asked.text
    assert session.exec(select(Contract)).all() == []
    session.commit()
    saved = client.post("/contracts", data=_new(agency.id, confirm_past_deadline="on"),
                        follow_redirects=False)
    assert saved.status_code == 303, plain(saved.text)[:1500]
    [made] = session.exec(select(Contract)).all()
    assert made.notice_deadline == date(2026, 5, 1)


def test_renewing_terms_roll_the_deadline_forward_and_are_not_asked_about(
        client: TestClient, session: Session, actor: Any) -> None:
    agency = make_agency(session, actor)
    saved = client.post("/contracts", data=_new(agency.id, auto_renews="on",
                                                renewal_term_months="12"),
                        follow_redirects=False)
    assert saved.status_code == 303, plain(saved.text)[:1500]


def test_terms_edited_so_the_deadline_has_passed_are_asked_about(
        client: TestClient, session: Session, actor: Any) -> None:
    made = make_contract(session, actor, end_date=date(2026, 12, 31), auto_renews=False,
                         termination_notice_days=60)
    assert made.notice_deadline == date(2026, 11, 1)
    edit = {"start_date": "2024-07-01", "end_date": "2026-06-30",
            "termination_notice_days": "60"}
    asked = client.post(f"/contracts/{made.id}/sections/term", data=edit)
    assert asked.status_code == 422
    assert PASSED in plain(asked.text)
    session.expire_all()
    assert session.get(Contract, made.id).notice_deadline == date(2026, 11, 1)  # type: ignore[union-attr]
    session.commit()
    saved = client.post(f"/contracts/{made.id}/sections/term",
                        data={**edit, "confirm_past_deadline": "on"}, follow_redirects=False)
    assert saved.status_code == 303, plain(saved.text)[:1500]
    session.expire_all()
    assert session.get(Contract, made.id).notice_deadline == date(2026, 5, 1)  # type: ignore[union-attr]
    session.commit()
    # Passed before: another field's edit is not asked about again.
    notes = client.post(f"/contracts/{made.id}/sections/notes", data={"notes": "Renewal vote"},
                        follow_redirects=False)
    assert notes.status_code == 303, plain(notes.text)[:1500]


def test_the_question_in_spanish(client: TestClient, session: Session, actor: Any,
                                 admin: User) -> None:
    reader = session.merge(admin)
    accounts.set_language(session, reader, "es")
    session.commit()
    agency = make_agency(session, actor)
    asked = client.post("/contracts", data=_new(agency.id))
    assert asked.status_code == 422
    text = plain(asked.text)
    assert "el último día para dar aviso, 1 de mayo de 2026, ya pasó" in text
    assert "Ya pasó el día para dar aviso: guardarlo de todos modos" in text


def test_the_api_refuses_a_passed_deadline_unless_confirmed(
        client: TestClient, session: Session, actor: Any) -> None:
    agency = make_agency(session, actor)
    body = {"title": "Flock", "agency_id": agency.id, "end_date": "2026-06-30",
            "termination_notice_days": 60}
    refused = client.post("/api/v1/contracts", json=body)
    assert refused.status_code == 422
    assert PASSED in str(refused.json())
    made = client.post("/api/v1/contracts", json={**body, "confirm_past_deadline": True})
    assert made.status_code == 201, made.text
    assert made.json()["notice_deadline"] == "2026-05-01"
    moved = client.patch(f"/api/v1/contracts/{made.json()['id']}",
                         json={"end_date": "2026-06-20"})
    assert moved.status_code == 422
