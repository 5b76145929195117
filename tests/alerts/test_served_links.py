"""Links point where the app runs: with OVERSIGHT_BASE_URL unset, calendar feeds and alert
emails link to the address `oversight serve` serves on, so a copied address works."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from api.alerts import service
from tests import factories
from tests.alerts.conftest import Campaign, Ticks
from tests.alerts.servers import smtp_server
from tests.serving import served

VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)  # Thu Apr 2, 6 PM PDT
SEVEN_DAYS_BEFORE = VOTE_AT - timedelta(days=7)


def _vote(session: Session, actor: Any, world: Campaign) -> Any:
    return factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=VOTE_AT, location="Council Chambers")


def _feed_event(client: TestClient, path: str, vote_id: int) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    events = [e for e in Calendar.from_ical(response.content).walk("VEVENT")
              if str(e["UID"]).startswith(f"vote-{vote_id}@")]
    assert len(events) == 1
    return events[0]


def test_a_feed_links_to_the_served_address(client: TestClient, session: Session, actor: Any,
                                            world: Campaign) -> None:
    vote = _vote(session, actor, world)
    made = client.post("/api/v1/alerts/feeds",
                       json={"kind": "campaign", "scope_id": world.campaign.id})
    assert made.status_code == 201, made.text
    path = made.json()["path"]
    with served("--host", "0.0.0.0", "--port", "8123"):  # noqa: S104
        event = _feed_event(client, path, vote.id)
        assert str(event["URL"]) == f"http://127.0.0.1:8123/votes/{vote.id}"
        assert f"http://127.0.0.1:8123/votes/{vote.id}" in str(event["DESCRIPTION"])
        # The address to copy, shown on the page as it is made, is the one that answers.
        page = client.post("/alerts/feeds",
                           data={"kind": "campaign", "scope_id": world.campaign.id})
        assert page.status_code == 200 and "<!doctype html>" in page.text
        shown = re.search(r">http://127\.0\.0\.1:8123(/feeds/[A-Za-z0-9_-]+\.ics)<", page.text)
        assert shown is not None
        path = shown.group(1)
        _feed_event(client, path, vote.id)
    with served("--port", "8123", base_url="https://crm.coalition.example"):
        event = _feed_event(client, path, vote.id)
        assert str(event["URL"]) == f"https://crm.coalition.example/votes/{vote.id}"


def test_an_alert_email_links_to_the_served_address(session: Session, actor: Any,
                                                    world: Campaign) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"], channels=["email"])
    vote = _vote(session, actor, world)
    with smtp_server() as (port, inbox):
        service.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False})
        session.commit()
        with served("--port", "8123"):
            ticks = Ticks()
            try:
                ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))
            finally:
                ticks.close()
    assert len(inbox) == 1
    assert f"Open in Oversight: http://127.0.0.1:8123/votes/{vote.id}" in inbox[0].part("plain")
    assert f'href="http://127.0.0.1:8123/votes/{vote.id}"' in inbox[0].part("html")
