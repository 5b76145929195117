"""The campaign page lists the campaign's tasks, records requests, meetings and press, each
with a way to add one; and a task that is done is never shown as overdue."""

from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import plain


def test_the_campaign_page_lists_what_belongs_to_the_campaign(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras")
    other = f.make_campaign(session, actor, name="Elsewhere")
    f.make_task(session, actor, title="Book the hall", campaign_id=campaign.id)
    f.make_task(session, actor, title="Not ours", campaign_id=other.id)
    f.make_records_request(session, actor, subject="Audit logs", campaign_id=campaign.id)
    f.make_meeting(session, actor, summary="Met the mayor", campaign_id=campaign.id)
    f.make_press_hit(session, actor, title="Council weighs cameras", campaign_id=campaign.id)
    session.commit()
    page = client.get(f"/campaigns/{campaign.id}").text
    text = plain(page)
    assert "Tasks (1)" in text and "Book the hall" in text and "Not ours" not in text
    assert "Records requests (1)" in text and "Audit logs" in text
    assert "Meetings (1)" in text and "Met the mayor" in text
    assert "Press (1)" in text and "Council weighs cameras" in text
    assert f'href="/tasks/new?campaign_id={campaign.id}"' in page
    assert f'href="/records-requests/new?campaign_id={campaign.id}"' in page


def test_a_task_done_after_its_due_date_is_not_overdue(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    f.make_task(session, actor, title="Draft the script", due_on=date(2026, 2, 19),
                status="done")
    f.make_task(session, actor, title="Call the clerk", due_on=date(2026, 2, 20))
    session.commit()
    text = plain(client.get("/tasks").text)
    done = text[text.index("Draft the script"):text.index("Call the clerk")]
    late = text[text.index("Call the clerk"):]
    assert "overdue" not in done and "Feb 19, 2026" in done
    assert "overdue, 10 days ago" in late
