"""Calendar feeds: parse with the icalendar package, keep each event's UID when the vote moves,
drop cancelled votes, answer only at the current secret address."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from api import clock
from api.actions import service as actions
from api.alerts import service
from api.campaigns.models import CampaignContract
from api.votes import service as votes
from tests import factories
from tests.alerts.conftest import START, Campaign


def _events(client: TestClient, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _feed(client: TestClient, kind: str, scope_id: int = 0) -> str:
    response = client.post("/api/v1/alerts/feeds", json={"kind": kind, "scope_id": scope_id})
    assert response.status_code == 201, response.text
    return response.json()["path"]


def test_a_campaign_feed_moves_a_moved_vote_and_drops_a_cancelled_one(
        client: TestClient, session: Session, actor: Any, world: Campaign) -> None:
    vote = factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=datetime(2026, 4, 2, 18, 0),
                               location="Council Chambers")
    hearing = factories.make_vote(session, actor, title="Budget hearing", body_id=world.body.id,
                                  campaign_id=world.campaign.id,
                                  scheduled_at=datetime(2026, 5, 7, 18, 0))
    agency = factories.make_agency(session, actor, jurisdiction_id=world.jurisdiction.id)
    contract = factories.make_contract(session, actor, agency_id=agency.id,
                                       end_date=date(2026, 9, 30), termination_notice_days=60)
    # The campaign is about the contract: its feed shows the contract's dates.
    session.add(CampaignContract(campaign_id=world.campaign.id, contract_id=contract.id))
    session.commit()
    path = _feed(client, "campaign", world.campaign.id)
    assert path.startswith("/feeds/") and path.endswith(".ics")

    events = _events(client, path)
    uid = f"vote-{vote.id}@127.0.0.1"
    assert set(events) == {uid, f"vote-{hearing.id}@127.0.0.1",
                           f"notice_deadline-{contract.id}@127.0.0.1",
                           f"contract_end-{contract.id}@127.0.0.1"}
    event = events[uid]
    assert event["SUMMARY"] == "Vote: Renew the Flock contract"
    assert event.decoded("DTSTART") == datetime(2026, 4, 3, 1, 0, tzinfo=UTC)
    assert "Council Chambers" in str(event["LOCATION"])
    assert str(event["URL"]) == f"http://127.0.0.1:8000/votes/{vote.id}"
    deadline = events[f"notice_deadline-{contract.id}@127.0.0.1"]
    assert deadline.decoded("DTSTART") == date(2026, 8, 1)
    first_sequence = int(event["SEQUENCE"])

    clock.freeze(START + timedelta(hours=2))
    factories.update(votes.crud, session, actor, vote.id,
                     scheduled_at=datetime(2026, 4, 16, 18, 0))
    factories.update(votes.crud, session, actor, hearing.id, status="cancelled")
    events = _events(client, path)
    assert uid in events and f"vote-{hearing.id}@127.0.0.1" not in events
    assert events[uid].decoded("DTSTART") == datetime(2026, 4, 17, 1, 0, tzinfo=UTC)
    assert int(events[uid]["SEQUENCE"]) > first_sequence


def test_a_regenerated_address_retires_the_old_one(
        client: TestClient, world: Campaign) -> None:
    old = _feed(client, "body", world.body.id)
    assert client.get(old).status_code == 200
    new = _feed(client, "body", world.body.id)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/feeds/not-a-token.ics").status_code == 404
    # Listed once, and without its address: that is given only when it is made.
    [listed] = client.get("/api/v1/alerts/feeds").json()
    assert listed["kind"] == "body" and "path" not in listed


def test_a_users_feed_holds_what_they_follow_and_their_tasks(
        client: TestClient, session: Session, actor: Any, admin: Any,
        world: Campaign) -> None:
    other = factories.make_body(session, actor)
    followed = factories.make_vote(session, actor, title="Followed body's vote", body_id=other.id,
                                   scheduled_at=datetime(2026, 4, 9, 18, 0))
    factories.make_vote(session, actor, title="Unrelated vote", body_id=factories.make_body(
        session, actor).id, scheduled_at=datetime(2026, 4, 9, 18, 0))
    task = factories.make_task(session, actor, title="Print flyers", assignee_user_id=admin.id,
                               due_on=date(2026, 3, 20))
    service.follow(session, session.merge(admin), subject_kind="body", subject_id=other.id)
    session.commit()
    events = _events(client, _feed(client, "user"))
    assert set(events) == {f"vote-{followed.id}@127.0.0.1", f"task_due-{task.id}@127.0.0.1"}
    assert events[f"task_due-{task.id}@127.0.0.1"]["SUMMARY"] == "Task due: Print flyers"


def test_planned_actions_are_in_the_feeds_of_their_campaign_and_their_organization(
        client: TestClient, session: Session, actor: Any, admin: Any,
        world: Campaign) -> None:
    org = factories.make_organization(session, actor, name="Faith Coalition")
    planned = factories.make_action(session, actor, title="Call-in day",
                                    campaign_id=world.campaign.id, scheduled_on=date(2026, 4, 10))
    done = factories.make_action(session, actor, title="Rally", campaign_id=world.campaign.id,
                                 scheduled_on=date(2026, 3, 28), status="done")
    undated = factories.make_action(session, actor, title="Letter", campaign_id=world.campaign.id,
                                    scheduled_on=None)
    ours = factories.make_action(session, actor, title="Vigil", owner_organization_id=org.id,
                                 scheduled_on=date(2026, 4, 12))
    admin.organization_id = org.id
    session.merge(admin)
    session.commit()

    events = _events(client, _feed(client, "campaign", world.campaign.id))
    uid = f"action-{planned.id}@127.0.0.1"
    assert uid in events
    assert {f"action-{a.id}@127.0.0.1" for a in (done, undated, ours)}.isdisjoint(events)
    event = events[uid]
    assert event["SUMMARY"] == "Action: Call-in day"
    assert event.decoded("DTSTART") == date(2026, 4, 10)
    assert str(event["URL"]) == f"http://127.0.0.1:8000/actions/{planned.id}"
    # The organization's own actions, campaign or not, are in its members' feeds.
    mine = _events(client, _feed(client, "user"))
    assert f"action-{ours.id}@127.0.0.1" in mine

    # Moved, the action keeps its UID and takes the new day; cancelled, it leaves.
    factories.update(actions.crud, session, actor, planned.id, scheduled_on=date(2026, 4, 17))
    moved = _events(client, _feed(client, "campaign", world.campaign.id))
    assert moved[uid].decoded("DTSTART") == date(2026, 4, 17)
    factories.update(actions.crud, session, actor, planned.id, status="cancelled")
    assert uid not in _events(client, _feed(client, "campaign", world.campaign.id))


def test_a_terminated_contracts_last_term_still_ends_in_the_feed(
        client: TestClient, session: Session, actor: Any, world: Campaign) -> None:
    agency = factories.make_agency(session, actor, jurisdiction_id=world.jurisdiction.id)
    contract = factories.make_contract(session, actor, agency_id=agency.id,
                                       end_date=date(2026, 9, 30), termination_notice_days=60)
    # The campaign is about the contract: its feed shows the contract's dates.
    session.add(CampaignContract(campaign_id=world.campaign.id, contract_id=contract.id))
    session.commit()
    path = _feed(client, "campaign", world.campaign.id)
    ended = client.post(f"/api/v1/contracts/{contract.id}/outcomes",
                        json={"outcome": "terminated", "decided_on": "2026-03-01"})
    assert ended.status_code == 201, ended.text
    events = _events(client, path)
    # No deadline is left, and the last term still ends on its day, as on its page.
    assert f"notice_deadline-{contract.id}@127.0.0.1" not in events
    end = events[f"contract_end-{contract.id}@127.0.0.1"]
    assert end.decoded("DTSTART") == date(2026, 9, 30)
    # Its alerts stay ended.
    assert client.get(f"/api/v1/contracts/{contract.id}").json()["notice_deadline"] is None
