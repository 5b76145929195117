"""One "today" everywhere: the dashboard, the lists, the record pages, the calendar and the API
count days on the local calendar (the jurisdiction's, or the coalition's for records with no
place), never on UTC's. Each instant below is 23:30 or 00:30 on a wall clock where UTC's date
differs from the local one on one side of midnight, or next to a daylight-saving change."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.settings import get_settings
from tests import factories as f
from tests.conftest import sign_in
from tests.web.html import plain

LA = "America/Los_Angeles"
# East of UTC: half past midnight there is still yesterday in UTC. Guam is a US territory.
GUAM = "Pacific/Guam"

INSTANTS = [
    pytest.param(LA, datetime(2026, 12, 4, 23, 30), id="LA-23:30-next-UTC-day"),
    pytest.param(LA, datetime(2026, 12, 5, 0, 30), id="LA-00:30"),
    pytest.param(GUAM, datetime(2026, 12, 4, 23, 30), id="Guam-23:30"),
    pytest.param(GUAM, datetime(2026, 12, 5, 0, 30), id="Guam-00:30-previous-UTC-day"),
    # Daylight time starts at 2 AM on March 8, 2026 and ends at 2 AM on November 1.
    pytest.param(LA, datetime(2026, 3, 7, 23, 30), id="LA-23:30-before-spring-forward"),
    pytest.param(LA, datetime(2026, 3, 8, 0, 30), id="LA-00:30-spring-forward-day"),
    pytest.param(LA, datetime(2026, 3, 8, 23, 30), id="LA-23:30-after-spring-forward"),
    pytest.param(LA, datetime(2026, 11, 1, 0, 30), id="LA-00:30-fall-back-day"),
    pytest.param(LA, datetime(2026, 11, 1, 23, 30), id="LA-23:30-after-fall-back"),
]


@pytest.fixture
def home_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Sets the coalition's timezone (OVERSIGHT_TIMEZONE) for one test."""
    def use(name: str) -> None:
        monkeypatch.setenv("OVERSIGHT_TIMEZONE", name)
        get_settings.cache_clear()
    yield use
    monkeypatch.delenv("OVERSIGHT_TIMEZONE", raising=False)
    get_settings.cache_clear()


def _freeze_local(zone: str, wall: datetime) -> date:
    """Freezes the clock at a wall-clock time in the zone; that day, as the test expects it."""
    at = wall.replace(tzinfo=ZoneInfo(zone))
    clock.freeze(at)
    return wall.date()


def _campaign_of_dates(session: Session, actor: Any, admin: Any, zone: str,
                       today: date) -> dict[str, Any]:
    """A request due in 3 days and one 2 days overdue at a police department of a city in the
    zone, a contract whose notice deadline is in 10 days, and a task of mine due tomorrow."""
    city = f.make_jurisdiction(session, actor, name="Riverton", timezone=zone)
    police = f.make_agency(session, actor, name="Riverton PD", jurisdiction_id=city.id)
    soon = f.make_records_request(session, actor, subject="Camera locations",
                                  agency_id=police.id, status="sent",
                                  sent_on=today - timedelta(days=20),
                                  due_on_override=today + timedelta(days=3))
    late = f.make_records_request(session, actor, subject="Audit logs", agency_id=police.id,
                                  status="sent", sent_on=today - timedelta(days=30),
                                  due_on_override=today - timedelta(days=2))
    contract = f.make_contract(session, actor, title="Flock agreement", agency_id=police.id,
                               start_date=today - timedelta(days=700), auto_renews=False,
                               end_date=today + timedelta(days=40), termination_notice_days=30)
    task = f.make_task(session, actor, title="Call the clerk", assignee_user_id=admin.id,
                       due_on=today + timedelta(days=1))
    session.commit()
    return {"soon": soon, "late": late, "contract": contract, "task": task}


@pytest.mark.parametrize(("zone", "wall"), INSTANTS)
def test_every_surface_counts_days_on_the_local_calendar(
        client: TestClient, session: Session, actor: Any, admin: Any, home_zone: Any,
        zone: str, wall: datetime) -> None:
    home_zone(zone)
    today = _freeze_local(zone, wall)
    made = _campaign_of_dates(session, actor, admin, zone, today)
    assert made["contract"].notice_deadline == today + timedelta(days=10)

    dashboard = plain(client.get("/").text)
    assert f"Today is {today:%A, %B %-d, %Y} (" in dashboard
    assert "Camera locations" in dashboard and "3 days left" in dashboard
    assert "Audit logs" in dashboard and "· overdue: 2 days" in dashboard
    assert "Flock agreement" in dashboard and "in 10 days" in dashboard
    assert "Call the clerk" in dashboard and "tomorrow" in dashboard

    listed = plain(client.get("/records-requests").text)
    assert "3 days left" in listed and "Overdue: 2 days" in listed
    page = plain(client.get(f"/records-requests/{made['soon'].id}").text)
    assert "3 days left" in page
    tasks = plain(client.get("/tasks").text)
    assert "Call the clerk" in tasks and "tomorrow" in tasks

    soon = client.get(f"/api/v1/records-requests/{made['soon'].id}").json()["deadline"]
    late = client.get(f"/api/v1/records-requests/{made['late'].id}").json()["deadline"]
    assert (soon["days_left"], soon["overdue"]) == (3, False)
    assert (late["days_overdue"], late["overdue"]) == (2, True)

    month = plain(client.get("/calendar").text)
    assert f"{today:%a %b %-d} (today)" in month
    assert f"{today + timedelta(days=1):%a %b %-d} (today)" not in month
    assert f"{today - timedelta(days=1):%a %b %-d} (today)" not in month


def test_a_record_counts_on_its_own_jurisdictions_calendar(
        client: TestClient, session: Session, actor: Any, admin: Any, home_zone: Any) -> None:
    # 10:30 PM in California is 1:30 AM the next day in New York.
    home_zone(LA)
    today = _freeze_local(LA, datetime(2026, 12, 4, 22, 30))
    east_today = today + timedelta(days=1)
    east = f.make_jurisdiction(session, actor, name="Albany", state_code="NY",
                               timezone="America/New_York")
    police = f.make_agency(session, actor, name="Albany PD", state_code="NY",
                           jurisdiction_id=east.id)
    campaign = f.make_campaign(session, actor, name="Albany campaign", jurisdiction_id=east.id,
                               target_date=east_today + timedelta(days=30))
    request = f.make_records_request(session, actor, subject="Albany sharing list",
                                     agency_id=police.id, status="sent", state_code="NY",
                                     sent_on=today - timedelta(days=20),
                                     due_on_override=today + timedelta(days=3))
    contract = f.make_contract(session, actor, title="Albany cameras", agency_id=police.id,
                               start_date=today - timedelta(days=700), auto_renews=False,
                               end_date=east_today + timedelta(days=40),
                               termination_notice_days=30)
    f.make_task(session, actor, title="Call the Albany clerk", assignee_user_id=admin.id,
                campaign_id=campaign.id, due_on=east_today + timedelta(days=1))
    f.make_task(session, actor, title="Call the clerk", assignee_user_id=admin.id,
                due_on=today + timedelta(days=1))
    session.commit()
    assert contract.notice_deadline == east_today + timedelta(days=10)
    deadline = client.get(f"/api/v1/records-requests/{request.id}").json()["deadline"]
    assert deadline["days_left"] == 2
    assert "2 days left" in plain(client.get(f"/records-requests/{request.id}").text)
    dashboard = plain(client.get("/").text)
    # The dashboard's day and a task with no place are the coalition's; the rest count from
    # New York's day, as their own pages and lists do.
    assert f"Today is {today:%A, %B %-d, %Y} (Los Angeles time)." in dashboard
    assert "Albany sharing list" in dashboard and "2 days left" in dashboard
    assert "Call the clerk" in dashboard
    for text in (dashboard, plain(client.get("/tasks").text)):
        assert "Call the Albany clerk" in text
        assert text.count("tomorrow") == 2, text
    for text in (dashboard, plain(client.get("/contracts").text)):
        assert "Albany cameras" in text and "in 10 days" in text and "in 11 days" not in text
    campaign_page = plain(client.get(f"/campaigns/{campaign.id}").text)
    assert "(in 30 days)" in campaign_page


def test_a_timeline_shows_each_time_where_it_happened(
        client: TestClient, session: Session, actor: Any, home_zone: Any) -> None:
    home_zone(GUAM)
    _freeze_local(LA, datetime(2026, 12, 4, 12, 0))
    place = f.make_jurisdiction(session, actor, name="Riverton", timezone=LA)
    org = f.make_organization(session, actor, name="Riverton Faith Network")
    campaign = f.make_campaign(session, actor, name="Riverton campaign", jurisdiction_id=place.id)
    f.make_meeting(session, actor, campaign_id=campaign.id, organization_id=org.id,
                   visibility="coalition", summary="Met the chief",
                   held_at=datetime(2026, 11, 11, 10, 0, tzinfo=ZoneInfo(LA)))
    session.commit()
    page = plain(client.get(f"/organizations/{org.id}").text)
    # The meetings list and the timeline both say 10:00 AM in Riverton.
    assert page.count("10:00 AM PST") == 2, page
    assert "Nov 12" not in page


def test_the_audit_log_shows_stored_times_on_the_coalitions_clock(
        client: TestClient, home_zone: Any) -> None:
    home_zone(LA)
    _freeze_local(LA, datetime(2026, 12, 4, 23, 30))
    made = client.post("/api/v1/meetings", json={"held_at": "2026-12-05T02:00:00Z",
                                                 "summary": "Evening visit"})
    assert made.status_code == 201, made.text
    log = plain(client.get("/audit").text)
    assert "Fri Dec 4, 2026 6:00 PM PST" in log and "2026-12-05T02:00:00Z" not in log


def test_times_on_the_account_and_audit_pages_are_local_with_their_zone(
        client: TestClient, admin: Any, home_zone: Any) -> None:
    home_zone(LA)
    _freeze_local(LA, datetime(2026, 12, 4, 23, 30))
    sign_in(client, admin)
    assert client.post("/api/v1/organizations",
                       json={"name": "Riverton Faith Network"}).status_code == 201
    for url in ("/audit", "/account"):
        text = plain(client.get(url).text)
        assert "Fri Dec 4, 2026 11:30 PM PST" in text, url
        assert "7:30 AM" not in text and "UTC" not in text, url


def test_a_day_shows_no_zone(client: TestClient, session: Session, actor: Any,
                             home_zone: Any) -> None:
    home_zone(LA)
    _freeze_local(LA, datetime(2026, 12, 4, 23, 30))
    target = f.make_target(session, actor, name="Ana Okafor")
    campaign = f.make_campaign(session, actor, name="No Cameras")
    # Met at 11 PM on Dec 4 in California: Dec 5 in UTC, Dec 4 where it happened.
    f.make_meeting(session, actor, target_ids=[target.id], campaign_id=campaign.id,
                   held_at=datetime(2026, 12, 4, 23, 0, tzinfo=ZoneInfo(LA)),
                   stances_observed=[{"target_id": target.id, "level": "leaning_yes",
                                      "note": "Open to it"}])
    session.commit()
    page = plain(client.get(f"/targets/{target.id}").text)
    assert "Dec 4, 2026" in page and "Dec 5, 2026" not in page
    assert "Dec 4, 2026 PST" not in page


def test_new_places_and_alert_preferences_start_on_the_coalitions_clock(home_zone: Any) -> None:
    from api.alerts.models import AlertPreference
    from api.jurisdictions.models import JurisdictionCreate

    home_zone("Pacific/Pago_Pago")
    place = JurisdictionCreate(name="Pago Pago", state_code="AS")
    assert place.timezone == "Pacific/Pago_Pago"
    assert AlertPreference(user_id=1).timezone == "Pacific/Pago_Pago"


def test_an_unknown_coalition_timezone_is_named_not_traced(
        home_zone: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    home_zone("Mars/Olympus")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert "OVERSIGHT_TIMEZONE" in err and "IANA timezone" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("page", ["99999999999999999999", "1000001"])
def test_a_page_number_past_any_list_is_refused_plainly(client: TestClient, page: str) -> None:
    answer = client.get(f"/tasks?page={page}")
    assert answer.status_code == 422 and "The page must be at most" in answer.text
