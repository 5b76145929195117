"""A contract's terms are bounded where a number or a year can only be a slip (120000 months,
year 0001): refused with one plain message naming the field, on create, on change and in what a
lead records, never a server error."""

import calendar
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.contracts import service as contracts
from api.errors import Invalid
from tests.api.contract import problem
from tests.contracts.test_contracts import contract
from tests.factories import make_contract

TOO_FAR = [
    ({"renewal_term_months": 120000}, "renewal_term_months",
     "A renewal term is from 1 to 120 months (ten years)."),
    ({"renewal_term_months": 0}, "renewal_term_months",
     "A renewal term is from 1 to 120 months (ten years)."),
    ({"termination_notice_days": 731}, "termination_notice_days",
     "A notice period is from 0 to 730 days (two years)."),
    ({"termination_notice_days": -1}, "termination_notice_days",
     "A notice period is from 0 to 730 days (two years)."),
    ({"end_date": "0001-06-30"}, "end_date", "Enter a date between 1990 and 2056."),
    ({"end_date": "2057-01-01"}, "end_date", "Enter a date between 1990 and 2056."),
    ({"start_date": "1989-12-31"}, "start_date", "Enter a date between 1990 and 2056."),
]


@pytest.fixture(autouse=True)
def _today() -> None:
    clock.freeze(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))


@pytest.mark.parametrize(("change", "field", "message"), TOO_FAR)
def test_a_term_out_of_bounds_is_refused_on_create_and_on_change(
        client: TestClient, session: Session, actor: Any, change: dict[str, Any], field: str,
        message: str) -> None:
    # Ended in June and renewing by itself: a term counted from a slip would leave the calendar.
    body = {**contract(session, actor), "start_date": "2024-07-01", "end_date": "2026-06-30",
            "auto_renews": True, "renewal_term_months": 12, "termination_notice_days": 60}
    refused = problem(client.post("/api/v1/contracts", json={**body, **change}), 422, field)
    assert refused["detail"] == f"{field}: {message}"
    made = client.post("/api/v1/contracts", json=body).json()
    url = f"/api/v1/contracts/{made['id']}"
    refused = problem(client.patch(url, json=change), 422, field)
    assert refused["detail"] == f"{field}: {message}"
    assert client.get(url).json() == made


def test_the_widest_terms_are_taken(client: TestClient, session: Session, actor: Any) -> None:
    body = {**contract(session, actor), "start_date": "1990-01-01", "end_date": "1990-01-31",
            "auto_renews": True, "renewal_term_months": 1, "termination_notice_days": 730}
    made = client.post("/api/v1/contracts", json=body)
    assert made.status_code == 201, made.text
    # Every monthly term since 1990 has been followed: the term in force is today's, ending on
    # the last day of this month as the first term did.
    ends = date.fromisoformat(made.json()["term_ends"])
    assert ends.day == calendar.monthrange(ends.year, ends.month)[1]
    assert 0 <= (ends - clock.today()).days <= 31
    longest = client.patch(f"/api/v1/contracts/{made.json()['id']}",
                           json={"renewal_term_months": 120, "end_date": "2056-12-31"})
    assert longest.status_code == 200, longest.text
    assert longest.json()["term_ends"] == "2056-12-31"


@pytest.mark.parametrize("change", [{"decided_on": "0001-01-01"},
                                    {"new_term_ends": "9999-12-31"},
                                    {"new_term_ends": "2057-03-31"}])
def test_a_recorded_outcome_is_bounded_too(client: TestClient, session: Session, actor: Any,
                                           change: dict[str, str]) -> None:
    made = make_contract(session, actor, end_date=date(2027, 3, 31), renewal_term_months=12)
    url = f"/api/v1/contracts/{made.id}/outcomes"
    body = {"outcome": "renewed", "decided_on": "2026-12-01", **change}
    [field] = change
    refused = problem(client.post(url, json=body), 422, field)
    assert refused["detail"] == f"{field}: Enter a date between 1990 and 2056."
    assert client.get(url).json() == []


def test_a_refusal_of_the_derived_dates_reads_once(session: Session, actor: Any) -> None:
    # Only a record stored before the bounds can name such a year; its refusal says it once.
    values = {"agency_id": None, "end_date": date(1, 1, 5), "auto_renews": False,
              "renewal_term_months": None, "termination_notice_days": 30, "status": "active"}
    with pytest.raises(Invalid) as refused:
        contracts.crud.prepare(session, actor, values, None)  # type: ignore[misc]
    assert (refused.value.message, refused.value.field) == (
        "The end date is too early to count the notice period back from.", "end_date")
