"""Reads and writes of follow-up tasks; completing one stamps when."""

from typing import Any

from sqlmodel import Session

from api import clock
from api.auth.models import User
from api.crud import Crud
from api.tasks.models import TASKS, Task, TaskRead, TaskStatus


def _stamp_completion(session: Session, actor: User, values: dict[str, Any],
                      existing: Task | None) -> dict[str, Any]:
    done = values.get("status") == TaskStatus.done
    was_done = existing is not None and existing.status == TaskStatus.done
    if done and not was_done:
        values["completed_at"] = clock.now()
    elif not done:
        values["completed_at"] = None
    return values


# A task names the action or meeting it is for only to a reader who may read that record, as
# every reference does (api.auth.references): the organization a task is assigned to reads the
# task, not its owner's private records, nor their ids.
crud: Crud[Task, TaskRead] = Crud(**TASKS.crud_options(), prepare=_stamp_completion)
