"""Reads and writes of targets, and their stances per campaign with a history of every change.

A stance is told to a reader only from the changes that reader may read (a change is read with
its target and, when it was seen in a meeting, with the meeting): their current stance is the
latest of those, and the level a change moved from is the one before it among those. Both are
worked out when read, so nothing stored tells a change to someone who may not read it."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter
from sqlmodel import Session, select

from api import clock
from api.auth import permissions
from api.auth.models import User, Visibility
from api.auth.scoping import as_system
from api.campaigns.models import Campaign
from api.crud import Crud
from api.db import table_of
from api.errors import NO_SUCH, NotFound, Term
from api.i18n.catalogs import N_
from api.targets.models import (
    TARGETS,
    Stance,
    StanceChange,
    StanceChangeRead,
    StanceLevel,
    StanceRead,
    StanceSource,
    Target,
    TargetRead,
)

crud: Crud[Target, TargetRead] = Crud(**TARGETS.crud_options())

# Who a stance is told to: a user; None, trusted code that reads everything (or a statement
# made once for every reader, narrowed by the session's scope when it runs); or a tier (a
# Visibility or its name), anyone given it (a webhook channel): what is shared at least as widely.
Reader = Any


def _tier(reader: Reader) -> Visibility | None:
    return Visibility(reader) if isinstance(reader, str) else None


def _newest_first(change: Any) -> tuple[Any, ...]:
    # A history in order: when each change stands in it, then the order the rows were written.
    return change.recorded_at.desc(), change.id.desc()


def _changes_of(reader: Reader) -> Any:
    """The stance change table as a statement for the reader reads it. For a reader, under a
    name of its own: the session's scope adds its conditions only to the table under its own
    name, and the reader's are stated here already (stated twice, they made the whip board's
    statements dearer to prepare). For none, the table itself, which the session's scope
    narrows."""
    return StanceChange if reader is None else aliased(StanceChange, name="known_change")


def _visible(model: Any, reader: Reader) -> sa.ColumnElement[bool] | None:
    tier = _tier(reader)
    if tier is not None:
        spec = permissions.owned()[model]
        return getattr(model, spec.visibility).in_(permissions.shared_at_least(tier))
    return permissions.visible(model, reader)


def readable(reader: Reader, change: Any = StanceChange) -> list[sa.ColumnElement[bool]]:
    """The conditions a stance change (the table, or a name for it) meets when the reader may
    read it: those permissions.children() sets for it, its target and, when it was seen in
    one, its meeting, each as the reader reads those."""
    spec = permissions.children()[StanceChange]
    out: list[sa.ColumnElement[bool]] = []
    for parent, column in spec.parents:
        condition = _visible(parent, reader)
        if condition is None:
            continue
        own = getattr(change, column)
        found = (sa.select(sa.literal(1)).select_from(parent)
                 .where(table_of(parent).c.id == own, condition)
                 .correlate_except(parent).exists())
        out.append(sa.or_(own.is_(None), found) if column in spec.optional else found)
    return out


def _matching(column: Any, value: Any) -> sa.ColumnElement[bool]:
    """The column equal to an id (or bound parameter), or in a list or statement of ids."""
    if isinstance(value, list | tuple | set | frozenset):
        return column.in_(list(value))
    if isinstance(value, sa.Select) or (isinstance(value, BindParameter) and value.expanding):
        return column.in_(value)
    return column == value


def changes(reader: Reader, *, target: Any = None, campaign: Any = None,
            meeting: Any = None, newest: bool = True) -> sa.Subquery:
    """The stance changes the reader may read, of the targets and campaigns asked for (each an
    id, a bound parameter, or a list or statement of ids), or of the histories a meeting's
    observations belong to. Besides the table's columns: `from_level`, the level of the
    previous change of the same target and campaign the reader may read ("unknown" when there
    is none), and `newest`, 1 for the change that is the reader's current stance (left out
    with newest=False, for a reading that needs no current stance: it costs a second sort).

    One statement for any number of targets, made of window functions both databases run."""
    change = _changes_of(reader)
    conditions: list[Any] = []
    if target is not None:
        conditions.append(_matching(change.target_id, target))
    if campaign is not None:
        conditions.append(_matching(change.campaign_id, campaign))
    if meeting is not None:
        # Whole histories, so that each of the meeting's changes moves from the one before it;
        # a meeting is about one campaign, so these are exactly its targets' histories on it.
        seen = sa.select(StanceChange.target_id, StanceChange.campaign_id).where(
            StanceChange.meeting_id == meeting).correlate(None).subquery()
        conditions += [change.target_id.in_(sa.select(seen.c.target_id)),
                       change.campaign_id.in_(sa.select(seen.c.campaign_id))]
    history = (change.target_id, change.campaign_id)
    previous = sa.func.lag(change.to_level).over(partition_by=history,
                                                 order_by=(change.recorded_at, change.id))
    columns = [change.id, change.target_id, change.campaign_id,
               sa.func.coalesce(previous, StanceLevel.unknown.value).label("from_level"),
               change.to_level, change.source, change.note, change.meeting_id,
               change.recorded_by_id, change.recorded_at]
    if newest:
        columns.append(sa.func.row_number().over(partition_by=history,
                                                 order_by=_newest_first(change)).label("newest"))
    stmt = sa.select(*columns).where(*conditions, *readable(reader, change))
    return stmt.subquery("seen_change")


def current(reader: Reader, *, target: Any = None, campaign: Any = None) -> sa.Subquery:
    """Each target's stance on each campaign as the reader knows it: the latest change they may
    read. Columns target_id, campaign_id, level and updated_at; pairs the reader knows no
    change of are not there (their stance is unknown). Narrowed as `changes` is."""
    seen = changes(reader, target=target, campaign=campaign)
    return (sa.select(seen.c.target_id, seen.c.campaign_id, seen.c.to_level.label("level"),
                      seen.c.recorded_at.label("updated_at"))
            .where(seen.c.newest == 1).subquery("current_stance"))


def level_of(reader: Reader, *, target: Any, campaign: Any) -> sa.ScalarSelect[Any]:
    """One target's stance on one campaign as the reader knows it, or NULL: a subquery for a
    statement that reads it for each of its rows (pass its target and campaign columns). Each
    is found by walking that history back through its index to the first change the reader
    may read, where `current` reads every change of the campaigns asked for."""
    change = _changes_of(reader)
    return (sa.select(change.to_level)
            .where(change.target_id == target, change.campaign_id == campaign,
                   *readable(reader, change))
            .order_by(*_newest_first(change)).limit(1).scalar_subquery())


def with_stance(reader: Reader, *, campaign: Any) -> sa.Select[Any]:
    """The ids of the targets with a stance on the campaign that the reader may read."""
    change = _changes_of(reader)
    return sa.select(change.target_id).where(_matching(change.campaign_id, campaign),
                                             *readable(reader, change))


def stances(session: Session, actor: User, *, target_id: int | None = None,
            campaign_id: int | None = None) -> list[StanceRead]:
    """Current stances as the actor knows them, by target then campaign."""
    found = current(actor, target=target_id, campaign=campaign_id)
    rows = session.execute(sa.select(found).order_by(found.c.target_id, found.c.campaign_id))
    return [StanceRead(target_id=r.target_id, campaign_id=r.campaign_id,
                       level=StanceLevel(r.level), updated_at=r.updated_at) for r in rows]


def history(session: Session, actor: User, *, target_id: int,
            campaign_id: int | None = None) -> list[StanceChangeRead]:
    """Every change of a target's stance the actor may read, newest first."""
    crud.get(session, actor, target_id)
    seen = changes(actor, target=target_id, campaign=campaign_id)
    rows = session.execute(sa.select(seen).order_by(seen.c.recorded_at.desc(), seen.c.id.desc()))
    return [StanceChangeRead.model_validate(row._asdict()) for row in rows]


def moved_from(found: Iterable[StanceChange]) -> list[tuple[StanceChange, str]]:
    """Changes already read (oldest first), each with the level it moved from among them: for
    a selection made by rules of its own (an export), whose readers get only what it holds."""
    last: dict[tuple[int, int], str] = {}
    out = []
    for change in found:
        key = (change.target_id, change.campaign_id)
        out.append((change, last.get(key, StanceLevel.unknown.value)))
        last[key] = str(getattr(change.to_level, "value", change.to_level))
    return out


def observed_at(session: Session, *, meeting_id: int, target_id: int,
                campaign_id: int) -> StanceChange | None:
    """The stance a meeting last told of a target on a campaign, if it told of one."""
    return session.exec(
        select(StanceChange).where(StanceChange.meeting_id == meeting_id,
                                   StanceChange.target_id == target_id,
                                   StanceChange.campaign_id == campaign_id)
        .order_by(*_newest_first(StanceChange)).limit(1)).first()


def set_stance(session: Session, actor: User, *, target_id: int, campaign_id: int,
               level: StanceLevel, source: StanceSource = StanceSource.other, note: str = "",
               meeting_id: int | None = None, recorded_at: datetime | None = None) -> StanceRead:
    """Record a target's stance on a campaign; every change is kept in the history.
    `recorded_at` places it earlier in the history than now (a correction of what a meeting
    told), where a later change stays the current stance. Answers the stance as the actor now
    knows it."""
    crud.get(session, actor, target_id)
    if session.get(Campaign, campaign_id) is None:
        raise NotFound(NO_SUCH, noun=Term(N_("campaign")), id=campaign_id)
    session.add(StanceChange(
        target_id=target_id, campaign_id=campaign_id, to_level=level, source=source, note=note,
        meeting_id=meeting_id, recorded_by_id=getattr(actor, "id", None),
        recorded_at=recorded_at or clock.now(),
    ))
    # Flushed as the actor: the write gate checks they may read the target and the meeting.
    session.flush()
    _keep_latest(session, target_id=target_id, campaign_id=campaign_id)
    known = stances(session, actor, target_id=target_id, campaign_id=campaign_id)
    return known[0] if known else StanceRead(target_id=target_id, campaign_id=campaign_id,
                                             level=StanceLevel.unknown, updated_at=clock.now())


def _keep_latest(session: Session, *, target_id: int, campaign_id: int) -> None:
    # The trusted copy of the latest change, whoever may read it: read past the actor's scope
    # on purpose, and nothing of it goes back to the actor.
    with as_system(session):
        latest = session.exec(
            select(StanceChange.to_level)
            .where(StanceChange.target_id == target_id, StanceChange.campaign_id == campaign_id)
            .order_by(*_newest_first(StanceChange)).limit(1)).first()
        if latest is None:
            return
        stance = session.exec(select(Stance).where(Stance.target_id == target_id,
                                                   Stance.campaign_id == campaign_id)).first()
        if stance is None:
            stance = Stance(target_id=target_id, campaign_id=campaign_id)
        stance.level = latest
        # Touched even when the latest level stays: a change some readers had not known of
        # moves their stance, and a write here is what has the alerts planned again.
        stance.updated_at = clock.now()
        session.add(stance)
        session.flush()
