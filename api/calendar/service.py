"""Calendar entries between two dates: votes and meetings on the local clock where they happen,
actions, contract deadlines, records-request and task due dates; optionally for one campaign."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api import clock
from api.actions.models import Action
from api.auth.models import User
from api.auth.scoping import built_once, read
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.errors import Invalid
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction
from api.meetings.models import Meeting
from api.records_requests.models import CLOSED_STATUSES, RecordsRequest
from api.tasks.models import Task, TaskStatus
from api.votes.models import Vote, of_campaigns

MAX_DAYS = 62
# Entries a day shows before "and N more": a busy coalition has hundreds on some days.
PER_DAY = 4
# A timezone's UTC offsets over a range of days: (until, seconds) up to each change, the last
# without an end.
Pieces = list[tuple[datetime | None, int]]
# The same, as the key the statements for those zones are kept under.
ZonesKey = tuple[tuple[str, tuple[tuple[datetime | None, int], ...]], ...]


@dataclass
class Entry:
    day: date
    kind: str
    what: str
    title: str
    record_id: int
    at: datetime | None = None
    zone: str = ""
    # A vote whose day is known and its hour not: `at` is the day's start, no time to show.
    untimed: bool = False


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


def entries(session: Session, actor: User, *, start: date, end: date,
            campaign_id: int | None = None) -> list[Entry]:
    """Everything dated from start to end (inclusive), in order of day and time."""
    found = days(session, actor, start=start, end=end, campaign_id=campaign_id, per_day=None)
    return [e for day in sorted(found) for e in found[day].entries]


def days(session: Session, actor: User, *, start: date, end: date,
         campaign_id: int | None = None, per_day: int | None = PER_DAY) -> dict[date, Day]:
    """The days from start to end (inclusive) that have entries, each with at most per_day of
    them (None: all), first by time, then kind and title. The database counts each day's
    entries of each kind and hands over only the first per_day of each, so a busy month sends
    no more rows than a quiet one: a statement for the dated kinds, one for each timed kind."""
    if end < start:
        raise Invalid(N_("The end of the range must not be before its start."), field="end")
    if (end - start).days > MAX_DAYS:
        raise Invalid(N_("Show at most {max_days} days at a time."), max_days=MAX_DAYS, field="end")
    # Times are stored in UTC; a day's edges move by up to a day in other zones.
    low = datetime.combine(start - timedelta(days=1), time.min, UTC)
    high = datetime.combine(end + timedelta(days=2), time.min, UTC)
    zones = tuple((name, tuple(pieces)) for name, pieces in _zones(session, low, high).items())
    dated, timed = _statements(zones, home=clock.home_zone().key,
                               by_campaign=campaign_id is not None, capped=per_day is not None)
    values = {"start": start, "end": end, "low": low, "high": high, "campaign_id": campaign_id,
              "per_day": per_day}
    found: dict[date, Day] = {}
    totals: dict[date, dict[str, int]] = {}

    def add(day: date, kind: _Kind, on_day: int | None, listed: list[Entry]) -> None:
        if listed:
            found.setdefault(day, Day()).entries.extend(listed)
        if on_day:
            kinds = totals.setdefault(day, {})
            kinds[kind.kind] = kinds.get(kind.kind, 0) + on_day

    # Read on the session's connection: the ORM's own work on each run cost as much as the
    # database's.
    for row in read(session, dated, values):
        for n, kind in enumerate(_DATED):
            pairs = row[2 * n + 2] or ()
            add(row.day, kind, row[2 * n + 1],
                [kind.entry(row.day, record_id, title) for record_id, title in pairs])
        meetings = len(_DATED)
        add(row.day, _MEETING, row[2 * meetings + 1],
            [_MEETING.entry(row.day, record_id, title, _instant(at), zone)
             for record_id, title, at, zone in row[2 * meetings + 2] or ()])
    for kind, stmt in zip(_TIMED, timed, strict=True):
        for row in read(session, stmt, values):
            add(row.day, kind, row.on_day if row.rank == 1 else None,
                [kind.entry(row.day, row.id, row.title, row.at, row.zone,
                            untimed=bool(row.untimed))])
    for day, listed in found.items():
        listed.entries.sort(key=lambda e: (e.at is None, e.untimed,
                                           e.at or datetime.min.replace(tzinfo=UTC),
                                           e.kind, e.title, e.record_id))
        if per_day is None:
            continue
        # Each kind gave its first per_day; the day shows the first per_day of them all.
        listed.entries = listed.entries[:per_day]
        more = dict(totals[day])
        for e in listed.entries:
            more[e.kind] -= 1
        listed.more = {kind: n for kind, n in more.items() if n > 0}
    return found


@dataclass(frozen=True)
class _Kind:
    kind: str
    what: str
    summarize: bool = False

    def entry(self, day: date, record_id: int, title: str | None, at: datetime | None = None,
              zone: str | None = None, *, untimed: bool = False) -> Entry:
        title = _summary(title) if self.summarize else title
        return Entry(day, self.kind, self.what, title or self.what, record_id, at,
                     zone or clock.home_zone().key, untimed)


# The dated kinds in the order of their columns in the statement for them, as pairs of (how
# many on the day, the first of them).
# Their words are marked for the catalog and translated where they are shown: a page read in
# Spanish shares this cache with one read in English.
_DATED = (_Kind("action", N_("Action")), _Kind("contract", N_("Notice deadline")),
          _Kind("contract", N_("Contract ends")), _Kind("records_request", N_("Records due")),
          _Kind("task", N_("Task due")))
_TIMED = (_Kind("vote", N_("Vote")),)
# Read with the dated kinds, by the local day stored with each meeting.
_MEETING = _Kind("meeting", N_("Meeting"), summarize=True)


def _instant(at: str | datetime) -> datetime:
    """A stored UTC time handed back inside JSON, as text in the database's own format."""
    found = at if isinstance(at, datetime) else datetime.fromisoformat(at)
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


@lru_cache(maxsize=64)
def _statements(zones: ZonesKey, *, home: str, by_campaign: bool,
                capped: bool) -> tuple[sa.Select[Any], list[sa.Select[Any]]]:
    """The statements for a range of days, for the zones in use over it; the days, the
    campaign and the cut are bound when they run. Made once for each set of zones: building
    them took as long as running them. Shared by every user: what each may read is added to a
    statement as it runs (api.auth.scoping)."""
    campaign = sa.bindparam("campaign_id", type_=sa.Integer)
    per_day = sa.bindparam("per_day", type_=sa.Integer) if capped else None
    actions: list[Any] = [Action.status != "cancelled"]
    contracts: list[Any] = []
    requests: list[Any] = [RecordsRequest.status.not_in([s.value for s in CLOSED_STATUSES])]
    tasks: list[Any] = [Task.status == TaskStatus.open]
    if by_campaign:
        actions.append(Action.campaign_id == campaign)
        contracts.append(Contract.id.in_(
            sa.select(Vote.contract_id).where(of_campaigns(campaign))))
        requests.append(RecordsRequest.campaign_id == campaign)
        tasks.append(Task.campaign_id == campaign)
    meeting_place = aliased(Jurisdiction)
    # A meeting with no campaign place happens on the coalition's clock.
    zone = sa.func.coalesce(meeting_place.timezone, home)
    title = sa.func.coalesce(sa.func.nullif(Meeting.summary, ""), Meeting.location)
    meeting_rows = _Rows(
        Meeting, Meeting.local_day, (Meeting.id, title, Meeting.held_at, zone),
        (Meeting.held_at, title, Meeting.id),
        [Meeting.campaign_id == campaign] if by_campaign else [],
        lambda stmt: stmt.outerjoin(Campaign, Campaign.id == Meeting.campaign_id)
        .outerjoin(meeting_place, meeting_place.id == Campaign.jurisdiction_id))
    dated = _each_day([
        _Rows.dated(Action, Action.scheduled_on, Action.title, actions),
        _Rows.dated(Contract, Contract.notice_deadline, Contract.title, contracts),
        _Rows.dated(Contract, Contract.term_ends, Contract.title, contracts),
        _Rows.dated(RecordsRequest, RecordsRequest.due_on, RecordsRequest.subject, requests),
        _Rows.dated(Task, Task.due_on, Task.title, tasks),
        meeting_rows,
    ], per_day)

    offsets = {name: list(pieces) for name, pieces in zones}
    low = sa.bindparam("low", type_=Vote.scheduled_at.type)
    high = sa.bindparam("high", type_=Vote.scheduled_at.type)
    place = aliased(Jurisdiction)
    votes = (sa.select(Vote.id, Vote.title.label("title"),
                       _local_day(Vote.scheduled_at, place.timezone, offsets).label("day"),
                       Vote.scheduled_at.label("at"), place.timezone.label("zone"),
                       Vote.time_not_announced.label("untimed"))
             .join(Body, Body.id == Vote.body_id).join(place, place.id == Body.jurisdiction_id)
             .where(Vote.scheduled_at >= low, Vote.scheduled_at < high,
                    Vote.status != "cancelled"))
    if by_campaign:
        votes = votes.where(of_campaigns(campaign))
    return built_once(dated), [built_once(_cut(votes, per_day))]


@dataclass(frozen=True)
class _Rows:
    """What a day shows of one kind: the table, its day column, the columns handed over for
    each entry (its id first), their order, the kind's conditions, and joins for the columns."""

    model: Any
    day: Any
    columns: tuple[Any, ...]
    order: tuple[Any, ...]
    conditions: list[Any]
    join: Callable[[sa.Select[Any]], sa.Select[Any]] | None = None

    @classmethod
    def dated(cls, model: Any, day: Any, title: Any, conditions: list[Any]) -> "_Rows":
        return cls(model, day, (model.id, title), (title, model.id), conditions)


def _each_day(sources: list[_Rows], per_day: Any) -> sa.Select[Any]:
    """One row for each day from start to end: for each source, how many entries the day has
    and its first per_day of them (None: all) as JSON arrays of the source's columns.

    Asked day by day, each day is matched for equality, which its index serves in order: a
    range of days is read whole and sorted to be cut, and SQLite, without statistics, reads a
    range through the visibility indexes instead when visibility is a choice of indexed
    columns."""
    start = sa.bindparam("start", type_=sa.Date)
    end = sa.bindparam("end", type_=sa.Date)
    first = sa.select(start.label("day")).cte("days", recursive=True)
    days = first.union_all(sa.select(_NextDay(first.c.day)).where(first.c.day < end))
    columns: list[Any] = [days.c.day]
    for source in sources:
        on_day = (source.day == days.c.day, *source.conditions)
        count = (sa.select(sa.func.count()).select_from(source.model).where(*on_day)
                 .scalar_subquery() if per_day is not None else sa.null())
        listed = sa.select(*(c.label(f"c{n}") for n, c in enumerate(source.columns)))
        if source.join is not None:
            listed = source.join(listed.select_from(source.model))
        rows = (listed.where(*on_day).order_by(*source.order).limit(per_day)
                .correlate(days).subquery())
        columns += [count, sa.select(_JsonRows(*rows.c)).scalar_subquery()]
    return sa.select(*columns)


def _cut(stmt: sa.Select[Any], per_day: Any) -> sa.Select[Any]:
    """The rows of a statement with columns id, title, day, at and zone on the days from
    start to end, the first per_day of each day (None: all), each with its rank on its day and
    how many the day has. Read in one pass over the range: a local day is no column an index
    could serve a day at a time."""
    base = stmt.subquery()
    ranked = sa.select(
        *base.c,
        sa.func.row_number().over(partition_by=base.c.day,
                                  order_by=(base.c.at, base.c.title, base.c.id)).label("rank"),
        sa.func.count().over(partition_by=base.c.day).label("on_day"),
    ).subquery()
    cut = sa.select(ranked).where(ranked.c.day.between(sa.bindparam("start", type_=sa.Date),
                                                       sa.bindparam("end", type_=sa.Date)))
    if per_day is not None:
        cut = cut.where(ranked.c.rank <= per_day)
    return cut


class _NextDay(sa.sql.functions.FunctionElement[date]):
    """The day after a date."""

    inherit_cache = True
    type = sa.Date()
    name = "next_day"


@compiles(_NextDay)
def _next_day(element: _NextDay, compiler: Any, **kw: Any) -> str:
    (day,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST({day} + 1 AS DATE)"


@compiles(_NextDay, "sqlite")
def _next_day_on_sqlite(element: _NextDay, compiler: Any, **kw: Any) -> str:
    (day,) = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({day}, '+1 day')"


class _JsonRows(sa.sql.functions.FunctionElement[Any]):
    """The rows of some columns as one JSON array of arrays (none: NULL, or an empty array)."""

    inherit_cache = True
    type = sa.JSON()
    name = "json_rows"


@compiles(_JsonRows)
def _json_rows(element: _JsonRows, compiler: Any, **kw: Any) -> str:
    listed = ", ".join(compiler.process(c, **kw) for c in element.clauses)
    return f"json_agg(json_build_array({listed}))"


@compiles(_JsonRows, "sqlite")
def _json_rows_on_sqlite(element: _JsonRows, compiler: Any, **kw: Any) -> str:
    listed = ", ".join(compiler.process(c, **kw) for c in element.clauses)
    return f"json_group_array(json_array({listed}))"


# ---- local days in SQL ---------------------------------------------------------------------


_ZONES_IN_USE = built_once(sa.select(Jurisdiction.timezone).distinct())


def _zones(session: Session, low: datetime, high: datetime) -> dict[str, Pieces]:
    """Each timezone in use, as the UTC offsets it has between low and high."""
    in_use = read(session, _ZONES_IN_USE).scalars()
    names = {clock.home_zone().key, *in_use}
    return {name: _offsets(name, low, high) for name in sorted(n for n in names if n)}


@lru_cache(maxsize=256)
def _offsets(zone: str, low: datetime, high: datetime) -> Pieces:
    """(until, seconds) pieces: the zone's UTC offset in seconds, up to each instant it changes;
    the last piece has no end."""
    where = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        # A time in a ZoneInfo zone always has an offset; the `or` only satisfies its type.
        return int((at.astimezone(where).utcoffset() or timedelta()).total_seconds())

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
