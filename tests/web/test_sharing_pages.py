"""Who can see a record, chosen on the pages: the meeting log's sharing choice and its notes for
the organization only, the choice on every form, record page and list of a kind with a
visibility, and each organization's default for its new records."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import plain

NOTE = "Her-aide-is-undocumented-keep-quiet"


@pytest.fixture
def coalition(session: Session, actor: Any, client_as: Any, frozen_now: datetime) -> Any:
    place = f.make_jurisdiction(session, actor, name="Lakeside", timezone="America/Chicago")
    body = f.make_body(session, actor, name="Lakeside Council", jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, name="Lakeside campaign", jurisdiction_id=place.id)
    ours = f.make_organization(session, actor, name="Lakeside Rights")
    theirs = f.make_organization(session, actor, name="Lakeside Faith")
    ana = f.make_target(session, actor, name="Ana Lake", body_id=body.id, visibility="coalition")
    session.commit()

    class World:
        pass

    world = World()
    world.campaign, world.ana, world.ours, world.theirs = campaign, ana, ours, theirs  # type: ignore[attr-defined]
    world.partner = client_as("partner", organization_id=ours.id)  # type: ignore[attr-defined]
    world.other = client_as("partner", organization_id=theirs.id)  # type: ignore[attr-defined]
    world.lead = client_as("lead")  # type: ignore[attr-defined]
    return world


def _log(world: Any, visibility: str) -> int:
    form = {"held_at": "2026-03-02T09:30", "campaign_id": str(world.campaign.id),
            "organization_id": str(world.ours.id), "target_ids": [str(world.ana.id)],
            f"stance_{world.ana.id}": "leaning_yes", "summary": "She read our memo.",
            "visibility": visibility, "private_notes": NOTE,
            "task_title_0": "Send the audit", "task_due_0": "2026-03-05",
            "task_assignee_0": "me"}
    saved = world.partner.post("/meetings", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    return int(saved.headers["location"].rsplit("/", 1)[1])


def test_the_meeting_log_asks_who_can_see_it_and_keeps_a_private_part(coalition: Any) -> None:
    form = coalition.partner.get("/meetings/new").text
    text = plain(form)
    assert "Who can see this meeting" in text and "Notes for our organization only" in text
    for words in ("Our organization only", "Our organization and the coalition's leads",
                  "The whole coalition"):
        assert words in text
    # With no default of its own, a meeting starts private, as it always did.
    assert 'value="private" checked' in form


def test_a_meeting_shared_from_the_log_reaches_the_lead_without_its_private_notes(
        coalition: Any) -> None:
    meeting_id = _log(coalition, "coalition")
    mine = coalition.partner.get(f"/meetings/{meeting_id}").text
    assert NOTE in mine and "The whole coalition" in plain(mine)
    lead_page = coalition.lead.get(f"/meetings/{meeting_id}")
    assert lead_page.status_code == 200 and "She read our memo." in lead_page.text
    assert NOTE not in lead_page.text and "Notes for our organization only" not in lead_page.text
    assert "She read our memo." in coalition.lead.get("/meetings").text
    for who in (coalition.lead, coalition.other):
        api = who.get(f"/api/v1/meetings/{meeting_id}").json()
        assert api["private_notes"] == "" and NOTE not in str(api)
        history = who.get(f"/api/v1/targets/{coalition.ana.id}/stance-history").json()
        assert [c["meeting_id"] for c in history] == [meeting_id]
        tasks = plain(who.get("/tasks").text)
        assert "Send the audit" in tasks
    assert coalition.partner.get(
        f"/api/v1/meetings/{meeting_id}").json()["private_notes"] == NOTE
    board = plain(coalition.lead.get(f"/campaigns/{coalition.campaign.id}").text)
    assert "Last met" in board and "Mar 2, 2026" in board


def test_only_the_organization_writes_its_notes(coalition: Any) -> None:
    meeting_id = _log(coalition, "coalition")
    refused = coalition.lead.post(f"/meetings/{meeting_id}/private-notes",
                                  data={"private_notes": "planted"})
    assert refused.status_code == 404
    patched = coalition.lead.patch(f"/api/v1/meetings/{meeting_id}",
                                   json={"private_notes": "planted"})
    assert patched.status_code in (403, 404)
    saved = coalition.partner.post(f"/meetings/{meeting_id}/private-notes",
                                   data={"private_notes": "Second thoughts"},
                                   follow_redirects=False)
    assert saved.status_code == 303
    assert "Second thoughts" in coalition.partner.get(f"/meetings/{meeting_id}").text
    assert "planted" not in coalition.partner.get(f"/meetings/{meeting_id}").text


def test_every_kind_with_a_visibility_shows_and_sets_it(coalition: Any, session: Session,
                                                        actor: Any) -> None:
    person = f.make_person(session, actor, name="Pat Organizer",
                           owner_organization_id=coalition.ours.id, visibility="leads")
    session.commit()
    for url in ("/people/new", "/tasks/new", "/actions/new", "/targets/new"):
        form = coalition.partner.get(url)
        assert form.status_code == 200, url
        assert "Who can see this" in form.text and "The whole coalition" in form.text, url
    page = plain(coalition.partner.get(f"/people/{person.id}").text)
    assert "Who can see this Our organization and the coalition's leads" in page
    listed = plain(coalition.partner.get("/people").text)
    assert "Shared with" in listed and "Our organization and the coalition's leads" in listed
    changed = coalition.partner.post(f"/people/{person.id}/sections/who-can-see-this",
                                     data={"visibility": "coalition"}, follow_redirects=False)
    assert changed.status_code in (200, 303), changed.text
    assert coalition.other.get(f"/api/v1/people/{person.id}").status_code == 200


def test_an_organization_chooses_what_its_new_records_start_shared_with(
        coalition: Any, client: TestClient) -> None:
    chose = client.patch(f"/api/v1/organizations/{coalition.ours.id}",
                         json={"default_visibility": "coalition"})
    assert chose.status_code == 200, chose.text
    assert 'value="coalition" checked' in coalition.partner.get("/meetings/new").text
    made = coalition.partner.post("/api/v1/people", json={"name": "Sam Volunteer"})
    assert made.status_code == 201 and made.json()["visibility"] == "coalition"
    kept = coalition.partner.post("/api/v1/people", json={"name": "Kim Private",
                                                          "visibility": "private"})
    assert kept.json()["visibility"] == "private"
    # Another organization keeps the coalition's default (each kind's own).
    theirs = coalition.other.post("/api/v1/people", json={"name": "Lee Theirs"})
    assert theirs.json()["visibility"] == "private"


def test_a_list_names_the_organization_that_owns_a_row_as_its_record_page_does(
        coalition: Any, session: Session, actor: Any, client_as: Any) -> None:
    person = f.make_person(session, actor, name="Pat Organizer",
                           owner_organization_id=coalition.ours.id, visibility="leads")
    session.commit()
    for language, who, said, ours in (
            ("en", "Who can see this", "Lakeside Rights and the coalition's leads",
             "Our organization and the coalition's leads"),
            ("es", "Quién puede ver esto", "Lakeside Rights y las personas líderes de la coalición",
             "Nuestra organización y las personas líderes de la coalición")):
        # A lead of another organization reads another's record: named, not "ours".
        lead = client_as("lead", organization_id=coalition.theirs.id, language=language)
        page = plain(lead.get(f"/people/{person.id}").text)
        listed = plain(lead.get("/people").text)
        # (The page's upload form offers the reader's own organization's choices: a document
        # they attach is theirs.)
        assert f"{who} {said}" in page and said in listed, language
        assert f"{who} {ours}" not in page and ours not in listed, language
        exported = lead.get("/people.csv").text
        assert said in exported and ours not in exported, language
        # Its own members read it as theirs, on the list as on the page.
        member = client_as("partner", organization_id=coalition.ours.id, language=language)
        assert ours in plain(member.get("/people").text), language
        assert f"{who} {ours}" in plain(member.get(f"/people/{person.id}").text), language
