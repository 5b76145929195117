"""A published page's comment kit with the deadline its body's rules give and the officials'
office contacts, its supporters' calendar and its JSON: only the public records the leads
chose, the public 404 when unpublished, cacheable as the page is."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from api.auth.models import Role
from api.bodies import service as bodies
from api.bodies.models import BodyUpdate
from api.public_pages.models import ShownKind
from tests.factories import public_pages
from tests.factories.public_pages import Ground, with_comment_rules
from tests.web.html import plain

SLUG = "riverbend-no-cameras"


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime) -> Ground:
    return with_comment_rules(session, actor)


def _publish(lead: TestClient, ground: Ground, *, publish: bool = True) -> None:
    public_pages.publish(lead, ground, SLUG, publish=publish)


def _never(ground: Ground) -> list[str]:
    return [m for hidden in ground.hidden.values() for _, m in hidden] + \
        ground.coalition_only + ground.hidden_offices


def test_the_kit_says_the_deadline_from_the_bodys_rules_and_whom_to_reach(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    _publish(client_as(Role.lead), ground)
    vote_id = ground.public[ShownKind.vote][0]
    kit = anon_client.get(f"/p/{SLUG}/votes/{vote_id}", headers={"Accept-Language": "en"})
    assert kit.status_code == 200
    text = plain(kit.text)
    # The vote is at 6 PM on Thursday March 12 in Riverbend (Chicago, daylight time by then).
    assert "Written comments by 12:00 PM on Wednesday, March 11" in text
    assert "Sign-up to speak closes at 6:15 PM on Thursday, March 12." in text
    assert "Fill in a speaker card at the door." in text and "Bring a friend." in text
    assert 'href="mailto:clerk@riverbend.example"' in kit.text
    # The public decision-maker's office, and no one else's.
    assert ground.public_office in text and 'href="mailto:member.public@riverbend.example"' \
        in kit.text and 'href="tel:(312)555-0140"' in kit.text
    for mark in _never(ground):
        assert mark not in kit.text
    assert "member.coalition@" not in kit.text and "member.private@" not in kit.text
    spanish = plain(anon_client.get(f"/p/{SLUG}/votes/{vote_id}?lang=es").text)
    assert "Comentarios por escrito hasta las 12:00 p.m. del miércoles, 11 de marzo" in spanish
    # The page says the deadline too, and links the calendar both ways.
    page = anon_client.get(f"/p/{SLUG}?lang=en")
    assert "Written comments by 12:00 PM on Wednesday, March 11" in plain(page.text)
    assert 'href="webcal://' in page.text and f'/p/{SLUG}.ics?lang=en">' in page.text
    assert f'href="/p/{SLUG}.ics?lang=en" download' in page.text
    assert ground.public_office in plain(page.text)


def test_without_rules_the_kit_says_to_check_the_agenda(
        client_as: Any, anon_client: TestClient, ground: Ground, session: Session,
        actor: Any) -> None:
    bodies.crud.update(session, actor, ground.body.id, BodyUpdate(
        comment_deadline="not_set", comment_send_to="", speaker_signup="",
        speaker_signup_closes=None))
    session.commit()
    _publish(client_as(Role.lead), ground)
    text = plain(anon_client.get(f"/p/{SLUG}/votes/{ground.public[ShownKind.vote][0]}").text)
    assert "Written comments by" not in text and "Sign-up to speak closes" not in text
    # The leads' own words stand in for the rules.
    assert "Bring a friend." in text


def test_the_calendar_has_the_pages_public_votes_only(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead = client_as(Role.lead)
    _publish(lead, ground, publish=False)
    unknown = anon_client.get("/p/no-such-page.ics")
    unpublished = anon_client.get(f"/p/{SLUG}.ics")
    assert unpublished.status_code == unknown.status_code == 404
    assert unpublished.text == unknown.text == anon_client.get("/p/no-such-page").text
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    feed = anon_client.get(f"/p/{SLUG}.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.headers["cache-control"] == "public, max-age=60" and feed.headers["etag"]
    assert "set-cookie" not in feed.headers
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    vote_id, mark = ground.public[ShownKind.vote]
    assert len(events) == 1 and mark in str(events[0]["summary"])
    assert str(events[0]["url"]).endswith(f"/p/{SLUG}/votes/{vote_id}")
    assert str(events[0]["location"]) == "City Hall"
    for never in _never(ground):
        assert never not in feed.text
    # The same feed is the same bytes: kept by a cache, answered 304 when unchanged.
    again = anon_client.get(f"/p/{SLUG}.ics", headers={"If-None-Match": feed.headers["etag"]})
    assert again.status_code == 304
    assert "Votación" in anon_client.get(f"/p/{SLUG}.ics?lang=es").text


def test_the_json_is_what_the_page_shows(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead = client_as(Role.lead)
    _publish(lead, ground, publish=False)
    unpublished = anon_client.get(f"/p/{SLUG}.json")
    assert unpublished.status_code == 404
    assert unpublished.text == anon_client.get("/p/no-such-page").text
    lead.post(f"/campaigns/{ground.campaign.id}/public/publish")
    answer = anon_client.get(f"/p/{SLUG}.json?lang=en")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "public, max-age=60"
    shown = answer.json()
    page = plain(anon_client.get(f"/p/{SLUG}?lang=en").text)
    assert shown["campaign"] == "Riverbend: No Cameras" and shown["intro"] in page
    for kind, (_, mark) in ground.public.items():
        assert mark in answer.text, kind
    for never in _never(ground):
        assert never not in answer.text
    (vote,) = shown["votes"]
    assert vote["written_comments_said"] in page
    assert vote["written_comments_by"] == "2026-03-11T12:00:00-05:00"
    assert vote["comment_kit"] == f"/p/{SLUG}/votes/{ground.public[ShownKind.vote][0]}"
    (member,) = shown["decision_makers"]
    assert member["office_address"] == ground.public_office
    assert member["stance"] in page and member["email"] in page
    assert [a["label"] for a in shown["asks"]] == ["Retention limit",
                                                   "No use for immigration enforcement"]
    assert shown["calendar"]["ics"] == f"/p/{SLUG}.ics?lang=en"
    # Every word of every value is on the page.
    for section in ("agencies", "contracts", "records_requests", "press"):
        for row in shown[section]:
            for value in row.values():
                if isinstance(value, str) and not value.startswith("http"):
                    assert value in page or value[:4].isdigit(), (section, value)
    assert anon_client.get(f"/p/{SLUG}.json", headers={
        "If-None-Match": answer.headers["etag"]}).status_code == 304


def test_leads_read_and_set_the_page_through_the_json_api(
        client_as: Any, anon_client: TestClient, ground: Ground) -> None:
    lead, member = client_as(Role.lead), client_as(Role.partner)
    url = f"/api/v1/campaigns/{ground.campaign.id}/public-page"
    missing = lead.get(url)
    assert missing.status_code == 404 and "not set up yet" in missing.text
    offered = lead.get(f"{url}/candidates").json()
    assert {(c["kind"], c["record_id"]) for c in offered} == {
        (kind.value, found[0]) for kind, found in ground.public.items()}
    items = [{"kind": kind.value, "record_id": found[0]} for kind, found in ground.public.items()]
    saved = lead.put(url, json={"slug": SLUG, "intro": "Why", "show_stances": True,
                                "items": items})
    assert saved.status_code == 200, saved.text
    assert saved.json()["published"] is False and len(saved.json()["items"]) == len(items)
    # The settings page's rules: public records only, a good address, leads only.
    hidden_id = ground.hidden[ShownKind.target][0][0]
    refused = lead.put(url, json={"slug": SLUG, "items": [
        *items, {"kind": "target", "record_id": hidden_id}]})
    assert refused.status_code == 422 and "Only records shared with the public" in refused.text
    bad = lead.put(url, json={"slug": "Has Space", "items": []})
    assert bad.status_code == 422 and "3 to 80 lowercase letters" in bad.text
    assert member.put(url, json={"slug": SLUG, "items": []}).status_code == 403
    assert member.post(f"{url}/publish").status_code == 403
    assert member.get(url).status_code == 403
    assert anon_client.get(url).status_code == 401
    assert anon_client.get(f"/p/{SLUG}").status_code == 404
    published = lead.post(f"{url}/publish")
    assert published.status_code == 200 and published.json()["published"] is True
    assert anon_client.get(f"/p/{SLUG}").status_code == 200
    assert lead.post(f"{url}/unpublish").json()["published"] is False
    assert anon_client.get(f"/p/{SLUG}.json").status_code == 404
    assert lead.post(f"{url}/republish").status_code in (404, 405, 422)
