"""A contract's page tells the term in force and the next day to give notice, lists the
renewals that happened by themselves, and records what was decided as a term ended; a bad
entry is refused next to its field, and someone who may not change the contract gets no form."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.auth.models import Role
from tests.factories import make_contract, make_organization
from tests.web.html import plain


def _auto_renewing(session: Session, actor: Any, **values: Any) -> Any:
    clock.freeze(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))
    return make_contract(session, actor, title="Flock Safety ALPR services",
                         end_date=date(2026, 2, 1), auto_renews=True, renewal_term_months=12,
                         termination_notice_days=90, **values)


def test_the_page_tells_the_term_in_force_and_the_next_deadline(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _auto_renewing(session, actor)
    page = client.get(f"/contracts/{made.id}")
    assert page.status_code == 200
    text = plain(page.text.split('id="terms"', 1)[1])
    assert "Term in force ends Monday, February 1, 2027" in text
    assert "Last day to give notice Wednesday, November 3, 2027" in text
    assert "this is the next chance, before the term after it" in text
    assert "Renews by itself for 12 months" in text
    assert "Renewed by itself On Feb 1, 2026 , to Feb 1, 2027" in text
    listed = plain(client.get("/contracts").text)
    assert "Term ends" in listed and "Feb 1, 2027" in listed


def test_a_renewal_is_recorded_from_the_page_and_a_bad_one_refused(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _auto_renewing(session, actor)
    bad = client.post(f"/contracts/{made.id}/outcomes",
                      data={"outcome": "renewed", "decided_on": "2026-12-01",
                            "new_term_ends": "2026-12-31"})
    assert bad.status_code == 422
    assert "The new term must end after the one it follows, which ends on Feb 1, 2027." \
        in plain(bad.text)
    assert 'aria-invalid="true"' in bad.text.split('id="outcome-ends"', 1)[1][:300]
    done = client.post(f"/contracts/{made.id}/outcomes",
                       data={"outcome": "renewed", "decided_on": "2026-12-01",
                             "note": "Council renewed it on consent"}, follow_redirects=False)
    assert done.status_code == 303
    page = plain(client.get(done.headers["location"].split("#")[0]).text)
    assert "Recorded: renewed. The term in force now ends Feb 1, 2028." in page
    assert "Decided as terms ended" in page and "Council renewed it on consent" in page


def test_a_reader_who_may_not_change_it_gets_no_form(client_as: Any, session: Session,
                                                       actor: Any) -> None:
    theirs = make_organization(session, actor)
    made = _auto_renewing(session, actor, owner_organization_id=theirs.id,
                          visibility="coalition")
    outsider = client_as(Role.partner, organization_id=make_organization(session, actor).id)
    page = outsider.get(f"/contracts/{made.id}")
    assert page.status_code == 200 and "Term in force ends" in plain(page.text)
    assert f'action="/contracts/{made.id}/outcomes"' not in page.text
    refused = outsider.post(f"/contracts/{made.id}/outcomes",
                            data={"outcome": "terminated", "decided_on": "2026-12-01"})
    assert refused.status_code == 403


def test_a_notice_period_longer_than_a_term_shows_the_next_deadline_ahead(
        client: TestClient, session: Session, actor: Any) -> None:
    clock.freeze(datetime(2026, 12, 6, 20, 0, tzinfo=UTC))
    made = make_contract(session, actor, title="Month to month", start_date=None,
                         end_date=date(2026, 1, 31), auto_renews=True, renewal_term_months=1,
                         termination_notice_days=60)
    text = plain(client.get(f"/contracts/{made.id}").text.split('id="terms"', 1)[1])
    assert "Term in force ends Thursday, December 31, 2026" in text
    assert "Last day to give notice Wednesday, December 30, 2026" in text
    assert "this is the next chance" in text
