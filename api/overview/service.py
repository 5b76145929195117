"""The week ahead: the next votes, records requests coming due, a person's open tasks, the
latest meetings."""

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from api import clock
from api.agencies.models import Agency
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.jurisdictions.models import Jurisdiction
from api.meetings.models import Meeting, MeetingTarget
from api.organizations.models import Organization
from api.records_requests.models import CLOSED_STATUSES, RecordsRequest
from api.targets.models import Target
from api.tasks.models import Task, TaskStatus
from api.votes.models import Vote

# A response due within this many days is "due soon".
DUE_SOON_DAYS = 14


def records_due(session: Session, actor: Any, *, days: int = DUE_SOON_DAYS,
                limit: int = 20) -> list[dict[str, Any]]:
    """Open records requests whose answer is overdue or due within the next days."""
    horizon = clock.today() + timedelta(days=days)
    stmt = (
        sa.select(RecordsRequest.id, RecordsRequest.subject, RecordsRequest.due_on,
                  RecordsRequest.status, Agency.name.label("agency_name"))
        .join(Agency, Agency.id == RecordsRequest.agency_id)
        .where(RecordsRequest.due_on.is_not(None), RecordsRequest.due_on <= horizon,
               RecordsRequest.status.not_in([s.value for s in CLOSED_STATUSES]),
               RecordsRequest.status != "draft")
        .order_by(RecordsRequest.due_on, RecordsRequest.id).limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


def open_tasks(session: Session, actor: Any, *, limit: int = 20) -> list[dict[str, Any]]:
    """Open tasks given to this person or to their organization, soonest due first."""
    mine = [Task.assignee_user_id == actor.id]
    if getattr(actor, "organization_id", None):
        mine.append(Task.assignee_organization_id == actor.organization_id)
    org = aliased(Organization)
    stmt = (
        sa.select(Task.id, Task.title, Task.due_on, Task.campaign_id, Task.meeting_id,
                  Campaign.name.label("campaign_name"), org.name.label("org_name"))
        .outerjoin(Campaign, Campaign.id == Task.campaign_id)
        .outerjoin(org, org.id == Task.assignee_organization_id)
        .where(Task.status == TaskStatus.open, sa.or_(*mine))
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id).limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


def latest_meetings(session: Session, actor: Any, *, limit: int = 5) -> list[dict[str, Any]]:
    """The meetings most recently held, with who we met, in two queries."""
    org = aliased(Organization)
    stmt = (
        sa.select(Meeting.id, Meeting.held_at, Meeting.summary, Meeting.location,
                  org.name.label("org_name"), Campaign.name.label("campaign_name"),
                  sa.func.coalesce(Jurisdiction.timezone, "UTC").label("timezone"))
        .outerjoin(org, org.id == Meeting.organization_id)
        .outerjoin(Campaign, Campaign.id == Meeting.campaign_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == Campaign.jurisdiction_id)
        .where(Meeting.held_at <= clock.now() + timedelta(days=1))
        .order_by(Meeting.held_at.desc(), Meeting.id.desc()).limit(limit)
    )
    found = [dict(row._mapping) for row in session.execute(stmt)]
    ids = [m["id"] for m in found]
    met: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        names = (sa.select(MeetingTarget.meeting_id, Target.name)
                 .join(Target, Target.id == MeetingTarget.target_id)
                 .where(MeetingTarget.meeting_id.in_(ids)).order_by(Target.name))
        for meeting_id, name in session.execute(names):
            met[meeting_id].append(name)
    for m in found:
        m["targets"] = met[m["id"]]
    return found


def next_votes(session: Session, actor: Any, *, campaign_id: int | None = None,
               days: int | None = 120, limit: int = 10) -> list[dict[str, Any]]:
    """Scheduled and postponed votes from now on, soonest first, with their body, campaign and
    the timezone they happen in."""
    now = clock.now()
    stmt = (
        sa.select(Vote.id, Vote.title, Vote.scheduled_at, Vote.consent_calendar, Vote.kind,
                  Vote.status, Vote.agenda_item_number, Vote.body_id, Vote.campaign_id,
                  Body.name.label("body_name"), Campaign.name.label("campaign_name"),
                  Jurisdiction.timezone)
        .join(Body, Body.id == Vote.body_id)
        .join(Jurisdiction, Jurisdiction.id == Body.jurisdiction_id)
        .outerjoin(Campaign, Campaign.id == Vote.campaign_id)
        .where(Vote.scheduled_at >= now, Vote.status.in_(["scheduled", "postponed"]))
        .order_by(Vote.scheduled_at, Vote.id).limit(limit)
    )
    if days is not None:
        stmt = stmt.where(Vote.scheduled_at <= now + timedelta(days=days))
    if campaign_id is not None:
        stmt = stmt.where(Vote.campaign_id == campaign_id)
    return [dict(row._mapping) for row in session.execute(stmt)]
