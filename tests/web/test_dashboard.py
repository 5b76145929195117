"""The home page: upcoming votes and contract notice deadlines, from real records."""

import json
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import (
    make_agency,
    make_body,
    make_contract,
    make_jurisdiction,
    make_meeting,
    make_records_request,
    make_target,
    make_task,
    make_vendor,
    make_vote,
)

ROOT = Path(__file__).resolve().parent.parent.parent


def rows(html: str) -> list[str]:
    return re.findall(r"<tr[ >].*?</tr>", html, flags=re.DOTALL)


def row_with(html: str, text: str) -> str:
    found = [row for row in rows(html) if text in row]
    assert len(found) == 1, f"expected one row with {text!r}, found {len(found)}"
    return found[0]


def plain(fragment: str) -> str:
    """The text of an HTML fragment with tags dropped and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.fixture
def home(client: TestClient, frozen_now: datetime) -> Any:
    """GET / at the frozen instant (Mon Mar 2, 2026, 9:00 AM in Los Angeles)."""
    def get() -> str:
        response = client.get("/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        return response.text
    return get


def test_votes_show_local_time_countdown_and_consent_badge(
        session: Session, actor: Any, home: Any) -> None:
    west = make_body(session, actor, name="Riverton City Council",
                     jurisdiction_id=make_jurisdiction(
                         session, actor, timezone="America/Los_Angeles").id)
    midwest = make_body(session, actor, name="Lakeshore Board of Supervisors",
                        jurisdiction_id=make_jurisdiction(
                            session, actor, state_code="IL", timezone="America/Chicago").id)
    # Times without an offset are local to the body; 6 PM in Los Angeles is already the next
    # day in UTC, so the countdown must count local calendar days.
    make_vote(session, actor, title="Renew the license plate reader contract", body_id=west.id,
              scheduled_at=datetime(2026, 3, 5, 18, 0), consent_calendar=True,
              agenda_item_number="7.3")
    # After the switch to daylight saving time on March 8.
    make_vote(session, actor, title="Adopt a surveillance use policy", body_id=midwest.id,
              scheduled_at=datetime(2026, 3, 12, 18, 0), consent_calendar=False)

    html = home()
    renewal = plain(row_with(html, "Renew the license plate reader contract"))
    assert "Thu Mar 5, 2026 6:00 PM PST" in renewal
    assert "Riverton City Council" in renewal
    assert "7.3" in renewal
    assert "in 3 days" in renewal
    assert "consent calendar" in renewal

    policy = plain(row_with(html, "Adopt a surveillance use policy"))
    assert "Thu Mar 12, 2026 6:00 PM CDT" in policy
    assert "Lakeshore Board of Supervisors" in policy
    assert "in 10 days" in policy
    assert "consent calendar" not in policy
    # Soonest first.
    assert html.index("Renew the license plate reader") < html.index("Adopt a surveillance")


def test_past_cancelled_and_distant_votes_do_not_show(
        session: Session, actor: Any, home: Any) -> None:
    body = make_body(session, actor)
    make_vote(session, actor, title="Upcoming hearing", body_id=body.id,
              scheduled_at=datetime(2026, 3, 10, 18, 0))
    make_vote(session, actor, title="Hearing held last week", body_id=body.id,
              scheduled_at=datetime(2026, 2, 24, 18, 0), status="held")
    make_vote(session, actor, title="Hearing this morning", body_id=body.id,
              scheduled_at=datetime(2026, 3, 2, 8, 0))
    make_vote(session, actor, title="Cancelled hearing", body_id=body.id,
              scheduled_at=datetime(2026, 3, 20, 18, 0), status="cancelled")
    make_vote(session, actor, title="Hearing next autumn", body_id=body.id,
              scheduled_at=datetime(2026, 10, 1, 18, 0))

    html = home()
    assert "Upcoming hearing" in html
    for title in ("Hearing held last week", "Hearing this morning", "Cancelled hearing",
                  "Hearing next autumn"):
        assert title not in html


def test_contract_deadlines_show_agency_vendor_date_countdown_and_renewal_badge(
        session: Session, actor: Any, home: Any) -> None:
    agency = make_agency(session, actor, name="Riverton Police Department")
    vendor = make_vendor(session, actor, name="Roadside Optics")
    # Notice is due 60 days before the end date: May 1, 2026, 60 days from today.
    make_contract(session, actor, title="Plate reader subscription", agency_id=agency.id,
                  vendor_id=vendor.id, end_date=date(2026, 6, 30), termination_notice_days=60,
                  auto_renews=True)
    make_contract(session, actor, title="Camera maintenance agreement", agency_id=agency.id,
                  end_date=date(2026, 4, 30), termination_notice_days=30, auto_renews=False)
    # Notice due April 1, 2027: far beyond the 120 days the page looks ahead.
    make_contract(session, actor, title="Long-term camera lease", agency_id=agency.id,
                  end_date=date(2027, 6, 30), termination_notice_days=90, auto_renews=True)

    html = home()
    subscription = plain(row_with(html, "Plate reader subscription"))
    assert "Riverton Police Department" in subscription
    assert "Roadside Optics" in subscription
    assert "May 1, 2026" in subscription
    assert "in 60 days" in subscription
    assert "auto-renews" in subscription

    maintenance = plain(row_with(html, "Camera maintenance agreement"))
    assert "Mar 31, 2026" in maintenance
    assert "in 29 days" in maintenance
    assert "auto-renews" not in maintenance

    assert "Long-term camera lease" not in html
    assert html.index("Camera maintenance agreement") < html.index("Plate reader subscription")


def test_an_empty_database_shows_the_empty_states(home: Any) -> None:
    html = home()
    assert "No votes scheduled in the next 120 days." in html
    assert "No contract deadlines in the next 120 days." in html
    assert rows(html) == []


class AssetCollector(HTMLParser):
    """The URLs a browser would fetch on its own to render the page."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video"} and found.get("src"):
            self.assets.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.assets.append(found["href"] or "")


def test_the_page_loads_assets_only_from_its_own_origin(
        session: Session, actor: Any, home: Any) -> None:
    make_vote(session, actor, scheduled_at=datetime(2026, 3, 10, 18, 0))
    make_contract(session, actor, end_date=date(2026, 5, 1), termination_notice_days=30)
    html = home()
    collector = AssetCollector()
    collector.feed(html)
    assert "/static/css/oversight.css" in collector.assets
    assert "/static/vendor/htmx.min.js" in collector.assets
    # The static files, and the app's manifest, served in the page's language.
    for url in collector.assets:
        assert url.startswith(("/static/", "/manifest.webmanifest?lang=")), url
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)


def test_the_stylesheet_is_served(client: TestClient) -> None:
    response = client.get("/static/css/oversight.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ":root" in response.text


def test_the_htmx_served_is_the_version_package_json_pins(client: TestClient) -> None:
    pinned = json.loads((ROOT / "web" / "package.json").read_text())["dependencies"]["htmx.org"]
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert f'version:"{pinned}"' in response.text


def test_records_requests_due_soon_or_overdue(session: Session, actor: Any, home: Any) -> None:
    agency = make_agency(session, actor, name="Cityville PD")
    make_records_request(session, actor, subject="Audit logs", agency_id=agency.id,
                         status="sent", sent_on=date(2026, 1, 5), due_on_override=date(2026, 2, 20))
    make_records_request(session, actor, subject="Sharing list", agency_id=agency.id,
                         status="acknowledged", sent_on=date(2026, 2, 20),
                         due_on_override=date(2026, 3, 9))
    make_records_request(session, actor, subject="Already answered", agency_id=agency.id,
                         status="fulfilled", sent_on=date(2026, 1, 5),
                         due_on_override=date(2026, 3, 3))
    make_records_request(session, actor, subject="Due in May", agency_id=agency.id,
                         status="sent", sent_on=date(2026, 3, 1),
                         due_on_override=date(2026, 5, 1))
    text = plain(home())
    # The same words as the request's list and page.
    assert "Audit logs" in text and "· overdue: 10 days" in text
    assert "Sharing list" in text and "7 days left" in text
    assert "Already answered" not in text and "Due in May" not in text
    assert text.index("Audit logs") < text.index("Sharing list")


def test_my_open_tasks_and_marking_one_done(client: TestClient, session: Session, actor: Any,
                                            admin: Any, frozen_now: datetime) -> None:
    # "My" tasks are the signed-in user's.
    mine = make_task(session, actor, title="Call the clerk", assignee_user_id=admin.id,
                     due_on=date(2026, 3, 1))
    make_task(session, actor, title="Someone else's job", due_on=date(2026, 3, 3))
    make_task(session, actor, title="Finished already", assignee_user_id=admin.id,
              status="done")
    text = plain(client.get("/").text)
    assert "Call the clerk" in text and "overdue, yesterday" in text
    assert "Someone else's job" not in text and "Finished already" not in text

    part = client.get("/", headers={"HX-Request": "true", "HX-Target": "my-tasks"})
    assert part.text.lstrip().startswith('<div id="my-tasks-list">')
    done = client.post(f"/tasks/{mine.id}/done", headers={"HX-Request": "true"})
    assert done.status_code == 200
    assert "Done: Call the clerk." in plain(done.text)
    assert "No open tasks for you" in plain(done.text)
    assert client.post("/tasks/999999/done").status_code == 404


def test_latest_meetings_name_who_was_met(client: TestClient, session: Session, actor: Any,
                                          frozen_now: datetime) -> None:
    target = make_target(session, actor, name="Ana Okafor")
    make_meeting(session, actor, summary="Talked retention", target_ids=[target.id],
                 held_at=datetime(2026, 2, 27, 18, 0, tzinfo=UTC))
    make_meeting(session, actor, summary="Far future meeting",
                 held_at=datetime(2026, 9, 1, 18, 0, tzinfo=UTC))
    text = plain(client.get("/").text)
    assert "with Ana Okafor" in text and "Talked retention" in text
    assert "Far future meeting" not in text
    part = client.get("/", headers={"HX-Request": "true", "HX-Target": "latest-meetings"})
    assert not part.text.lstrip().startswith("<!doctype")
    assert "Talked retention" in plain(part.text)
    whole = client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert whole.text.lstrip().startswith("<!doctype html>")
