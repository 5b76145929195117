"""The contract forms and the records-request forms show every problem at once, each beside
its field: a rule across fields (an end before its start, a due date before the request was
sent) beside the fields' own problems, not after they are fixed; money is asked for in dollars
and cents, in plain words; in English and in Spanish."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.accounts import service as accounts
from api.auth.models import User
from tests.factories import make_agency, make_contract, make_records_request
from tests.web.html import plain


@pytest.fixture
def spanish(session: Session, admin: User) -> User:
    reader = session.merge(admin)
    accounts.set_language(session, reader, "es")
    session.commit()
    return reader


def _beside(html: str, input_id: str) -> str:
    """The markup just before an input: where its problem is told."""
    return html.split(f'id="{input_id}"', 1)[0][-600:]


def _bad_contract(agency_id: object) -> dict[str, str]:
    return {"title": "", "agency_id": str(agency_id), "annual_cost": "12500.005",
            "cost_per_camera": "lots", "start_date": "2026-05-01", "end_date": "2026-01-01",
            "renewal_term_months": "999"}


def test_a_new_contract_shows_every_problem_at_once(client: TestClient, session: Session,
                                                    actor: Any) -> None:
    agency = make_agency(session, actor)
    page = client.post("/contracts", data=_bad_contract(agency.id))
    assert page.status_code == 422
    text = plain(page.text)
    assert "Please correct the problems marked below." in text
    assert "This is required." in text
    assert text.count("Enter an amount in dollars and cents, like 12500.00.") == 2
    assert "A renewal term is from 1 to 120 months (ten years)." in text
    # The rule across fields, told with the rest rather than after they are fixed.
    assert "The end date is before the start date." in text
    assert "decimal" not in text.lower() and "Input should" not in text


def test_a_new_contract_shows_every_problem_in_spanish(client: TestClient, session: Session,
                                                       actor: Any, spanish: User) -> None:
    agency = make_agency(session, actor)
    page = client.post("/contracts", data=_bad_contract(agency.id))
    assert page.status_code == 422
    text = plain(page.text)
    assert text.count("Escriba una cantidad en dólares y centavos, como 12500.00.") == 2
    assert "La fecha de fin es anterior a la fecha de inicio." in text
    assert "Enter an amount" not in text and "The end date" not in text


def test_editing_a_contracts_term_shows_every_problem_at_once(
        client: TestClient, session: Session, actor: Any) -> None:
    made = make_contract(session, actor)
    page = client.post(f"/contracts/{made.id}/sections/term",
                       data={"start_date": "2026-05-01", "end_date": "2026-01-01",
                             "renewal_term_months": "999", "termination_notice_days": "soon"})
    assert page.status_code == 422
    text = plain(page.text)
    assert "A renewal term is from 1 to 120 months (ten years)." in text
    assert "Enter a whole number." in text
    assert "The end date is before the start date." in text
    # Beside the end date, where it is corrected.
    assert "The end date is before the start date." in _beside(page.text, "f-end_date")


def test_editing_a_contracts_money_says_dollars_and_cents(client: TestClient, session: Session,
                                                          actor: Any) -> None:
    made = make_contract(session, actor)
    page = client.post(f"/contracts/{made.id}/sections/money",
                       data={"annual_cost": "12.345", "cost_per_camera": "-1"})
    assert page.status_code == 422
    text = plain(page.text)
    assert "Enter an amount in dollars and cents, like 12500.00." in text
    assert "Must be 0 or more." in text
    assert "digits after the decimal point" not in text


def test_the_api_names_every_problem_of_a_contract(client: TestClient, session: Session,
                                                   actor: Any) -> None:
    agency = make_agency(session, actor)
    answer = client.post("/api/v1/contracts", json={
        "title": "Flock", "agency_id": agency.id, "annual_cost": "1.234",
        "start_date": "2026-05-01", "end_date": "2026-01-01"})
    assert answer.status_code == 422
    said = str(answer.json())
    assert "Enter an amount in dollars and cents" in said
    assert "The end date is before the start date." in said


def _bad_request(agency_id: object) -> dict[str, str]:
    return {"subject": "", "agency_id": str(agency_id), "status": "sent",
            "sent_on": "2026-03-10", "due_on_override": "2026-03-01"}


def test_a_new_records_request_shows_every_problem_at_once(
        client: TestClient, session: Session, actor: Any) -> None:
    clock.freeze(datetime(2026, 4, 1, 18, 0, tzinfo=UTC))
    agency = make_agency(session, actor)
    page = client.post("/records-requests", data=_bad_request(agency.id))
    assert page.status_code == 422
    text = plain(page.text)
    assert "This is required." in text
    assert "The due date is before the day the request was sent." in text


def test_a_new_records_request_shows_every_problem_in_spanish(
        client: TestClient, session: Session, actor: Any, spanish: User) -> None:
    clock.freeze(datetime(2026, 4, 1, 18, 0, tzinfo=UTC))
    agency = make_agency(session, actor)
    page = client.post("/records-requests", data=_bad_request(agency.id))
    assert page.status_code == 422
    text = plain(page.text)
    assert "Este dato es obligatorio." in text
    assert "La fecha límite es anterior al día en que se envió la solicitud." in text


def test_a_status_change_shows_every_problem_at_once(client: TestClient, session: Session,
                                                     actor: Any) -> None:
    clock.freeze(datetime(2026, 4, 1, 18, 0, tzinfo=UTC))
    record = make_records_request(session, actor)
    page = client.post(f"/records-requests/{record.id}/status",
                       data={"status": "sent", "on": "2026-05-01", "extension_days": "5"})
    assert page.status_code == 422
    text = plain(page.text)
    assert "A status change cannot be dated in the future." in text
    # No box for the days added for a draft: told at the top of the form.
    assert "adds days to the deadline." in text.split("Please correct", 1)[0]


def test_a_status_change_shows_every_problem_in_spanish(client: TestClient, session: Session,
                                                        actor: Any, spanish: User) -> None:
    clock.freeze(datetime(2026, 4, 1, 18, 0, tzinfo=UTC))
    record = make_records_request(session, actor)
    page = client.post(f"/records-requests/{record.id}/status",
                       data={"status": "sent", "on": "2026-05-01", "extension_days": "5"})
    assert page.status_code == 422
    text = plain(page.text)
    assert "Por favor corrija los problemas marcados abajo." in text
    assert "Un cambio de estado no puede tener una fecha futura." in text
    assert "agrega días a la fecha límite" in text
