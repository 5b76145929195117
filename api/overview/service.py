"""The week ahead: the next votes, records requests coming due, a person's open tasks, the
latest meetings."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api import clock
from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User
from api.auth.scoping import built_once, kept_for, kept_or_none, read
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.db import UTCDateTime
from api.jurisdictions.models import Jurisdiction
from api.meetings.models import Meeting, MeetingTarget
from api.organizations.models import Organization
from api.overview.models import LatestMeeting, OpenTask, RecordDue, UpcomingVote
from api.records_requests import service as records_requests
from api.records_requests.models import CLOSED_STATUSES, RecordsRequest
from api.targets.models import Target
from api.tasks.models import Task, TaskStatus
from api.votes.models import Vote, of_campaigns

# A response due within this many days is "due soon".
DUE_SOON_DAYS = 14


def _for_actor(name: str, actor: User, make: Callable[[Any], sa.Select[Any] | None],
               ) -> sa.Select[Any] | None:
    """A statement whose shape depends on what the actor may read, made once per kind of actor:
    building a query of several parts cost more than running it."""
    return kept_or_none(("overview", name), actor, lambda: make(actor))


def _first_visible(actor: User, model: Any, stmt: sa.Select[Any],
                   order: list[sa.ColumnElement[Any]], limit: int) -> sa.Subquery | None:
    """The ids (and order keys) of the first `limit` rows of `stmt` the actor may read: the
    first few of each way of being allowed to read them, merged. Under the one visibility
    condition the database walks the time index past every row the actor may not read, all
    of them for someone who may read few; a part each stops after `limit` rows. None when
    the actor may read no row at all."""
    parts = permissions.visible_parts(model, actor)
    if parts is None:
        return stmt.order_by(*order).limit(limit).subquery()
    if not parts:
        return None
    # The session still adds the actor's whole condition to each part: a part only says
    # where to look.
    firsts = [sa.select(stmt.where(part).order_by(*order).limit(limit).subquery())
              for part in parts]
    return sa.union(*firsts).subquery()


DUE_BY = sa.bindparam("due_by", type_=sa.Date())
RECORDS_DUE_LIMIT = 20


def _records_due(actor: User) -> sa.Select[Any] | None:
    due = (
        sa.select(RecordsRequest.id, RecordsRequest.due_on)
        .where(RecordsRequest.due_on.is_not(None), RecordsRequest.due_on <= DUE_BY,
               RecordsRequest.status.not_in([s.value for s in CLOSED_STATUSES]),
               RecordsRequest.status != "draft")
    )
    first = _first_visible(actor, RecordsRequest, due,
                           [RecordsRequest.due_on, RecordsRequest.id], RECORDS_DUE_LIMIT)
    if first is None:
        return None
    return (
        sa.select(RecordsRequest.id, RecordsRequest.subject, RecordsRequest.due_on,
                  RecordsRequest.status, RecordsRequest.agency_id,
                  RecordsRequest.due_on_override, RecordsRequest.state_code,
                  Agency.name.label("agency_name"), Jurisdiction.timezone)
        .join(first, first.c.id == RecordsRequest.id)
        # Outer: a shared request whose agency the reader may not read stays on the list.
        .outerjoin(Agency, Agency.id == RecordsRequest.agency_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
        .order_by(first.c.due_on, first.c.id).limit(RECORDS_DUE_LIMIT)
    )


def records_due(session: Session, actor: User, *,
                days: int = DUE_SOON_DAYS) -> list[RecordDue]:
    """Open records requests whose answer is overdue or due within the next days, the first
    twenty, each with where it stands today on its agency's clock (as its own page says)."""
    stmt = _for_actor("records_due", actor, _records_due)
    if stmt is None:
        return []
    # A day more: the agency's today can be a day ahead of the coalition's.
    horizon = clock.today() + timedelta(days=days + 1)
    rows = [row._asdict() for row in read(session, stmt, {DUE_BY.key: horizon})]
    standing = records_requests.countdowns(session, rows)
    due = []
    for row in rows:
        state = standing[row["id"]]
        if state.days_left is None or state.days_left <= days:
            due.append(RecordDue(**row, deadline=state))
    return due


USER = sa.bindparam("user_id", type_=sa.Integer())
ORGANIZATION = sa.bindparam("organization_id", type_=sa.Integer())


def _open_tasks(limit: int, with_organization: bool) -> sa.Select[Any]:
    mine = [Task.assignee_user_id == USER]
    if with_organization:
        mine.append(Task.assignee_organization_id == ORGANIZATION)
    org = aliased(Organization)
    return (
        sa.select(Task.id, Task.title, Task.due_on, Task.campaign_id, Task.meeting_id,
                  Campaign.name.label("campaign_name"), org.name.label("org_name"),
                  Task.owner_organization_id, Task.visibility, Task.assignee_organization_id,
                  Task.assignee_user_id, Jurisdiction.timezone)
        .outerjoin(Campaign, Campaign.id == Task.campaign_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == Campaign.jurisdiction_id)
        .outerjoin(org, org.id == Task.assignee_organization_id)
        .where(Task.status == TaskStatus.open, sa.or_(*mine))
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id).limit(limit)
    )


def open_tasks(session: Session, actor: User, *, limit: int = 20) -> list[OpenTask]:
    """Open tasks given to this person or to their organization, soonest due first, with the
    owner, visibility and assignees that decide who may close each."""
    organization = getattr(actor, "organization_id", None)
    stmt = kept_for(("overview", "open_tasks", limit, bool(organization)), actor,
                    lambda: _open_tasks(limit, bool(organization)))
    values = {USER.key: actor.id, ORGANIZATION.key: organization}
    return [OpenTask.model_validate(row._asdict()) for row in read(session, stmt, values)]


HELD_BY = sa.bindparam("held_by", type_=UTCDateTime())
LATEST_MEETINGS_LIMIT = 5


def _latest_meetings(actor: User) -> sa.Select[Any] | None:
    held = sa.select(Meeting.id, Meeting.held_at).where(Meeting.held_at <= HELD_BY)
    first = _first_visible(actor, Meeting, held, [Meeting.held_at.desc(), Meeting.id.desc()],
                           LATEST_MEETINGS_LIMIT)
    if first is None:
        return None
    org = aliased(Organization)
    return (
        sa.select(Meeting.id, Meeting.held_at, Meeting.summary, Meeting.location,
                  org.name.label("org_name"), Campaign.name.label("campaign_name"),
                  Jurisdiction.timezone)
        .join(first, first.c.id == Meeting.id)
        .outerjoin(org, org.id == Meeting.organization_id)
        .outerjoin(Campaign, Campaign.id == Meeting.campaign_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == Campaign.jurisdiction_id)
        .order_by(first.c.held_at.desc(), first.c.id.desc()).limit(LATEST_MEETINGS_LIMIT)
    )


MEETINGS: sa.BindParameter[Any] = sa.bindparam("meeting_ids", expanding=True)
# Who each meeting met, built once for every reader: built on each call, with the reader's
# criteria walked afresh, it cost more than the dashboard's other reads together.
_MET_NAMES = built_once(sa.select(MeetingTarget.meeting_id, Target.name)
                        .join(Target, Target.id == MeetingTarget.target_id)
                        .where(MeetingTarget.meeting_id.in_(MEETINGS)).order_by(Target.name))


def latest_meetings(session: Session, actor: User) -> list[LatestMeeting]:
    """The five meetings most recently held, with who we met, in two queries."""
    stmt = _for_actor("latest_meetings", actor, _latest_meetings)
    if stmt is None:
        return []
    held_by = clock.now() + timedelta(days=1)
    found = [LatestMeeting.model_validate(row._asdict())
             for row in read(session, stmt, {HELD_BY.key: held_by})]
    ids = [m.id for m in found]
    met: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for meeting_id, name in read(session, _MET_NAMES, {MEETINGS.key: ids}):
            met[meeting_id].append(name)
    for m in found:
        m.targets = met[m.id]
    return found


FROM = sa.bindparam("from", type_=UTCDateTime())
UNTIL = sa.bindparam("until", type_=UTCDateTime())
CAMPAIGN = sa.bindparam("campaign_id", type_=sa.Integer())


def _next_votes(limit: int, until: bool, campaign: bool) -> sa.Select[Any]:
    stmt = (
        sa.select(Vote.id, Vote.title, Vote.scheduled_at, Vote.consent_calendar, Vote.kind,
                  Vote.status, Vote.time_not_announced, Vote.agenda_item_number,
                  Vote.body_id, Vote.campaign_id,
                  Vote.our_position, Body.name.label("body_name"),
                  Campaign.name.label("campaign_name"),
                  Jurisdiction.timezone)
        .join(Body, Body.id == Vote.body_id)
        .join(Jurisdiction, Jurisdiction.id == Body.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == Vote.campaign_id)
        .where(Vote.scheduled_at >= FROM, Vote.status.in_(["scheduled", "postponed"]))
        .order_by(Vote.scheduled_at, Vote.id).limit(limit)
    )
    if until:
        stmt = stmt.where(Vote.scheduled_at <= UNTIL)
    if campaign:
        stmt = stmt.where(of_campaigns(CAMPAIGN))
    return stmt


def next_votes(session: Session, actor: User, *, campaign_id: int | None = None,
               days: int | None = 120, limit: int = 10) -> list[UpcomingVote]:
    """Scheduled and postponed votes from now on, soonest first, with their body, campaign and
    the timezone they happen in."""
    until, campaign = days is not None, campaign_id is not None
    stmt = kept_for(("overview", "next_votes", limit, until, campaign), actor,
                    lambda: _next_votes(limit, until, campaign))
    now = clock.now()
    values: dict[str, Any] = {FROM.key: now}
    if days is not None:
        values[UNTIL.key] = now + timedelta(days=days)
    if campaign_id is not None:
        values[CAMPAIGN.key] = campaign_id
    return [UpcomingVote.model_validate(row._asdict()) for row in read(session, stmt, values)]
