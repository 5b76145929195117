"""The agenda watcher on the pages, against replayed Legistar replies: suggested votes to confirm
or dismiss (with htmx and without), and the body page's agenda panel with "Sync now", its last
sync and its last error; leads decide, others only read."""

import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.auth.models import AuditEntry
from api.db import new_session
from api.sources.agendas import service as agendas
from api.sources.models import SuggestedVote, SuggestionStatus
from api.votes.models import Vote
from tests import factories as f
from tests.sources.replay import (
    LEGISTAR,
    SAN_JOSE_COUNCIL,
    LegistarReplay,
    item_like,
    sanjose_event,
)
from tests.web.html import HX, is_full_page, plain

FETCHED_ON = datetime(2017, 9, 1, 16, 0, tzinfo=UTC)
FLOCK_TITLE = "Agreement with Flock Safety for Automated License Plate Reader Cameras"
NO_CLIENT = ("LegistarConnectionString setting is not set up in InSite for client: "
             "nosuchcity")


@pytest.fixture(autouse=True)
def before_the_meeting(db: None) -> None:
    clock.freeze(FETCHED_ON)


def alpr_agenda() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The real San Jose event with one more consent item, shaped like its real neighbour."""
    event, items = sanjose_event()
    flock = item_like(items, 5, EventItemId=32041, EventItemAgendaSequence=27,
                      EventItemAgendaNumber="2.8", EventItemTitle=FLOCK_TITLE,
                      EventItemMatterId=2017, EventItemMatterFile="17-061",
                      EventItemActionText="Approve an agreement with Flock Group Inc.")
    return event, [*items, flock]


def synced_body(session: Session, actor: Any, **values: Any) -> Any:
    body = f.make_body(session, actor, name="San Jose City Council", **values, **SAN_JOSE_COUNCIL)
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(*alpr_agenda())
        assert agendas.sync_body(new_session, body.id).ok
    return body


def the_suggestion(body_id: int) -> SuggestedVote:
    with new_session() as fresh:
        return fresh.exec(select(SuggestedVote).where(SuggestedVote.body_id == body_id)).one()


def flash_text(html: str) -> str:
    return plain(html.split('id="flash"', 1)[1].split("</div>", 1)[0])


# ---- suggested votes -------------------------------------------------------------------

def test_the_list_shows_what_a_lead_needs_to_decide(client: TestClient, session: Session,
                                                   actor: Any) -> None:
    body = synced_body(session, actor)
    found = the_suggestion(body.id)
    page = client.get("/suggested-votes")
    assert page.status_code == 200 and is_full_page(page.text)
    card = page.text.split(f'id="suggestion-{found.id}"', 1)[1].split("</li>", 1)[0]
    text = plain(card)
    assert f"Item 2.8 {FLOCK_TITLE}" in text
    assert "San Jose City Council" in text
    # 1:30 PM in San Jose, where the council meets, not UTC.
    assert "Tue Sep 12, 2017 1:30 PM PDT (in 11 days)" in text
    assert "Matter file 17-061" in text
    assert "Consent calendar" in text
    assert "Matched: license plate, Flock" in text
    assert re.search(r'<a href="https?://[^"]+/1080_A_City_Council_17-09-12_Amended_Agenda\.pdf"',
                     card)
    assert "Confirm item 2.8 as a vote" in text and "Dismiss item 2.8" in text
    assert "Waiting (1)" in plain(page.text) and "Confirmed (0)" in plain(page.text)
    assert 'href="/suggested-votes"' in client.get("/").text
    part = client.get("/suggested-votes", headers=HX)
    assert not is_full_page(part.text) and FLOCK_TITLE in part.text
    by_body = client.get(f"/suggested-votes?body_id={body.id}")
    assert "Suggested votes: San Jose City Council" in plain(by_body.text)
    assert client.get("/suggested-votes?status=maybe").status_code == 422


def test_confirming_without_scripts_makes_the_vote(client: TestClient, session: Session,
                                                   actor: Any) -> None:
    found = the_suggestion(synced_body(session, actor).id)
    done = client.post(f"/suggested-votes/{found.id}/confirm?back=/suggested-votes",
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/suggested-votes"
    with new_session() as fresh:
        vote = fresh.exec(select(Vote)).one()
    assert (vote.title, vote.agenda_item_number, vote.consent_calendar) == (FLOCK_TITLE, "2.8",
                                                                            True)
    page = client.get("/suggested-votes")
    assert f"Vote added: {FLOCK_TITLE}." in flash_text(page.text)
    assert f'<a href="/votes/{vote.id}">Open the vote</a>' in page.text
    assert "Waiting (0)" in plain(page.text) and "Confirmed (1)" in plain(page.text)
    confirmed = plain(client.get("/suggested-votes?status=confirmed").text)
    assert f"Confirmed on Sep 1, 2017 · its vote: {FLOCK_TITLE}" in confirmed


def test_confirming_and_dismissing_with_htmx(client: TestClient, session: Session,
                                             actor: Any) -> None:
    body = synced_body(session, actor)
    found = the_suggestion(body.id)
    done = client.post(f"/suggested-votes/{found.id}/confirm", headers=HX)
    assert done.status_code == 200 and not is_full_page(done.text)
    assert done.text.lstrip().startswith(f'<li class="card suggestion confirmed" '
                                         f'id="suggestion-{found.id}"')
    with new_session() as fresh:
        vote_id = fresh.exec(select(Vote.id)).one()
    assert f'<a href="/votes/{vote_id}">{FLOCK_TITLE}</a>' in done.text
    assert 'hx-swap-oob="true"' in done.text
    assert f'<a href="/votes/{vote_id}">Open the vote</a>' in done.text
    # Dismissing what is already a vote is refused, and the card says why.
    again = client.post(f"/suggested-votes/{found.id}/dismiss", headers=HX)
    assert again.status_code == 409
    assert "A confirmed suggestion already has its vote" in plain(again.text)


def test_dismissing_sets_it_aside(client: TestClient, session: Session, actor: Any) -> None:
    found = the_suggestion(synced_body(session, actor).id)
    part = client.post(f"/suggested-votes/{found.id}/dismiss", headers=HX)
    assert part.status_code == 200
    assert "Dismissed" in plain(part.text) and "Later syncs keep it dismissed." in part.text
    assert the_suggestion(found.body_id).status == SuggestionStatus.dismissed
    listed = plain(client.get("/suggested-votes").text)
    assert "Nothing waiting." in listed and "Dismissed (1)" in listed
    assert FLOCK_TITLE in plain(client.get("/suggested-votes?status=dismissed").text)
    done = client.post(f"/suggested-votes/{found.id}/dismiss", follow_redirects=False)
    assert done.status_code == 303


@pytest.mark.parametrize("role", ["partner", "viewer"])
def test_only_leads_decide(client_as: Any, session: Session, actor: Any, role: str) -> None:
    found = the_suggestion(synced_body(session, actor).id)
    other = client_as(role)
    page = other.get("/suggested-votes")
    assert FLOCK_TITLE in page.text
    assert "/confirm" not in page.text and "/dismiss" not in page.text
    assert "Only a campaign lead or an administrator can confirm or dismiss" in \
        plain(page.text)
    for action in ("confirm", "dismiss"):
        refused = other.post(f"/suggested-votes/{found.id}/{action}")
        assert refused.status_code == 403
        assert "Only a campaign lead or an administrator can do this." in plain(refused.text)
        assert other.post(f"/api/v1/suggested-votes/{found.id}/{action}").status_code == 403
    assert the_suggestion(found.body_id).status == SuggestionStatus.suggested


def test_a_lead_decides(client_as: Any, session: Session, actor: Any) -> None:
    found = the_suggestion(synced_body(session, actor).id)
    lead = client_as("lead")
    assert lead.post(f"/suggested-votes/{found.id}/confirm",
                     follow_redirects=False).status_code == 303
    assert the_suggestion(found.body_id).status == SuggestionStatus.confirmed


# ---- the body page ---------------------------------------------------------------------

def agenda_panel(html: str) -> str:
    return html.split('id="agenda-source"', 1)[1].split("</section>", 1)[0]


def test_the_body_page_shows_its_agenda_watcher(client: TestClient, session: Session,
                                                actor: Any) -> None:
    body = f.make_body(session, actor, name="San Jose City Council", **SAN_JOSE_COUNCIL)
    panel = plain(agenda_panel(client.get(f"/bodies/{body.id}").text))
    assert "Source Legistar, client sanjose" in panel
    assert "Last synced Never" in panel
    assert "0 suggested votes" in panel
    assert "Sync now" in panel
    quiet = f.make_body(session, actor, agenda_source="none")
    quiet_panel = plain(agenda_panel(client.get(f"/bodies/{quiet.id}").text))
    assert "No agenda source." in quiet_panel and "Sync now" not in quiet_panel


def test_sync_now_without_scripts(client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(*alpr_agenda())
        done = client.post(f"/bodies/{body.id}/agenda-sync", follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/bodies/{body.id}#agenda-source"
    page = client.get(f"/bodies/{body.id}").text
    assert ("Agenda synced: found 1 meeting with 7 agenda items; 1 new suggestion, 0 "
            "updated.") in flash_text(page)
    assert f'href="/suggested-votes?body_id={body.id}">Review the suggestions</a>' in page
    panel = agenda_panel(page)
    assert "Last synced Fri Sep 1, 2017 9:00 AM PDT : 1 meeting, 7 items" in plain(panel)
    assert f'<a href="/suggested-votes?body_id={body.id}">1 suggested vote</a>' in panel


def test_sync_now_with_htmx_swaps_the_panel(client: TestClient, session: Session,
                                            actor: Any) -> None:
    clock.freeze(datetime(2017, 9, 1, 14, 0, tzinfo=UTC))
    body = synced_body(session, actor)
    clock.freeze(FETCHED_ON)
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(*alpr_agenda())
        part = client.post(f"/bodies/{body.id}/agenda-sync", headers=HX)
    assert part.status_code == 200 and not is_full_page(part.text)
    assert part.text.lstrip().startswith('<section class="panel agenda-panel" '
                                         'id="agenda-source"')
    assert "Last synced Fri Sep 1, 2017 9:00 AM PDT" in plain(part.text)
    assert "0 new suggestions, 0 updated." in plain(part.text.split('hx-swap-oob="true"')[1])


def test_a_failed_sync_shows_its_error_and_when(client: TestClient, session: Session,
                                                actor: Any) -> None:
    body = f.make_body(session, actor, agenda_source="legistar", legistar_client="nosuchcity")
    with respx.mock(assert_all_mocked=True) as mock:
        mock.get(f"{LEGISTAR}/v1/nosuchcity/events").mock(
            return_value=httpx.Response(500, json={"Message": NO_CLIENT}))
        part = client.post(f"/bodies/{body.id}/agenda-sync", headers=HX)
    assert part.status_code == 200
    oob = plain(part.text.split('hx-swap-oob="true"')[1])
    assert "Problem: The agenda sync failed:" in oob and "no client named 'nosuchcity'" in oob
    page = client.get(f"/bodies/{body.id}").text
    error = plain(page.split('class="sync-error"', 1)[1].split("</div>", 1)[0])
    assert "Last sync failed at Fri Sep 1, 2017 9:00 AM PDT" in error
    assert "no client named 'nosuchcity'" in error
    assert 'class="sync-error" role="alert"' in page


@pytest.mark.parametrize("role", ["partner", "viewer"])
def test_only_leads_sync(client_as: Any, session: Session, actor: Any, role: str) -> None:
    body = f.make_body(session, actor, **SAN_JOSE_COUNCIL)
    other = client_as(role)
    panel = agenda_panel(other.get(f"/bodies/{body.id}").text)
    assert "Last synced" in plain(panel) and "Sync now" not in panel
    with respx.mock(assert_all_mocked=True):
        assert other.post(f"/bodies/{body.id}/agenda-sync").status_code == 403
        assert other.post(f"/api/v1/bodies/{body.id}/sync").status_code == 403
    with new_session() as fresh:
        assert agendas.sync_state(fresh, body.id).last_attempt_at is None


def test_a_withdrawn_item_and_an_unknown_time_are_said_on_its_card(
        client: TestClient, session: Session, actor: Any) -> None:
    body = synced_body(session, actor)
    found = the_suggestion(body.id)
    event, items = alpr_agenda()
    event["EventTime"] = None
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(event, [i for i in items if i["EventItemId"] != 32041])
        assert agendas.sync_body(new_session, body.id).ok
    card = client.get("/suggested-votes").text.split(f'id="suggestion-{found.id}"', 1)[1]
    assert "Taken off the agenda" in plain(card.split("</li>", 1)[0])
    with respx.mock(assert_all_mocked=True) as mock:
        LegistarReplay(mock).add(event, items)
        assert agendas.sync_body(new_session, body.id).ok
    card = client.get("/suggested-votes").text.split(f'id="suggestion-{found.id}"', 1)[1]
    text = plain(card.split("</li>", 1)[0])
    assert "Sep 12, 2017, time not announced" in text
    assert "Taken off the agenda" not in text


# ---- a campaign's agenda keywords ------------------------------------------------------

def _keywords(campaign_id: int) -> tuple[list[str], bool]:
    with new_session() as fresh:
        return agendas.keywords(fresh, campaign_id)


def test_a_lead_sets_the_campaigns_agenda_keywords_on_its_page(
        client: TestClient, session: Session, actor: Any) -> None:
    campaign = f.make_campaign(session, actor, name="No Cameras")
    session.commit()
    page = client.get(f"/campaigns/{campaign.id}")
    assert f'hx-get="/campaigns/{campaign.id}/agenda-keywords"' in page.text
    panel = client.get(f"/campaigns/{campaign.id}/agenda-keywords", headers=HX)
    assert not is_full_page(panel.text)
    assert "it looks for the defaults" in plain(panel.text) and "Flock" in panel.text

    saved = client.post(f"/campaigns/{campaign.id}/agenda-keywords", headers=HX,
                        data={"keywords": "Motorola Vigilant\n  \nplate reader\nmotorola vigilant"})
    assert saved.status_code == 200
    assert "Looks for: Motorola Vigilant plate reader" in plain(saved.text)
    assert "Agenda keywords saved." in saved.text
    assert _keywords(campaign.id) == (["Motorola Vigilant", "plate reader"],
                                                      False)

    bad = client.post(f"/campaigns/{campaign.id}/agenda-keywords", headers=HX,
                      data={"keywords": "license plate\nx"})
    assert bad.status_code == 422
    assert "“x” is too short: a keyword has at least 2 characters." in plain(bad.text)
    # What was typed stays, and nothing was lost.
    assert "license plate\nx</textarea>" in bad.text
    assert _keywords(campaign.id)[0] == ["Motorola Vigilant", "plate reader"]

    # Without scripts: the whole page, and back to the campaign after saving.
    whole = client.get(f"/campaigns/{campaign.id}/agenda-keywords")
    assert is_full_page(whole.text)
    back = client.post(f"/campaigns/{campaign.id}/agenda-keywords", data={"keywords": ""},
                       follow_redirects=False)
    assert back.status_code == 303
    assert back.headers["location"] == f"/campaigns/{campaign.id}#agenda-keywords"
    assert _keywords(campaign.id)[1] is True


@pytest.mark.parametrize("role", ["partner", "viewer"])
def test_only_leads_change_the_keywords(client_as: Any, session: Session, actor: Any,
                                        role: str) -> None:
    campaign = f.make_campaign(session, actor, name="No Cameras")
    session.commit()
    other = client_as(role)
    panel = other.get(f"/campaigns/{campaign.id}/agenda-keywords", headers=HX)
    assert panel.status_code == 200 and "<textarea" not in panel.text
    refused = other.post(f"/campaigns/{campaign.id}/agenda-keywords", headers=HX,
                         data={"keywords": "anything"})
    assert refused.status_code in (403, 422)
    assert _keywords(campaign.id)[1] is True


def test_a_new_suggestion_tells_the_campaigns_followers_too(
        client_as: Any, session: Session, actor: Any) -> None:
    from api.alerts import service as alerts
    from api.alerts.models import Notification

    place = f.make_jurisdiction(session, actor, name="San Jose", state_code="CA",
                                timezone="America/Los_Angeles")
    campaign = f.make_campaign(session, actor, name="No Flock in San Jose",
                               jurisdiction_id=place.id)
    follower = f.make_user("partner", session=session, email="follower@example.org",
                           organization_id=f.make_organization(session, actor).id)
    bystander = f.make_user("partner", session=session, email="bystander@example.org")
    alerts.follow(session, follower, subject_kind="campaign", subject_id=campaign.id)
    session.commit()
    synced_body(session, actor, jurisdiction_id=place.id)
    with new_session() as fresh:
        def told(user: Any) -> list[str]:
            return [n.title for n in fresh.exec(select(Notification).where(
                Notification.user_id == user.id))]
        assert told(follower) == [
            f"Agenda: “{FLOCK_TITLE}” on Tuesday, September 12, 2017 at 1:30 PM"]
        assert told(bystander) == []


def test_the_legistar_name_and_token_are_set_on_the_bodys_page_and_the_token_never_shown(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, name="San Jose City Council", **SAN_JOSE_COUNCIL)
    session.commit()
    form = client.get(f"/bodies/{body.id}/sections/agenda-source/edit").text
    assert 'name="legistar_body_name"' in form
    assert '<input type="password"' in form and 'name="legistar_token"' in form
    fields = {"agenda_source": "legistar", "legistar_client": "sanjose",
              "legistar_body_name": "City Council"}
    saved = client.post(f"/bodies/{body.id}/sections/agenda-source",
                        data={**fields, "legistar_token": "s3cret-token"})
    assert saved.status_code in (200, 303), saved.text
    with new_session() as fresh:
        config = agendas.feed_config(fresh, body.id)
    assert (config.body_name, config.token) == ("City Council", "s3cret-token")
    # Never sent back into a page; saving the section again without it keeps it.
    again = client.get(f"/bodies/{body.id}/sections/agenda-source/edit").text
    assert "s3cret-token" not in again and "s3cret-token" not in client.get(
        f"/bodies/{body.id}").text
    client.post(f"/bodies/{body.id}/sections/agenda-source",
                data={**fields, "legistar_body_name": "Rules Committee", "legistar_token": ""})
    with new_session() as fresh:
        config = agendas.feed_config(fresh, body.id)
    assert (config.body_name, config.token) == ("Rules Committee", "s3cret-token")
    # Nor in the audit log, which records the change without the value.
    log = client.get("/audit").text
    assert "legistar" in log.lower()
    assert "s3cret-token" not in log


@pytest.mark.parametrize("role", ["partner", "viewer"])
def test_only_leads_set_where_a_bodys_agendas_are_read_from(
        client_as: Any, session: Session, actor: Any, role: str) -> None:
    body = f.make_body(session, actor, name="San Jose City Council", **SAN_JOSE_COUNCIL)
    session.commit()
    other = client_as(role, f.make_organization(session, actor).id)
    refused = other.post(f"/bodies/{body.id}/sections/agenda-source", data={
        "agenda_source": "legistar", "legistar_client": "elsewhere",
        "legistar_body_name": "", "legistar_token": "theirs"})
    # Not a mistake in the form to correct: something this role may not do.
    assert refused.status_code == 403
    assert "Only a campaign lead or an administrator" in refused.text
    api = other.patch(f"/api/v1/bodies/{body.id}", json={"legistar_client": "elsewhere"})
    assert api.status_code == 403
    with new_session() as fresh:
        config = agendas.feed_config(fresh, body.id)
    assert (config.client, config.token) == ("sanjose", "")


@pytest.mark.parametrize("client_name", ["evil.com/x?", "127.0.0.1:9999/x", "a b", "http://x"])
def test_a_legistar_client_name_is_checked_when_saved(
        client: TestClient, session: Session, actor: Any, client_name: str) -> None:
    body = f.make_body(session, actor, name="San Jose City Council", **SAN_JOSE_COUNCIL)
    session.commit()
    page = client.post(f"/bodies/{body.id}/sections/agenda-source", data={
        "agenda_source": "legistar", "legistar_client": client_name})
    assert page.status_code == 422
    assert "A Legistar client name is letters, digits and dashes" in plain(page.text)
    api = client.patch(f"/api/v1/bodies/{body.id}", json={"legistar_client": client_name})
    assert api.status_code == 422


def test_a_match_of_a_campaigns_own_keyword_tells_its_leading_organization_and_followers(
        session: Session, actor: Any) -> None:
    from api.alerts import service as alerts
    from api.alerts.models import Notification

    place = f.make_jurisdiction(session, actor, name="San Jose", state_code="CA",
                                timezone="America/Los_Angeles")
    leading = f.make_organization(session, actor, name="San Jose Privacy Watch")
    campaign = f.make_campaign(session, actor, name="No Flock in San Jose",
                               jurisdiction_id=place.id, lead_organization_ids=[leading.id])
    member = f.make_user("partner", session=session, email="member@example.org",
                         organization_id=leading.id)
    follower = f.make_user("viewer", session=session, email="follower@example.org",
                           organization_id=f.make_organization(session, actor).id)
    bystander = f.make_user("partner", session=session, email="bystander@example.org",
                            organization_id=f.make_organization(session, actor).id)
    lead = f.make_user("lead", session=session, email="lead@example.org")
    alerts.follow(session, follower, subject_kind="campaign", subject_id=campaign.id)
    # The campaign's own keyword, not one of the defaults.
    agendas.set_keywords(session, actor, campaign_id=campaign.id, phrases=["Flock Safety"])
    session.commit()
    synced_body(session, actor, jurisdiction_id=place.id)
    with new_session() as fresh:
        def told(user: Any) -> list[str]:
            return [n.title for n in fresh.exec(select(Notification).where(
                Notification.user_id == user.id))]
        said = f"Agenda: “{FLOCK_TITLE}” on Tuesday, September 12, 2017 at 1:30 PM"
        assert told(member) == told(follower) == told(lead) == [said]
        assert told(bystander) == []


def test_the_legistar_token_is_removed_only_when_asked_and_the_log_tells_a_first_one(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, name="San Jose City Council", **SAN_JOSE_COUNCIL)
    session.commit()
    edit = f"/bodies/{body.id}/sections/agenda-source/edit"
    assert 'name="legistar_token_remove"' not in client.get(edit).text  # nothing to remove
    fields = {"agenda_source": "legistar", "legistar_client": "sanjose",
              "legistar_body_name": "City Council"}
    client.post(f"/bodies/{body.id}/sections/agenda-source",
                data={**fields, "legistar_token": "first-token"})
    form = client.get(edit).text
    assert 'name="legistar_token_remove"' in form and "Remove the legistar token kept" in form
    assert "first-token" not in form
    client.post(f"/bodies/{body.id}/sections/agenda-source",
                data={**fields, "legistar_token": "", "legistar_token_remove": "on"})
    with new_session() as fresh:
        assert agendas.feed_config(fresh, body.id).token == ""
    assert 'name="legistar_token_remove"' not in client.get(edit).text
    tokens = [entry.changes["legistar_token"] for entry in audit_entries(body.id)
              if "legistar_token" in entry.changes]
    assert tokens == [["(none)", "[secret]"], ["[secret]", "(none)"]]
    log = " ".join(client.get("/audit").text.split())
    assert "(none) → [secret]" in log and "[secret] → (none)" in log


def audit_entries(body_id: int) -> list[Any]:
    with new_session() as fresh:
        return list(fresh.exec(select(AuditEntry).where(
            AuditEntry.record_kind == "body", AuditEntry.record_id == body_id,
            AuditEntry.action == "update").order_by(AuditEntry.id)).all())
