"""Moving a campaign's vote date moves the vote it is counted from (through the votes service,
so its alerts move too), and an anchor date far out of reach (a slip of the year) is refused
with a plain message, through the JSON API and on the campaign's page."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.bodies import service as bodies
from api.campaigns.models import Campaign
from api.db import new_session
from api.playbooks import service as playbooks
from api.playbooks.models import CampaignFromPlaybook
from api.votes.models import Vote
from tests import factories as f
from tests.alerts.conftest import Ticks, outbox
from tests.web.html import plain


def _campaign(session: Session, actor: Any) -> tuple[int, int]:
    """A campaign from a playbook whose vote the playbook made on April 14, 2026 (the frozen
    clock is March 2), led by an organization with a member its reminders go to."""
    body = f.make_body(session, actor, name="Riverton Council")
    org = f.make_organization(session, actor, name="Riverton Privacy Watch")
    f.make_user("partner", session=session, organization_id=org.id)
    made = playbooks.create_campaign(session, actor, key="stop_new_contract",
                                     data=CampaignFromPlaybook(
                                         jurisdiction_id=body.jurisdiction_id, body_id=body.id,
                                         campaign_start=date(2026, 3, 1),
                                         vote_date=date(2026, 4, 14),
                                         lead_organization_ids=[org.id]))
    session.commit()
    return made.campaign.id, made.vote_id


def _local(vote_id: int) -> datetime:
    with new_session() as fresh:
        vote = fresh.get(Vote, vote_id)
        assert vote is not None
        return vote.scheduled_at.astimezone(bodies.zone(fresh, vote.body_id))


def _campaign_dates(campaign_id: int) -> tuple[date | None, date | None]:
    with new_session() as fresh:
        campaign = fresh.get(Campaign, campaign_id)
        assert campaign is not None
        return campaign.vote_date, campaign.notice_deadline


def test_moving_the_vote_date_moves_the_vote_and_its_alerts(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, vote_id = _campaign(session, actor)
    assert (_local(vote_id).date(), _local(vote_id).hour) == (date(2026, 4, 14), 18)
    ticks = Ticks()
    try:
        ticks()
        before = [r.due_at for r in outbox(subject_kind="vote", subject_id=vote_id,
                                           status="pending")]
        assert before, "the playbook's rules plan reminders of the vote"

        answer = client.post(f"/api/v1/campaigns/{campaign_id}/anchors",
                             json={"vote_date": "2026-04-28"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["moved_action_ids"], "the steps counted from the vote moved"
        # The same evening hour, two weeks later, where the body meets.
        assert (_local(vote_id).date(), _local(vote_id).hour) == (date(2026, 4, 28), 18)
        assert _campaign_dates(campaign_id)[0] == date(2026, 4, 28)

        ticks()
        after = [r.due_at for r in outbox(subject_kind="vote", subject_id=vote_id,
                                          status="pending")]
        assert after and min(after) > min(before)
    finally:
        ticks.close()


def test_a_campaign_changed_through_the_api_moves_its_vote_too(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, vote_id = _campaign(session, actor)
    ticks = Ticks()
    try:
        ticks()
        before = [r.due_at for r in outbox(subject_kind="vote", subject_id=vote_id,
                                           status="pending")]
        answer = client.patch(f"/api/v1/campaigns/{campaign_id}",
                              json={"vote_date": "2026-04-28", "description": "Moved"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["vote_date"] == "2026-04-28"
        assert answer.json()["description"] == "Moved"
        assert (_local(vote_id).date(), _local(vote_id).hour) == (date(2026, 4, 28), 18)
        ticks()
        after = [r.due_at for r in outbox(subject_kind="vote", subject_id=vote_id,
                                          status="pending")]
        assert after and min(after) > min(before)
        # The votes' own rule answers a date the vote cannot take, and nothing moves.
        past = client.patch(f"/api/v1/campaigns/{campaign_id}", json={"vote_date": "2026-02-10"})
        assert past.status_code == 422, past.text
        assert past.json()["errors"][0]["field"] == "vote_date"
        assert _local(vote_id).date() == date(2026, 4, 28)
        assert _campaign_dates(campaign_id)[0] == date(2026, 4, 28)
    finally:
        ticks.close()


@pytest.mark.parametrize(("field", "day"), [("vote_date", "9999-12-31"),
                                            ("notice_deadline", "2015-01-01"),
                                            ("campaign_start", "2037-01-01")])
def test_an_anchor_date_out_of_reach_is_refused(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime, field: str,
        day: str) -> None:
    campaign_id, vote_id = _campaign(session, actor)
    was = _local(vote_id)
    answer = client.post(f"/api/v1/campaigns/{campaign_id}/anchors", json={field: day})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Enter a date between 2016 and 2036."
    assert answer.json()["errors"][0]["field"] == field
    assert _local(vote_id) == was and _campaign_dates(campaign_id) == (date(2026, 4, 14), None)


@pytest.mark.parametrize(("field", "day"), [("vote_date", "9999-12-31"),
                                            ("start_date", "2015-01-01"),
                                            ("target_date", "9999-12-31")])
def test_a_campaign_edited_out_of_reach_is_refused_too(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime, field: str,
        day: str) -> None:
    campaign_id, _ = _campaign(session, actor)
    answer = client.patch(f"/api/v1/campaigns/{campaign_id}", json={field: day})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == "Enter a date between 2016 and 2036."
    assert _campaign_dates(campaign_id) == (date(2026, 4, 14), None)


def test_the_edges_of_the_reach_are_taken(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, _ = _campaign(session, actor)
    answer = client.post(f"/api/v1/campaigns/{campaign_id}/anchors",
                         json={"notice_deadline": "2036-12-31", "campaign_start": "2016-01-01"})
    assert answer.status_code == 200, answer.text


def test_the_campaign_page_says_so_too(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign_id, _ = _campaign(session, actor)
    for headers in ({}, {"HX-Request": "true"}):
        page = client.post(f"/campaigns/{campaign_id}/anchors", data={"vote_date": "9999-12-31"},
                           headers=headers)
        assert page.status_code == 422
        assert "Enter a date between 2016 and 2036." in plain(page.text)


def test_a_playbook_campaign_dated_out_of_reach_is_refused(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    answer = client.post("/api/v1/playbooks/stop_new_contract/campaigns",
                         json={"jurisdiction_id": body.jurisdiction_id, "body_id": body.id,
                               "vote_date": "9999-12-31"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == "Enter a date between 2016 and 2036."


def test_a_date_the_campaign_aims_for_moved_before_its_start_is_refused(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor)
    session.commit()
    made = client.post("/api/v1/playbooks/cancel_renewal/campaigns",
                       json={"jurisdiction_id": body.jurisdiction_id, "body_id": body.id,
                             "campaign_start": "2026-03-10", "vote_date": "2026-06-01",
                             "notice_deadline": "2026-05-01"})
    assert made.status_code == 201, made.text
    campaign = made.json()["campaign"]
    moved_field = next(field for field in ("notice_deadline", "vote_date")
                       if campaign[field] == campaign["target_date"])
    answer = client.post(f"/api/v1/campaigns/{campaign['id']}/anchors",
                         json={moved_field: "2026-03-05"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == moved_field
    assert "before the campaign starts" in answer.json()["detail"]
    kept = client.get(f"/api/v1/campaigns/{campaign['id']}").json()
    assert kept["target_date"] == campaign["target_date"]


def test_a_reader_who_may_not_move_the_dates_learns_nothing_from_their_checks(
        client_as: Callable[..., TestClient], session: Session, actor: Any,
        frozen_now: datetime) -> None:
    campaign_id, vote_id = _campaign(session, actor)
    other = f.make_organization(session, actor, name="Another Coalition Partner")
    session.commit()
    partner = client_as(Role.partner, organization_id=other.id)
    for dates in ({"vote_date": "2026-02-01"}, {"vote_date": "9999-12-31"}):
        answer = partner.post(f"/api/v1/campaigns/{campaign_id}/anchors", json=dates)
        assert answer.status_code == 403, answer.text
