"""The vote and the body a campaign from a playbook is counted from: only votes still ahead and
bodies that can vote are offered (and others refused if posted anyway); an existing vote chosen
is the new campaign's (on its page, in its alerts) and the body must agree with it; a vote date
that has passed is asked about, then saved as held with the late steps named and not reminded."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.activity.service import AttachedTo, for_record
from api.alerts.models import AlertOutbox, AlertRule
from api.db import new_session
from api.exports.redacted import select_records
from api.tasks.models import Task
from api.votes.models import Vote
from tests import factories as f
from tests.alerts.conftest import outbox, tick_once
from tests.factories import at_noon
from tests.web.html import plain

START = date(2026, 3, 2)
URL = "/campaigns/new-from-playbook"
API = "/api/v1/playbooks/stop_new_contract/campaigns"


@pytest.fixture
def world(session: Session, actor: Any) -> dict[str, Any]:
    at_noon(START)
    place = f.make_jurisdiction(session, actor, name="Riverton")
    council = f.make_body(session, actor, name="Riverton Council", jurisdiction_id=place.id)
    board = f.make_body(session, actor, name="Riverton Library Board", jurisdiction_id=place.id,
                        seats=0, majority_needed=0)
    other = f.make_campaign(session, actor, name="Older campaign", jurisdiction_id=place.id)
    when = datetime(2026, 4, 14, 18, 0)
    ahead = f.make_vote(session, actor, title="Flock contract approval", body_id=council.id,
                        campaign_id=other.id, scheduled_at=when)
    loose = f.make_vote(session, actor, title="Budget line for cameras", body_id=council.id,
                        scheduled_at=when + timedelta(days=7))
    held = f.make_vote(session, actor, title="First reading, held", body_id=council.id,
                       scheduled_at=datetime(2026, 2, 3, 18, 0), status="held")
    cancelled = f.make_vote(session, actor, title="Special meeting, cancelled",
                            body_id=council.id, scheduled_at=when, status="cancelled")
    session.commit()
    return {"place": place, "council": council, "board": board, "other": other,
            "ahead": ahead, "loose": loose, "held": held, "cancelled": cancelled}


def _form(world: dict[str, Any], **changes: str) -> dict[str, str]:
    return {"playbook": "stop_new_contract", "jurisdiction_id": str(world["place"].id),
            "name": "", **changes}


def test_the_form_offers_only_votes_ahead_and_bodies_that_vote(
        client: TestClient, world: dict[str, Any]) -> None:
    page = client.get(f"{URL}?playbook=stop_new_contract").text
    vote_choices = page.split('id="pb-vote"')[1].split("</select>")[0]
    body_choices = page.split('id="pb-body"')[1].split("</select>")[0]
    assert "Flock contract approval" in vote_choices and "Budget line" in vote_choices
    assert "held" not in vote_choices and "cancelled" not in vote_choices
    assert "Riverton Council" in body_choices and "Library Board" not in body_choices


@pytest.mark.parametrize("which", ["held", "cancelled"])
def test_a_vote_no_longer_ahead_is_refused_if_posted(
        client: TestClient, world: dict[str, Any], which: str) -> None:
    answer = client.post(API, json={"jurisdiction_id": world["place"].id,
                                    "vote_id": world[which].id})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "vote_id"
    assert "This vote is no longer ahead" in answer.json()["detail"]
    page = client.post(URL, data=_form(world, vote_id=str(world[which].id)))
    assert page.status_code == 422 and "This vote is no longer ahead" in plain(page.text)


def test_a_body_with_no_seats_is_refused_if_posted(client: TestClient,
                                                   world: dict[str, Any]) -> None:
    answer = client.post(API, json={"jurisdiction_id": world["place"].id,
                                    "body_id": world["board"].id, "vote_date": "2026-05-12"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body_id"
    assert answer.json()["detail"].startswith("Riverton Library Board has no seats recorded")


def test_another_campaigns_vote_chosen_is_the_new_campaigns_too(
        client: TestClient, session: Session, actor: Any, world: dict[str, Any]) -> None:
    lead = f.make_organization(session, actor, name="Riverton Privacy Watch")
    f.make_user("partner", session=session, organization_id=lead.id)
    session.commit()
    made = client.post(URL, follow_redirects=False, data=_form(
        world, vote_id=str(world["ahead"].id), lead_organization_id=str(lead.id)))
    assert made.status_code == 303, made.text
    page = plain(client.get(made.headers["location"]).text)
    assert "Flock contract approval" in page and "No votes ahead" not in page
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    # The vote stays the older campaign's, and is on that one's page too.
    with new_session() as fresh:
        vote = fresh.get(Vote, world["ahead"].id)
        assert vote is not None and vote.campaign_id == world["other"].id
    assert "Flock contract approval" in plain(client.get(f"/campaigns/{world['other'].id}").text)
    # The new campaign's rules remind of the vote.
    tick_once()
    reminders = outbox(subject_kind="vote", subject_id=world["ahead"].id)
    assert any(_rule_campaign(row) == campaign_id for row in reminders)


def _rule_campaign(row: AlertOutbox) -> int | None:
    with new_session() as fresh:
        rule = fresh.get(AlertRule, row.rule_id)
        return rule.campaign_id if rule is not None else None


def test_a_vote_no_campaign_holds_is_filed_under_the_new_one(
        client: TestClient, world: dict[str, Any]) -> None:
    made = client.post(API, json={"jurisdiction_id": world["place"].id,
                                  "vote_id": world["loose"].id})
    assert made.status_code == 201, made.text
    vote = client.get(f"/api/v1/votes/{world['loose'].id}").json()
    assert vote["campaign_id"] == made.json()["campaign"]["id"]
    assert made.json()["campaign"]["vote_date"] == "2026-04-21"


def test_a_body_that_contradicts_the_chosen_vote_is_refused(
        client: TestClient, session: Session, actor: Any, world: dict[str, Any]) -> None:
    commission = f.make_body(session, actor, name="Riverton Police Commission",
                             jurisdiction_id=world["place"].id)
    session.commit()
    answer = client.post(API, json={"jurisdiction_id": world["place"].id,
                                    "vote_id": world["ahead"].id, "body_id": commission.id})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body_id"
    assert answer.json()["detail"] == ("The vote chosen is on Riverton Council, not on the body "
                                       "chosen: leave the body empty, or choose Riverton Council.")
    same = client.post(API, json={"jurisdiction_id": world["place"].id,
                                  "vote_id": world["ahead"].id, "body_id": world["council"].id})
    assert same.status_code == 201, same.text
    other_day = client.post(API, json={"jurisdiction_id": world["place"].id,
                                       "vote_id": world["ahead"].id, "vote_date": "2026-04-20"})
    assert other_day.status_code == 422
    assert other_day.json()["errors"][0]["field"] == "vote_date"


def test_a_vote_date_that_has_passed_is_asked_about_then_saved_as_held(
        client: TestClient, session: Session, actor: Any, world: dict[str, Any]) -> None:
    lead = f.make_organization(session, actor, name="Riverton Privacy Watch")
    f.make_user("partner", session=session, organization_id=lead.id)
    session.commit()
    form = _form(world, body_id=str(world["council"].id), campaign_start="2026-01-05",
                 vote_date="2026-02-24", lead_organization_id=str(lead.id))
    asked = client.post(URL, data=form)
    assert asked.status_code == 422
    text = plain(asked.text)
    assert "The date of the vote (February 24, 2026) has passed" in text
    assert 'name="confirm_past"' in asked.text
    api = client.post(API, json={"jurisdiction_id": world["place"].id,
                                 "body_id": world["council"].id, "campaign_start": "2026-01-05",
                                 "vote_date": "2026-02-24"})
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "vote_date"

    made = client.post(URL, data={**form, "confirm_past": "on"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = plain(client.get(made.headers["location"]).text)
    assert "already late: their dates had passed" in page
    assert "No reminders are sent for them" in page
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    with new_session() as fresh:
        vote = fresh.exec(select(Vote).where(Vote.campaign_id == campaign_id)).one()
        assert vote.status == "held"
        late = {t.id for t in fresh.exec(select(Task).where(Task.campaign_id == campaign_id))
                if t.due_on is not None and t.due_on < START}
    assert late
    tick_once()
    reminded = {row.subject_id for row in outbox(subject_kind="task_due")}
    assert not reminded & late


def test_a_shared_vote_is_in_the_new_campaigns_export_and_activity(
        client: TestClient, actor: Any, world: dict[str, Any]) -> None:
    made = client.post(URL, follow_redirects=False,
                       data=_form(world, vote_id=str(world["ahead"].id)))
    assert made.status_code == 303, made.text
    campaign_id = int(made.headers["location"].rsplit("/", 1)[1])
    with new_session() as fresh:
        exported = select_records(fresh, actor, campaign_id=campaign_id, tier="leads")
        dated = for_record(fresh, actor, kind=AttachedTo.campaign, record_id=campaign_id)
    assert world["ahead"].id in {vote.id for vote in exported.votes}
    assert ("vote", world["ahead"].id) in {(e.kind, e.record_id) for e in dated}
