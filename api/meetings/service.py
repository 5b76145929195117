"""Reads and writes of meetings; a stance observed at a meeting updates the stance history."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from api import clock
from api.auth import permissions
from api.auth.models import User, Visibility
from api.auth.scoping import actor_of
from api.campaigns import service as campaigns
from api.crud import Crud, Link
from api.errors import Conflict, Forbidden, Invalid, NotFound, Problems
from api.fields import stored_id
from api.i18n.catalogs import N_
from api.meetings.models import (
    MEETINGS,
    STANCES_NEED_CAMPAIGN,
    STILL_AHEAD,
    STILL_LATER,
    Meeting,
    MeetingAttendee,
    MeetingCreate,
    MeetingNote,
    MeetingRead,
    MeetingTarget,
)
from api.targets import service as targets
from api.targets.models import StanceSource
from api.tasks import service as tasks
from api.tasks.models import TaskCreate


def _check_observed(session: Session, actor: User, values: dict[str, Any],
                    existing: Meeting | None) -> dict[str, Any]:
    when = values["held_at"]
    zone = campaigns.zone(session, values.get("campaign_id"))
    if when.tzinfo is None:
        values["held_at"] = when = when.replace(tzinfo=zone)
    local, now = when.astimezone(zone), clock.now().astimezone(zone)
    problems = []
    if local.date() > now.date():
        problems.append(Invalid(STILL_AHEAD, field="held_at"))
    # Later today is still to come too. To the minute, as a form gives the time: a meeting
    # logged as it ends is not refused for the seconds the clock has gone on.
    elif local.replace(second=0, microsecond=0) > now:
        problems.append(Invalid(STILL_LATER, field="held_at"))
    if values.get("stances_observed") and values.get("campaign_id") is None:
        problems.append(Invalid(STANCES_NEED_CAMPAIGN, field="campaign_id"))
    if problems:
        raise Problems.of(problems)
    return values


def _apply_observed(session: Session, actor: User, meeting: Meeting,
                    values: dict[str, Any]) -> None:
    """A stance the meeting tells of is recorded when it is new to the meeting: logged now, or
    changed since the meeting last told of it. Saving the meeting again with the stances it
    already told (a new location, a wider sharing) records nothing. A correction takes the
    place of what it corrects in the target's history, so a later change stays the stance."""
    campaign_id = meeting.campaign_id
    # Stances without a campaign were refused on the way in (above): there are none to record.
    if "stances_observed" not in values or campaign_id is None:
        return
    for observed in values["stances_observed"]:
        target_id = observed["target_id"]
        earlier = targets.observed_at(session, meeting_id=stored_id(meeting),
                                      target_id=target_id, campaign_id=campaign_id)
        if earlier is not None and earlier.to_level == observed["level"]:
            continue
        try:
            targets.set_stance(session, actor, target_id=target_id,
                               campaign_id=campaign_id,
                               level=observed["level"], source=StanceSource.meeting,
                               note=observed.get("note", ""), meeting_id=meeting.id,
                               recorded_at=earlier.recorded_at if earlier is not None
                               else meeting.created_at)
        except NotFound as exc:
            raise Invalid(str(exc), field="stances_observed") from exc


class MeetingCrud(Crud[Meeting, MeetingRead]):
    """The generic machinery, with the organization's private notes kept in a row of their own:
    read back only where the session may read that row, written only by the organization."""

    def read_rows(self, session: Session,
                  objs: Sequence[Meeting | sa.Row[Any]]) -> list[dict[str, Any]]:
        rows = super().read_rows(session, objs)
        ids = [row["id"] for row in rows]
        notes = dict(session.execute(
            select(MeetingNote.meeting_id, MeetingNote.text)
            .where(MeetingNote.meeting_id.in_(ids))).all()) if ids else {}
        for row in rows:
            row["private_notes"] = notes.get(row["id"], "")
        return rows

    def create(self, session: Session, actor: User, data: BaseModel) -> Meeting:
        meeting = super().create(session, actor, data)
        save_private_notes(session, actor, meeting, getattr(data, "private_notes", ""))
        return meeting

    def update(self, session: Session, actor: User, record_id: int, data: BaseModel) -> Meeting:
        meeting = super().update(session, actor, record_id, data)
        if "private_notes" in data.model_fields_set:
            save_private_notes(session, actor, meeting, getattr(data, "private_notes", ""))
        return meeting


def keeps_notes(actor: permissions.Actor, meeting: Meeting) -> bool:
    """Whether the actor is of the meeting's own organization, the only one that keeps notes
    on it (administrators aside)."""
    return permissions.sees_everything(actor) or (
        meeting.organization_id == getattr(actor, "organization_id", None))


def private_notes(session: Session, meeting_id: int) -> str | None:
    """The organization's notes on a meeting as the session may read them; None when it may
    not (a reader outside the organization), "" when there are none yet."""
    meeting = session.get(Meeting, meeting_id)
    note = session.exec(select(MeetingNote).where(MeetingNote.meeting_id == meeting_id)).first()
    if note is not None:
        return note.text
    if meeting is None:
        return None
    return "" if keeps_notes(actor_of(session), meeting) else None


def save_private_notes(session: Session, actor: User, meeting: Meeting, text: str) -> None:
    """Write the organization's notes on its meeting; an empty text on a meeting with none
    writes nothing, so a lead saving a shared meeting's form leaves them alone."""
    note = session.exec(select(MeetingNote).where(MeetingNote.meeting_id == meeting.id)).first()
    if note is None and not text:
        return
    if note is None:
        if not keeps_notes(actor, meeting):
            raise Forbidden(N_("Only the meeting's own organization keeps notes on it."))
        note = MeetingNote(meeting_id=stored_id(meeting), organization_id=meeting.organization_id,
                           visibility=Visibility.private)
    note.text = text
    note.organization_id = meeting.organization_id
    note.updated_at = clock.now()
    session.add(note)
    session.flush()


crud = MeetingCrud(
    **MEETINGS.crud_options(),
    links={
        "target_ids": Link(MeetingTarget, "meeting_id", "target_id", "target", "target"),
        "attendee_ids": Link(MeetingAttendee, "meeting_id", "person_id", "person", "person"),
    },
    prepare=_check_observed,
    after_save=_apply_observed,
)


def logged_with(session: Session, key: str) -> Meeting | None:
    """The meeting already logged from a form sent with this key, as the session may read it."""
    return session.exec(select(Meeting).where(Meeting.idempotency_key == key)).first()


def log(session: Session, actor: User, *, meeting: MeetingCreate,
        follow_ups: list[TaskCreate], key: str | None = None) -> Meeting:
    """A meeting and its follow-up tasks, saved together: the tasks belong to the meeting and,
    unless they say otherwise, to its campaign. A form sent again with the same key (a retry,
    a queue sent once the connection is back) is answered with the meeting it made first."""
    if key is not None:
        first = logged_with(session, key)
        if first is not None:
            return first
    saved = crud.create(session, actor, meeting)
    if key is not None:
        saved.idempotency_key = key
        session.add(saved)
        try:
            session.flush()
        except IntegrityError as exc:
            # The same form sent twice at once: the other request logged it.
            session.rollback()
            raise Conflict(N_("This meeting was already sent."), field="idempotency_key") from exc
    for index, task in enumerate(follow_ups):
        values = task.model_dump(exclude_unset=True)
        values["meeting_id"] = saved.id
        values.setdefault("campaign_id", saved.campaign_id)
        # Shared as the meeting is: a next step told to the coalition is the coalition's.
        values.setdefault("visibility", saved.visibility)
        try:
            tasks.crud.create(session, actor, TaskCreate.model_validate(values))
        except Invalid as exc:
            raise Invalid(N_("Follow-up {value}: {message_}"),
                          value=index + 1, message_=exc,
                          field=f"follow_ups.{index}.{exc.field or 'title'}") from exc
    return saved
