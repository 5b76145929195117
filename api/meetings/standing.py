"""Where targets stand, as each reader knows it, for the alert planner's "undecided, not met in
30 days": read once for every reader, then told to each from what they may read.

A reader learns a stance from the changes they may read (a change seen in a meeting is read
with the meeting) and a meeting only if they may read it, as api.targets.service tells stances
on pages. Rather than a statement per reader, the sources are read once, grouped by what
decides who may read them (the owner and visibility of the meeting a change or meeting is):
each group's latest change and last meeting are all any reader can be told."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from api.auth import permissions
from api.meetings.models import Meeting, MeetingTarget
from api.targets.models import StanceChange, StanceLevel, Target

# Targets asked about in one statement: an IN list both databases take whole.
CHUNK = 500


@dataclass(frozen=True)
class Standing:
    """A target as one reader knows them: their stance on each campaign they know one of, and
    the last meeting with them they may read, held by the time asked about."""

    levels: dict[int, StanceLevel] = field(default_factory=dict)
    last_met: datetime | None = None


@dataclass(frozen=True)
class Change:
    """The latest stance change of one target and campaign among those seen in meetings of
    one owner and visibility (or seen in none: `meeting` false)."""

    campaign_id: int
    recorded_at: datetime
    id: int
    level: StanceLevel
    meeting: bool
    owner: int | None
    visibility: str | None


@dataclass
class Sources:
    """What can be known of one target: its own owner and visibility, its latest stance change
    per campaign and source, and its last meeting per owner and visibility, newest first."""

    owner: int | None
    visibility: str
    changes: list[Change] = field(default_factory=list)
    meetings: list[tuple[datetime, int | None, str]] = field(default_factory=list)

    def standing(self, reader: permissions.Actor | str) -> Standing:
        """As the reader (a user, or a tier's name) knows the target: nothing of a target they
        may not read."""
        def reads(owner: int | None, visibility: str, model: type[Any]) -> bool:
            return permissions.reads_owned(reader, model, owner, visibility)

        if not reads(self.owner, self.visibility, Target):
            return Standing()
        levels: dict[int, StanceLevel] = {}
        for change in self.changes:
            if change.campaign_id in levels:
                continue
            if not change.meeting or reads(change.owner, change.visibility or "", Meeting):
                levels[change.campaign_id] = change.level
        met = next((held for held, owner, visibility in self.meetings
                    if reads(owner, visibility, Meeting)), None)
        return Standing(levels=levels, last_met=met)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def sources(session: Session, target_ids: Iterable[int], now: datetime) -> dict[int, Sources]:
    """Every target's sources, three statements for each five hundred targets, read past any
    scope: what each reader is told is decided by Sources.standing."""
    wanted = sorted(set(target_ids))
    found: dict[int, Sources] = {}
    for start in range(0, len(wanted), CHUNK):
        ids = wanted[start:start + CHUNK]
        for target_id, owner, visibility in session.execute(
                sa.select(Target.id, Target.owner_organization_id, Target.visibility)
                .where(Target.id.in_(ids))):
            found[target_id] = Sources(owner, str(visibility))
        _read_changes(session, ids, found)
        _read_meetings(session, ids, now, found)
    return found


def _read_changes(session: Session, ids: list[int], found: dict[int, Sources]) -> None:
    seen = StanceChange.meeting_id.is_(None)
    group = (StanceChange.target_id, StanceChange.campaign_id, seen, Meeting.organization_id,
             Meeting.visibility)
    ranked = (sa.select(
        StanceChange.target_id, StanceChange.campaign_id, StanceChange.recorded_at,
        StanceChange.id, StanceChange.to_level, seen.label("unseen"),
        Meeting.organization_id, Meeting.visibility,
        sa.func.row_number().over(
            partition_by=group,
            order_by=(StanceChange.recorded_at.desc(),
                      StanceChange.id.desc())).label("n"))
        .outerjoin(Meeting, Meeting.id == StanceChange.meeting_id)
        .where(StanceChange.target_id.in_(ids))
        .subquery())
    by_target: dict[int, list[Change]] = defaultdict(list)
    for row in session.execute(sa.select(ranked).where(ranked.c.n == 1)):
        by_target[row.target_id].append(Change(
            campaign_id=row.campaign_id, recorded_at=_aware(row.recorded_at), id=row.id,
            level=StanceLevel(row.to_level), meeting=not row.unseen,
            owner=row.organization_id,
            visibility=None if row.visibility is None else str(row.visibility)))
    for target_id, changes in by_target.items():
        if target_id in found:
            found[target_id].changes = sorted(
                changes, key=lambda c: (c.recorded_at, c.id), reverse=True)


def _read_meetings(session: Session, ids: list[int], now: datetime,
                   found: dict[int, Sources]) -> None:
    stmt = (sa.select(MeetingTarget.target_id, Meeting.organization_id, Meeting.visibility,
                      sa.func.max(Meeting.held_at))
            .join(Meeting, Meeting.id == MeetingTarget.meeting_id)
            .where(MeetingTarget.target_id.in_(ids), Meeting.held_at <= now)
            .group_by(MeetingTarget.target_id, Meeting.organization_id, Meeting.visibility))
    for target_id, owner, visibility, held in session.execute(stmt):
        if target_id in found:
            found[target_id].meetings.append((_aware(held), owner, str(visibility)))
    for target_id in ids:
        if target_id in found:
            found[target_id].meetings.sort(key=lambda m: m[0], reverse=True)
