"""Calendar entries between two dates: votes and meetings on the local clock where they happen,
actions, contract deadlines, records-request and task due dates; optionally for one campaign."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api.actions.models import Action
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.errors import Invalid
from api.jurisdictions.models import Jurisdiction
from api.meetings.models import Meeting
from api.records_requests.models import CLOSED_STATUSES, RecordsRequest
from api.tasks.models import Task, TaskStatus
from api.votes.models import Vote

MAX_DAYS = 62


@dataclass
class Entry:
    day: date
    kind: str
    what: str
    title: str
    record_id: int
    at: datetime | None = None
    zone: str = "UTC"


def _summary(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 80 else text[:79].rstrip() + "…"


def entries(session: Session, actor: Any, *, start: date, end: date,
            campaign_id: int | None = None) -> list[Entry]:
    """Everything dated from start to end (inclusive), in order of day and time."""
    if end < start:
        raise Invalid("The end of the range must not be before its start.", field="end")
    if (end - start).days > MAX_DAYS:
        raise Invalid(f"Show at most {MAX_DAYS} days at a time.", field="end")
    # Times are stored in UTC; a day's edges move by up to a day in other zones.
    low = datetime.combine(start - timedelta(days=1), time.min, UTC)
    high = datetime.combine(end + timedelta(days=2), time.min, UTC)
    found: list[Entry] = []

    place = aliased(Jurisdiction)
    votes = (sa.select(Vote.id, Vote.title, Vote.scheduled_at, place.timezone)
             .join(Body, Body.id == Vote.body_id).join(place, place.id == Body.jurisdiction_id)
             .where(Vote.scheduled_at >= low, Vote.scheduled_at < high,
                    Vote.status != "cancelled"))
    meeting_place = aliased(Jurisdiction)
    meetings = (sa.select(Meeting.id, Meeting.summary, Meeting.location, Meeting.held_at,
                          sa.func.coalesce(meeting_place.timezone, "UTC").label("timezone"))
                .outerjoin(Campaign, Campaign.id == Meeting.campaign_id)
                .outerjoin(meeting_place, meeting_place.id == Campaign.jurisdiction_id)
                .where(Meeting.held_at >= low, Meeting.held_at < high))
    actions = (sa.select(Action.id, Action.title, Action.scheduled_on)
               .where(Action.scheduled_on.between(start, end), Action.status != "cancelled"))
    deadlines = sa.select(Contract.id, Contract.title, Contract.notice_deadline,
                          Contract.end_date).where(sa.or_(
                              Contract.notice_deadline.between(start, end),
                              Contract.end_date.between(start, end)))
    requests = (sa.select(RecordsRequest.id, RecordsRequest.subject, RecordsRequest.due_on)
                .where(RecordsRequest.due_on.between(start, end),
                       RecordsRequest.status.not_in([s.value for s in CLOSED_STATUSES])))
    tasks = (sa.select(Task.id, Task.title, Task.due_on)
             .where(Task.due_on.between(start, end), Task.status == TaskStatus.open))
    if campaign_id is not None:
        votes = votes.where(Vote.campaign_id == campaign_id)
        meetings = meetings.where(Meeting.campaign_id == campaign_id)
        actions = actions.where(Action.campaign_id == campaign_id)
        deadlines = deadlines.where(Contract.id.in_(
            sa.select(Vote.contract_id).where(Vote.campaign_id == campaign_id)))
        requests = requests.where(RecordsRequest.campaign_id == campaign_id)
        tasks = tasks.where(Task.campaign_id == campaign_id)

    for r in session.execute(votes):
        local = r.scheduled_at.astimezone(ZoneInfo(r.timezone))
        found.append(Entry(local.date(), "vote", "Vote", r.title, r.id, r.scheduled_at,
                           r.timezone))
    for r in session.execute(meetings):
        local = r.held_at.astimezone(ZoneInfo(r.timezone))
        found.append(Entry(local.date(), "meeting", "Meeting",
                           _summary(r.summary) or r.location or "Meeting", r.id, r.held_at,
                           r.timezone))
    for r in session.execute(actions):
        found.append(Entry(r.scheduled_on, "action", "Action", r.title, r.id))
    for r in session.execute(deadlines):
        if r.notice_deadline and start <= r.notice_deadline <= end:
            found.append(Entry(r.notice_deadline, "contract", "Notice deadline", r.title, r.id))
        if r.end_date and start <= r.end_date <= end:
            found.append(Entry(r.end_date, "contract", "Contract ends", r.title, r.id))
    for r in session.execute(requests):
        found.append(Entry(r.due_on, "records_request", "Records due", r.subject, r.id))
    for r in session.execute(tasks):
        found.append(Entry(r.due_on, "task", "Task due", r.title, r.id))

    found = [e for e in found if start <= e.day <= end]
    found.sort(key=lambda e: (e.day, e.at is None, e.at or datetime.min.replace(tzinfo=UTC),
                              e.kind, e.title))
    return found
