"""Timelines of a record or a campaign, gathered from the concepts that point at it, in the
words of whoever reads them (the language in force: a timeline is made for one page)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api import clock
from api.actions.models import Action
from api.auth.models import User
from api.auth.scoping import built_once, read
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.db import UTCDateTime
from api.documents.models import AttachedTo, Document
from api.i18n.catalogs import gettext
from api.jurisdictions.models import Jurisdiction
from api.media.models import PressHit
from api.meetings.models import Meeting, MeetingAttendee, MeetingTarget
from api.records_requests.models import RecordsRequest
from api.targets import service as targets
from api.targets.models import Target
from api.targets.stance_words import one_stance
from api.tasks.models import Task
from api.votes.models import Vote, of_campaigns

LIMIT = 30

# What "already happened" is, as bound parameters: an instant at or before now, and a day whose
# noon (UTC, as Event.sort_key places it) is at or before now, so the statement leaves out what
# is ahead instead of reading it to be dropped.
NOW = sa.bindparam("now", type_=UTCDateTime())
PAST_DAY = sa.bindparam("past_day", type_=sa.Date())
# A vote whose time is not announced happens on its local day, which the statement does not
# work out: it reads those up to a day ahead, and for_record drops what is still to come.
SOON = sa.bindparam("soon", type_=UTCDateTime())


@dataclass
class Event:
    """One dated thing: `kind` names the concept it links to, `record_id` the record."""

    at: date | datetime
    what: str
    title: str
    kind: str
    record_id: int
    detail: str = ""
    # Where a time happened, so a timeline shows it as the record's own page does; empty:
    # the page's zone.
    zone: str = ""

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.at, datetime):
            return self.at
        return datetime.combine(self.at, time(12), UTC)


def _excerpt(text: str | None, length: int = 140) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _level(value: Any) -> str:
    """A stored choice in the reader's words (each is in the catalog, web.choice_words)."""
    return gettext(str(getattr(value, "value", value)).replace("_", " "))


def _source(value: Any) -> str:
    """Where a stance was heard, said after "from": the choice "other" alone would read
    "según otro" in Spanish."""
    if str(getattr(value, "value", value)) == "other":
        return gettext("another source")
    return _level(value)


@dataclass(frozen=True)
class Part:
    """One kind of dated thing about a record: the statement of its newest rows and the events
    each row makes."""

    stmt: sa.Select[Any]
    events: Callable[[Any], list[Event]]
    # Which rows have an event that already happened (NOW, PAST_DAY and SOON bound); in the
    # statement's order, so its first rows are still the newest of those.
    past: Any


# Given the record's id (a bound parameter), the part of its timeline.
Source = Callable[[Any], Part]


MeetingCampaign = aliased(Campaign, name="timeline_meeting_campaign")
MeetingPlace = aliased(Jurisdiction, name="timeline_meeting_place")
VoteBody = aliased(Body, name="timeline_vote_body")
VotePlace = aliased(Jurisdiction, name="timeline_vote_place")


def _meetings(where: Any, link: Any = None) -> Part:
    stmt = sa.select(Meeting.id, Meeting.held_at, Meeting.summary, Meeting.location,
                     MeetingPlace.timezone)
    if link is not None:
        stmt = stmt.join(link[0], link[1])
    stmt = (stmt.outerjoin(MeetingCampaign, MeetingCampaign.id == Meeting.campaign_id)
            .outerjoin(MeetingPlace, MeetingPlace.id == MeetingCampaign.jurisdiction_id)
            .where(where).order_by(Meeting.held_at.desc()).limit(LIMIT))
    return Part(stmt, lambda r: [Event(r.held_at, gettext("Meeting"),
                                       _excerpt(r.summary) or r.location or gettext("Meeting"),
                                       "meeting", r.id, zone=r.timezone or "")],
                Meeting.held_at <= NOW)


def _votes(where: Any) -> Part:
    stmt = (sa.select(Vote.id, Vote.scheduled_at, Vote.title, Vote.status, Vote.outcome,
                      Vote.time_not_announced, VotePlace.timezone)
            .join(VoteBody, VoteBody.id == Vote.body_id)
            .outerjoin(VotePlace, VotePlace.id == VoteBody.jurisdiction_id)
            .where(where).order_by(Vote.scheduled_at.desc()).limit(LIMIT))
    # A vote whose time is not announced is on its day, with no hour made up for it.
    return Part(stmt, lambda r: [Event(clock.local(r.scheduled_at, r.timezone or None).date()
                                       if r.time_not_announced else r.scheduled_at,
                                       gettext("Vote"), r.title, "vote", r.id,
                                       f"{_level(r.status)}, {_level(r.outcome)}",
                                       zone=r.timezone or "")],
                sa.or_(Vote.scheduled_at <= NOW,
                       sa.and_(Vote.time_not_announced, Vote.scheduled_at <= SOON)))


def _stances(**histories: Any) -> Part:
    # Read with no reader of its own, as every part here is (made once for everyone): the
    # session's scope narrows the changes, and so what each moved from, when it runs.
    seen = targets.changes(None, newest=False, **histories)
    stmt = (sa.select(seen.c.id, seen.c.recorded_at, seen.c.from_level, seen.c.to_level,
                      seen.c.note, seen.c.source, Target.id.label("target_id"), Target.name,
                      Campaign.name.label("campaign"))
            .join(Target, Target.id == seen.c.target_id)
            .join(Campaign, Campaign.id == seen.c.campaign_id)
            .order_by(seen.c.recorded_at.desc()).limit(LIMIT))
    if "meeting" in histories:
        stmt = stmt.where(seen.c.meeting_id == histories["meeting"])
    return Part(stmt, lambda r: [Event(
        r.recorded_at, gettext("Stance"),
        # Read after the "Stance" mark, as one line: "Stance | Ana Ruiz: undecided → opposed",
        # "Postura | de Ana Ruiz: indeciso → en contra".
        gettext("{name}: {before} → {after}").format(
            name=r.name, before=one_stance(r.from_level), after=one_stance(r.to_level)),
        "target", r.target_id,
        gettext("{campaign} · from {source}").format(campaign=r.campaign,
                                                     source=_source(r.source))
        + (f" · {r.note}" if r.note else ""))], seen.c.recorded_at <= NOW)


def _actions(where: Any) -> Part:
    stmt = (sa.select(Action.id, Action.scheduled_on, Action.title, Action.status)
            .where(where, Action.scheduled_on.is_not(None))
            .order_by(Action.scheduled_on.desc()).limit(LIMIT))
    return Part(stmt, lambda r: [Event(r.scheduled_on, gettext("Action"), r.title, "action",
                                       r.id,
                                       _level(r.status))],
                Action.scheduled_on <= PAST_DAY)


def _task_events(r: Any) -> list[Event]:
    if r.completed_at:
        return [Event(r.completed_at, gettext("Task done"), r.title, "task", r.id)]
    if r.due_on:
        return [Event(r.due_on, gettext("Task due"), r.title, "task", r.id, _level(r.status))]
    return []


def _tasks(where: Any) -> Part:
    stmt = (sa.select(Task.id, Task.title, Task.completed_at, Task.due_on, Task.status)
            .where(where).order_by(Task.id.desc()).limit(LIMIT))
    return Part(stmt, _task_events,
                sa.or_(Task.completed_at <= NOW,
                       sa.and_(Task.completed_at.is_(None), Task.due_on <= PAST_DAY)))


def _press(where: Any) -> Part:
    stmt = (sa.select(PressHit.id, PressHit.title, PressHit.outlet, PressHit.published_on)
            .where(where, PressHit.published_on.is_not(None))
            .order_by(PressHit.published_on.desc(), PressHit.id.desc()).limit(LIMIT))
    return Part(stmt, lambda r: [Event(r.published_on, gettext("Press"), r.title, "press_hit",
                                       r.id,
                                       r.outlet)],
                PressHit.published_on <= PAST_DAY)


def _request_events(r: Any) -> list[Event]:
    events = []
    if r.sent_on:
        events.append(Event(r.sent_on, gettext("Records request sent"), r.subject,
                            "records_request", r.id, _level(r.status)))
    if r.due_on:
        events.append(Event(r.due_on, gettext("Records request due"), r.subject,
                            "records_request", r.id, _level(r.status)))
    return events


def _requests(where: Any) -> Part:
    stmt = (sa.select(RecordsRequest.id, RecordsRequest.subject, RecordsRequest.sent_on,
                      RecordsRequest.due_on, RecordsRequest.status).where(where)
            .order_by(RecordsRequest.id.desc()).limit(LIMIT))
    return Part(stmt, _request_events,
                sa.or_(RecordsRequest.sent_on <= PAST_DAY, RecordsRequest.due_on <= PAST_DAY))


def _contract_events(r: Any) -> list[Event]:
    return [Event(when, what, r.title, "contract", r.id)
            for when, what in ((r.start_date, gettext("Contract starts")),
                               (r.notice_deadline, gettext("Last day to give notice")),
                               # A term that renews by itself is followed by another.
                               (r.term_ends, gettext("Term ends") if r.auto_renews
                                else gettext("Contract ends"))) if when]


def _contracts(where: Any) -> Part:
    stmt = (sa.select(Contract.id, Contract.title, Contract.start_date, Contract.term_ends,
                      Contract.notice_deadline, Contract.auto_renews).where(where)
            .order_by(Contract.id.desc()).limit(LIMIT))
    return Part(stmt, _contract_events,
                sa.or_(Contract.start_date <= PAST_DAY, Contract.notice_deadline <= PAST_DAY,
                       Contract.term_ends <= PAST_DAY))


def _documents(kind: AttachedTo, record_id: Any) -> Part:
    stmt = (sa.select(Document.id, Document.filename, Document.created_at)
            .where(Document.attached_kind == kind, Document.attached_id == record_id)
            .order_by(Document.created_at.desc(), Document.id.desc()).limit(LIMIT))
    return Part(stmt, lambda r: [Event(r.created_at, gettext("Document added"), r.filename,
                                       "document", r.id)],
                Document.created_at <= NOW)


SOURCES: dict[AttachedTo, list[Source]] = {
    AttachedTo.target: [
        lambda i: _stances(target=i),
        lambda i: _meetings(MeetingTarget.target_id == i,
                            (MeetingTarget, MeetingTarget.meeting_id == Meeting.id)),
        lambda i: _votes(Vote.body_id == sa.select(Target.body_id)
                         .where(Target.id == i).scalar_subquery()),
    ],
    AttachedTo.organization: [
        lambda i: _meetings(Meeting.organization_id == i),
        lambda i: _actions(Action.owner_organization_id == i),
        lambda i: _tasks(Task.assignee_organization_id == i),
    ],
    AttachedTo.person: [
        lambda i: _meetings(MeetingAttendee.person_id == i,
                            (MeetingAttendee, MeetingAttendee.meeting_id == Meeting.id)),
    ],
    AttachedTo.body: [lambda i: _votes(Vote.body_id == i)],
    AttachedTo.agency: [
        lambda i: _contracts(Contract.agency_id == i),
        lambda i: _requests(RecordsRequest.agency_id == i),
    ],
    AttachedTo.contract: [
        lambda i: _contracts(Contract.id == i),
        lambda i: _votes(Vote.contract_id == i),
    ],
    AttachedTo.vote: [
        lambda i: _votes(Vote.id == i),
        lambda i: _actions(Action.vote_id == i),
    ],
    AttachedTo.meeting: [
        lambda i: _stances(meeting=i),
        lambda i: _tasks(Task.meeting_id == i),
    ],
    AttachedTo.action: [lambda i: _tasks(Task.action_id == i)],
    AttachedTo.records_request: [lambda i: _requests(RecordsRequest.id == i)],
    AttachedTo.press_hit: [lambda i: _press(PressHit.id == i)],
    AttachedTo.campaign: [
        lambda i: _meetings(Meeting.campaign_id == i),
        lambda i: _votes(of_campaigns(i)),
        lambda i: _stances(campaign=i),
        lambda i: _actions(Action.campaign_id == i),
        lambda i: _press(PressHit.campaign_id == i),
        lambda i: _requests(RecordsRequest.campaign_id == i),
        lambda i: _tasks(Task.campaign_id == i),
    ],
}

# The columns every part's rows are laid out in for the one statement that reads them all: as
# many of each type as the part that needs most, each value kept to its own type.
SLOT_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "num": sa.Integer(), "at": UTCDateTime(), "day": sa.Date(), "text": sa.String(),
    "flag": sa.Boolean()}


def _slot(column: Any) -> str:
    if isinstance(column.type, UTCDateTime):
        return "at"
    if isinstance(column.type, sa.Date):
        return "day"
    if isinstance(column.type, sa.Integer):
        return "num"
    # A yes/no in a text slot would make the union read every text of that slot as one.
    if isinstance(column.type, sa.Boolean):
        return "flag"
    return "text"


@dataclass(frozen=True)
class Reading:
    """The one statement that reads every part of a kind of record's timeline, newest first
    and cut to its limit each, as the branches of a UNION ALL; and where each part's columns
    come back. One statement rather than one per part: each costs the page more than the few
    rows it reads. Made once per kind, for any record (its id is a parameter)."""

    stmt: sa.CompoundSelect
    parts: list[Part]
    # Each part's columns: its name for each, and where in a row of the union it comes back.
    fields: list[list[tuple[str, int]]]

    def rows(self, session: Session, record_id: int,
             now: datetime | None = None) -> list[list[Any]]:
        found: list[list[Any]] = [[] for _ in self.parts]
        bound: dict[str, Any] = {RECORD.key: record_id}
        if now is not None:
            bound |= {NOW.key: now, PAST_DAY.key: (now - timedelta(hours=12)).date(),
                      SOON.key: now + timedelta(days=1)}
        for row in read(session, self.stmt, bound):
            n = row[0]
            found[n].append(SimpleNamespace(**{name: row[i] for name, i in self.fields[n]}))
        return found


RECORD = sa.bindparam("record_id", type_=sa.Integer())
_READINGS: dict[tuple[AttachedTo, int | None], Reading] = {}


def _reading(kind: AttachedTo, past_limit: int | None = None) -> Reading:
    """The reading of a kind of record's timeline; with past_limit, of what already happened
    only, each part cut to that many rows, so the page reads about what it shows. A part read
    newest first by its date (meetings, votes, stances, actions, press, documents) gives up
    every event that can be among the newest `past_limit`; tasks, records requests and
    contracts are read as before, the latest records first."""
    found = _READINGS.get((kind, past_limit))
    if found is None:
        parts = [source(RECORD) for source in SOURCES.get(kind, [])]
        parts.append(_documents(kind, RECORD))
        found = _READINGS[kind, past_limit] = _read_together(parts, past_limit)
    return found


def _read_together(parts: list[Part], past_limit: int | None = None) -> Reading:
    stmts = [part.stmt if past_limit is None else part.stmt.where(part.past).limit(past_limit)
             for part in parts]
    subqueries = [stmt.subquery() for stmt in stmts]
    placed = [[(column.key, _slot(column)) for column in sub.c] for sub in subqueries]
    widths = {kind: max(sum(1 for _, k in names if k == kind) for names in placed)
              for kind in SLOT_TYPES}
    branches = []
    slots = []
    for n, (sub, names) in enumerate(zip(subqueries, placed, strict=True)):
        taken: dict[str, list[Any]] = {kind: [] for kind in SLOT_TYPES}
        where: dict[str, str] = {}
        for column, (name, kind) in zip(sub.c, names, strict=True):
            where[name] = f"{kind}{len(taken[kind])}"
            taken[kind].append(column)
        slots.append(where)
        columns = [sa.literal_column(str(n), sa.Integer).label("part")]
        for kind, type_ in SLOT_TYPES.items():
            filled = taken[kind] + [sa.cast(sa.null(), type_)] * (widths[kind] - len(taken[kind]))
            columns += [column.label(f"{kind}{j}") for j, column in enumerate(filled)]
        branches.append(sa.select(*columns))
    union = sa.union_all(*branches)
    position = {column.key: i for i, column in enumerate(union.selected_columns)}
    assert position["part"] == 0
    fields = [[(name, position[slot]) for name, slot in where.items()] for where in slots]
    return Reading(built_once(union), parts, fields)


def for_record(session: Session, actor: User, *, kind: AttachedTo, record_id: int,
               past_only: bool = False, limit: int = LIMIT) -> list[Event]:
    """Everything dated about a record, newest first; past_only leaves out what is ahead."""
    now = clock.now() if past_only else None
    reading = _reading(kind, min(limit, LIMIT) if past_only else None)
    events = [event for part, rows in zip(reading.parts,
                                          reading.rows(session, record_id, now), strict=True)
              for row in rows for event in part.events(row)]
    if now is not None:
        # A row read for one event already past may hold another still ahead (a request sent
        # and not yet due), and a vote with no announced time may be later today.
        events = [e for e in events if e.sort_key <= now]
    events.sort(key=lambda e: e.sort_key, reverse=True)
    return events[:limit]


def for_campaign(session: Session, actor: User, *, campaign_id: int,
                 limit: int = 15) -> list[Event]:
    """A campaign's recent activity: what has already happened, newest first."""
    return for_record(session, actor, kind=AttachedTo.campaign, record_id=campaign_id,
                      past_only=True, limit=limit)

