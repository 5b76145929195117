"""An organization may let the coalition's leads know it met a decision-maker, and when, without
the meeting: the whip board and campaign page then say "met by a partner on <day>" to leads
only, and nothing of the meeting itself; without that choice they say nothing of it."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import fragment, plain

SUMMARY = "MarkWhatWasSaidEnd"
KEPT = "MarkKeptForOurselvesEnd"
ATTENDEE = "MarkWhoWasThereEnd"
TOLD = "Met by a partner on Feb 20, 2026"


class World:
    campaign: Any
    body: Any
    target: Any
    ours: Any
    theirs: Any
    meeting: Any


@pytest.fixture
def world(session: Session, actor: Any, frozen_now: datetime) -> World:
    """A private meeting of "ours" with an undecided council member, twelve days ago."""
    place = f.make_jurisdiction(session, actor, name="Lakeside", timezone="America/Chicago")
    world = World()
    world.body = f.make_body(session, actor, name="Lakeside Council", jurisdiction_id=place.id)
    world.campaign = f.make_campaign(session, actor, name="Lakeside campaign",
                                     jurisdiction_id=place.id)
    world.ours = f.make_organization(session, actor, name="Lakeside Rights")
    world.theirs = f.make_organization(session, actor, name="Lakeside Faith")
    world.target = f.make_target(session, actor, name="Ana Lake", body_id=world.body.id,
                                 visibility="coalition")
    aide = f.make_person(session, actor, name=ATTENDEE, owner_organization_id=world.ours.id,
                         visibility="coalition")
    world.meeting = f.make_meeting(
        session, actor, campaign_id=world.campaign.id, organization_id=world.ours.id,
        visibility="private", held_at=datetime(2026, 2, 20, 18, tzinfo=UTC), summary=SUMMARY,
        private_notes=KEPT, target_ids=[world.target.id], attendee_ids=[aide.id],
        stances_observed=[{"target_id": world.target.id, "level": "undecided",
                           "note": SUMMARY}])
    session.commit()
    return world


def pages(client: TestClient, world: World) -> dict[str, str]:
    board = f"/campaigns/{world.campaign.id}/whip?body={world.body.id}"
    campaign = f"/campaigns/{world.campaign.id}"
    found = {}
    for url in (board, campaign):
        full = client.get(url)
        part = fragment(client, url)
        assert full.status_code == 200 and part.status_code == 200, url
        found[url] = full.text
        found[f"{url} (htmx)"] = part.text
    return found


def tell(client: TestClient, world: World, allowed: bool) -> None:
    chose = client.patch(f"/api/v1/organizations/{world.ours.id}",
                         json={"tell_leads_meetings": allowed})
    assert chose.status_code == 200, chose.text
    assert chose.json()["tell_leads_meetings"] is allowed


def assert_nothing_of_the_meeting(text: str, world: World) -> None:
    for secret in (SUMMARY, KEPT, ATTENDEE, f"/meetings/{world.meeting.id}"):
        assert secret not in text


def test_a_lead_is_told_only_the_day_and_only_when_the_organization_allows(
        world: World, client_as: Callable[..., TestClient]) -> None:
    lead = client_as("lead")
    member = client_as("partner", organization_id=world.ours.id)
    for url, text in pages(lead, world).items():
        assert "met by a partner" not in plain(text).lower(), url
        assert_nothing_of_the_meeting(text, world)
    tell(member, world, True)
    for url, text in pages(lead, world).items():
        words = plain(text)
        assert "met by a partner on feb 20, 2026" in words.lower(), url
        assert 'datetime="2026-02-20"' in text, url
        assert_nothing_of_the_meeting(text, world)
    # Met twelve days ago: not a member who needs a meeting, for the lead either.
    board = plain(lead.get(f"/campaigns/{world.campaign.id}/whip?body={world.body.id}").text)
    assert "no meeting in 30 days" not in board
    tell(member, world, False)
    for url, text in pages(lead, world).items():
        assert "met by a partner" not in plain(text).lower(), url


def test_other_partners_are_never_told_and_the_owner_sees_its_own_meeting(
        world: World, client: TestClient, client_as: Callable[..., TestClient]) -> None:
    member = client_as("partner", organization_id=world.ours.id)
    tell(member, world, True)
    for reader in (client_as("partner", organization_id=world.theirs.id),
                   client_as("viewer", organization_id=world.theirs.id)):
        for url, text in pages(reader, world).items():
            assert "met by a partner" not in plain(text).lower(), url
            assert "Feb 20, 2026" not in text, url
            assert_nothing_of_the_meeting(text, world)
    # Those who may read the meeting see its day as theirs, not as a partner's.
    for reader in (member, client):
        for url, text in pages(reader, world).items():
            assert "Feb 20, 2026" in text and "met by a partner" not in plain(text).lower(), url


def test_a_later_meeting_the_lead_may_read_is_shown_as_it_is(
        world: World, session: Session, actor: Any,
        client_as: Callable[..., TestClient]) -> None:
    member = client_as("partner", organization_id=world.ours.id)
    tell(member, world, True)
    f.make_meeting(session, actor, campaign_id=world.campaign.id,
                   organization_id=world.theirs.id, visibility="coalition",
                   held_at=datetime(2026, 2, 25, 18, tzinfo=UTC), summary="Open office hours",
                   target_ids=[world.target.id])
    session.commit()
    for url, text in pages(client_as("lead"), world).items():
        assert "met by a partner" not in plain(text).lower(), url
        assert "Feb 25, 2026" in text, url


def test_only_the_organization_and_leads_change_the_choice(
        world: World, client_as: Callable[..., TestClient]) -> None:
    other = client_as("partner", organization_id=world.theirs.id)
    refused = other.patch(f"/api/v1/organizations/{world.ours.id}",
                          json={"tell_leads_meetings": True})
    assert refused.status_code == 403
    member = client_as("partner", organization_id=world.ours.id)
    form = plain(member.get(f"/organizations/{world.ours.id}/sections/sharing/edit").text)
    assert "Tell the coalition's leads when we met a decision-maker" in form
    saved = member.post(f"/organizations/{world.ours.id}/sections/sharing",
                        data={"tell_leads_meetings": "on"}, follow_redirects=False)
    assert saved.status_code in (200, 303), saved.text
    assert member.get(f"/api/v1/organizations/{world.ours.id}").json()["tell_leads_meetings"]
    assert TOLD.lower() in plain(client_as("lead").get(
        f"/campaigns/{world.campaign.id}/whip?body={world.body.id}").text).lower()
