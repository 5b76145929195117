"""Reads and writes of meetings; a stance observed at a meeting updates the stance history."""

from typing import Any

from sqlmodel import Session

from api.campaigns import service as campaigns
from api.crud import Crud, Link
from api.errors import Invalid, NotFound
from api.meetings.models import (
    Meeting,
    MeetingAttendee,
    MeetingCreate,
    MeetingRead,
    MeetingTarget,
    MeetingUpdate,
)
from api.targets import service as targets
from api.targets.models import StanceSource
from api.tasks import service as tasks
from api.tasks.models import TaskCreate


def _check_observed(session: Session, actor: Any, values: dict[str, Any],
                    existing: Meeting | None) -> dict[str, Any]:
    when = values["held_at"]
    if when.tzinfo is None:
        values["held_at"] = when.replace(tzinfo=campaigns.zone(session, values.get("campaign_id")))
    if values.get("stances_observed") and values.get("campaign_id") is None:
        raise Invalid("Recording stances needs the campaign the meeting was about.",
                      field="campaign_id")
    return values


def _apply_observed(session: Session, actor: Any, meeting: Meeting,
                    values: dict[str, Any]) -> None:
    if "stances_observed" not in values:
        return
    for observed in values["stances_observed"]:
        current = targets.stances(session, actor, target_id=observed["target_id"],
                                  campaign_id=meeting.campaign_id)
        if current and current[0].level == observed["level"]:
            continue
        try:
            targets.set_stance(session, actor, target_id=observed["target_id"],
                               campaign_id=meeting.campaign_id,  # type: ignore[arg-type]
                               level=observed["level"], source=StanceSource.meeting,
                               note=observed.get("note", ""), meeting_id=meeting.id)
        except NotFound as exc:
            raise Invalid(str(exc), field="stances_observed") from exc


crud = Crud(
    Meeting, create=MeetingCreate, update=MeetingUpdate, read=MeetingRead, label="meeting",
    search=("summary", "location", "asks", "commitments"),
    filters=("campaign_id", "organization_id"), sort=("held_at",), default_sort="-held_at",
    date_column="held_at",
    links={
        "target_ids": Link(MeetingTarget, "meeting_id", "target_id", "target", "target"),
        "attendee_ids": Link(MeetingAttendee, "meeting_id", "person_id", "person", "person"),
    },
    prepare=_check_observed, after_save=_apply_observed,
)


def log(session: Session, actor: Any, *, meeting: MeetingCreate,
        follow_ups: list[TaskCreate]) -> Meeting:
    """A meeting and its follow-up tasks, saved together: the tasks belong to the meeting and,
    unless they say otherwise, to its campaign."""
    saved = crud.create(session, actor, meeting)
    for index, task in enumerate(follow_ups):
        values = task.model_dump(exclude_unset=True)
        values["meeting_id"] = saved.id
        values.setdefault("campaign_id", saved.campaign_id)
        try:
            tasks.crud.create(session, actor, TaskCreate.model_validate(values))
        except Invalid as exc:
            raise Invalid(f"Follow-up {index + 1}: {exc.message}",
                          field=f"follow_ups.{index}.{exc.field or 'title'}") from exc
    return saved
