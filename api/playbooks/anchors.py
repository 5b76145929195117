"""Moving a campaign's anchor dates moves the actions and tasks counted from them."""

from datetime import date, timedelta

from sqlmodel import Session, select

from api import clock
from api.actions.models import Action, ActionStatus
from api.tasks.models import Task, TaskStatus

_FINISHED_ACTIONS = (ActionStatus.done, ActionStatus.cancelled)
_FINISHED_TASKS = (TaskStatus.done, TaskStatus.cancelled)


def anchored_date(anchor: date | None, offset_days: int | None) -> date | None:
    if anchor is None or offset_days is None:
        return None
    return anchor + timedelta(days=offset_days)


def _moved(current: date | None, old: date | None, new: date,
           offset_days: int | None) -> date | None:
    # Shifting by how far the anchor moved keeps any date an organizer adjusted by hand in
    # the same place relative to the anchor; an item with no date yet gets anchor + offset.
    if current is not None and old is not None:
        return current + (new - old)
    return anchored_date(new, offset_days) if offset_days is not None else current


def move(session: Session, *, campaign_id: int, kind: str, old: date | None,
         new: date | None) -> tuple[list[int], list[int]]:
    """Move the campaign's unfinished actions and tasks anchored on `kind`; returns the ids of
    the actions and tasks moved. Clearing an anchor leaves their dates where they are."""
    if new is None or new == old:
        return [], []
    now = clock.now()
    moved_actions = []
    actions = session.exec(select(Action).where(
        Action.campaign_id == campaign_id, Action.anchor_kind == kind,
        Action.status.not_in(_FINISHED_ACTIONS)))  # type: ignore[attr-defined]
    for action in actions:
        target = _moved(action.scheduled_on, old, new, action.anchor_offset_days)
        if target != action.scheduled_on:
            action.scheduled_on = target
            action.updated_at = now
            session.add(action)
            moved_actions.append(action.id)
    moved_tasks = []
    tasks = session.exec(select(Task).where(
        Task.campaign_id == campaign_id, Task.anchor_kind == kind,
        Task.status.not_in(_FINISHED_TASKS)))  # type: ignore[attr-defined]
    for task in tasks:
        target = _moved(task.due_on, old, new, task.anchor_offset_days)
        if target != task.due_on:
            task.due_on = target
            task.updated_at = now
            session.add(task)
            moved_tasks.append(task.id)
    session.flush()
    return moved_actions, moved_tasks  # type: ignore[return-value]
