"""Reads and writes of follow-up tasks; completing one stamps when."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.actions.models import Action
from api.auth import permissions
from api.auth.models import User
from api.crud import Crud, ListQuery
from api.meetings.models import Meeting
from api.tasks.models import TASKS, Task, TaskStatus

# The records a task is for, each named only to those who may read it.
SOURCES = (("action_id", Action), ("meeting_id", Meeting))


def _stamp_completion(session: Session, actor: User, values: dict[str, Any],
                      existing: Task | None) -> dict[str, Any]:
    done = values.get("status") == TaskStatus.done
    was_done = existing is not None and existing.status == TaskStatus.done
    if done and not was_done:
        values["completed_at"] = clock.now()
    elif not done:
        values["completed_at"] = None
    return values


class TaskCrud(Crud[Task]):
    """The generic machinery, with the action or meeting a task is for left empty to a reader
    who may not read it: the organization a task is assigned to reads the task, not its
    owner's private records, nor their ids."""

    def query(self, actor: User, params: ListQuery) -> sa.Select[Any]:
        """As the generic list, where asking for the tasks of an action or meeting the actor
        may not read finds none, as for one that does not exist."""
        stmt = super().query(actor, params)
        for name, model in SOURCES:
            condition = permissions.visible(model, actor)
            if params.filters.get(name) is not None and condition is not None:
                stmt = stmt.where(sa.select(sa.literal(1)).select_from(model).where(
                    model.id == getattr(Task, name), condition).exists())
        return stmt

    def to_read(self, session: Session, objs: Sequence[Task]) -> list[dict[str, Any]]:
        rows = super().to_read(session, objs)
        for name, model in SOURCES:
            ids = {row[name] for row in rows if row[name] is not None}
            if not ids:
                continue
            # Through the session, whose criteria leave out what its actor may not read.
            readable = set(session.exec(select(model.id).where(model.id.in_(ids))).all())
            for row in rows:
                if row[name] not in readable:
                    row[name] = None
        return rows


crud = TaskCrud(**TASKS.crud_options(), prepare=_stamp_completion)
