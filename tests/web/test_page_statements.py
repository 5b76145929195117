"""The campaign page and the dashboard read the database in as many statements for many rows as
for a few, and still show every row they read."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from api import clock
from api.db import get_engine
from api.documents.models import AttachedTo
from api.targets import service as targets
from tests import factories as f
from tests.web.html import plain

# What the pages take today: a new section batches its reads rather than adding statements.
# The campaign's contracts are read as its lead organizations are, one list read more. The
# owners named in the related lists come with their rows (it was 22 with them apart). The
# evidence of misuse is one read, its counts by kind made from the same rows.
CAMPAIGN_PAGE_SELECTS = 19
# As an administrator, who is also told whether a mail server is set up.
DASHBOARD_SELECTS = 9
STATUSES = ["planned", "in_progress", "done"]


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement the app sends while the test runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def next_minute(now: datetime) -> None:
    """The page asked again is made again, not given as kept (api.page_cache)."""
    clock.freeze(now + timedelta(minutes=1))


def selects(client: TestClient, url: str, seen: list[str]) -> tuple[int, str]:
    """The SELECT statements one GET of the page sends, and the page's text."""
    seen.clear()
    page = client.get(url)
    assert page.status_code == 200
    return sum(1 for s in seen if s.lstrip().upper().startswith("SELECT")), plain(page.text)


def _campaign_rows(session: Session, actor: Any, campaign: Any, body: Any, now: datetime,
                   tag: str) -> list[str]:
    """One more of everything the campaign page lists; the names it must show."""
    owner = f.make_organization(session, actor, name=f"Owner {tag}")
    # Each related list's rows belong to an organization, named in its "Shared with": the
    # names come with the rows, not in a statement more per list.
    shared = {"visibility": "leads"}
    member = f.make_target(session, actor, name=f"Member {tag}", body_id=body.id,
                           owner_organization_id=owner.id)
    targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                       level="leaning_yes", note=f"Said so {tag}")
    session.commit()
    f.make_meeting(session, actor, campaign_id=campaign.id, summary=f"Meeting {tag}",
                   held_at=now - timedelta(days=2), target_ids=[member.id],
                   organization_id=owner.id, **shared)
    f.make_action(session, actor, title=f"Action {tag}", campaign_id=campaign.id,
                  status=STATUSES[len(tag) % 3], scheduled_on=now.date() - timedelta(days=1))
    f.make_action(session, actor, title=f"Undated {tag}", campaign_id=campaign.id,
                  scheduled_on=None)
    f.make_task(session, actor, title=f"Task {tag}", campaign_id=campaign.id,
                owner_organization_id=owner.id, **shared)
    f.make_records_request(session, actor, subject=f"Request {tag}", campaign_id=campaign.id,
                           requester_organization_id=owner.id, **shared)
    f.make_press_hit(session, actor, title=f"Press {tag}", campaign_id=campaign.id,
                     published_on=now.date() - timedelta(days=3),
                     owner_organization_id=owner.id, **shared)
    f.make_vote(session, actor, title=f"Vote {tag}", body_id=body.id, campaign_id=campaign.id,
                scheduled_at=now + timedelta(days=5))
    f.make_document(session, actor, attached_kind=AttachedTo.campaign,
                    attached_id=campaign.id, filename=f"flyer-{len(tag)}.pdf")
    return [f"Member {tag}", f"Owner {tag} and the coalition's leads", f"Action {tag}",
            f"Undated {tag}", f"Task {tag}", f"Request {tag}", f"Meeting {tag}", f"Press {tag}",
            f"Vote {tag}"]


def test_the_campaign_page_takes_as_many_statements_for_many_rows_as_for_one(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime,
        statements: list[str]) -> None:
    place = f.make_jurisdiction(session, actor, name="Riverbend")
    body = f.make_body(session, actor, jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, jurisdiction_id=place.id)
    url = f"/campaigns/{campaign.id}"
    shown = _campaign_rows(session, actor, campaign, body, frozen_now, "a")
    client.get(url)  # the first request of a session records that it was used
    next_minute(frozen_now)
    few, text = selects(client, url, statements)
    assert all(name in text for name in shown), [n for n in shown if n not in text]
    for tag in ("bb", "ccc", "dddd", "eeeee", "ffffff"):
        shown += _campaign_rows(session, actor, campaign, body, frozen_now, tag)
    many, text = selects(client, url, statements)
    assert many == few <= CAMPAIGN_PAGE_SELECTS
    missing = [name for name in shown if name not in text]
    assert not missing, missing
    for section in ("Tasks (6)", "Records requests (6)", "Meetings (6)", "Press (6)"):
        assert section in text
    # Two dated actions in each column, and the six undated ones (planned) after the dated.
    assert "Planned (8)" in text and "In progress (2)" in text and "Done (2)" in text
    assert text.index("Action ccc") < text.index("Undated a") < text.index("In progress (2)")
    assert "Recent activity" in text and "Said so ffffff" in text
    assert "Document added" in text and "flyer-6.pdf" in text


def _week_rows(session: Session, actor: Any, me: Any, now: datetime, tag: str) -> list[str]:
    """One more of everything the dashboard lists for the signed-in user; the names it shows."""
    body = f.make_body(session, actor, name=f"Council {tag}")
    campaign = f.make_campaign(session, actor, name=f"Campaign {tag}")
    member = f.make_target(session, actor, name=f"Member {tag}", body_id=body.id)
    targets.set_stance(session, actor, target_id=member.id, campaign_id=campaign.id,
                       level="champion")
    session.commit()
    f.make_vote(session, actor, title=f"Vote {tag}", body_id=body.id, campaign_id=campaign.id,
                scheduled_at=now + timedelta(days=3 + len(tag)))
    f.make_contract(session, actor, title=f"Contract {tag}", end_date=date(2026, 6, 30),
                    termination_notice_days=30 + len(tag))
    f.make_records_request(session, actor, subject=f"Request {tag}", status="sent",
                           sent_on=date(2026, 2, 1), due_on_override=date(2026, 3, len(tag) + 3))
    f.make_task(session, actor, title=f"Task {tag}", assignee_user_id=me.id,
                campaign_id=campaign.id)
    f.make_meeting(session, actor, summary=f"Meeting {tag}", target_ids=[member.id],
                   held_at=now - timedelta(hours=len(tag)))
    return [f"Vote {tag}", f"Council {tag}", f"Contract {tag}", f"Request {tag}",
            f"Task {tag}", f"Meeting {tag}", f"with Member {tag}"]


def test_the_dashboard_takes_as_many_statements_for_many_rows_as_for_one(
        client: TestClient, session: Session, actor: Any, admin: Any, frozen_now: datetime,
        statements: list[str]) -> None:
    shown = _week_rows(session, actor, admin, frozen_now, "a")
    client.get("/")
    next_minute(frozen_now)
    few, text = selects(client, "/", statements)
    assert all(name in text for name in shown), [n for n in shown if n not in text]
    for tag in ("bb", "ccc", "dddd"):
        shown += _week_rows(session, actor, admin, frozen_now, tag)
    many, text = selects(client, "/", statements)
    assert many == few <= DASHBOARD_SELECTS
    missing = [name for name in shown if name not in text]
    assert not missing, missing
    # Each vote's whip bar counts its own body's member.
    assert text.count("1 likely with us of 4 needed") == 4
    assert text.index("Meeting a") < text.index("Meeting bb") < text.index("Meeting dddd")


def test_the_latest_meetings_are_the_five_newest(client: TestClient, session: Session,
                                                  actor: Any, frozen_now: datetime) -> None:
    start = datetime(2026, 2, 1, 18, 0, tzinfo=UTC)
    for day in range(8):
        f.make_meeting(session, actor, summary=f"Meeting on day {day}",
                       held_at=start + timedelta(days=day))
    f.make_meeting(session, actor, summary="Next month's meeting",
                   held_at=frozen_now + timedelta(days=30))
    text = plain(client.get("/", headers={"HX-Request": "true",
                                          "HX-Target": "latest-meetings"}).text)
    assert [f"Meeting on day {day}" in text for day in range(8)] == [False] * 3 + [True] * 5
    assert "Next month's meeting" not in text
    assert text.index("Meeting on day 7") < text.index("Meeting on day 3")
