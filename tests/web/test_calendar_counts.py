"""What a calendar day counts and shows: the first few entries of every kind in order, how many
more of each, only what the user may read, in a number of statements that does not grow with
the entries."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.calendar import service as calendar
from tests import factories as f
from tests.statements import statements
from tests.web.html import fragment, plain

BUSY = date(2026, 3, 12)



def _titles(day: calendar.Day) -> list[str]:
    return [e.title for e in day.entries]


def _busy_day(session: Session, actor: Any) -> None:
    """Every kind of entry on one day, more of some than a month cell shows, and some that
    are not on the calendar at all (cancelled, done, closed)."""
    body = f.make_body(session, actor)  # in Los Angeles: 19:00 UTC is noon there
    f.make_vote(session, actor, title="Council vote", body_id=body.id,
                scheduled_at=datetime(2026, 3, 12, 19, 0, tzinfo=UTC))
    f.make_vote(session, actor, title="Cancelled vote", body_id=body.id, status="cancelled",
                scheduled_at=datetime(2026, 3, 12, 18, 0, tzinfo=UTC))
    for hour in (16, 15):
        f.make_meeting(session, actor, summary=f"Meeting at {hour}",
                       held_at=datetime(2026, 3, 12, hour, 0, tzinfo=UTC))
    # Made out of order: the day shows them by title, not by when they were made.
    for letter in "DAFCEB":
        f.make_action(session, actor, title=f"Action {letter}", scheduled_on=BUSY)
    f.make_action(session, actor, title="Action 0 cancelled", scheduled_on=BUSY,
                  status="cancelled")
    for title in ("Task Y", "Task X"):
        f.make_task(session, actor, title=title, due_on=BUSY)
    f.make_task(session, actor, title="Task 0 done", due_on=BUSY, status="done")
    f.make_records_request(session, actor, subject="Audit logs", status="sent",
                           sent_on=date(2026, 3, 1), due_on_override=BUSY)
    f.make_records_request(session, actor, subject="Denied request", status="denied",
                           sent_on=date(2026, 3, 1), due_on_override=BUSY)
    f.make_contract(session, actor, title="Camera lease", end_date=BUSY,
                    termination_notice_days=60)


def test_a_day_shows_the_first_of_all_its_kinds_and_counts_the_rest_of_each(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    _busy_day(session, actor)
    month = calendar.days(session, actor, start=date(2026, 3, 1), end=date(2026, 3, 31))
    busy = month[BUSY]
    # Times first, in order; then the dated kinds by kind and title.
    assert _titles(busy) == ["Meeting at 15", "Meeting at 16", "Council vote", "Action A"]
    assert busy.more == {"action": 5, "contract": 1, "records_request": 1, "task": 2}
    assert busy.hidden == 9

    agenda = calendar.days(session, actor, start=date(2026, 3, 1), end=date(2026, 3, 31),
                           per_day=12)[BUSY]
    assert _titles(agenda) == ["Meeting at 15", "Meeting at 16", "Council vote",
                               *(f"Action {x}" for x in "ABCDEF"), "Camera lease",
                               "Audit logs", "Task X"]
    assert agenda.more == {"task": 1}

    everything = calendar.days(session, actor, start=BUSY, end=BUSY, per_day=None)[BUSY]
    assert _titles(everything)[-2:] == ["Task X", "Task Y"] and len(everything.entries) == 13
    assert everything.more == {}
    listed = calendar.entries(session, actor, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert [e.title for e in listed if e.day == BUSY] == _titles(everything)

    page = plain(client.get("/calendar?month=2026-03").text)
    assert "Action A" in page and "Action B" not in page and "9 more on March 12" in page
    assert "Cancelled vote" not in page and "Action 0 cancelled" not in page
    agenda_page = plain(fragment(client, "/calendar?view=agenda&month=2026-03").text)
    assert "Audit logs" in agenda_page and "Task Y" not in agenda_page
    assert "1 more on March 12" in agenda_page
    day_page = plain(fragment(client, "/calendar?view=agenda&day=2026-03-12").text)
    assert "Task Y" in day_page and "Action F" in day_page and "more on" not in day_page
    assert "Denied request" not in day_page and "Task 0 done" not in day_page


def test_entries_of_the_same_title_are_cut_in_the_order_they_were_made(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    made = [f.make_action(session, actor, title="Phone bank", scheduled_on=BUSY)
            for _ in range(calendar.PER_DAY + 2)]
    busy = calendar.days(session, actor, start=BUSY, end=BUSY)[BUSY]
    assert [e.record_id for e in busy.entries] == [a.id for a in made[:calendar.PER_DAY]]
    assert busy.more == {"action": 2}
    page = client.get("/calendar?month=2026-03").text
    assert f'href="/actions/{made[calendar.PER_DAY - 1].id}"' in page
    assert f'href="/actions/{made[calendar.PER_DAY].id}"' not in page


def test_what_a_partner_may_not_read_is_neither_shown_nor_counted(
        session: Session, actor: Any, client_as: Callable[..., TestClient],
        frozen_now: datetime) -> None:
    ours = f.make_organization(session, actor, name="Our Group")
    theirs = f.make_organization(session, actor, name="Their Group")
    partner = client_as("partner", organization_id=ours.id)
    for n in range(3):
        f.make_action(session, actor, title=f"Shared action {n}", scheduled_on=BUSY,
                      owner_organization_id=theirs.id)  # actions are the coalition's by default
        f.make_action(session, actor, title=f"Their private action {n}", scheduled_on=BUSY,
                      owner_organization_id=theirs.id, visibility="private")
        f.make_task(session, actor, title=f"Their task {n}", due_on=BUSY,
                    owner_organization_id=theirs.id)
        f.make_meeting(session, actor, summary=f"Their meeting {n}", organization_id=theirs.id,
                       held_at=datetime(2026, 3, 12, 15, n, tzinfo=UTC))
    f.make_action(session, actor, title="Our private action", scheduled_on=BUSY,
                  owner_organization_id=ours.id, visibility="private")
    f.make_task(session, actor, title="Their task for us", due_on=BUSY,
                owner_organization_id=theirs.id,
                assignee_user_id=partner.user.id)  # type: ignore[attr-defined]
    f.make_meeting(session, actor, summary="Our meeting", organization_id=ours.id,
                   held_at=datetime(2026, 3, 12, 16, 0, tzinfo=UTC))
    f.make_records_request(session, actor, subject="Their request", status="sent",
                           sent_on=date(2026, 3, 1), due_on_override=BUSY,
                           requester_organization_id=theirs.id)
    # Readable: our meeting, four actions, the task assigned to us. The month cell shows four.
    month = plain(partner.get("/calendar?month=2026-03").text)
    assert "Our meeting" in month and "Our private action" in month
    assert "2 more on March 12" in month
    day = plain(fragment(partner, "/calendar?view=agenda&day=2026-03-12").text)
    for title in ("Our meeting", "Our private action", "Shared action 2", "Their task for us"):
        assert title in day
    for title in ("Their private action", "Their task 0", "Their meeting", "Their request"):
        assert title not in day
    agenda = plain(fragment(partner, "/calendar?view=agenda&month=2026-03").text)
    assert "Their task for us" in agenda and "more on March 12" not in agenda

    lead = client_as("lead")
    # A lead reads the coalition's records but not another organization's private ones.
    lead_month = plain(lead.get("/calendar?month=2026-03").text)
    assert "Shared action 0" in lead_month and "Their meeting" not in lead_month
    assert "more on March 12" not in lead_month


def test_a_campaign_counts_only_its_own_entries(client: TestClient, session: Session,
                                                actor: Any, frozen_now: datetime) -> None:
    ours = f.make_campaign(session, actor, name="Ours")
    theirs = f.make_campaign(session, actor, name="Theirs")
    for n in range(6):
        f.make_action(session, actor, title=f"Our action {n}", campaign_id=ours.id,
                      scheduled_on=BUSY)
    for n in range(3):
        f.make_action(session, actor, title=f"A their action {n}", campaign_id=theirs.id,
                      scheduled_on=BUSY)
    f.make_task(session, actor, title="Our task", campaign_id=ours.id, due_on=BUSY)
    busy = calendar.days(session, actor, start=BUSY, end=BUSY, campaign_id=ours.id)[BUSY]
    assert _titles(busy) == [f"Our action {n}" for n in range(4)]
    assert busy.more == {"action": 2, "task": 1}
    page = plain(client.get(f"/calendar?month=2026-03&campaign_id={ours.id}").text)
    assert "Our action 3" in page and "their action" not in page
    assert "3 more on March 12" in page
    everyone = plain(client.get("/calendar?month=2026-03").text)
    assert "A their action 0" in everyone and "6 more on March 12" in everyone


def test_a_month_takes_the_same_statements_however_many_entries_it_holds(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    pages = ("/calendar?month=2026-03", "/calendar?view=agenda&month=2026-03",
             "/calendar?view=agenda&day=2026-03-12")
    for url in pages:  # the first request of a kind builds its statements
        assert client.get(url).status_code == 200
    # The next minute: the pages are made again, not given as kept (api.page_cache).
    clock.freeze(frozen_now + timedelta(minutes=1))
    counts = []
    for url in pages:
        with statements() as seen:
            client.get(url)
        counts.append(len(seen))
    with statements() as seen:
        calendar.days(session, actor, start=date(2026, 3, 1), end=date(2026, 4, 11))
    # One for the zones in use, one for every dated kind and the meetings (by their stored
    # local day), one for the votes.
    assert len(seen) == 3

    body = f.make_body(session, actor)
    for day in range(1, 29):
        on = date(2026, 3, day)
        for n in range(calendar.PER_DAY + 1):
            f.make_action(session, actor, title=f"Action {day}-{n}", scheduled_on=on)
        f.make_task(session, actor, title=f"Task {day}", due_on=on)
        f.make_meeting(session, actor, held_at=datetime(2026, 3, day, 17, 0, tzinfo=UTC))
        f.make_vote(session, actor, body_id=body.id,
                    scheduled_at=datetime(2026, 3, day, 20, 0, tzinfo=UTC))
    for url, few in zip(pages, counts, strict=True):
        with statements() as seen:
            page = client.get(url)
        assert page.status_code == 200 and len(seen) == few, url
    assert "4 more on March 12" in plain(client.get(pages[0]).text)
    with statements() as seen:
        calendar.days(session, actor, start=date(2026, 3, 1), end=date(2026, 4, 11))
    assert len(seen) == 3
