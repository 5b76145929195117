"""After a lead records that a term ended terminated, renewed or renegotiated, the contract's
page reads as its outcome does: the term in force, when it ends, the next day to give notice
(none once terminated), and the renewals that happened by themselves before; the term form
refuses a renewal term or a year that can only be a slip, with the message by the field."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from tests.factories import make_agency, make_contract
from tests.web.html import HX, form_fields, fragment, is_full_page, plain, replace


def _ended_in_march(session: Session, actor: Any) -> Any:
    clock.freeze(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))
    return make_contract(session, actor, title="Flock Safety ALPR services",
                         start_date=date(2024, 4, 1), end_date=date(2026, 3, 31),
                         auto_renews=True, renewal_term_months=12,
                         termination_notice_days=90)


def _record(client: TestClient, contract_id: int, **form: str) -> str:
    done = client.post(f"/contracts/{contract_id}/outcomes", data=form,
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get(done.headers["location"].split("#")[0])
    return plain(page.text.split('id="terms"', 1)[1])


def test_a_termination_leaves_the_page_telling_the_last_term_and_no_deadline(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _ended_in_march(session, actor)
    page = _record(client, made.id, outcome="terminated", decided_on="2026-12-01")
    assert "Term in force ends Wednesday, March 31, 2027" in page
    assert "(the last term: none follows)" in page
    assert "Last day to give notice — (none: the contract was terminated)" in page
    assert "Terminated: it does not renew" in page
    assert "no renewal term is recorded" not in page
    # The renewal that happened by itself before the termination is still told.
    assert "Renewed by itself On Mar 31, 2026 , to Mar 31, 2027" in page
    assert "to Mar 31, 2027, not renewed" in page
    assert 'action="/contracts/' not in page


def test_the_flash_after_a_termination_tells_the_same_end(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _ended_in_march(session, actor)
    done = client.post(f"/contracts/{made.id}/outcomes",
                       data={"outcome": "terminated", "decided_on": "2026-12-01"})
    assert done.status_code == 200
    assert "Recorded: terminated. The contract ends Mar 31, 2027 and does not renew." in \
        plain(done.text)


@pytest.mark.parametrize(("form", "told", "ends", "notice"), [
    # Decided in March, of the term that ended then: the next term ends in 2027.
    ({"outcome": "renewed", "decided_on": "2026-03-15"}, "renewed", "March 31, 2027",
     "December 31, 2026"),
    ({"outcome": "renewed", "decided_on": "2026-12-01"}, "renewed", "March 31, 2028",
     "January 1, 2028"),
    ({"outcome": "renegotiated", "decided_on": "2026-12-01", "new_term_ends": "2029-06-30"},
     "renegotiated", "June 30, 2029", "April 1, 2029"),
])
def test_a_renewal_leaves_the_page_telling_the_new_term_and_its_deadline(
        client: TestClient, session: Session, actor: Any, form: dict[str, str], told: str,
        ends: str, notice: str) -> None:
    made = _ended_in_march(session, actor)
    done = client.post(f"/contracts/{made.id}/outcomes", data=form)
    assert done.status_code == 200
    short = datetime.strptime(ends, "%B %d, %Y").strftime("%b %-d, %Y")
    assert f"Recorded: {told}. The term in force now ends {short}." in plain(done.text)
    page = plain(done.text.split('id="terms"', 1)[1])
    assert "Term in force ends" in page and ends in page.split("Last day to give notice")[0]
    assert "Last day to give notice" in page and notice in page.split("Renewal")[0]
    assert "Renews by itself for 12 months" in page
    read = client.get(f"/api/v1/contracts/{made.id}").json()
    assert read["term_ends"] == datetime.strptime(ends, "%B %d, %Y").date().isoformat()
    assert read["notice_deadline"] == datetime.strptime(notice, "%B %d, %Y").date().isoformat()
    if form["decided_on"] == "2026-12-01":
        # The renewal by itself on March 31 happened before the decision, and stays told.
        assert "Renewed by itself On Mar 31, 2026 , to Mar 31, 2027" in page


@pytest.mark.parametrize(("name", "value", "message"), [
    ("renewal_term_months", "120000", "A renewal term is from 1 to 120 months (ten years)."),
    ("termination_notice_days", "5000", "A notice period is from 0 to 730 days (two years)."),
    ("end_date", "0001-06-30", "Enter a date between 1990 and 2056."),
])
def test_the_term_form_refuses_a_slip_by_its_field(client: TestClient, session: Session,
                                                   actor: Any, name: str, value: str,
                                                   message: str) -> None:
    made = _ended_in_march(session, actor)
    action = f"/contracts/{made.id}/sections/term"
    shown = form_fields(fragment(client, f"{action}/edit").text, action)
    sent = dict(replace(shown, **{name: value}))
    part = client.post(action, data=sent, headers=HX)
    assert part.status_code == 422 and not is_full_page(part.text)
    assert message in plain(part.text.split(f'id="{name}-error"', 1)[1])[:200]
    whole = client.post(action, data=sent)
    assert whole.status_code == 422 and is_full_page(whole.text)
    assert message in plain(whole.text)
    created = client.post("/contracts", data={"title": "A slip", "status": "active",
                                              "agency_id": str(make_agency(session,
                                                                           actor).id),
                                              "visibility": "coalition", name: value})
    assert created.status_code == 422
    assert message in plain(created.text)


def test_the_term_form_keeps_the_end_the_outcomes_were_counted_from(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _ended_in_march(session, actor)
    _record(client, made.id, outcome="renewed", decided_on="2026-03-15")
    action = f"/contracts/{made.id}/sections/term"
    shown = form_fields(fragment(client, f"{action}/edit").text, action)
    part = client.post(action, data=dict(replace(shown, end_date="2026-06-30")), headers=HX)
    assert part.status_code == 422
    assert "record a renewal or a renegotiation with the new term's end instead" in \
        plain(part.text.split('id="end_date-error"', 1)[1])[:300]
    assert client.get(f"/api/v1/contracts/{made.id}").json()["end_date"] == "2026-03-31"


def test_a_new_contract_without_its_agency_is_told_the_agency_is_required(
        client: TestClient) -> None:
    page = client.post("/contracts", data={"title": "Flock Safety", "agency_id": "",
                                           "status": "active", "visibility": "coalition"})
    assert page.status_code == 422
    told = plain(page.text.split('id="agency_id-error"', 1)[1])[:80]
    assert "This is required." in told and "whole number" not in told


def test_a_renewal_without_an_end_says_which_term_is_missing(
        client: TestClient, session: Session, actor: Any) -> None:
    clock.freeze(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))
    made = make_contract(session, actor, end_date=date(2026, 3, 31), auto_renews=False,
                         renewal_term_months=None)
    page = client.post(f"/contracts/{made.id}/outcomes",
                       data={"outcome": "renewed", "decided_on": "2026-12-01"})
    assert page.status_code == 422
    told = plain(page.text)
    assert "the contract has no renewal term to count it from (how many months each term " \
        "runs)" in told
    assert "no end date" not in told
    undated = make_contract(session, actor, start_date=None, end_date=None,
                            renewal_term_months=12)
    answer = client.post(f"/api/v1/contracts/{undated.id}/outcomes",
                         json={"outcome": "renewed", "decided_on": "2026-12-01"})
    assert answer.status_code == 422
    assert "the contract has no end date to count it from" in answer.json()["detail"]
