"""A detail page's related lists count only the rows their reader may read, and stop counting
past a hundred: "more than 100" and a link to see them all, instead of counting thousands."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.db import get_engine
from api.tasks.models import Task
from tests import factories as f
from tests.web.html import plain
from web.concept_pages import RELATED_COUNT_CAP


def _tasks(session: Session, *, campaign_id: int, n: int, owner: int | None = None,
           visibility: str = "coalition") -> None:
    # Written in bulk: a hundred tasks through the service would take most of the test's time.
    session.execute(sa.insert(Task), [
        {"title": f"Call the clerk {i}", "due_on": date(2026, 3, 1 + i % 28),
         "status": "open", "notes": "", "campaign_id": campaign_id,
         "owner_organization_id": owner, "visibility": visibility}
        for i in range(n)])
    session.commit()


def test_a_related_list_counts_up_to_its_cap_then_says_more_than(
        client: TestClient, session: Session, actor: Any) -> None:
    few = f.make_campaign(session, actor, name="Few Tasks")
    many = f.make_campaign(session, actor, name="Many Tasks")
    exactly = f.make_campaign(session, actor, name="Exactly Enough")
    _tasks(session, campaign_id=few.id, n=3)
    _tasks(session, campaign_id=many.id, n=RELATED_COUNT_CAP + 1)
    _tasks(session, campaign_id=exactly.id, n=RELATED_COUNT_CAP)

    text = plain(client.get(f"/campaigns/{few.id}").text)
    assert "Tasks (3)" in text and "See all" not in text and "See them all" not in text

    page = client.get(f"/campaigns/{many.id}")
    text = plain(page.text)
    assert f"Tasks (more than {RELATED_COUNT_CAP})" in text
    assert "See them all" in text and f'href="/tasks?campaign_id={many.id}"' in page.text
    assert f"See all {RELATED_COUNT_CAP}" not in text

    text = plain(client.get(f"/campaigns/{exactly.id}").text)
    assert f"Tasks ({RELATED_COUNT_CAP})" in text and f"See all {RELATED_COUNT_CAP}" in text


def test_a_related_lists_count_leaves_out_what_its_reader_may_not_read(
        client_as: Any, session: Session, actor: Any) -> None:
    ours = f.make_organization(session, actor, name="Our Group")
    theirs = f.make_organization(session, actor, name="Their Group")
    campaign = f.make_campaign(session, actor, name="Shared Campaign")
    # More than the cap in all, but their private ones bring what our partner reads under it.
    _tasks(session, campaign_id=campaign.id, n=RELATED_COUNT_CAP - 5, owner=ours.id)
    _tasks(session, campaign_id=campaign.id, n=10, owner=theirs.id, visibility="private")
    partner = client_as(Role.partner, organization_id=ours.id)
    text = plain(partner.get(f"/campaigns/{campaign.id}").text)
    assert f"Tasks ({RELATED_COUNT_CAP - 5})" in text
    admin = client_as(Role.admin)
    text = plain(admin.get(f"/campaigns/{campaign.id}").text)
    assert f"Tasks (more than {RELATED_COUNT_CAP})" in text



def test_a_campaigns_tasks_are_read_in_order_from_an_index_not_sorted_whole(
        client: TestClient, session: Session, actor: Any) -> None:
    """The campaign page's first tasks come from the index in the lists' order (due date, none
    last), so the page reads ten of a campaign's thousand tasks, not all of them to sort."""
    campaign = f.make_campaign(session, actor, name="Ordered Tasks")
    _tasks(session, campaign_id=campaign.id, n=30)
    session.execute(sa.update(Task).where(Task.title == "Call the clerk 0").values(due_on=None))
    session.commit()
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if statement.lstrip().startswith("SELECT task.id AS id"):
            seen.append((statement, parameters))

    engine = get_engine()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        text = plain(client.get(f"/campaigns/{campaign.id}").text)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    shown = text[text.index("Tasks (30)"):]
    # Mar 1 first; the task with no due date is not among the first ten.
    assert "Call the clerk 28" in shown.split("See all")[0]
    assert "Call the clerk 0 " not in shown.split("See all")[0]
    assert len(seen) == 1
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner reads a table this small whole, index or not.
    statement, parameters = seen[0]
    with engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
    assert "ix_task_campaign_due" in plan and "TEMP B-TREE" not in plan, plan
