"""Reads and writes of votes; a time given without an offset is local to the body."""

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from api import clock
from api.auth.models import User
from api.bodies import service as bodies
from api.crud import Crud
from api.errors import NO_SUCH, Invalid, Term
from api.i18n.catalogs import N_, gettext
from api.targets.models import Target
from api.votes.following import follow_vote
from api.votes.models import VOTES, Vote, VoteOutcome, VoteRead, VoteStatus

# A vote still "scheduled" this many days after its local day is a slip: it was held (or moved),
# and left scheduled it would count down to nothing and alert nobody. A day's grace lets a late
# meeting be entered the morning after, whatever the zone of whoever types it.
GRACE_DAYS = 1
PASSED = N_("This date has passed, so the vote cannot still be scheduled: if it was held, save "
            "it as held (then record its outcome); if it was moved, give the new date.")
NOT_YET = N_("A vote still ahead cannot have been held yet: choose “scheduled”, or correct the "
             "date.")


def local_day(session: Session, when: datetime, body_id: int) -> date:
    """The day of a vote where its body meets; a time without an offset is already local."""
    if when.tzinfo is None:
        return when.date()
    return when.astimezone(bodies.zone(session, body_id)).date()


def date_problem(session: Session, *, when: datetime, status: str, body_id: int,
                 existing: Vote | None = None) -> str | None:
    """Why a vote's date and status cannot stand together (PASSED or NOT_YET, untranslated),
    or None. Every write of a vote asks this: a new vote, and a change of its date or status
    (a vote left as it was is not asked about again for another field's sake)."""
    if existing is not None and status == existing.status and \
            as_instant(session, when, body_id) == existing.scheduled_at:
        return None
    day = local_day(session, when, body_id)
    today = clock.today(bodies.zone(session, body_id))
    if status == VoteStatus.scheduled and day < today - timedelta(days=GRACE_DAYS):
        return PASSED
    if status == VoteStatus.held and day > today:
        return NOT_YET
    return None


def as_instant(session: Session, when: datetime, body_id: int) -> datetime:
    """The instant of a time given for a vote; one without an offset is local to the body."""
    return when if when.tzinfo is not None else when.replace(tzinfo=bodies.zone(session, body_id))


def check_dates(session: Session, values: dict[str, Any], existing: Vote | None) -> None:
    """Refuses a vote scheduled in the past or held in the future, in the reader's language."""
    problem = date_problem(session, when=values["scheduled_at"], status=values["status"],
                           body_id=values["body_id"], existing=existing)
    if problem is not None:
        # Said beside what made it wrong: the date, or a status just chosen.
        field = "scheduled_at" if problem == PASSED or (
            existing is not None and values["status"] == existing.status) else "status"
        raise Invalid(gettext(problem), field=field)


def _localize(session: Session, actor: User, values: dict[str, Any],
              existing: Vote | None) -> dict[str, Any]:
    values["scheduled_at"] = as_instant(session, values["scheduled_at"], values["body_id"])
    member_ids = [m["target_id"] for m in values.get("member_votes") or []]
    if len(member_ids) != len(set(member_ids)):
        raise Invalid(N_("Each member may be recorded once per vote."), field="member_votes")
    if member_ids:
        known = set(session.exec(select(Target.id).where(Target.id.in_(member_ids))).all())
        missing = [tid for tid in member_ids if tid not in known]
        if missing:
            raise Invalid(NO_SUCH, noun=Term(N_("target")), id=missing[0], field="member_votes")
    check_dates(session, values, existing)
    if values.get("outcome") in (VoteOutcome.passed, VoteOutcome.failed) \
            and values["status"] != VoteStatus.held:
        # A result is known only once the vote is taken: a vote still ahead that "passed"
        # would be counted as won or lost, and still listed as coming.
        raise Invalid(N_("A vote passes or fails only once it is held: save it as held to "
                         "record its outcome."), field="outcome")
    return values


def _follow(session: Session, actor: User, vote: Vote, values: dict[str, Any]) -> None:
    follow_vote(session, actor, vote)


crud: Crud[Vote, VoteRead] = Crud(**VOTES.crud_options(), prepare=_localize, after_save=_follow)
