"""Agenda sync against replayed Legistar replies: suggestions with local times, idempotent
re-syncs, moved meetings, dismissals that stay dismissed, visible failures, campaign keywords,
the JSON API and the command line."""

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.auth.models import Role, User
from api.cli import main
from api.db import new_session
from api.errors import Conflict, Forbidden
from api.sources.agendas import service as agendas
from api.sources.agendas.legistar import LegistarSource
from api.sources.models import AgendaSync, SuggestedVote, SuggestionStatus
from api.votes.models import Vote
from tests import factories as f
from tests.sources.replay import (
    LEGISTAR,
    SAN_JOSE_COUNCIL,
    LegistarReplay,
    item_like,
    sanjose_event,
)

FETCHED_ON = datetime(2017, 9, 1, 16, 0, tzinfo=UTC)
FLOCK_TITLE = "Agreement with Flock Safety for Automated License Plate Reader Cameras"


@pytest.fixture(autouse=True)
def before_the_meeting(db: None) -> None:
    clock.freeze(FETCHED_ON)


def alpr_agenda(**event_changes: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The real San Jose event with one more consent item, shaped like its real neighbour."""
    event, items = sanjose_event()
    event.update(event_changes)
    flock = item_like(items, 5, EventItemId=32041, EventItemAgendaSequence=27,
                      EventItemAgendaNumber="2.8", EventItemTitle=FLOCK_TITLE,
                      EventItemMatterId=2017, EventItemMatterFile="17-061",
                      EventItemActionText="Approve an agreement with Flock Group Inc.")
    return event, [*items, flock]


def no_wait(config: agendas.FeedConfig) -> LegistarSource:
    return LegistarSource(config.client, token=config.token, body_name=config.body_name,
                          attempts=3, sleep=lambda seconds: None)


def sync(body_id: int, *agenda: tuple[dict[str, Any], list[dict[str, Any]]]) -> agendas.SyncReport:
    with respx.mock(assert_all_mocked=True) as mock:
        replay = LegistarReplay(mock)
        for event, items in agenda:
            replay.add(event, items)
        return agendas.sync_body(new_session, body_id, sources=no_wait)


def suggestions(body_id: int) -> list[SuggestedVote]:
    with new_session() as fresh:
        return list(fresh.exec(select(SuggestedVote).where(SuggestedVote.body_id == body_id)
                               .order_by(SuggestedVote.id)).all())


def state(body_id: int) -> AgendaSync | None:
    with new_session() as fresh:
        return fresh.get(AgendaSync, body_id)


def test_an_alpr_item_becomes_a_suggested_vote_at_the_local_time(session: Session,
                                                                  actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    report = sync(body.id, alpr_agenda())
    assert (report.ok, report.events, report.items, report.created) == (True, 1, 7, 1)
    [found] = suggestions(body.id)
    # 1:30 PM on 12 September in San Jose is daylight time, seven hours behind UTC.
    assert found.scheduled_at == datetime(2017, 9, 12, 20, 30, tzinfo=UTC)
    assert (found.source, found.source_event_id, found.source_item_id) == ("legistar", "1080",
                                                                           "32041")
    assert (found.item_number, found.title, found.matter_file) == ("2.8", FLOCK_TITLE, "17-061")
    assert found.consent_calendar is True
    assert found.agenda_url.endswith("1080_A_City_Council_17-09-12_Amended_Agenda.pdf")
    assert found.location == "Council Chambers"
    assert found.time_text == "1:30 PM"
    assert found.matched_keywords == ["license plate", "Flock"]
    assert found.status == SuggestionStatus.suggested
    synced = state(body.id)
    assert synced is not None
    assert synced.last_success_at == FETCHED_ON
    assert (synced.consecutive_failures, synced.items_seen, synced.last_error) == (0, 7, "")


def test_a_body_in_another_zone_in_winter(session: Session, actor: User) -> None:
    place = f.make_jurisdiction(session, actor, name="Chicago", state_code="IL",
                                timezone="America/Chicago")
    body = f.make_body(session, actor, jurisdiction_id=place.id, **SAN_JOSE_COUNCIL)
    sync(body.id, alpr_agenda(EventDate="2017-11-07T00:00:00", EventTime="10:00 AM"))
    [found] = suggestions(body.id)
    assert found.scheduled_at == datetime(2017, 11, 7, 16, 0, tzinfo=UTC)


def test_resyncing_changes_nothing(session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, alpr_agenda())
    before = suggestions(body.id)
    clock.freeze(datetime(2017, 9, 2, 16, 0, tzinfo=UTC))
    again = sync(body.id, alpr_agenda())
    assert (again.ok, again.created, again.updated, again.moved) == (True, 0, 0, 0)
    after = suggestions(body.id)
    assert [(s.id, s.updated_at, s.scheduled_at) for s in after] == \
        [(s.id, s.updated_at, s.scheduled_at) for s in before]


def test_a_moved_meeting_moves_the_suggestion_and_its_confirmed_vote(session: Session,
                                                                     actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, alpr_agenda())
    [found] = suggestions(body.id)
    vote = agendas.confirm(session, actor, found.id)
    session.commit()
    report = sync(body.id, alpr_agenda(EventDate="2017-09-19T00:00:00", EventTime="6:00 PM"))
    assert (report.moved, report.votes_moved) == (1, [vote.id])
    [moved] = suggestions(body.id)
    assert moved.scheduled_at == datetime(2017, 9, 20, 1, 0, tzinfo=UTC)
    assert moved.moved_from == datetime(2017, 9, 12, 20, 30, tzinfo=UTC)
    assert moved.status == SuggestionStatus.confirmed
    with new_session() as fresh:
        assert fresh.get(Vote, vote.id).scheduled_at == moved.scheduled_at  # type: ignore[union-attr]


def test_a_dismissed_suggestion_is_never_offered_again(session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, alpr_agenda())
    [found] = suggestions(body.id)
    agendas.dismiss(session, actor, found.id)
    session.commit()
    event, items = alpr_agenda(EventTime="2:00 PM")
    items[-1]["EventItemTitle"] = FLOCK_TITLE + " (amended)"
    sync(body.id, (event, items))
    [kept] = suggestions(body.id)
    assert kept.id == found.id
    assert kept.status == SuggestionStatus.dismissed
    assert kept.title.endswith("(amended)")
    assert kept.scheduled_at == datetime(2017, 9, 12, 21, 0, tzinfo=UTC)


def test_one_failing_body_is_recorded_and_the_others_still_sync(session: Session,
                                                                actor: User) -> None:
    broken = f.make_body(session, actor, agenda_source="legistar", legistar_client="nosuchcity")
    good = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    f.make_body(session, actor, agenda_source="none")
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(*alpr_agenda())
        mock.get(f"{LEGISTAR}/v1/nosuchcity/events").mock(return_value=httpx.Response(
            500, json={"Message": "LegistarConnectionString setting is not set up in InSite "
                                  "for client: nosuchcity"}))
        reports = agendas.sync_all(new_session, sources=no_wait)
        agendas.sync_all(new_session, sources=no_wait)
    assert [(r.body_id, r.ok) for r in reports] == [(broken.id, False), (good.id, True)]
    assert "no client named 'nosuchcity'" in reports[0].error
    failed = state(broken.id)
    assert failed is not None
    assert (failed.consecutive_failures, failed.last_success_at) == (2, None)
    assert failed.last_error_at == FETCHED_ON
    assert "no client named 'nosuchcity'" in failed.last_error
    assert len(suggestions(good.id)) == 1


def test_a_timeout_is_recorded_then_cleared_by_a_good_sync(session: Session,
                                                           actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    with respx.mock(assert_all_mocked=True) as mock:
        mock.get(f"{LEGISTAR}/v1/sanjose/events").mock(side_effect=httpx.ConnectTimeout("slow"))
        report = agendas.sync_body(new_session, body.id, sources=no_wait)
    assert not report.ok
    assert report.error == "Legistar did not answer within the time limit (tried 3 times)"
    assert state(body.id).consecutive_failures == 1  # type: ignore[union-attr]
    assert sync(body.id, alpr_agenda()).ok
    recovered = state(body.id)
    assert (recovered.consecutive_failures, recovered.last_error) == (0, "")  # type: ignore[union-attr]


def test_a_server_error_then_success_syncs(session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    event, items = alpr_agenda()
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        mock.get(f"{LEGISTAR}/v1/sanjose/events").mock(side_effect=[
            httpx.Response(500, text="Internal Server Error"), httpx.Response(200, json=[event])])
        LegistarReplay(mock).add(event, items)
        report = agendas.sync_body(new_session, body.id, sources=no_wait)
    assert (report.ok, report.created) == (True, 1)


def test_campaign_keywords_replace_the_defaults_for_their_jurisdiction(session: Session,
                                                                       actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    own = f.make_campaign(session, actor, jurisdiction_id=body.jurisdiction_id)
    agendas.set_keywords(session, actor, campaign_id=own.id, phrases=["Axon", "body camera"])
    session.commit()
    event, items = alpr_agenda()
    axon = item_like(items, 5, EventItemId=32042, EventItemAgendaSequence=28,
                     EventItemAgendaNumber="2.9", EventItemMatterFile="17-062",
                     EventItemTitle="Purchase of Axon body cameras", EventItemActionText=None)
    sync(body.id, (event, [*items, axon]))
    [found] = suggestions(body.id)
    assert (found.source_item_id, found.campaign_id) == ("32042", own.id)
    assert found.matched_keywords == ["Axon", "body camera"]

    other = f.make_campaign(session, actor, jurisdiction_id=body.jurisdiction_id)
    sync(body.id, (event, [*items, axon]))
    by_item = {s.source_item_id: s for s in suggestions(body.id)}
    assert by_item["32041"].campaign_id == other.id
    assert by_item["32042"].campaign_id == own.id


def test_only_leads_decide(session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, alpr_agenda())
    [found] = suggestions(body.id)
    viewer = User(email="viewer@example.org", name="Viewer", role=Role.viewer)
    with pytest.raises(Forbidden):
        agendas.confirm(session, viewer, found.id)
    with pytest.raises(Forbidden):
        agendas.dismiss(session, viewer, found.id)
    agendas.confirm(session, actor, found.id)
    with pytest.raises(Conflict):
        agendas.dismiss(session, actor, found.id)


# ---- JSON API ---------------------------------------------------------------------------

def test_sync_now_and_confirm_through_the_api(client: TestClient, session: Session,
                                              actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    campaign = f.make_campaign(session, actor)
    event, items = alpr_agenda()
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(event, items)
        done = client.post(f"/api/v1/bodies/{body.id}/sync")
    assert done.status_code == 200, done.text
    assert done.json()["ok"] is True
    assert done.json()["created"] == 1
    assert done.json()["state"]["last_success_at"] == "2017-09-01T16:00:00Z"
    assert client.get(f"/api/v1/bodies/{body.id}/sync").json()["items_seen"] == 7

    listed = client.get("/api/v1/suggested-votes", params={"status": "suggested",
                                                           "body_id": body.id}).json()
    assert listed["total"] == 1
    suggestion = listed["items"][0]
    assert suggestion["scheduled_at"] == "2017-09-12T20:30:00Z"

    confirmed = client.post(f"/api/v1/suggested-votes/{suggestion['id']}/confirm",
                            json={"campaign_id": campaign.id})
    assert confirmed.status_code == 201, confirmed.text
    vote = confirmed.json()
    assert (vote["title"], vote["body_id"], vote["campaign_id"]) == (FLOCK_TITLE, body.id,
                                                                     campaign.id)
    assert (vote["scheduled_at"], vote["agenda_item_number"]) == ("2017-09-12T20:30:00Z", "2.8")
    assert vote["consent_calendar"] is True
    assert vote["kind"] == "contract_approval"
    assert "17-061" in vote["notes"]
    after = client.get(f"/api/v1/suggested-votes/{suggestion['id']}").json()
    assert (after["status"], after["vote_id"]) == ("confirmed", vote["id"])
    again = client.post(f"/api/v1/suggested-votes/{suggestion['id']}/confirm")
    assert again.status_code == 409


def test_failed_sync_is_reported_not_raised(client: TestClient, session: Session,
                                            actor: User) -> None:
    body = f.make_body(session, actor, agenda_source="legistar", legistar_client="nosuchcity")
    with respx.mock(assert_all_mocked=True) as mock:
        mock.get(f"{LEGISTAR}/v1/nosuchcity/events").mock(return_value=httpx.Response(
            500, text="LegistarConnectionString setting is not set up in InSite for client"))
        done = client.post(f"/api/v1/bodies/{body.id}/sync")
    assert done.status_code == 200
    assert done.json()["ok"] is False
    assert done.json()["state"]["consecutive_failures"] == 1
    assert "no client named" in done.json()["state"]["last_error"]


def test_dismiss_through_the_api(client: TestClient, session: Session, actor: User) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    sync(body.id, alpr_agenda())
    [found] = suggestions(body.id)
    done = client.post(f"/api/v1/suggested-votes/{found.id}/dismiss")
    assert done.status_code == 200
    assert done.json()["status"] == "dismissed"
    assert client.get("/api/v1/suggested-votes", params={"status": "suggested"}).json()[
        "total"] == 0


def test_sync_of_a_body_without_an_agenda_source_is_refused(client: TestClient,
                                                           session: Session,
                                                           actor: User) -> None:
    body = f.make_body(session, actor, agenda_source="none")
    assert client.post(f"/api/v1/bodies/{body.id}/sync").status_code == 422
    assert client.post("/api/v1/bodies/999999/sync").status_code == 404


def test_the_token_is_written_but_never_read_back(client: TestClient, session: Session,
                                                  actor: User) -> None:
    body = f.make_body(session, actor, legistar_token="s3cret", legistar_body_name="Council",
                       **SAN_JOSE_COUNCIL)
    shown = client.get(f"/api/v1/bodies/{body.id}").json()
    assert "legistar_token" not in shown
    assert shown["legistar_body_name"] == "Council"
    with new_session() as fresh:
        assert agendas.feed_config(fresh, body.id).token == "s3cret"


def test_campaign_keywords_through_the_api(client: TestClient, session: Session,
                                           actor: User) -> None:
    campaign = f.make_campaign(session, actor)
    url = f"/api/v1/campaigns/{campaign.id}/agenda-keywords"
    assert client.get(url).json()["uses_defaults"] is True
    put = client.put(url, json={"keywords": ["Flock", "  Axon ", "axon"]})
    assert put.json() == {"campaign_id": campaign.id, "keywords": ["Axon", "Flock"],
                          "uses_defaults": False}
    assert client.put(url, json={"keywords": ["x"]}).status_code == 422
    back = client.put(url, json={"keywords": []}).json()
    assert back["uses_defaults"] is True
    assert "license plate" in back["keywords"]


# ---- command line -----------------------------------------------------------------------

def test_sync_agendas_from_the_command_line(session: Session, actor: User,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(*alpr_agenda())
        assert main(["sync", "agendas"]) == 0
    out = capsys.readouterr().out
    assert f"body {body.id}: 1 meetings, 7 items, 1 new suggestions" in out
    assert date(2017, 9, 12) == suggestions(body.id)[0].scheduled_at.date()


def test_sync_agendas_exits_non_zero_when_a_body_fails(session: Session, actor: User,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    body = f.make_body(session, actor, agenda_source="legistar", legistar_client="sanjose")
    # A name saved before names were checked on saving.
    body.legistar_client = "bad name"
    session.add(body)
    session.commit()
    assert main(["sync", "agendas"]) == 1
    assert f"body {body.id}: FAILED: 'bad name' is not a Legistar client name" in \
        capsys.readouterr().out
