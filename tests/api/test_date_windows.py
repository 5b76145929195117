"""Each kind of date has one rule for the years it may fall in, the same on every path: what
happens in a campaign's time (votes, meetings, a campaign's dates) a decade either way of this
year; a contract's dates from 1990, for the history a campaign digs up."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.contracts.test_contracts import contract

OUT = "Enter a date between 2016 and 2036."


def _campaign(client: TestClient, **dates: str) -> Any:
    return client.post("/api/v1/campaigns", json={"name": "Cameras Off", **dates})


@pytest.mark.parametrize("field", ["target_date", "start_date", "vote_date", "notice_deadline"])
def test_a_campaign_date_out_of_reach_is_refused_when_made_and_when_changed(
        client: TestClient, frozen_now: datetime, field: str) -> None:
    made = _campaign(client, **{field: "9999-12-31"})
    assert made.status_code == 422, made.text
    assert made.json()["detail"] == OUT and made.json()["errors"][0]["field"] == field
    made = _campaign(client)
    assert made.status_code == 201, made.text
    url = f"/api/v1/campaigns/{made.json()['id']}"
    patched = client.patch(url, json={field: "9999-12-31"})
    assert patched.status_code == 422, patched.text
    assert patched.json()["detail"] == OUT
    assert client.get(url).json()[field] is None
    assert client.patch(url, json={field: "2036-12-31"}).status_code == 200


def test_a_vote_and_a_meeting_keep_the_same_years(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    session.commit()
    for year in ("2015", "2037"):
        vote = client.post("/api/v1/votes", json={
            "title": "Renewal", "body_id": body.id, "status": "held",
            "scheduled_at": f"{year}-01-12T18:00:00"})
        assert vote.status_code == 422 and OUT in vote.text
    old = client.post("/api/v1/meetings", json={"held_at": "2015-12-31T18:00:00Z",
                                                "summary": "Coffee"})
    assert old.status_code == 422 and OUT in old.text
    held = client.post("/api/v1/votes", json={
        "title": "First approval", "body_id": body.id, "status": "held",
        "scheduled_at": "2016-01-12T18:00:00"})
    assert held.status_code == 201, held.text


def test_a_contract_may_go_further_back(client: TestClient, session: Session, actor: Any,
                                        frozen_now: datetime) -> None:
    made = client.post("/api/v1/contracts", json={**contract(session, actor),
                                                  "start_date": "1995-07-01"})
    assert made.status_code == 201, made.text
    far = client.post("/api/v1/contracts", json={**contract(session, actor),
                                                 "end_date": "2057-01-01"})
    assert far.status_code == 422 and "Enter a date between 1990 and 2056." in far.text
