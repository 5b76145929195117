"""A vote's date changed by hand, on its page or through the JSON API, moves the campaigns
counted from it (their vote date and unfinished dated steps) and its pending alerts, as the
agenda watcher's moves do; a date changed into the past asks "It was held?" on the page and is
refused through the API unless the vote is said to be held."""

from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.actions.models import Action, ActionRead
from api.campaigns.models import Campaign
from api.db import new_session
from api.playbooks import service as playbooks
from api.playbooks.models import CampaignFromPlaybook
from api.votes.models import Vote
from tests import factories as f
from tests.alerts.conftest import Ticks, outbox
from tests.web.html import plain


def _campaign_from_vote(session: Session, actor: Any) -> tuple[int, int, ActionRead]:
    """A vote on March 24 (2026, the frozen clock's month) and a campaign counted from it."""
    body = f.make_body(session, actor, name="Riverton Council")
    org = f.make_organization(session, actor, name="Riverton Privacy Watch")
    f.make_user("partner", session=session, organization_id=org.id)
    vote = f.make_vote(session, actor, body_id=body.id, title="Flock renewal",
                       scheduled_at=datetime(2026, 3, 24, 18, 0))
    made = playbooks.create_campaign(session, actor, key="stop_new_contract",
                                     data=CampaignFromPlaybook(
                                         jurisdiction_id=body.jurisdiction_id, vote_id=vote.id,
                                         campaign_start=date(2026, 3, 1),
                                         lead_organization_ids=[org.id]))
    # The vote is the campaign's, whose rules remind of it.
    vote.campaign_id = made.campaign.id
    session.add(vote)
    session.commit()
    step = next(a for a in made.actions if a.anchor_kind == "vote"
                and a.status not in ("done", "cancelled"))
    return vote.id, made.campaign.id, step


def _moved(campaign_id: int, action_id: int) -> tuple[date | None, date | None]:
    with new_session() as fresh:
        campaign = fresh.get(Campaign, campaign_id)
        action = fresh.get(Action, action_id)
        assert campaign is not None and action is not None
        return campaign.vote_date, action.scheduled_on


def _vote(vote_id: int) -> Vote:
    with new_session() as fresh:
        vote = fresh.get(Vote, vote_id)
        assert vote is not None
        return vote


def test_a_date_changed_through_the_api_moves_the_campaign_its_steps_and_its_alerts(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    vote_id, campaign_id, step = _campaign_from_vote(session, actor)
    was = step.scheduled_on
    assert was is not None and _moved(campaign_id, step.id) == (date(2026, 3, 24), was)
    ticks = Ticks()
    try:
        ticks()
        before = [r.due_at for r in outbox(subject_kind="vote", subject_id=vote_id,
                                           status="pending")]
        assert before, "the playbook's rules plan reminders of the vote"

        answer = client.patch(f"/api/v1/votes/{vote_id}",
                              json={"scheduled_at": "2026-04-07T18:00:00"})
        assert answer.status_code == 200, answer.text
        assert _moved(campaign_id, step.id) == (date(2026, 4, 7), was + (
            date(2026, 4, 7) - date(2026, 3, 24)))

        ticks()
        after = [r.due_at for r in outbox(subject_kind="vote", subject_id=vote_id,
                                          status="pending")]
        assert after and min(after) > min(before)
    finally:
        ticks.close()


def test_a_date_changed_on_the_page_moves_the_campaign(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    vote_id, campaign_id, step = _campaign_from_vote(session, actor)
    saved = client.post(f"/votes/{vote_id}/sections/agenda",
                        data={"scheduled_at": "2026-03-31T18:00"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    vote_date, _ = _moved(campaign_id, step.id)
    assert vote_date == date(2026, 3, 31)


def test_a_date_changed_into_the_past_asks_whether_it_was_held(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    vote_id, _, _ = _campaign_from_vote(session, actor)
    form = {"scheduled_at": "2026-02-24T18:00"}
    asked = client.post(f"/votes/{vote_id}/sections/agenda", data=form,
                        headers={"HX-Request": "true"})
    assert asked.status_code == 422
    text = plain(asked.text)
    assert "This date has passed." in text and "It was held" in text
    assert 'value="2026-02-24T18:00"' in asked.text
    assert _vote(vote_id).scheduled_at.date() == date(2026, 3, 25)  # 18:00 PDT is 01:00 UTC

    held = client.post(f"/votes/{vote_id}/sections/agenda",
                       data={**form, "confirm_past": "on"}, follow_redirects=False)
    assert held.status_code == 303, held.text
    vote = _vote(vote_id)
    assert (vote.status, vote.scheduled_at.date()) == ("held", date(2026, 2, 25))


def test_the_api_refuses_a_past_date_unless_the_vote_is_said_to_be_held(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    vote_id, _, _ = _campaign_from_vote(session, actor)
    refused = client.patch(f"/api/v1/votes/{vote_id}",
                           json={"scheduled_at": "2026-02-24T18:00:00"})
    assert refused.status_code == 422
    assert "This date has passed" in refused.text and "save it as held" in refused.text
    assert _vote(vote_id).status == "scheduled"

    held = client.patch(f"/api/v1/votes/{vote_id}",
                        json={"scheduled_at": "2026-02-24T18:00:00", "status": "held",
                              "outcome": "passed"})
    assert held.status_code == 200, held.text
    assert (held.json()["status"], held.json()["outcome"]) == ("held", "passed")
    # Changing something else of a vote long past is not asked about again.
    noted = client.patch(f"/api/v1/votes/{vote_id}", json={"notes": "Passed 6 to 5."})
    assert noted.status_code == 200, noted.text
