"""A vote of a published page that is cancelled stays in the supporters' calendar, marked
cancelled with the same UID and a higher SEQUENCE, so calendar apps that took it drop it; for a
while only, and never once it is no longer shared with the public."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from api import clock
from api.auth.models import Role
from api.public_pages import service as public_pages
from api.public_pages.models import ShownKind
from api.votes import service as votes
from api.votes.models import VoteUpdate
from tests.factories.public_pages import Ground, make_ground, publish

SLUG = "riverbend-calendar"


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime, client_as: Any) -> Ground:
    made = make_ground(session, actor)
    publish(client_as(Role.lead), made, SLUG)
    return made


def _events(client: TestClient, lang: str = "en") -> list[Any]:
    answer = client.get(f"/p/{SLUG}.ics?lang={lang}")
    assert answer.status_code == 200
    return list(Calendar.from_ical(answer.content).walk("VEVENT"))


def _change(session: Session, actor: Any, ground: Ground, **changes: Any) -> None:
    # Later than the last change, as a change in real time is.
    clock.freeze(clock.now() + timedelta(hours=1))
    votes.crud.update(session, actor, ground.public[ShownKind.vote][0], VoteUpdate(**changes))
    session.commit()


def test_a_cancelled_vote_stays_in_the_calendar_marked_cancelled(
        anon_client: TestClient, ground: Ground, session: Session, actor: Any) -> None:
    vote_id, mark = ground.public[ShownKind.vote]
    (before,) = _events(anon_client)
    assert str(before["status"]) == "CONFIRMED"
    _change(session, actor, ground, status="cancelled")
    (after,) = _events(anon_client)
    assert str(after["uid"]) == str(before["uid"])
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])
    assert mark in str(after["summary"]) and str(after["summary"]).startswith("Cancelled vote")
    assert after["dtstart"].dt == before["dtstart"].dt
    # It leads to the page: the vote's comment kit is gone with the vote.
    assert str(after["url"]).endswith(f"/p/{SLUG}")
    assert anon_client.get(f"/p/{SLUG}/votes/{vote_id}").status_code == 404
    assert mark not in anon_client.get(f"/p/{SLUG}?lang=en").text
    (spanish,) = _events(anon_client, "es")
    assert str(spanish["summary"]).startswith("Votación cancelada")


def test_a_cancelled_vote_leaves_the_calendar_long_after_or_when_no_longer_public(
        anon_client: TestClient, ground: Ground, session: Session, actor: Any) -> None:
    _change(session, actor, ground, status="cancelled")
    assert len(_events(anon_client)) == 1
    clock.freeze(datetime(2026, 3, 12, 23, 0, tzinfo=UTC) + public_pages.CANCELLED_KEPT
                 + timedelta(days=1, hours=6))
    assert _events(anon_client) == []
    clock.freeze(datetime(2026, 3, 12, 23, 0, tzinfo=UTC) - timedelta(days=1))
    assert len(_events(anon_client)) == 1
    _change(session, actor, ground, visibility="coalition")
    feed = anon_client.get(f"/p/{SLUG}.ics").text
    assert ground.public[ShownKind.vote][1] not in feed and "VEVENT" not in feed
