"""Reads and writes of follow-up tasks; completing one stamps when."""

from typing import Any

from sqlmodel import Session

from api import clock
from api.crud import Crud
from api.tasks.models import Task, TaskCreate, TaskRead, TaskStatus, TaskUpdate


def _stamp_completion(session: Session, actor: Any, values: dict[str, Any],
                      existing: Task | None) -> dict[str, Any]:
    done = values.get("status") == TaskStatus.done
    was_done = existing is not None and existing.status == TaskStatus.done
    if done and not was_done:
        values["completed_at"] = clock.now()
    elif not done:
        values["completed_at"] = None
    return values


crud = Crud(
    Task, create=TaskCreate, update=TaskUpdate, read=TaskRead, label="task",
    search=("title", "notes"),
    filters=("campaign_id", "action_id", "meeting_id", "assignee_user_id",
             "assignee_organization_id", "status"),
    sort=("due_on", "title", "status"), default_sort="due_on", date_column="due_on",
    prepare=_stamp_completion,
)
