"""Timelines of a record or a campaign, gathered from the concepts that point at it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.actions.models import Action
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.documents.models import AttachedTo, Document
from api.media.models import PressHit
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.records_requests.models import RecordsRequest
from api.targets.models import StanceChange, Target
from api.tasks.models import Task
from api.votes.models import Vote

LIMIT = 30


@dataclass
class Event:
    """One dated thing: `kind` names the concept it links to, `record_id` the record."""

    at: date | datetime
    what: str
    title: str
    kind: str
    record_id: int
    detail: str = ""

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.at, datetime):
            return self.at
        return datetime.combine(self.at, time(12), UTC)


def _excerpt(text: str | None, length: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _level(value: Any) -> str:
    return str(getattr(value, "value", value)).replace("_", " ")


Query = Callable[[Session, int], list[Event]]


def _meetings(session: Session, where: Any, link: Any = None) -> list[Event]:
    stmt = sa.select(Meeting.id, Meeting.held_at, Meeting.summary, Meeting.location)
    if link is not None:
        stmt = stmt.join(link[0], link[1])
    stmt = stmt.where(where).order_by(Meeting.held_at.desc()).limit(LIMIT)
    return [Event(r.held_at, "Meeting", _excerpt(r.summary) or r.location or "Meeting",
                  "meeting", r.id) for r in session.execute(stmt)]


def _votes(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(Vote.id, Vote.scheduled_at, Vote.title, Vote.status, Vote.outcome)
            .where(where).order_by(Vote.scheduled_at.desc()).limit(LIMIT))
    return [Event(r.scheduled_at, "Vote", r.title, "vote", r.id,
                  f"{_level(r.status)}, {_level(r.outcome)}") for r in session.execute(stmt)]


def _stances(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(StanceChange.id, StanceChange.recorded_at, StanceChange.from_level,
                      StanceChange.to_level, StanceChange.note, StanceChange.source,
                      Target.id.label("target_id"), Target.name, Campaign.name.label("campaign"))
            .join(Target, Target.id == StanceChange.target_id)
            .join(Campaign, Campaign.id == StanceChange.campaign_id)
            .where(where).order_by(StanceChange.recorded_at.desc()).limit(LIMIT))
    return [Event(r.recorded_at, "Stance",
                  f"{r.name}: {_level(r.from_level)} → {_level(r.to_level)}",
                  "target", r.target_id,
                  f"{r.campaign} · from {_level(r.source)}" + (f" · {r.note}" if r.note else ""))
            for r in session.execute(stmt)]


def _actions(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(Action.id, Action.scheduled_on, Action.title, Action.status)
            .where(where, Action.scheduled_on.is_not(None))
            .order_by(Action.scheduled_on.desc()).limit(LIMIT))
    return [Event(r.scheduled_on, "Action", r.title, "action", r.id, _level(r.status))
            for r in session.execute(stmt)]


def _tasks(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(Task.id, Task.title, Task.completed_at, Task.due_on, Task.status)
            .where(where).order_by(Task.id.desc()).limit(LIMIT))
    events = []
    for r in session.execute(stmt):
        if r.completed_at:
            events.append(Event(r.completed_at, "Task done", r.title, "task", r.id))
        elif r.due_on:
            events.append(Event(r.due_on, "Task due", r.title, "task", r.id, _level(r.status)))
    return events


def _press(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(PressHit.id, PressHit.title, PressHit.outlet, PressHit.published_on)
            .where(where, PressHit.published_on.is_not(None)).limit(LIMIT))
    return [Event(r.published_on, "Press", r.title, "press_hit", r.id, r.outlet)
            for r in session.execute(stmt)]


def _requests(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(RecordsRequest.id, RecordsRequest.subject, RecordsRequest.sent_on,
                      RecordsRequest.due_on, RecordsRequest.status).where(where).limit(LIMIT))
    events = []
    for r in session.execute(stmt):
        if r.sent_on:
            events.append(Event(r.sent_on, "Records request sent", r.subject,
                                "records_request", r.id, _level(r.status)))
        if r.due_on:
            events.append(Event(r.due_on, "Records request due", r.subject,
                                "records_request", r.id, _level(r.status)))
    return events


def _contracts(session: Session, where: Any) -> list[Event]:
    stmt = (sa.select(Contract.id, Contract.title, Contract.start_date, Contract.end_date,
                      Contract.notice_deadline).where(where).limit(LIMIT))
    events = []
    for r in session.execute(stmt):
        for when, what in ((r.start_date, "Contract starts"),
                           (r.notice_deadline, "Last day to give notice"),
                           (r.end_date, "Contract ends")):
            if when:
                events.append(Event(when, what, r.title, "contract", r.id))
    return events


def _documents(session: Session, kind: AttachedTo, record_id: int) -> list[Event]:
    stmt = (sa.select(Document.id, Document.filename, Document.created_at)
            .where(Document.attached_kind == kind, Document.attached_id == record_id)
            .limit(LIMIT))
    return [Event(r.created_at, "Document added", r.filename, "document", r.id)
            for r in session.execute(stmt)]


SOURCES: dict[AttachedTo, list[Query]] = {
    AttachedTo.target: [
        lambda s, i: _stances(s, StanceChange.target_id == i),
        lambda s, i: _meetings(s, MeetingTarget.target_id == i,
                               (MeetingTarget, MeetingTarget.meeting_id == Meeting.id)),
        lambda s, i: _votes(s, Vote.body_id == sa.select(Target.body_id)
                            .where(Target.id == i).scalar_subquery()),
    ],
    AttachedTo.organization: [
        lambda s, i: _meetings(s, Meeting.organization_id == i),
        lambda s, i: _actions(s, Action.owner_organization_id == i),
        lambda s, i: _tasks(s, Task.assignee_organization_id == i),
    ],
    AttachedTo.person: [
        lambda s, i: _meetings(s, MeetingAttendee.person_id == i,
                               (MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)),
    ],
    AttachedTo.body: [lambda s, i: _votes(s, Vote.body_id == i)],
    AttachedTo.agency: [
        lambda s, i: _contracts(s, Contract.agency_id == i),
        lambda s, i: _requests(s, RecordsRequest.agency_id == i),
    ],
    AttachedTo.contract: [
        lambda s, i: _contracts(s, Contract.id == i),
        lambda s, i: _votes(s, Vote.contract_id == i),
    ],
    AttachedTo.vote: [
        lambda s, i: _votes(s, Vote.id == i),
        lambda s, i: _actions(s, Action.vote_id == i),
    ],
    AttachedTo.meeting: [
        lambda s, i: _stances(s, StanceChange.meeting_id == i),
        lambda s, i: _tasks(s, Task.meeting_id == i),
    ],
    AttachedTo.action: [lambda s, i: _tasks(s, Task.action_id == i)],
    AttachedTo.records_request: [lambda s, i: _requests(s, RecordsRequest.id == i)],
    AttachedTo.press_hit: [lambda s, i: _press(s, PressHit.id == i)],
    AttachedTo.campaign: [
        lambda s, i: _meetings(s, Meeting.campaign_id == i),
        lambda s, i: _votes(s, Vote.campaign_id == i),
        lambda s, i: _stances(s, StanceChange.campaign_id == i),
        lambda s, i: _actions(s, Action.campaign_id == i),
        lambda s, i: _press(s, PressHit.campaign_id == i),
        lambda s, i: _requests(s, RecordsRequest.campaign_id == i),
        lambda s, i: _tasks(s, Task.campaign_id == i),
    ],
}


def for_record(session: Session, actor: Any, *, kind: AttachedTo, record_id: int,
               past_only: bool = False, limit: int = LIMIT) -> list[Event]:
    """Everything dated about a record, newest first; past_only leaves out what is ahead."""
    events = [e for source in SOURCES.get(kind, []) for e in source(session, record_id)]
    events += _documents(session, kind, record_id)
    if past_only:
        now = clock.now()
        events = [e for e in events if e.sort_key <= now]
    events.sort(key=lambda e: e.sort_key, reverse=True)
    return events[:limit]


def for_campaign(session: Session, actor: Any, *, campaign_id: int,
                 limit: int = 15) -> list[Event]:
    """A campaign's recent activity: what has already happened, newest first."""
    return for_record(session, actor, kind=AttachedTo.campaign, record_id=campaign_id,
                      past_only=True, limit=limit)

