"""A place's time zone reads by the name people use and its city, in the reader's language, on
its page, in its form (a choice among the country's zones) and in the audit log; the map tags a
camera count is made from are a note, not part of the sentence."""

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.web.html import plain


def test_the_place_page_names_its_zone_in_the_readers_words(
        client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, name="Riverton")
    english = plain(client_as(Role.lead).get(f"/jurisdictions/{place.id}").text)
    assert "Pacific Time (Los Angeles)" in english and "America/Los_Angeles" not in english
    spanish = plain(client_as(Role.lead, language="es").get(f"/jurisdictions/{place.id}").text)
    assert "Hora del Pacífico (Los Ángeles)" in spanish
    assert "America/Los_Angeles" not in spanish
    listed = plain(client_as(Role.lead, language="es").get("/jurisdictions").text)
    assert "Riverton" in listed and "Hora del Pacífico (Los Ángeles)" in listed
    assert "America/Los_Angeles" not in listed


def test_the_form_offers_the_zones_by_name_and_keeps_another(
        client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    lead = client_as(Role.lead, language="es")
    form = lead.get("/jurisdictions/new").text
    assert '<option value="America/Chicago"' in form
    assert "Hora central (Chicago)</option>" in form
    assert "IANA" not in plain(form)
    elsewhere = f.make_jurisdiction(session, actor, name="Indy", state_code="IN",
                                    timezone="America/Indiana/Indianapolis")
    page = lead.get(f"/jurisdictions/{elsewhere.id}").text
    assert "Indianapolis" in plain(page)
    link = page.split(f'href="/jurisdictions/{elsewhere.id}/sections/', 1)[1].split('"', 1)[0]
    edit = lead.get(f"/jurisdictions/{elsewhere.id}/sections/{link}").text
    chosen = edit.split('name="timezone"', 1)[1].split("</select>", 1)[0]
    assert '<option value="America/Indiana/Indianapolis" selected>Indianapolis</option>' in chosen


def test_the_audit_log_names_a_changed_zone(client: TestClient, session: Session,
                                            actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, name="Lakeside")
    changed = client.patch(f"/api/v1/jurisdictions/{place.id}",
                           json={"timezone": "America/Chicago"})
    assert changed.status_code == 200, changed.text
    log = plain(client.get("/audit").text)
    assert "Pacific Time (Los Angeles) → Central Time (Chicago)" in log


def test_the_camera_count_keeps_the_map_tags_in_a_note(
        client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, name="Riverton")
    html = client_as(Role.lead, language="es").get(f"/jurisdictions/{place.id}").text
    said = plain(html)
    assert "Cámaras que la gente ha mapeado; el número real suele ser mayor." in said
    assert "(man_made=surveillance" not in said
    note = html.split('<details class="muted small camera-tags">', 1)[1].split("</details>", 1)[0]
    assert "Cómo se encuentran las cámaras" in note
    assert '<code translate="no">man_made=surveillance</code>' in note
