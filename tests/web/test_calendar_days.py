"""A busy calendar: each day shows its first few entries and how many more, cut by the database
on the local day where each entry happens; a day's own agenda shows them all."""

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.calendar import service as calendar
from tests import factories as f
from tests.web.html import fragment, plain


def test_a_busy_day_shows_its_first_entries_and_how_many_more(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    for n in range(7):
        f.make_action(session, actor, title=f"Action {n:02d}", scheduled_on=date(2026, 3, 12))
    f.make_task(session, actor, title="Print flyers", due_on=date(2026, 3, 12))
    f.make_task(session, actor, title="Quiet task", due_on=date(2026, 3, 13))
    days = calendar.days(session, actor, start=date(2026, 3, 1), end=date(2026, 3, 31))
    busy = days[date(2026, 3, 12)]
    assert [e.title for e in busy.entries] == ["Action 00", "Action 01", "Action 02",
                                               "Action 03"]
    assert busy.more == {"action": 3, "task": 1} and busy.hidden == 4
    assert days[date(2026, 3, 13)].more == {}

    page = client.get("/calendar?month=2026-03")
    text = plain(page.text)
    assert page.status_code == 200 and "Action 03" in text and "Action 04" not in text
    assert 'href="/calendar?view=agenda&day=2026-03-12"' in page.text
    assert "4 more on March 12" in text
    whole = fragment(client, "/calendar?view=agenda&day=2026-03-12")
    listed = plain(whole.text)
    assert "Thursday, March 12, 2026" in listed
    assert all(f"Action {n:02d}" in listed for n in range(7)) and "Print flyers" in listed
    assert "Quiet task" not in listed and "more on" not in listed


def test_times_are_cut_by_the_local_day_across_a_clock_change(session: Session,
                                                               actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, timezone="America/Los_Angeles")
    body = f.make_body(session, actor, jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, jurisdiction_id=place.id)
    # Clocks go forward on March 8, 2026: 7 PM on the 7th is 03:00 UTC on the 8th (PST), 7 PM
    # on the 8th is 02:00 UTC on the 9th (PDT).
    for day, hour in ((8, 3), (9, 2), (9, 1)):
        f.make_meeting(session, actor, summary=f"Met {day}-{hour}", campaign_id=campaign.id,
                       held_at=datetime(2026, 3, day, hour, 0, tzinfo=UTC))
    # 07:30 UTC is 11:30 PM the day before in winter time, half past midnight in summer time.
    for day in (8, 9):
        f.make_meeting(session, actor, summary=f"Late {day}", campaign_id=campaign.id,
                       held_at=datetime(2026, 3, day, 7, 30, tzinfo=UTC))
    f.make_vote(session, actor, title="Evening vote", body_id=body.id,
                scheduled_at=datetime(2026, 3, 9, 2, 30, tzinfo=UTC))
    days = calendar.days(session, actor, start=date(2026, 3, 1), end=date(2026, 3, 31),
                         per_day=2)
    assert [e.title for e in days[date(2026, 3, 7)].entries] == ["Met 8-3", "Late 8"]
    eighth = days[date(2026, 3, 8)]
    assert [e.title for e in eighth.entries] == ["Met 9-1", "Met 9-2"]
    assert eighth.more == {"vote": 1}
    assert [e.title for e in days[date(2026, 3, 9)].entries] == ["Late 9"]


def test_a_vote_whose_time_is_not_announced_shows_no_time(
        client: TestClient, session: Session, actor: Any, admin: Any,
        frozen_now: datetime) -> None:
    place = f.make_jurisdiction(session, actor, timezone="America/Los_Angeles")
    body = f.make_body(session, actor, jurisdiction_id=place.id)
    f.make_vote(session, actor, title="Flock renewal", body_id=body.id,
                time_not_announced=True, scheduled_at=datetime(2026, 3, 12, 8, 0, tzinfo=UTC))
    session.commit()
    for url in ("/calendar?month=2026-03", "/calendar?view=agenda&day=2026-03-12"):
        text = plain(client.get(url).text)
        assert "Flock renewal" in text, url
        assert "time not announced" in text and "12:00 AM" not in text, url
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    text = plain(client.get("/calendar?view=agenda&day=2026-03-12").text)
    assert "hora por anunciar" in text and "12:00" not in text
