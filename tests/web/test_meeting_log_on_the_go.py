"""The meeting form for a phone in a hallway: who was there is found by typing, among only what
the user may read; the campaign and organization default to the user's own; a form sent twice
logs one meeting; finding someone and adding a task work without a script; and the pieces that
make the form open offline (service worker, manifest) are served from the app itself."""

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.campaigns.models import CampaignLead
from api.meetings.models import Meeting
from api.tasks.models import Task
from tests import factories as f
from tests.web.html import HX, plain

KEY = "k" * 24


@pytest.fixture
def place(session: Session, actor: Any) -> dict[str, Any]:
    ours = f.make_organization(session, actor, name="Riverside Alliance")
    theirs = f.make_organization(session, actor, name="Hilltop Watch")
    city = f.make_jurisdiction(session, actor, name="Maple Falls")
    council = f.make_body(session, actor, name="Maple Falls Council", jurisdiction_id=city.id)
    elsewhere = f.make_body(session, actor, name="Far County Board")
    # Alphabetically first, and nothing to do with this partner.
    f.make_campaign(session, actor, name="Aardvark campaign")
    campaign = f.make_campaign(session, actor, name="Maple Falls campaign", jurisdiction_id=city.id)
    session.add(CampaignLead(campaign_id=campaign.id, organization_id=ours.id))
    values = {"campaign": campaign, "ours": ours, "theirs": theirs,
              "omar": f.make_target(session, actor, name="Omar Brandt", body_id=council.id),
              "far": f.make_target(session, actor, name="Omari Far", body_id=elsewhere.id),
              "secret": f.make_target(session, actor, name="Omar Hidden", body_id=council.id,
                                      owner_organization_id=theirs.id, visibility="private"),
              "own_secret": f.make_target(session, actor, name="Omar Ours", body_id=council.id,
                                          owner_organization_id=ours.id, visibility="private"),
              "rosa": f.make_person(session, actor, name="Rosa Partner",
                                    owner_organization_id=ours.id, visibility="private"),
              "hidden_person": f.make_person(session, actor, name="Rosa Hidden",
                                             owner_organization_id=theirs.id,
                                             visibility="private")}
    session.commit()
    return values


def _form(place: dict[str, Any], **more: Any) -> dict[str, Any]:
    omar = place["omar"]
    return {"held_at": "2026-03-02T09:30", "campaign_id": str(place["campaign"].id),
            "organization_id": str(place["ours"].id), "target_ids": [str(omar.id)],
            f"stance_{omar.id}": "leaning_yes", "summary": "Omar wants the audit.",
            "idempotency_key": KEY, **more}


def test_a_partner_is_offered_only_what_they_may_read(
        client_as: Any, place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    page = partner.get("/meetings/new")
    assert page.status_code == 200
    text = plain(page.text)
    # The campaign their organization leads, not the alphabetically first one.
    assert re.search(rf'<option value="{place["campaign"].id}" selected>', page.text)
    # Their own organization, and no other to choose.
    ours = plain(page.text.split("Our organization")[1].split('for="location"')[0])
    assert "Riverside Alliance" in ours and "Hilltop Watch" not in ours
    assert "Omar Brandt" in text and "Omar Ours" in text and "Rosa Partner" in text
    assert "Omar Hidden" not in text and "Rosa Hidden" not in text

    found = partner.get("/meetings/new/who", params={"who_q": "omar", "campaign_id":
                                                       place["campaign"].id}, headers=HX)
    assert found.status_code == 200
    names = plain(found.text)
    assert "Omar Brandt" in names and "Omari Far" in names and "Omar Ours" in names
    assert "Omar Hidden" not in names
    # The campaign's own targets come before the rest.
    assert names.index("Omar Brandt") < names.index("Omari Far")
    people = partner.get("/meetings/new/who", params={"who_q": "rosa", "format": "json"})
    listed = [row["name"] for row in people.json()["people"]]
    assert listed == ["Rosa Partner"]
    asked = partner.get("/meetings/new/who", params={
        "who_q": "omar", "format": "json", "target_ids": [place["secret"].id]})
    assert "Omar Hidden" not in json.dumps(asked.json())


def test_the_form_defaults_to_the_campaign_of_the_latest_meeting(
        client_as: Any, session: Session, actor: Any, place: dict[str, Any]) -> None:
    other = f.make_campaign(session, actor, name="Zebra campaign")
    f.make_meeting(session, actor, campaign_id=other.id, organization_id=place["ours"].id)
    session.commit()
    page = client_as("partner", place["ours"].id).get("/meetings/new")
    assert re.search(rf'<option value="{other.id}" selected>', page.text)
    # With nothing to go on and several campaigns, it asks rather than guesses.
    lone = client_as("partner", place["theirs"].id).get("/meetings/new")
    assert " selected>" not in lone.text.split('id="campaign_id"')[1].split("</select>")[0]


def test_sending_the_same_form_twice_logs_one_meeting(
        client_as: Any, session: Session, place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    first = partner.post("/meetings", data=_form(place), follow_redirects=False)
    assert first.status_code == 303, first.text
    # Sent again as it was (line breaks and spaces as a browser may change them).
    again = partner.post("/meetings", data=_form(place, summary="Omar wants\r\n the audit. "),
                         follow_redirects=False)
    assert again.headers["location"] == first.headers["location"]
    assert "already saved" in plain(partner.get(again.headers["location"]).text)
    # As the form's script asks: JSON, with the same meeting, said to be the one saved before.
    asked = partner.post("/meetings", data=_form(place),
                         headers={**HX, "Accept": "application/json"})
    assert asked.status_code == 200 and asked.json()["url"] == first.headers["location"]
    assert asked.json()["already"] is True

    # Other text under the same key is another meeting: never answered with the first one.
    typed = partner.post("/meetings", data=_form(place, summary="Typed over an old key"),
                         follow_redirects=False)
    assert typed.status_code == 409
    assert "A different meeting was already saved from this form" in plain(typed.text)
    assert "Typed over an old key" in typed.text and f'value="{KEY}"' not in typed.text
    scripted = partner.post("/meetings", data=_form(place, summary="Typed over an old key"),
                            headers={**HX, "Accept": "application/json"})
    assert scripted.status_code == 409 and scripted.json()["taken"] is True
    meetings = session.exec(select(Meeting)).all()
    assert len(meetings) == 1 and meetings[0].summary == "Omar wants the audit."
    assert meetings[0].idempotency_key == KEY
    session.commit()

    other = partner.post("/meetings", data=_form(place, idempotency_key="m" * 24),
                         follow_redirects=False)
    assert other.status_code == 303 and other.headers["location"] != first.headers["location"]
    session.expire_all()
    assert len(session.exec(select(Meeting)).all()) == 2


def test_a_damaged_key_is_refused_with_a_message(client_as: Any,
                                                 place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    answer = partner.post("/meetings", data=_form(place, idempotency_key="<script>"))
    assert answer.status_code == 422
    assert "damaged on the way" in plain(answer.text)


def test_finding_someone_and_adding_a_task_work_without_a_script(
        client_as: Any, session: Session, place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    typed = {**_form(place), "who_q": "omari", "step": "find", "task_title_0": "Send it",
             "task_due_0": "", "task_assignee_0": "me"}
    found = partner.post("/meetings", data=typed)
    assert found.status_code == 200
    assert f'id="met-{place["far"].id}"' in found.text
    assert f'value="{place["omar"].id}" checked' in found.text
    assert 'value="Send it"' in found.text and "Omar wants the audit." in found.text
    more = partner.post("/meetings", data={**typed, "step": "task"})
    assert 'name="task_title_1"' in more.text and 'value="Send it"' in more.text
    saved = partner.post("/meetings", data={
        **typed, "step": "save", "task_title_1": "Call back", "task_due_1": "",
        "task_assignee_1": "me"}, follow_redirects=False)
    assert saved.status_code == 303
    assert sorted(t.title for t in session.exec(select(Task)).all()) == ["Call back", "Send it"]


def test_the_offline_pieces_are_served_by_the_app(client: TestClient,
                                                   anon_client: TestClient) -> None:
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "/meetings/new" in worker.text and "http" not in worker.text.replace("https", "")
    manifest = anon_client.get("/static/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/meetings/new"
    assert "needs a connection" in anon_client.get("/static/offline.html").text
    state = client.get("/meetings/new/session").json()
    assert state["user_id"] and state["csrf_token"]
    # Signed out, the form's script is told so (htmx's way), not sent a sign-in page.
    assert anon_client.get("/meetings/new/session", headers=HX).status_code == 401


def test_the_sign_in_page_shows_no_navigation_or_search(anon_client: TestClient) -> None:
    page = anon_client.get("/login")
    assert page.status_code == 200
    assert 'aria-label="Main"' not in page.text and 'role="search"' not in page.text
    assert 'rel="manifest"' in page.text
