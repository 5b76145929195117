"""Suggested votes as a lead reviews them: the waiting ones soonest first, the decided ones
latest first, each with its body's name and timezone, one page at a time."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from api.bodies.models import AgendaSource, Body
from api.errors import Invalid
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction
from api.sources.models import SuggestedVote, SuggestionStatus
from api.votes.models import Vote

PAGE_SIZE = 25


@dataclass(frozen=True)
class ReviewRow:
    """A suggestion as the review shows it: its own columns, its body's name and timezone,
    and the title of the vote it became, if any."""

    id: int
    body_id: int
    scheduled_at: datetime
    time_text: str
    item_number: str
    title: str
    matter_file: str
    consent_calendar: bool
    agenda_url: str
    location: str
    matched_keywords: list[str]
    status: SuggestionStatus | str
    vote_id: int | None
    decided_at: datetime | None
    moved_from: datetime | None
    off_agenda: str
    body_name: str
    timezone: str
    vote_title: str | None


@dataclass
class ReviewPage:
    rows: list[ReviewRow]
    total: int
    page: int
    pages: int
    # How many suggestions there are of each status, for the page's tabs.
    counts: dict[str, int]


def status_of(text: str | None) -> SuggestionStatus:
    try:
        return SuggestionStatus(text or SuggestionStatus.suggested)
    except ValueError as exc:
        choices = ", ".join(s.value for s in SuggestionStatus)
        raise Invalid(N_("Show suggestions that are {choices}; not '{text}'."),
                      choices=choices, text=text,
                      field="status") from exc


def counts(session: Session, *, body_id: int | None = None) -> dict[str, int]:
    stmt = select(SuggestedVote.status, sa.func.count()).group_by(SuggestedVote.status)
    if body_id is not None:
        stmt = stmt.where(SuggestedVote.body_id == body_id)
    found = {str(getattr(status, "value", status)): n for status, n in session.exec(stmt)}
    return {s.value: found.get(s.value, 0) for s in SuggestionStatus}


def watched_bodies(session: Session) -> int:
    """How many bodies have an agenda source, so their agendas are read at all."""
    stmt = select(sa.func.count()).select_from(Body).where(
        Body.agenda_source != AgendaSource.none)
    return int(session.exec(stmt).one())


def _columns() -> sa.Select[Any]:
    return (sa.select(SuggestedVote.id, SuggestedVote.body_id, SuggestedVote.scheduled_at,
                      SuggestedVote.time_text, SuggestedVote.item_number, SuggestedVote.title,
                      SuggestedVote.matter_file, SuggestedVote.consent_calendar,
                      SuggestedVote.agenda_url, SuggestedVote.location,
                      SuggestedVote.matched_keywords, SuggestedVote.status,
                      SuggestedVote.vote_id, SuggestedVote.decided_at, SuggestedVote.moved_from,
                      SuggestedVote.off_agenda,
                      Body.name.label("body_name"),
                      Jurisdiction.timezone.label("timezone"),
                      Vote.title.label("vote_title"))
            .join(Body, Body.id == SuggestedVote.body_id)
            .join(Jurisdiction, Jurisdiction.id == Body.jurisdiction_id)
            .outerjoin(Vote, Vote.id == SuggestedVote.vote_id))


def page(session: Session, *, status: SuggestionStatus, body_id: int | None = None,
         number: int = 1, size: int = PAGE_SIZE) -> ReviewPage:
    """One page of suggestions of a status: the columns a review shows, joined in one query."""
    where = [SuggestedVote.status == status]
    if body_id is not None:
        where.append(SuggestedVote.body_id == body_id)
    tally = counts(session, body_id=body_id)
    total = tally[status.value]
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    if status == SuggestionStatus.suggested:
        order = [SuggestedVote.scheduled_at.asc(), SuggestedVote.id]
    else:
        order = [SuggestedVote.decided_at.desc(), SuggestedVote.id.desc()]
    stmt = _columns().where(*where).order_by(*order).limit(size).offset((number - 1) * size)
    rows = [ReviewRow(**row._mapping) for row in session.execute(stmt)]
    return ReviewPage(rows=rows, total=total, page=number, pages=pages, counts=tally)


def one(session: Session, suggestion_id: int) -> ReviewRow | None:
    """A single suggestion in the shape of a review row."""
    found = session.execute(_columns().where(SuggestedVote.id == suggestion_id)).first()
    return ReviewRow(**found._mapping) if found else None
