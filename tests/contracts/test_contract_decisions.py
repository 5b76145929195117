"""What a lead records as a term ends is about the term in force on the day it was decided,
keeps the history of the terms before it, and leaves the contract reading the same everywhere:
its term in force, when that ends, and the next notice deadline (none once terminated)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.contracts import service as contracts
from api.contracts import terms
from api.contracts.models import Contract
from tests.api.contract import problem
from tests.factories import make_contract


def _today(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 20, 0, tzinfo=UTC))


def _renewing(session: Session, actor: Any, end: date) -> Any:
    return make_contract(session, actor, start_date=date(2023, 2, 1), end_date=end,
                         auto_renews=True,
                         renewal_term_months=12, termination_notice_days=90)


def test_a_renewal_renews_the_term_in_force_on_the_day_it_was_decided(
        client: TestClient, session: Session, actor: Any) -> None:
    _today(date(2026, 12, 5))
    # The term ending March 31 renewed by itself on that day; today's term ends in 2027.
    made = _renewing(session, actor, date(2026, 3, 31))
    assert made.term_ends == date(2027, 3, 31)
    url = f"/api/v1/contracts/{made.id}/outcomes"
    renewed = client.post(url, json={"outcome": "renewed", "decided_on": "2026-03-15"})
    assert renewed.status_code == 201, renewed.text
    assert (renewed.json()["term_ends"], renewed.json()["notice_deadline"]) == (
        "2027-03-31", "2026-12-31")
    [recorded] = client.get(url).json()
    assert (recorded["term_ended"], recorded["new_term_ends"]) == ("2026-03-31", "2027-03-31")


def test_an_outcome_keeps_the_renewals_that_happened_by_themselves(
        client: TestClient, session: Session, actor: Any) -> None:
    _today(date(2026, 12, 5))
    made = _renewing(session, actor, date(2024, 2, 1))
    url = f"/api/v1/contracts/{made.id}"
    renegotiated = client.post(f"{url}/outcomes", json={
        "outcome": "renegotiated", "decided_on": "2026-12-01", "new_term_ends": "2029-02-01"})
    assert renegotiated.status_code == 201, renegotiated.text
    read = client.get(url).json()
    # The first term's end is the contract's own; the terms since follow from it.
    assert (read["end_date"], read["term_ends"], read["notice_deadline"]) == (
        "2024-02-01", "2029-02-01", "2028-11-03")
    # An edit of another field keeps the decided term.
    changed = client.patch(url, json={"camera_count": 12}).json()
    assert (changed["term_ends"], changed["notice_deadline"]) == ("2029-02-01", "2028-11-03")
    session.expire_all()
    now = terms.Terms.of(session.get(Contract, made.id), terms.decisions_of(session, made.id))
    assert list(terms.automatic_renewals(now, date(2026, 12, 5))) == [
        (date(2024, 2, 1), date(2025, 2, 1)), (date(2025, 2, 1), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2027, 2, 1))]


def test_a_decided_term_rolls_on_by_itself_after_the_decision() -> None:
    decided = terms.Terms(date(2024, 2, 1), True, 12, 90, "active",
                          (terms.Decision(date(2024, 1, 10), date(2024, 8, 1)),))
    found = terms.course(decided, date(2026, 1, 1))
    assert found.automatic == ((date(2024, 8, 1), date(2025, 8, 1)),
                               (date(2025, 8, 1), date(2026, 8, 1)))
    assert (found.term_ends, found.renews) == (date(2026, 8, 1), True)


@pytest.mark.parametrize(("outcome", "extra", "status", "ends", "deadline"), [
    ("terminated", {}, "terminated", "2027-03-31", None),
    ("renewed", {}, "active", "2028-03-31", "2028-01-01"),
    ("renegotiated", {"new_term_ends": "2029-06-30"}, "active", "2029-06-30", "2029-04-01"),
])
def test_after_each_outcome_the_contract_reads_its_term_and_next_deadline(
        client: TestClient, session: Session, actor: Any, outcome: str, extra: dict[str, str],
        status: str, ends: str, deadline: str | None) -> None:
    _today(date(2026, 12, 5))
    made = _renewing(session, actor, date(2026, 3, 31))
    url = f"/api/v1/contracts/{made.id}"
    done = client.post(f"{url}/outcomes",
                       json={"outcome": outcome, "decided_on": "2026-12-01", **extra})
    assert done.status_code == 201, done.text
    read = client.get(url).json()
    assert (read["status"], read["term_ends"], read["notice_deadline"]) == (
        status, ends, deadline)
    [recorded] = client.get(f"{url}/outcomes").json()
    # The term it ended is the one the contract said was in force.
    assert recorded["term_ended"] == "2027-03-31"
    # The next day's sweep leaves it as it is.
    _today(date(2026, 12, 6))
    session.expire_all()
    assert terms.keep_up_to_date(session) == 0
    session.commit()
    assert client.get(url).json() == read
    shown = {c.id: c for c in contracts.upcoming_deadlines(session, actor, days=1200)}
    if deadline is None:
        assert made.id not in shown
    else:
        assert (str(shown[made.id].end_date), str(shown[made.id].notice_deadline)) == (
            ends, deadline)


def test_decisions_are_recorded_in_the_order_they_happened(
        client: TestClient, session: Session, actor: Any) -> None:
    _today(date(2026, 12, 5))
    made = _renewing(session, actor, date(2026, 3, 31))
    url = f"/api/v1/contracts/{made.id}/outcomes"
    assert client.post(url, json={"outcome": "renewed", "decided_on": "2026-11-01"}
                       ).status_code == 201
    body = problem(client.post(url, json={"outcome": "renewed", "decided_on": "2026-03-01"}),
                   422, "decided_on")
    assert "A later decision is already recorded, on Nov 1, 2026" in body["detail"]
    assert len(client.get(url).json()) == 1
