"""What a lead records as a term ends is checked the same way through the JSON API and the
contract's page: an id no vote can have is refused in words, not with a server error."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from tests.factories import make_body, make_contract, make_vote
from tests.web.html import plain


def _contract(session: Session, actor: Any) -> Any:
    clock.freeze(datetime(2026, 12, 5, 20, 0, tzinfo=UTC))
    return make_contract(session, actor, end_date=date(2026, 3, 31), auto_renews=True,
                         renewal_term_months=12, termination_notice_days=90)


@pytest.mark.parametrize("vote_id", [10**20, 2**63, 2**31, 0])
def test_an_id_no_vote_can_have_is_refused_in_words(client: TestClient, session: Session,
                                                    actor: Any, vote_id: int) -> None:
    made = _contract(session, actor)
    answer = client.post(f"/api/v1/contracts/{made.id}/outcomes", json={
        "outcome": "renewed", "decided_on": "2026-03-15", "vote_id": vote_id})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"] == [
        {"field": "vote_id", "message": f"No vote with id {vote_id}.", "in": "body"}]
    page = client.post(f"/contracts/{made.id}/outcomes", data={
        "outcome": "renewed", "decided_on": "2026-03-15", "vote_id": str(vote_id)})
    assert page.status_code == 422
    assert f"No vote with id {vote_id}." in plain(page.text)
    assert client.get(f"/api/v1/contracts/{made.id}/outcomes").json() == []


def test_a_huge_vote_id_is_told_beside_the_votes_to_choose_from(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _contract(session, actor)
    make_vote(session, actor, body_id=make_body(session, actor).id, contract_id=made.id)
    page = client.post(f"/contracts/{made.id}/outcomes", data={
        "outcome": "renewed", "decided_on": "2026-03-15", "vote_id": str(10**20)})
    assert page.status_code == 422
    assert f"No vote with id {10**20}." in plain(page.text.split('id="outcome-vote"')[0])


def test_nothing_is_recorded_after_a_termination_through_the_api_or_the_page(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _contract(session, actor)
    url = f"/api/v1/contracts/{made.id}/outcomes"
    ended = client.post(url, json={"outcome": "terminated", "decided_on": "2026-12-01"})
    assert ended.status_code == 201, ended.text
    refused = "This contract was terminated: nothing more can be recorded of its terms."
    for outcome in ("renewed", "renegotiated", "terminated"):
        answer = client.post(url, json={"outcome": outcome, "decided_on": "2026-12-04",
                                        "new_term_ends": None})
        assert answer.status_code == 422, answer.text
        assert refused in answer.json()["detail"]
        page = client.post(f"/contracts/{made.id}/outcomes",
                           data={"outcome": outcome, "decided_on": "2026-12-04"})
        assert page.status_code == 422
        assert refused in plain(page.text)
    read = client.get(f"/api/v1/contracts/{made.id}").json()
    assert (read["status"], read["notice_deadline"]) == ("terminated", None)
    assert [o["outcome"] for o in client.get(url).json()] == ["terminated"]


@pytest.mark.parametrize("change", [{"end_date": "2026-06-30"}, {"renewal_term_months": 6},
                                    {"auto_renews": False}])
def test_the_terms_outcomes_were_counted_from_stay_once_one_is_recorded(
        client: TestClient, session: Session, actor: Any, change: dict[str, Any]) -> None:
    made = _contract(session, actor)
    url = f"/api/v1/contracts/{made.id}"
    # Confirmed: without a renewal the notice deadline of these terms has passed.
    assert client.patch(url, json={**change, "confirm_past_deadline": True}).status_code == 200
    client.patch(url, json={"end_date": "2026-03-31", "renewal_term_months": 12,
                            "auto_renews": True})
    renewed = client.post(f"{url}/outcomes", json={"outcome": "renewed",
                                                    "decided_on": "2026-03-15"})
    assert renewed.status_code == 201
    refused = client.patch(url, json=change)
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["errors"]
    assert error["field"] == next(iter(change))
    assert "record a renewal or a renegotiation with the new term's end instead" in \
        error["message"]
    read = client.get(url).json()
    assert (read["end_date"], read["term_ends"]) == ("2026-03-31", "2027-03-31")
    # What the outcomes were not counted from still changes.
    assert client.patch(url, json={"termination_notice_days": 30,
                                   "camera_count": 4}).status_code == 200


def test_a_terminated_contracts_status_stays_terminated(
        client: TestClient, session: Session, actor: Any) -> None:
    made = _contract(session, actor)
    url = f"/api/v1/contracts/{made.id}"
    client.post(f"{url}/outcomes", json={"outcome": "terminated", "decided_on": "2026-12-01"})
    refused = client.patch(url, json={"status": "active"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] == "status"
    assert "its status stays terminated" in refused.json()["detail"]
    read = client.get(url).json()
    assert (read["status"], read["notice_deadline"]) == ("terminated", None)
    assert client.patch(url, json={"notes": "Ended by council"}).status_code == 200
