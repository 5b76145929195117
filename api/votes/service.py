"""Reads and writes of votes; a time given without an offset is local to the body."""

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.auth.models import User
from api.bodies import service as bodies
from api.bodies.models import Body
from api.crud import Crud
from api.errors import NO_SUCH, Invalid, Term
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction
from api.targets.models import Target
from api.votes.following import follow_vote
from api.votes.models import VOTES, Vote, VoteRead, VoteStatus

# Said when a scheduled vote's date is changed to one that has passed.
PASSED_WITHOUT_STATUS = (
    "This date has passed, and a scheduled vote cannot be behind us: if the vote was held, "
    "send \"status\": \"held\" with the date (and its outcome); if it was moved, give the "
    "new date.")


def _localize(session: Session, actor: User, values: dict[str, Any],
              existing: Vote | None) -> dict[str, Any]:
    when = values["scheduled_at"]
    if when.tzinfo is None:
        values["scheduled_at"] = when.replace(tzinfo=bodies.zone(session, values["body_id"]))
    member_ids = [m["target_id"] for m in values.get("member_votes") or []]
    if len(member_ids) != len(set(member_ids)):
        raise Invalid(N_("Each member may be recorded once per vote."), field="member_votes")
    if member_ids:
        known = set(session.exec(select(Target.id).where(Target.id.in_(member_ids))).all())
        missing = [tid for tid in member_ids if tid not in known]
        if missing:
            raise Invalid(NO_SUCH, noun=Term(N_("target")), id=missing[0], field="member_votes")
    if existing is not None and moved_into_the_past(existing, values["scheduled_at"],
                                                     values["status"]):
        raise Invalid(PASSED_WITHOUT_STATUS, field="scheduled_at")
    return values


def moved_into_the_past(existing: Vote, when: datetime, status: str) -> bool:
    """A change that would leave a vote scheduled on a date already past: it would count down
    to nothing and alert nobody, so it is asked about (pages) or refused (API)."""
    return (status == VoteStatus.scheduled and when != existing.scheduled_at
            and when < clock.now())


def _follow(session: Session, actor: User, vote: Vote, values: dict[str, Any]) -> None:
    follow_vote(session, actor, vote)


crud: Crud[Vote, VoteRead] = Crud(**VOTES.crud_options(), prepare=_localize, after_save=_follow)


def upcoming(session: Session, actor: User, *, days: int = 120,
             limit: int = 20) -> list[dict[str, Any]]:
    """Scheduled and postponed votes from now on, soonest first, with the body and its timezone."""
    now = clock.now()
    stmt = (
        sa.select(Vote.id, Vote.title, Vote.scheduled_at, Vote.consent_calendar, Vote.kind,
                  Vote.status, Vote.agenda_item_number, Body.name.label("body_name"),
                  Jurisdiction.timezone)
        .join(Body, Body.id == Vote.body_id)
        .join(Jurisdiction, Jurisdiction.id == Body.jurisdiction_id)
        .where(Vote.scheduled_at >= now, Vote.scheduled_at <= now + timedelta(days=days),
               Vote.status.in_(["scheduled", "postponed"]))
        .order_by(Vote.scheduled_at).limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(stmt)]
