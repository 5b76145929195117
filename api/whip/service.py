"""The whip board of a body on a campaign: members by stance, the partner who owns each
relationship, when we last met them, and likely yes votes against the majority needed."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.auth import permissions
from api.auth.models import User, Visibility
from api.auth.scoping import as_system, built_once, kept_for, load, read
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.db import UTCDateTime
from api.errors import NO_SUCH, Invalid, NotFound, Term
from api.fields import stored_id
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction
from api.meetings import latest
from api.meetings.models import Meeting, MeetingTarget
from api.organizations.models import Organization
from api.targets import service as targets
from api.targets.models import StanceLevel, StanceRead, StanceSource, Target
from api.votes.models import OurPosition, Vote, VoteStatus, of_campaigns, vote_of_goal

# Columns of the board, from with us to against us; "unknown" is a stance nobody recorded.
LEVELS = [StanceLevel.champion, StanceLevel.leaning_yes, StanceLevel.undecided,
          StanceLevel.leaning_no, StanceLevel.opposed, StanceLevel.unknown]
LIKELY_YES = frozenset({StanceLevel.champion, StanceLevel.leaning_yes})
NOT_DECIDED = frozenset({StanceLevel.undecided, StanceLevel.unknown})
# An undecided member we have not met for this long needs a meeting soon.
STALE_AFTER = timedelta(days=30)


@dataclass
class Member:
    target_id: int
    name: str
    title: str
    district: str
    body_id: int | None
    body_name: str | None
    level: StanceLevel
    owner_id: int | None
    owner_name: str | None
    last_met: datetime | None
    needs_meeting: bool
    # For a lead: the day of a later meeting they may not read, of an organization that lets
    # leads know it met someone (only that, and when: never what was said or who was there).
    partner_met: datetime | None = None


@dataclass
class Count:
    """Stances of a body's members on a campaign, against the votes it takes to pass."""

    seats: int
    # Yes votes the item needs to pass.
    needed: int | None
    levels: dict[str, int] = field(default_factory=dict)
    # The coalition's position on the vote counted (api.votes.models.OurPosition); a body's
    # count outside any vote is of the members with us against what it takes to pass.
    position: str = OurPosition.watch.value
    # A vote's result once held (api.votes.models.VoteOutcome): the count then tells it.
    outcome: str = "pending"

    @property
    def won(self) -> bool | None:
        """Whether the held vote went the coalition's way; None before it, or when watching."""
        if self.outcome not in ("passed", "failed") or self.position == OurPosition.watch.value:
            return None
        passed = self.outcome == "passed"
        return not passed if self.position == OurPosition.block.value else passed

    @property
    def likely_yes(self) -> int:
        """Members with us or leaning our way."""
        return sum(self.levels.get(level.value, 0) for level in LIKELY_YES)

    @property
    def goal(self) -> int | None:
        """Members it takes to win: to block an item, enough that it falls short of passing.
        None when watching: with no position taken there is nothing to win, only counts."""
        if self.needed is None or self.position == OurPosition.watch.value:
            return None
        if self.position == OurPosition.block.value:
            return max(1, self.seats - self.needed + 1) if self.seats else None
        return self.needed

    @property
    def short(self) -> int | None:
        return None if self.goal is None else max(0, self.goal - self.likely_yes)

    @property
    def members(self) -> int:
        return sum(self.levels.values())

    def cells(self) -> list[str]:
        """One stance per member, from with us to against us, for drawing the bar."""
        return [level.value for level in LEVELS for _ in range(self.levels.get(level.value, 0))]

    def cell_classes(self) -> list[str]:
        """The bar's cells as drawn: each member's stance, the cell that reaches the goal
        marked as the threshold. Worked out once a bar, not once a cell in the template."""
        goal = self.goal
        drawn = self.cells()
        if goal and goal <= len(drawn):
            drawn[goal - 1] += " threshold"
        return drawn


def majority(seats: int, majority_needed: int) -> int | None:
    """The votes a body needs to pass something: as recorded, else a simple majority."""
    if majority_needed:
        return majority_needed
    return seats // 2 + 1 if seats else None


def _last_met(actor: User) -> list[Any]:
    # From the meetings' summary, kept by the database per target, owner and visibility: the
    # latest in each way the reader may read meetings, each a step into an index, where the
    # meetings themselves were a search through every meeting of the member, each checked for
    # who may read it. The member's "last met" is the latest of these.
    parts = permissions.visible_parts(Meeting, actor, columns=latest.table.c)
    return [met.label(f"met_{n}") for n, met in
            enumerate(latest.latest_for(Target.id, parts))]


def _latest(row: Any) -> datetime | None:
    found = [met for name, met in row._mapping.items() if name.startswith("met_") and met]
    return max(found, default=None)


CAMPAIGN = sa.bindparam("campaign_id", type_=sa.Integer())
BODIES: sa.BindParameter[Any] = sa.bindparam("body_ids", expanding=True)
NOW = sa.bindparam("now", type_=UTCDateTime())
PLACE = sa.bindparam("jurisdiction_id", type_=sa.Integer())


# Each statement is made once for each kind of call and each kind of reader (`kept_for`), the
# campaign and bodies as parameters: building one cost a good part of running it, and what a
# reader knows of the stances is part of its shape.
def _members(actor: User, with_bodies: bool, with_stance: bool) -> sa.Select[Any]:
    level = targets.level_of(actor, target=Target.id, campaign=CAMPAIGN).label("level")
    # The owner's name looked up for each member: joined, PostgreSQL read every organization
    # into a hash for the few dozen members a page shows.
    owner_name = (sa.select(Organization.name)
                  .where(Organization.id == Target.owner_organization_id)
                  .scalar_subquery().label("owner_name"))
    stmt = (
        sa.select(Target.id, Target.name, Target.title, Target.district, Target.body_id,
                  Body.name.label("body_name"), level, Target.owner_organization_id,
                  owner_name, *_last_met(actor))
        .outerjoin(Body, Body.id == Target.body_id)
        .order_by(Body.name, Target.name, Target.id)
    )
    conditions = []
    if with_bodies:
        conditions.append(Target.body_id.in_(BODIES))
    if with_stance:
        # Found through the index on the campaign's changes, not by asking of every target.
        conditions.append(Target.id.in_(targets.with_stance(actor, campaign=CAMPAIGN)))
    return stmt.where(sa.or_(*conditions))


def members(session: Session, actor: User, *, campaign_id: int,
            body_ids: list[int] | None = None, with_stance: bool = False) -> list[Member]:
    """Members of the bodies (and, with_stance, anyone with a stance on the campaign), each with
    their stance, relationship owner and last meeting: one query however many there are."""
    if not body_ids and not with_stance:
        return []
    stmt = kept_for(("members", bool(body_ids), with_stance), actor,
                 lambda: _members(actor, bool(body_ids), with_stance))
    values = {CAMPAIGN.key: campaign_id, BODIES.key: list(body_ids or [])}
    now = clock.now()
    rows = list(read(session, stmt, values))
    told = told_to_leads(session, actor, [row.id for row in rows], now=now)
    found = []
    for row in rows:
        level = StanceLevel(row.level) if row.level else StanceLevel.unknown
        partner_met = told.get(row.id)
        last_met = _latest(row)
        if partner_met is not None and last_met is not None and partner_met <= last_met:
            partner_met = None
        latest_met = partner_met or last_met
        stale = latest_met is None or now - latest_met > STALE_AFTER
        found.append(Member(
            target_id=row.id, name=row.name, title=row.title, district=row.district,
            body_id=row.body_id, body_name=row.body_name, level=level,
            owner_id=row.owner_organization_id, owner_name=row.owner_name,
            last_met=last_met, needs_meeting=level in NOT_DECIDED and stale,
            partner_met=partner_met))
    return found


TARGETS: sa.BindParameter[Any] = sa.bindparam("target_ids", expanding=True)


def _told(actor: User) -> sa.Select[Any]:
    """The latest of each organization's meetings the lead may not read, from the summary."""
    summary = latest.table
    parts = permissions.visible_parts(Meeting, actor, columns=summary.c) or []
    # The organizations that tell leads first, by their index: most keep their meetings to
    # themselves, and looking up each meeting's organization read thousands for none.
    telling = sa.select(Organization.id).where(Organization.tell_leads_meetings == sa.true())
    return (sa.select(summary.c.target_id, summary.c.held_at)
            .where(summary.c.organization_id.in_(telling),
                   summary.c.target_id.in_(TARGETS), sa.not_(sa.or_(*parts)),
                   # Implied for a lead, who reads every meeting shared at all; said, so that
                   # the index on the target's visibilities finds the rows.
                   summary.c.visibility == Visibility.private.value))


def told_to_leads(session: Session, actor: User, target_ids: list[int], *,
                  now: datetime) -> dict[int, datetime]:
    """For a lead, each target's latest meeting held so far that the lead may not read, among
    those of organizations that let the leads know they met someone. Administrators read every
    meeting already, and nobody else is told."""
    if not permissions.is_lead(actor) or not target_ids:
        return {}
    stmt = kept_for(("told",), actor, lambda: _told(actor))
    found: dict[int, datetime] = {}
    ahead: set[int] = set()
    # Read past the lead's scope on purpose: only the target and the day leave this function.
    with as_system(session):
        for target_id, held in read(session, stmt, {TARGETS.key: list(target_ids)}):
            if held > now:
                ahead.add(target_id)
            elif target_id not in found or held > found[target_id]:
                found[target_id] = held
        if ahead:
            seen = permissions.visible(Meeting, actor)
            hidden = sa.false() if seen is None else sa.not_(seen)
            exact = (sa.select(MeetingTarget.target_id, sa.func.max(Meeting.held_at))
                     .join(Meeting, Meeting.id == MeetingTarget.meeting_id)
                     .join(Organization, Organization.id == Meeting.organization_id)
                     .where(Organization.tell_leads_meetings.is_(True),
                            MeetingTarget.target_id.in_(ahead), Meeting.held_at <= now,
                            hidden)
                     .group_by(MeetingTarget.target_id))
            for target_id, held in session.execute(exact):
                if target_id not in found or held > found[target_id]:
                    found[target_id] = held
    return found


def count_of(body: Body, found: list[Member], *, position: str = OurPosition.watch.value,
             outcome: str = "pending") -> Count:
    levels = {level.value: 0 for level in LEVELS}
    for member in found:
        levels[member.level.value] += 1
    return Count(seats=body.seats, needed=majority(body.seats, body.majority_needed),
                 levels=levels, position=position, outcome=outcome)


def counted_vote(session: Session, *, campaign_id: int, body_id: int,
                 vote_id: int | None = None) -> Vote | None:
    """The campaign's vote on the body that its whip board counts toward: the one asked for
    (a link from that vote), else the next one, else the latest held (whose count then tells
    its result); a cancelled vote counts for nothing. Read as the session's reader, so a vote
    they may not read is not named."""
    values = {CAMPAIGN.key: campaign_id, BODY.key: body_id}
    if vote_id is not None:
        asked = session.execute(_COUNTED["asked"], {**values, VOTE.key: vote_id}).scalars().first()
        if asked is not None:
            return asked
    ahead = session.execute(_COUNTED["ahead"], {**values, NOW.key: clock.now()}).scalars().first()
    if ahead is not None:
        return ahead
    return session.execute(_COUNTED["latest"], values).scalars().first()


BODY = sa.bindparam("body_id", type_=sa.Integer())
VOTE = sa.bindparam("vote_id", type_=sa.Integer())
_CAMPAIGN_VOTES = sa.select(Vote).where(of_campaigns(CAMPAIGN), Vote.body_id == BODY,
                                        Vote.status != VoteStatus.cancelled)
# Built once: built on each call, with the reader's criteria walked afresh, these cost more
# than the rest of the whip board.
_COUNTED = {
    "asked": built_once(_CAMPAIGN_VOTES.where(Vote.id == VOTE)),
    "ahead": built_once(_CAMPAIGN_VOTES.where(Vote.scheduled_at >= NOW)
                        .order_by(Vote.scheduled_at, Vote.id).limit(1)),
    "latest": built_once(_CAMPAIGN_VOTES.order_by(Vote.scheduled_at.desc(), Vote.id.desc())
                         .limit(1)),
}


@dataclass
class Board:
    campaign: Campaign
    body: Body | None
    bodies: list[tuple[int, str]]
    columns: dict[str, list[Member]]
    count: Count | None
    zone: str
    # The campaign's vote on the body the count is toward (None: the campaign's goal says what
    # we want of whatever comes to it).
    vote: Vote | None = None


def _campaign_bodies(actor: User, with_place: bool) -> sa.Select[Any]:
    voted = (sa.select(Vote.body_id, sa.func.min(
        sa.case((Vote.scheduled_at >= NOW, Vote.scheduled_at), else_=None)).label("next"))
        .where(of_campaigns(CAMPAIGN)).group_by(Vote.body_id).subquery())
    # Joined from the campaign's changes: asked as "target id in them", SQLite walked every
    # target the reader may read to find the few.
    known = targets.with_stance(actor, campaign=CAMPAIGN).subquery()
    stanced = (sa.select(Target.body_id).join(known, known.c.target_id == Target.id)
               .where(Target.body_id.is_not(None)))
    place = Body.jurisdiction_id == PLACE if with_place else sa.false()
    return (sa.select(Body.id, Body.name, voted.c.next, voted.c.body_id)
            .outerjoin(voted, voted.c.body_id == Body.id)
            .where(sa.or_(voted.c.body_id.is_not(None), place, Body.id.in_(stanced))))


def campaign_bodies(session: Session, actor: User, campaign: Campaign) -> list[tuple[int, str]]:
    """Bodies that matter to a campaign: those its votes go to, those in its jurisdiction, and
    those of targets with a stance on it; the body of the next vote first."""
    now = clock.now()
    with_place = bool(campaign.jurisdiction_id)
    stmt = kept_for(("campaign_bodies", with_place), actor,
                 lambda: _campaign_bodies(actor, with_place))
    values = {NOW.key: now, CAMPAIGN.key: campaign.id, PLACE.key: campaign.jurisdiction_id}
    rows = list(read(session, stmt, values))
    # Soonest vote first, then bodies with any vote, then the rest by name.
    rows.sort(key=lambda r: (r.next is None, r.next or now, r.body_id is None, r.name))
    return [(r.id, r.name) for r in rows]


def board(session: Session, actor: User, *, campaign_id: int,
          body_id: int | None = None, vote_id: int | None = None) -> Board:
    campaign = load(session, Campaign, campaign_id)
    if campaign is None:
        raise NotFound(NO_SUCH, noun=Term(N_("campaign")), id=campaign_id)
    choices = campaign_bodies(session, actor, campaign)
    if body_id is None and choices:
        body_id = choices[0][0]
    body = load(session, Body, body_id) if body_id is not None else None
    if body_id is not None and body is None:
        raise NotFound(NO_SUCH, noun=Term(N_("body")), id=body_id)
    if body is not None and stored_id(body) not in {i for i, _ in choices}:
        choices.append((stored_id(body), body.name))
    found = members(session, actor, campaign_id=campaign_id,
                    body_ids=[stored_id(body)]) if body else []
    columns: dict[str, list[Member]] = {level.value: [] for level in LEVELS}
    for member in found:
        columns[member.level.value].append(member)
    zone = clock.home_zone().key
    if body is not None:
        place = load(session, Jurisdiction, body.jurisdiction_id)
        zone = place.timezone if place else zone
    vote = counted_vote(session, campaign_id=campaign_id, body_id=stored_id(body),
                        vote_id=vote_id) if body is not None else None
    # Our position as the dashboard takes it: the vote's, else what the campaign's goal makes
    # of a vote on it (to block a renewal, enough that it cannot pass).
    position = vote.our_position if vote is not None else vote_of_goal(campaign.goal)[1]
    outcome = vote.outcome if vote is not None else "pending"
    count = count_of(body, found, position=str(position), outcome=str(outcome)) \
        if body else None
    return Board(campaign=campaign, body=body, bodies=choices, columns=columns, count=count,
                 zone=zone, vote=vote)


CAMPAIGNS: sa.BindParameter[Any] = sa.bindparam("campaign_ids", expanding=True)
PAIRS: sa.BindParameter[Any] = sa.bindparam("body_campaign_pairs", expanding=True)


def _counts(actor: User) -> sa.Select[Any]:
    # Each member of each body against the campaigns its votes are counted for: a row a
    # member and campaign, its stance found in that pair's history through its index; a
    # window over every change of the campaigns read them all and doubled the dashboard's
    # time. Each body is joined to its own votes' campaigns only: joined to every campaign
    # asked about, eight votes read eight times the stances they count. A body stays on a
    # row of its own even when none of its campaigns is joined, for its seats.
    level = targets.level_of(actor, target=Target.id, campaign=Campaign.id).label("level")
    return (sa.select(Body.id, Body.seats, Body.majority_needed, Target.id.label("target_id"),
                      Campaign.id.label("campaign_id"), level)
            .outerjoin(Target, Target.body_id == Body.id)
            .outerjoin(Campaign, sa.and_(Campaign.id.in_(CAMPAIGNS),
                                         sa.tuple_(Body.id, Campaign.id).in_(PAIRS)))
            .where(Body.id.in_(BODIES)))


class CountedVote(Protocol):
    """What counting a vote reads of it: a stored vote, or a row of one."""

    @property
    def id(self) -> int: ...
    @property
    def body_id(self) -> int: ...
    @property
    def campaign_id(self) -> int | None: ...
    @property
    def our_position(self) -> str: ...
    @property
    def outcome(self) -> str: ...


def counts_for_votes(session: Session, actor: User,
                     found_votes: Sequence[CountedVote]) -> dict[int, Count]:
    """The whip count of each vote (by its body and campaign), in one query for any number:
    each body with its members and their stances on the campaigns."""
    pairs = {(v.body_id, v.campaign_id) for v in found_votes if v.campaign_id}
    if not pairs:
        return {}
    stmt = kept_for(("counts",), actor, lambda: _counts(actor))
    values = {BODIES.key: sorted({b for b, _ in pairs}),
              CAMPAIGNS.key: sorted({c for _, c in pairs}), PAIRS.key: sorted(pairs)}
    levels: dict[tuple[int, int], dict[int, str]] = {pair: {} for pair in pairs}
    seen: dict[int, set[int]] = {}
    seats: dict[int, tuple[int, int]] = {}
    for body, body_seats, majority_needed, target_id, campaign, level in read(
            session, stmt, values):
        seats[body] = (body_seats, majority_needed)
        if target_id is None:
            continue
        seen.setdefault(body, set()).add(target_id)
        if (body, campaign) in levels and level is not None:
            levels[(body, campaign)][target_id] = level
    counts = {}
    for v in found_votes:
        pair = (v.body_id, v.campaign_id)
        if pair not in levels:
            continue
        body_seats, majority_needed = seats[pair[0]]
        tally = {level.value: 0 for level in LEVELS}
        for target_id in seen.get(pair[0], set()):
            tally[levels[pair].get(target_id) or StanceLevel.unknown.value] += 1
        counts[v.id] = Count(seats=body_seats, needed=majority(body_seats, majority_needed),
                             levels=tally, position=str(v.our_position or OurPosition.watch.value),
                             outcome=str(v.outcome or "pending"))
    return counts


def record_stance(session: Session, actor: User, *, target_id: int, campaign_id: int,
                  level: StanceLevel, source: StanceSource, note: str) -> StanceRead:
    """A stance moved on the board: how we know it is part of the record, so a note is needed."""
    if not note.strip():
        raise Invalid(N_("Say how you know: a line about what was said or seen."), field="note")
    return targets.set_stance(session, actor, target_id=target_id, campaign_id=campaign_id,
                              level=level, source=source, note=note.strip())
