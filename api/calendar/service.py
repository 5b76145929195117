"""Calendar entries between two dates: votes and meetings on the local clock where they happen,
actions, contract deadlines, records-request and task due dates; optionally for one campaign."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
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
# Entries a day shows before "and N more": a busy coalition has hundreds on some days.
PER_DAY = 4
# A timezone's UTC offsets over a range of days: (until, seconds) up to each change, the last
# without an end.
Pieces = list[tuple[datetime | None, int]]


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


@dataclass
class Day:
    """One day's entries, the first few when a day holds many, and how many of each kind more."""

    entries: list[Entry] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)

    @property
    def hidden(self) -> int:
        return sum(self.more.values())


def entries(session: Session, actor: Any, *, start: date, end: date,
            campaign_id: int | None = None) -> list[Entry]:
    """Everything dated from start to end (inclusive), in order of day and time."""
    found = days(session, actor, start=start, end=end, campaign_id=campaign_id, per_day=None)
    return [e for day in sorted(found) for e in found[day].entries]


def days(session: Session, actor: Any, *, start: date, end: date,
         campaign_id: int | None = None, per_day: int | None = PER_DAY) -> dict[date, Day]:
    """The days from start to end (inclusive) that have entries, each with at most per_day of
    them (None: all), first by time, then kind and title. The cut is made by the database per
    day and kind, so a busy month costs what a quiet one does."""
    if end < start:
        raise Invalid("The end of the range must not be before its start.", field="end")
    if (end - start).days > MAX_DAYS:
        raise Invalid(f"Show at most {MAX_DAYS} days at a time.", field="end")
    # Times are stored in UTC; a day's edges move by up to a day in other zones.
    low = datetime.combine(start - timedelta(days=1), time.min, UTC)
    high = datetime.combine(end + timedelta(days=2), time.min, UTC)
    zones = _zones(session, low, high)
    found: dict[date, Day] = {}
    totals: dict[date, dict[str, int]] = {}
    for source in _sources(start=start, end=end, low=low, high=high, zones=zones,
                           campaign_id=campaign_id):
        for row in session.execute(_cut(source, start, end, per_day)):
            found.setdefault(row.day, Day()).entries.append(source.entry(row))
            if row.rank == 1:
                kinds = totals.setdefault(row.day, {})
                kinds[source.kind] = kinds.get(source.kind, 0) + row.on_day
    for day, listed in found.items():
        listed.entries.sort(key=lambda e: (e.at is None,
                                           e.at or datetime.min.replace(tzinfo=UTC),
                                           e.kind, e.title))
        if per_day is None:
            continue
        # Each kind gave its first per_day; the day shows the first per_day of them all.
        listed.entries = listed.entries[:per_day]
        more = dict(totals[day])
        for e in listed.entries:
            more[e.kind] -= 1
        listed.more = {kind: n for kind, n in more.items() if n > 0}
    return found


@dataclass
class _Source:
    kind: str
    stmt: sa.Select[Any]  # with columns id, title, day, at (or NULL), zone
    what: str = ""
    summarize: bool = False

    def entry(self, row: Any) -> Entry:
        title = _summary(row.title) if self.summarize else row.title
        return Entry(row.day, self.kind, self.what, title or self.what, row.id, row.at,
                     row.zone or "UTC")


def _sources(*, start: date, end: date, low: datetime, high: datetime,
             zones: dict[str, Pieces], campaign_id: int | None) -> list[_Source]:
    no_time = sa.null().label("at")
    utc = sa.literal("UTC").label("zone")
    place = aliased(Jurisdiction)
    votes = (sa.select(Vote.id, Vote.title.label("title"),
                       _local_day(Vote.scheduled_at, place.timezone, zones).label("day"),
                       Vote.scheduled_at.label("at"), place.timezone.label("zone"))
             .join(Body, Body.id == Vote.body_id).join(place, place.id == Body.jurisdiction_id)
             .where(Vote.scheduled_at >= low, Vote.scheduled_at < high,
                    Vote.status != "cancelled"))
    meeting_place = aliased(Jurisdiction)
    zone = sa.func.coalesce(meeting_place.timezone, "UTC")
    meetings = (sa.select(Meeting.id,
                          sa.func.coalesce(sa.func.nullif(Meeting.summary, ""),
                                           Meeting.location).label("title"),
                          _local_day(Meeting.held_at, zone, zones).label("day"),
                          Meeting.held_at.label("at"), zone.label("zone"))
                .outerjoin(Campaign, Campaign.id == Meeting.campaign_id)
                .outerjoin(meeting_place, meeting_place.id == Campaign.jurisdiction_id)
                .where(Meeting.held_at >= low, Meeting.held_at < high))
    actions = (sa.select(Action.id, Action.title.label("title"),
                         Action.scheduled_on.label("day"), no_time, utc)
               .where(Action.scheduled_on.between(start, end), Action.status != "cancelled"))
    notices = (sa.select(Contract.id, Contract.title.label("title"),
                         Contract.notice_deadline.label("day"), no_time, utc)
               .where(Contract.notice_deadline.between(start, end)))
    contract_ends = (sa.select(Contract.id, Contract.title.label("title"),
                               Contract.end_date.label("day"), no_time, utc)
                     .where(Contract.end_date.between(start, end)))
    requests = (sa.select(RecordsRequest.id, RecordsRequest.subject.label("title"),
                          RecordsRequest.due_on.label("day"), no_time, utc)
                .where(RecordsRequest.due_on.between(start, end),
                       RecordsRequest.status.not_in([s.value for s in CLOSED_STATUSES])))
    tasks = (sa.select(Task.id, Task.title.label("title"), Task.due_on.label("day"), no_time, utc)
             .where(Task.due_on.between(start, end), Task.status == TaskStatus.open))
    if campaign_id is not None:
        votes = votes.where(Vote.campaign_id == campaign_id)
        meetings = meetings.where(Meeting.campaign_id == campaign_id)
        actions = actions.where(Action.campaign_id == campaign_id)
        voted = sa.select(Vote.contract_id).where(Vote.campaign_id == campaign_id)
        notices = notices.where(Contract.id.in_(voted))
        contract_ends = contract_ends.where(Contract.id.in_(voted))
        requests = requests.where(RecordsRequest.campaign_id == campaign_id)
        tasks = tasks.where(Task.campaign_id == campaign_id)
    return [
        _Source("vote", votes, "Vote"),
        _Source("meeting", meetings, "Meeting", summarize=True),
        _Source("action", actions, "Action"),
        _Source("contract", notices, "Notice deadline"),
        _Source("contract", contract_ends, "Contract ends"),
        _Source("records_request", requests, "Records due"),
        _Source("task", tasks, "Task due"),
    ]


def _cut(source: _Source, start: date, end: date, per_day: int | None) -> sa.Select[Any]:
    """The source's rows on the days asked for, the first per_day of each day, each row with
    its rank on its day and how many the day has."""
    base = source.stmt.subquery()
    ranked = sa.select(
        *base.c,
        sa.func.row_number().over(partition_by=base.c.day,
                                  order_by=(base.c.at, base.c.title, base.c.id)).label("rank"),
        sa.func.count().over(partition_by=base.c.day).label("on_day"),
    ).subquery()
    stmt = sa.select(ranked).where(ranked.c.day.between(start, end))
    if per_day is not None:
        stmt = stmt.where(ranked.c.rank <= per_day)
    return stmt


# ---- local days in SQL ---------------------------------------------------------------------


def _zones(session: Session, low: datetime, high: datetime) -> dict[str, Pieces]:
    """Each timezone in use, as the UTC offsets it has between low and high."""
    names = {"UTC", *session.execute(sa.select(Jurisdiction.timezone).distinct()).scalars()}
    return {name: _offsets(name, low, high) for name in sorted(n for n in names if n)}


@lru_cache(maxsize=256)
def _offsets(zone: str, low: datetime, high: datetime) -> Pieces:
    """(until, seconds) pieces: the zone's UTC offset in seconds, up to each instant it changes;
    the last piece has no end."""
    where = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        return int(at.astimezone(where).utcoffset().total_seconds())  # type: ignore[union-attr]

    pieces: Pieces = []
    at, current = low, offset(low)
    while at < high:
        following = min(at + timedelta(hours=12), high)
        if offset(following) != current:
            # The change lies in this half day: narrow it to the minute.
            before, after = at, following
            while after - before > timedelta(minutes=1):
                middle = before + (after - before) / 2
                before, after = (middle, after) if offset(middle) == current else (before, middle)
            pieces.append((after, current))
            current = offset(after)
            following = after
        at = following
    pieces.append((None, current))
    return pieces


class _ShiftedDate(sa.sql.functions.FunctionElement[date]):
    """The calendar date of a stored UTC time moved by a fixed number of seconds."""

    inherit_cache = True
    type = sa.Date()
    name = "shifted_date"


@compiles(_ShiftedDate)
def _shifted_date(element: _ShiftedDate, compiler: Any, **kw: Any) -> str:
    column, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({column} + make_interval(secs => {seconds}) AS DATE)"


@compiles(_ShiftedDate, "sqlite")
def _shifted_date_on_sqlite(element: _ShiftedDate, compiler: Any, **kw: Any) -> str:
    column, seconds = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({column}, {seconds} || ' seconds')"


def _local_day(at: Any, zone: Any, zones: dict[str, Pieces]) -> Any:
    """The day a UTC time falls on where it happens, with `zone` naming the place's zone."""
    whens = []
    for name, pieces in zones.items():
        for until, seconds in pieces:
            shifted = _ShiftedDate(at, sa.literal(seconds, sa.Integer))
            whens.append((zone == name if until is None else sa.and_(zone == name, at < until),
                          shifted))
    return sa.case(*whens, else_=_ShiftedDate(at, sa.literal(0, sa.Integer)))
