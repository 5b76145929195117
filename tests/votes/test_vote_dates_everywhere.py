"""One date rule for votes, whatever writes them: a vote still "scheduled" more than a day
after its local day is refused unless it is saved as held, and a held vote cannot be ahead.
The JSON API, the pages, the agenda watcher's confirmations, playbooks and a campaign's moved
anchors all go through the votes service that says so. The clock is frozen on March 2, 2026,
9 AM in California, where the bodies made here meet."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.db import new_session
from api.playbooks import service as playbooks
from api.playbooks.models import CampaignFromPlaybook
from api.sources.agendas import service as agendas
from api.sources.models import SuggestedVote
from api.votes.models import Vote
from tests import factories as f
from tests.web.html import plain

PASSED = "This date has passed, so the vote cannot still be scheduled"
NOT_YET = "A vote still ahead cannot have been held yet"


def _vote(vote_id: int) -> Vote:
    with new_session() as fresh:
        vote = fresh.get(Vote, vote_id)
        assert vote is not None
        return vote


def test_the_api_refuses_a_vote_scheduled_long_ago_or_held_ahead(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    new = {"title": "Flock renewal", "body_id": body.id}

    two_years_ago = client.post("/api/v1/votes", json={**new, "scheduled_at":
                                                       "2024-03-02T18:00:00"})
    assert two_years_ago.status_code == 422
    assert PASSED in two_years_ago.json()["detail"]
    assert two_years_ago.json()["errors"][0]["field"] == "scheduled_at"

    next_year = client.post("/api/v1/votes", json={**new, "status": "held",
                                                   "scheduled_at": "2027-06-01T18:00:00"})
    assert next_year.status_code == 422
    assert NOT_YET in next_year.json()["detail"]

    # Said to be held, the vote two years ago is saved; so is one scheduled last night (a
    # day's grace, for a meeting entered the morning after).
    held = client.post("/api/v1/votes", json={**new, "status": "held",
                                              "scheduled_at": "2024-03-02T18:00:00"})
    last_night = client.post("/api/v1/votes", json={**new,
                                                    "scheduled_at": "2026-03-01T18:00:00"})
    assert (held.status_code, last_night.status_code) == (201, 201), (held.text, last_night.text)
    assert (held.json()["status"], last_night.json()["status"]) == ("held", "scheduled")


def test_the_error_is_in_the_readers_language(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    answer = client.post("/api/v1/votes", headers={"Accept-Language": "es"},
                         json={"title": "Flock renewal", "body_id": body.id,
                               "scheduled_at": "2024-03-02T18:00:00"})
    assert answer.status_code == 422
    assert "Esta fecha ya pasó" in answer.json()["detail"], answer.text


def test_a_held_vote_cannot_be_moved_ahead_through_the_api_or_its_page(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    vote = f.make_vote(session, actor, status="held", outcome="passed",
                       scheduled_at=datetime(2026, 2, 10, 18, 0))
    was = _vote(vote.id).scheduled_at

    patched = client.patch(f"/api/v1/votes/{vote.id}",
                           json={"scheduled_at": "2026-06-01T18:00:00"})
    assert patched.status_code == 422
    assert NOT_YET in patched.json()["detail"]

    page = client.post(f"/votes/{vote.id}/sections/agenda",
                       data={"scheduled_at": "2026-06-01T18:00"}, headers={"HX-Request": "true"})
    assert page.status_code == 422
    assert NOT_YET in plain(page.text)
    assert (_vote(vote.id).scheduled_at, _vote(vote.id).status) == (was, "held")

    # Nor made scheduled again on a day long past.
    unheld = client.patch(f"/api/v1/votes/{vote.id}", json={"status": "scheduled"})
    assert unheld.status_code == 422 and PASSED in unheld.json()["detail"]


def test_a_new_vote_on_the_page_asks_by_the_same_rule(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    form = {"title": "Flock renewal", "body_id": str(body.id), "kind": "renewal",
            "status": "scheduled", "our_position": "against", "visibility": "coalition"}
    # Within the day's grace the page saves it as the API does, without asking.
    saved = client.post("/votes", data={**form, "scheduled_at": "2026-03-01T18:00"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    asked = client.post("/votes", data={**form, "scheduled_at": "2026-02-20T18:00"})
    assert asked.status_code == 422 and "It was held" in plain(asked.text)


def _suggestion(session: Session, body_id: int, when: datetime, item: str) -> int:
    found = SuggestedVote(body_id=body_id, source_event_id="E1", source_item_id=item,
                          scheduled_at=when, title="Flock Safety agreement renewal",
                          item_number="7.B")
    session.add(found)
    session.commit()
    assert found.id is not None
    return found.id


def test_confirming_an_agenda_item_of_a_meeting_past_saves_the_vote_as_held(
        session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    past = _suggestion(session, body.id, datetime(2026, 2, 11, 2, 0, tzinfo=UTC), "I1")
    ahead = _suggestion(session, body.id, datetime(2026, 3, 25, 1, 0, tzinfo=UTC), "I2")
    held = agendas.confirm(session, actor, past)
    scheduled = agendas.confirm(session, actor, ahead)
    session.commit()
    assert (held.status, scheduled.status) == ("held", "scheduled")


def test_a_playbook_vote_goes_through_the_same_rule(
        session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    asked = {"jurisdiction_id": body.jurisdiction_id, "body_id": body.id,
             "campaign_start": date(2025, 1, 5), "vote_date": date(2025, 2, 11)}
    # A vote date that has passed is asked about first, never made into a held vote unasked.
    with pytest.raises(playbooks.PastDate) as refused:
        playbooks.create_campaign(session, actor, key="stop_new_contract",
                                  data=CampaignFromPlaybook(**asked))
    assert refused.value.field == "vote_date"
    assert "The date of the vote (February 11, 2025) has passed" in refused.value.message
    made = playbooks.create_campaign(session, actor, key="stop_new_contract",
                                     data=CampaignFromPlaybook(**asked, confirm_past=True))
    session.commit()
    assert _vote(made.vote_id).status == "held"


def test_moving_a_campaigns_vote_date_into_the_past_is_refused_like_any_vote(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    made = playbooks.create_campaign(session, actor, key="stop_new_contract",
                                     data=CampaignFromPlaybook(
                                         jurisdiction_id=body.jurisdiction_id, body_id=body.id,
                                         campaign_start=date(2026, 3, 1),
                                         vote_date=date(2026, 4, 14)))
    session.commit()
    campaign_id = made.campaign.id
    answer = client.post(f"/api/v1/campaigns/{campaign_id}/anchors",
                         json={"vote_date": "2026-01-06"})
    assert answer.status_code == 422
    assert PASSED in answer.json()["detail"]
    assert answer.json()["errors"][0]["field"] == "vote_date"
    assert _vote(made.vote_id).status == "scheduled"


def test_a_vote_passes_or_fails_only_once_held(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    ahead = {"title": "Flock renewal", "body_id": body.id, "scheduled_at": "2027-02-01T18:00:00"}
    early = client.post("/api/v1/votes", json={**ahead, "outcome": "passed"})
    assert early.status_code == 422, early.text
    assert early.json()["errors"][0]["field"] == "outcome"
    made = client.post("/api/v1/votes", json=ahead)
    assert made.status_code == 201, made.text
    patched = client.patch(f"/api/v1/votes/{made.json()['id']}", json={"outcome": "failed"})
    assert patched.status_code == 422 and _vote(made.json()["id"]).outcome == "pending"
    held = client.post("/api/v1/votes", json={**ahead, "scheduled_at": "2026-03-01T18:00:00",
                                              "status": "held", "outcome": "failed"})
    assert held.status_code == 201, held.text
