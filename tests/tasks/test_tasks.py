"""JSON API of follow-up tasks; completing one stamps when."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from tests.api.contract import MISSING_ID, CrudContract, Spec, refused_reference
from tests.factories import make_campaign, make_task, make_user, unique


def payload(session: Session, actor: Any) -> dict[str, Any]:
    return {"title": unique("Call the clerk"), "campaign_id": make_campaign(session, actor).id,
            "assignee_user_id": make_user("lead", session=session).id, "due_on": "2026-03-20",
            "status": "open", "notes": "Ask about the agenda."}


class TestTasks(CrudContract):
    spec = Spec(
        path="/api/v1/tasks", payload=payload,
        rows=({"due_on": "2026-03-10", "status": "cancelled"},
              {"due_on": "2026-03-01", "notes": "Print flyers", "status": "open"},
              {"due_on": "2026-03-30", "status": "open"}),
        sort="due_on", q="flyers", filter="status",
        patch={"due_on": "2026-04-01", "notes": "Moved."},
        bad_patch=({"status": "finished"}, "status"),
        invalid=[({"status": "doing"}, "status"), ({"due_on": "tomorrow"}, "due_on"),
                 ({"title": " "}, "title")],
    )


@pytest.mark.parametrize("field_name", ["campaign_id", "action_id", "meeting_id",
                                        "assignee_user_id", "assignee_organization_id"])
def test_missing_references(client: TestClient, session: Session, actor: Any,
                            field_name: str) -> None:
    refused_reference(client, TestTasks.spec, session, actor, field_name, MISSING_ID)


def test_completion_is_stamped_and_cleared(client: TestClient, session: Session, actor: Any,
                                           frozen_now: datetime) -> None:
    task = make_task(session, actor)
    url = f"/api/v1/tasks/{task.id}"
    assert client.get(url).json()["completed_at"] is None
    done = client.patch(url, json={"status": "done"}).json()
    assert done["completed_at"] == frozen_now.isoformat().replace("+00:00", "Z")

    later = frozen_now + timedelta(days=2)
    clock.freeze(later)
    # Editing a finished task keeps the time it was finished.
    assert client.patch(url, json={"notes": "Went well."}).json()["completed_at"] == done[
        "completed_at"]
    assert client.patch(url, json={"status": "open"}).json()["completed_at"] is None
    assert client.patch(url, json={"status": "done"}).json()["completed_at"] == datetime(
        2026, 3, 4, 17, 0, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def test_created_done(client: TestClient, session: Session, actor: Any,
                      frozen_now: datetime) -> None:
    created = client.post("/api/v1/tasks", json={**payload(session, actor), "status": "done"})
    assert created.json()["completed_at"] == "2026-03-02T17:00:00Z"
    # A client cannot set the stamp itself.
    other = client.post("/api/v1/tasks", json={**payload(session, actor),
                                               "completed_at": "2020-01-01T00:00:00Z"})
    assert other.json()["completed_at"] is None
