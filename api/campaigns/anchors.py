"""A campaign's anchor dates, and moving them moves the actions and tasks counted from them."""

from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from sqlmodel import Session, select

from api import clock
from api.actions.models import Action, ActionStatus
from api.fields import stored_id
from api.tasks.models import Task, TaskStatus


class AnchorKind(StrEnum):
    campaign_start = "campaign_start"
    vote = "vote"
    notice_deadline = "notice_deadline"


# The campaign column that holds each anchor's date.
ANCHOR_COLUMNS = {AnchorKind.campaign_start: "start_date", AnchorKind.vote: "vote_date",
                  AnchorKind.notice_deadline: "notice_deadline"}

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
    moved_actions = _move_rows(session, Action, "scheduled_on", _FINISHED_ACTIONS,
                               campaign_id=campaign_id, kind=kind, old=old, new=new)
    moved_tasks = _move_rows(session, Task, "due_on", _FINISHED_TASKS,
                             campaign_id=campaign_id, kind=kind, old=old, new=new)
    session.flush()
    return moved_actions, moved_tasks


# The tables whose rows a playbook dates from an anchor.
Anchored = TypeVar("Anchored", Action, Task)


def _move_rows(session: Session, model: type[Anchored], date_field: str,
               finished: Any, *, campaign_id: int, kind: str, old: date | None,
               new: date) -> list[int]:
    """One table's unfinished rows anchored on `kind`, moved with the anchor; their ids."""
    now = clock.now()
    moved = []
    rows = session.exec(select(model).where(
        model.campaign_id == campaign_id, model.anchor_kind == kind,
        model.status.not_in(finished)))
    for row in rows:
        current = getattr(row, date_field)
        target = _moved(current, old, new, row.anchor_offset_days)
        if target != current:
            setattr(row, date_field, target)
            row.updated_at = now
            session.add(row)
            moved.append(stored_id(row))
    return moved
