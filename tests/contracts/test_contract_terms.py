"""A contract that renews by itself rolls forward: its term in force and its next notice
deadline follow the calendar (each day, wherever its agency is), its alerts and the dashboard
follow them, and what a lead records as a term ends (renewed, renegotiated, terminated) starts
the next term or ends the contract."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.alerts.models import AlertOutbox, OutboxStatus
from api.auth.models import Role
from api.contracts import service as contracts
from api.contracts import terms
from api.contracts.models import Contract
from api.db import session_scope
from tests.api.contract import problem
from tests.factories import make_agency, make_contract, make_jurisdiction, make_organization

LA = "America/Los_Angeles"


def _at(day: date, hour: int = 20) -> None:
    """The clock at an hour (UTC) of a day: 20:00 UTC is midday in Los Angeles."""
    clock.freeze(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC))


def _terms(end: date, *, auto: bool = True, months: int = 12, notice: int = 90,
           status: str = "active") -> terms.Terms:
    return terms.Terms(end, auto, months, notice, status)


@pytest.mark.parametrize(("today", "term_ends", "deadline"), [
    # Before the first end: the deadline of the first term.
    (date(2025, 10, 1), date(2026, 2, 1), date(2025, 11, 3)),
    # The first term renewed by itself on Feb 1: the new term's deadline is ahead.
    (date(2026, 10, 1), date(2027, 2, 1), date(2026, 11, 3)),
    # That deadline has gone too: the next chance to stop a renewal is a term later.
    (date(2026, 12, 5), date(2027, 2, 1), date(2027, 11, 3)),
])
def test_an_auto_renewing_contract_rolls_forward(today: date, term_ends: date,
                                                 deadline: date) -> None:
    found = terms.derived(_terms(date(2026, 2, 1)), today)
    assert found == {"term_ends": term_ends, "notice_deadline": deadline}


def test_what_does_not_renew_by_itself_stays_where_it_was() -> None:
    today = date(2026, 12, 5)
    for unrolled in (_terms(date(2026, 2, 1), auto=False),
                     terms.Terms(date(2026, 2, 1), True, None, 90, "active")):
        assert terms.derived(unrolled, today) == {"term_ends": date(2026, 2, 1),
                                                  "notice_deadline": date(2025, 11, 3)}
    # A contract no longer in force has no notice left to give.
    for closed in ("terminated", "expired", "cancelled"):
        assert terms.derived(_terms(date(2026, 2, 1), status=closed), today) == {
            "term_ends": date(2026, 2, 1), "notice_deadline": None}


def test_a_term_from_the_end_of_a_month_ends_on_the_last_day_of_the_month() -> None:
    assert terms.term_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert list(terms.automatic_renewals(_terms(date(2025, 8, 31), months=6),
                                         date(2026, 6, 1))) == [
        (date(2025, 8, 31), date(2026, 2, 28)), (date(2026, 2, 28), date(2026, 8, 31))]


def test_monthly_terms_count_from_the_first_end_and_keep_to_month_ends() -> None:
    found = terms.course(_terms(date(2026, 1, 31), months=1), date(2026, 12, 6))
    assert found.term_ends == date(2026, 12, 31)
    assert [ends for _, ends in found.automatic][:4] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    assert next(found.later()) == date(2027, 1, 31)


@pytest.mark.parametrize(("end", "months", "notice", "term_ends", "deadline"), [
    # Month to month with sixty days' notice: notice stops the renewal of February's end.
    (date(2026, 1, 31), 1, 60, date(2026, 12, 31), date(2026, 12, 30)),
    # Six-month terms, 400 days' notice: the end of the term after next.
    (date(2026, 6, 30), 6, 400, date(2026, 12, 31), date(2027, 5, 27)),
    # Renewing monthly since 1990 with two years' notice.
    (date(1990, 1, 1), 1, 730, date(2027, 1, 1), date(2027, 1, 2)),
])
def test_a_notice_period_longer_than_a_term_still_gives_a_deadline_ahead(
        end: date, months: int, notice: int, term_ends: date, deadline: date) -> None:
    today = date(2026, 12, 6)
    found = terms.derived(_terms(end, months=months, notice=notice), today)
    assert found == {"term_ends": term_ends, "notice_deadline": deadline}
    # Whatever the day, an open contract that renews by itself has its next deadline ahead.
    for days in range(0, 800, 7):
        later = today + timedelta(days=days)
        assert terms.derived(_terms(end, months=months, notice=notice),
                             later)["notice_deadline"] >= later  # type: ignore[operator]


def test_the_dashboard_shows_a_long_notice_deadline_ahead(
        client: TestClient, session: Session, actor: Any) -> None:
    _at(date(2026, 12, 6))
    make_contract(session, actor, title="Month to month since 1990", start_date=None,
                  end_date=date(1990, 1, 1), auto_renews=True, renewal_term_months=1,
                  termination_notice_days=60)
    page = client.get("/").text
    assert "Month to month since 1990" in page and "days ago" not in page.split(
        "Month to month since 1990", 1)[1][:600]


def test_the_hourly_sweep_moves_the_deadline_and_its_alerts(session: Session,
                                                            actor: Any) -> None:
    _at(date(2026, 10, 1))
    place = make_jurisdiction(session, actor, timezone=LA)
    agency = make_agency(session, actor, jurisdiction_id=place.id)
    made = make_contract(session, actor, agency_id=agency.id, end_date=date(2026, 2, 1),
                         auto_renews=True, renewal_term_months=12,
                         termination_notice_days=90)
    assert (made.term_ends, made.notice_deadline) == (date(2027, 2, 1), date(2026, 11, 3))
    # November 3 has gone in Los Angeles by 08:30 UTC on the 4th (01:30 there) but not at
    # 06:30 UTC (23:30 on the 3rd): the deadline moves only once the agency's day is over.
    _at(date(2026, 11, 4), hour=6)
    assert terms.keep_up_to_date(session) == 0
    _at(date(2026, 11, 4), hour=9)
    assert terms.keep_up_to_date(session) == 1
    session.commit()
    stored = session.get(Contract, made.id)
    assert (stored.term_ends, stored.notice_deadline) == (date(2027, 2, 1), date(2027, 11, 3))
    assert terms.keep_up_to_date(session) == 0
    # The dashboard's deadlines show the term's end and the next deadline.
    shown = contracts.upcoming_deadlines(session, actor, days=120)
    assert [(c.id, c.end_date, c.notice_deadline) for c in shown] == [
        (made.id, date(2027, 2, 1), date(2027, 11, 3))]


def test_notice_alerts_follow_the_next_deadline(session: Session, actor: Any) -> None:
    from api.alerts import service as alerts  # noqa: PLC0415
    from api.alerts.dispatcher import Dispatcher  # noqa: PLC0415

    _at(date(2026, 10, 1))
    place = make_jurisdiction(session, actor, timezone=LA)
    agency = make_agency(session, actor, jurisdiction_id=place.id)
    made = make_contract(session, actor, agency_id=agency.id, end_date=date(2026, 2, 1),
                         auto_renews=True, renewal_term_months=12,
                         termination_notice_days=90)
    alerts.create_rules_from_specs(session, actor, campaign_id=None, specs=[{
        "subject": "notice_deadline", "offsets": ["7d"], "direction": "before",
        "recipients": [f"user:{actor.id}"], "channels": ["in_app"]}])
    session.commit()
    dispatcher = Dispatcher()
    try:
        dispatcher.tick()
        _at(date(2026, 11, 4), hour=9)
        terms.keep_up_to_date(session)
        session.commit()
        dispatcher.tick()
    finally:
        dispatcher.close()
    with session_scope(read_only=True) as s:
        rows = s.exec(select(AlertOutbox.due_at, AlertOutbox.status)
                      .where(AlertOutbox.subject_id == made.id)
                      .order_by(AlertOutbox.due_at)).all()
    waiting = [due.astimezone(clock.zone_named(LA)).date() for due, status in rows
               if status == OutboxStatus.pending]
    assert waiting == [date(2027, 10, 27)]


def test_a_lead_records_a_renewal_then_a_termination(client: TestClient, session: Session,
                                                      actor: Any) -> None:
    _at(date(2026, 12, 5))
    made = make_contract(session, actor, end_date=date(2026, 2, 1), auto_renews=True,
                         renewal_term_months=12, termination_notice_days=90)
    url = f"/api/v1/contracts/{made.id}/outcomes"
    renewed = client.post(url, json={"outcome": "renegotiated", "decided_on": "2026-12-01",
                                     "new_term_ends": "2029-02-01", "note": "Two years, "
                                     "no sharing with out-of-state agencies"})
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["term_ends"] == "2029-02-01"
    assert renewed.json()["notice_deadline"] == "2028-11-03"
    ended = client.post(url, json={"outcome": "terminated", "decided_on": "2026-12-04"})
    assert ended.json()["status"] == "terminated"
    history = client.get(url).json()
    assert [(h["outcome"], h["term_ended"], h["new_term_ends"]) for h in history] == [
        ("terminated", "2029-02-01", None), ("renegotiated", "2027-02-01", "2029-02-01")]
    # A terminated contract renews no more.
    _at(date(2029, 3, 1))
    assert terms.keep_up_to_date(session) == 0


def test_an_outcome_is_checked_and_refused_plainly(client: TestClient, session: Session,
                                                   actor: Any) -> None:
    _at(date(2026, 12, 5))
    made = make_contract(session, actor, end_date=date(2027, 2, 1), auto_renews=False,
                         renewal_term_months=None)
    url = f"/api/v1/contracts/{made.id}/outcomes"
    problem(client.post(url, json={"outcome": "renewed", "decided_on": "2026-12-01"}), 422,
            "new_term_ends")
    problem(client.post(url, json={"outcome": "renewed", "decided_on": "2026-12-01",
                                   "new_term_ends": "2026-12-31"}), 422, "new_term_ends")
    problem(client.post(url, json={"outcome": "renewed", "decided_on": "2027-01-01",
                                   "new_term_ends": "2028-02-01"}), 422, "decided_on")
    problem(client.post(url, json={"outcome": "terminated", "decided_on": "2026-12-01",
                                   "new_term_ends": "2028-02-01"}), 422, "new_term_ends")
    problem(client.post(url, json={"outcome": "paused", "decided_on": "2026-12-01"}), 422,
            "outcome")
    problem(client.post(url, json={"outcome": "renewed", "decided_on": "2026-12-01",
                                   "new_term_ends": "2028-02-01", "vote_id": 999999}), 422,
            "vote_id")
    assert client.get(url).json() == []


def test_another_organizations_private_contract_and_its_outcomes_are_not_there(
        client_as: Any, session: Session, actor: Any) -> None:
    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    kept = make_contract(session, actor, owner_organization_id=ours.id, visibility="private",
                         end_date=date(2027, 2, 1), renewal_term_months=12)
    # How a term ended is a lead's to record: here the lead of the organization that keeps it.
    partner = client_as(Role.partner, organization_id=ours.id)
    member = client_as(Role.lead, organization_id=ours.id)
    outsider = client_as(Role.partner, organization_id=theirs.id)
    url = f"/api/v1/contracts/{kept.id}/outcomes"
    body = {"outcome": "renewed", "decided_on": str(clock.today())}
    assert partner.post(url, json=body).status_code == 403
    assert member.post(url, json=body).status_code == 201
    missing = f"/api/v1/contracts/{kept.id + 1000}/outcomes"
    for path in (url, missing):
        assert outsider.get(path).status_code == 404
        refused = outsider.post(path, json=body)
        assert refused.status_code == 404
        assert refused.json()["detail"].startswith("No contract with id")
    assert len(member.get(url).json()) == 1
