"""Agenda sync and suggested votes: fetch each body's upcoming meetings, match their items
against its campaigns' keywords, keep one suggestion per agenda item, and let a lead confirm
(which creates the Vote) or dismiss it."""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.auth.models import User
from api.auth.service import system_user
from api.bodies.models import AgendaSource as SourceKind
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignStatus
from api.crud import Crud
from api.errors import Conflict, Invalid, NotFound
from api.jurisdictions import service as jurisdictions
from api.sources.access import require_lead
from api.sources.agendas.base import AgendaEvent, AgendaItem, AgendaSource
from api.sources.agendas.legistar import LegistarSource
from api.sources.agendas.matching import DEFAULT_KEYWORDS, KeywordMatcher
from api.sources.fetching import OutsideError
from api.sources.models import (
    AgendaKeyword,
    AgendaSync,
    SuggestedVote,
    SuggestedVoteRead,
    SuggestionConfirm,
    SuggestionStatus,
)
from api.votes import service as votes
from api.votes.models import Vote, VoteCreate, VoteKind, VoteStatus, VoteUpdate

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
SourceFactory = Callable[["FeedConfig"], AgendaSource]
WATCHING = (CampaignStatus.planning, CampaignStatus.active)

suggestions = Crud(
    SuggestedVote, create=SuggestedVoteRead, update=SuggestedVoteRead, read=SuggestedVoteRead,
    label="suggested vote", search=("title", "matter_file", "item_number"),
    filters=("body_id", "campaign_id", "status", "consent_calendar", "vote_id"),
    sort=("scheduled_at", "status", "title"), default_sort="scheduled_at",
    date_column="scheduled_at",
)


# ---- keywords ---------------------------------------------------------------------------

def keywords(session: Session, campaign_id: int) -> tuple[list[str], bool]:
    """The campaign's agenda keywords, and whether those are the defaults (it set none)."""
    if session.get(Campaign, campaign_id) is None:
        raise NotFound(f"No campaign with id {campaign_id}.")
    own = list(session.exec(select(AgendaKeyword.phrase)
                            .where(AgendaKeyword.campaign_id == campaign_id)
                            .order_by(AgendaKeyword.phrase)).all())
    return (own, False) if own else (list(DEFAULT_KEYWORDS), True)


def set_keywords(session: Session, actor: User, *, campaign_id: int,
                 phrases: list[str]) -> tuple[list[str], bool]:
    """Replace a campaign's agenda keywords; an empty list goes back to the defaults."""
    require_lead(actor)
    if session.get(Campaign, campaign_id) is None:
        raise NotFound(f"No campaign with id {campaign_id}.")
    session.execute(sa.delete(AgendaKeyword).where(AgendaKeyword.campaign_id == campaign_id))
    seen: set[str] = set()
    for phrase in phrases:
        phrase = " ".join(phrase.split())
        if phrase.casefold() not in seen:
            seen.add(phrase.casefold())
            session.add(AgendaKeyword(campaign_id=campaign_id, phrase=phrase))
    session.flush()
    return keywords(session, campaign_id)


def _matchers(session: Session, jurisdiction_id: int) -> list[tuple[int | None, KeywordMatcher]]:
    """One matcher per campaign watching the jurisdiction; the defaults when none does."""
    campaign_ids = list(session.exec(
        select(Campaign.id).where(Campaign.jurisdiction_id == jurisdiction_id,
                                  Campaign.status.in_(WATCHING))
        .order_by(Campaign.id)).all())
    if not campaign_ids:
        return [(None, KeywordMatcher.of(DEFAULT_KEYWORDS))]
    own: dict[int, list[str]] = {cid: [] for cid in campaign_ids}
    for cid, phrase in session.exec(select(AgendaKeyword.campaign_id, AgendaKeyword.phrase)
                                    .where(AgendaKeyword.campaign_id.in_(campaign_ids))):
        own[cid].append(phrase)
    return [(cid, KeywordMatcher.of(own[cid] or DEFAULT_KEYWORDS)) for cid in own]


# ---- sync -------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedConfig:
    """What a sync needs to know about a body, read before any outside call is made."""

    body_id: int
    source: str
    client: str
    token: str
    body_name: str
    zone: ZoneInfo


@dataclass
class SyncReport:
    body_id: int
    ok: bool
    error: str = ""
    events: int = 0
    items: int = 0
    created: int = 0
    updated: int = 0
    moved: int = 0
    votes_moved: list[int] = field(default_factory=list)


def source_for(config: FeedConfig) -> AgendaSource:
    """The agenda source of a body's platform."""
    if config.source == SourceKind.legistar:
        return LegistarSource(config.client, token=config.token, body_name=config.body_name)
    raise OutsideError(f"Agendas from '{config.source}' cannot be fetched yet.", permanent=True)


def feed_config(session: Session, body_id: int) -> FeedConfig:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(f"No body with id {body_id}.")
    if body.agenda_source == SourceKind.none:
        raise Invalid("This body has no agenda source; set one (e.g. Legistar) first.",
                      field="agenda_source")
    return FeedConfig(body_id=body_id, source=body.agenda_source, client=body.legistar_client,
                      token=body.legistar_token, body_name=body.legistar_body_name,
                      zone=jurisdictions.zone(session, body.jurisdiction_id))


def _state(session: Session, body_id: int) -> AgendaSync:
    state = session.get(AgendaSync, body_id)
    if state is None:
        state = AgendaSync(body_id=body_id)
        session.add(state)
    return state


def sync_state(session: Session, body_id: int) -> AgendaSync:
    if session.get(Body, body_id) is None:
        raise NotFound(f"No body with id {body_id}.")
    return session.get(AgendaSync, body_id) or AgendaSync(body_id=body_id)


def record_failure(session: Session, body_id: int, message: str) -> None:
    state = _state(session, body_id)
    now = clock.now()
    state.last_attempt_at = now
    state.last_error_at = now
    state.last_error = message
    state.consecutive_failures += 1
    session.add(state)
    session.flush()


def _local_today(zone: ZoneInfo) -> date:
    return clock.now().astimezone(zone).date()


def _apply_item(session: Session, actor: User, *, config: FeedConfig, event: AgendaEvent,
                item: AgendaItem, starts: datetime,
                matchers: list[tuple[int | None, KeywordMatcher]], report: SyncReport) -> None:
    found = session.exec(select(SuggestedVote).where(
        SuggestedVote.body_id == config.body_id,
        SuggestedVote.source_item_id == item.item_id)).first()
    matched: list[str] = []
    campaign_id: int | None = None
    for cid, matcher in matchers:
        hits = matcher.matches(item.texts)
        if hits and not matched:
            campaign_id = cid
        matched.extend(h for h in hits if h not in matched)
    if found is None and not matched:
        return
    suggestion = found or SuggestedVote(
        body_id=config.body_id, campaign_id=campaign_id, source=config.source,
        source_event_id=event.event_id, source_item_id=item.item_id, scheduled_at=starts)
    if found is None:
        report.created += 1
    elif found.scheduled_at != starts:
        suggestion.moved_from = found.scheduled_at
        report.moved += 1
    values = {
        "source_event_id": event.event_id, "scheduled_at": starts,
        "time_text": event.time_text, "item_number": item.number[:200], "title": item.title,
        "matter_file": item.matter_file[:200], "matter_type": item.matter_type[:200],
        "consent_calendar": item.consent, "agenda_url": event.agenda_url[:2000],
        "event_url": event.event_url[:2000], "location": event.location[:200],
        "matched_keywords": matched or suggestion.matched_keywords,
    }
    changed = found is not None and any(getattr(found, k) != v for k, v in values.items())
    for name, value in values.items():
        setattr(suggestion, name, value)
    if changed:
        report.updated += 1
        suggestion.updated_at = clock.now()
    session.add(suggestion)
    session.flush()
    # A confirmed vote follows its meeting when the meeting moves; a dismissed suggestion only
    # keeps its facts current and is never offered again.
    if (found is not None and found.status == SuggestionStatus.confirmed and found.vote_id):
        vote = session.get(Vote, found.vote_id)
        if (vote is not None and vote.scheduled_at != starts
                and vote.status in (VoteStatus.scheduled, VoteStatus.postponed)):
            votes.crud.update(session, actor, vote.id,  # type: ignore[arg-type]
                              VoteUpdate(scheduled_at=starts))
            report.votes_moved.append(vote.id)  # type: ignore[arg-type]


def apply_events(session: Session, actor: User, *, config: FeedConfig,
                 events: list[AgendaEvent]) -> SyncReport:
    """Record what a fetch found: new matches become suggestions, known items are updated in
    place (keyed on the platform's item id), and the body's sync state is marked good."""
    body = session.get(Body, config.body_id)
    if body is None:
        raise NotFound(f"No body with id {config.body_id}.")
    matchers = _matchers(session, body.jurisdiction_id)
    report = SyncReport(body_id=config.body_id, ok=True, events=len(events))
    for event in events:
        starts = event.starts.replace(tzinfo=config.zone).astimezone(UTC)
        for item in event.items:
            report.items += 1
            _apply_item(session, actor, config=config, event=event, item=item, starts=starts,
                        matchers=matchers, report=report)
    state = _state(session, config.body_id)
    now = clock.now()
    state.last_attempt_at = now
    state.last_success_at = now
    state.last_error = ""
    state.consecutive_failures = 0
    state.events_seen = report.events
    state.items_seen = report.items
    state.suggestions_made = report.created
    session.add(state)
    session.flush()
    return report


def sync_body(session_factory: SessionFactory, body_id: int, *,
              sources: SourceFactory = source_for) -> SyncReport:
    """Fetch one body's upcoming agenda and record it. The outside call happens with no
    transaction open, so a slow platform never holds the database's write lock. Any failure is
    recorded on the body and reported, never raised; a body that does not exist or has no
    agenda source raises NotFound or Invalid."""
    with session_factory() as session:
        config = feed_config(session, body_id)
    try:
        events = sources(config).upcoming(since=_local_today(config.zone))
        with session_factory() as session:
            report = apply_events(session, system_user(session), config=config, events=events)
            session.commit()
        return report
    except Exception as exc:
        message = exc.message if isinstance(exc, OutsideError) else (
            f"The sync failed unexpectedly ({type(exc).__name__}); the error was logged.")
        if isinstance(exc, OutsideError):
            log.warning("agenda sync of body %s failed: %s", body_id, message)
        else:
            log.exception("agenda sync of body %s failed", body_id)
        with session_factory() as session:
            if session.get(Body, body_id) is not None:
                record_failure(session, body_id, message)
                session.commit()
        return SyncReport(body_id=body_id, ok=False, error=message)


def sync_all(session_factory: SessionFactory, *,
             sources: SourceFactory = source_for) -> list[SyncReport]:
    """Sync every body that has an agenda source, one after the other; one body failing never
    stops the others. This is what the scheduled agenda job calls."""
    with session_factory() as session:
        body_ids = list(session.exec(select(Body.id).where(Body.agenda_source != SourceKind.none)
                                     .order_by(Body.id)).all())
    reports = []
    for body_id in body_ids:
        try:
            reports.append(sync_body(session_factory, body_id, sources=sources))
        except Exception as exc:  # the body vanished or lost its source mid-run
            log.warning("agenda sync skipped body %s: %s", body_id, exc)
            reports.append(SyncReport(body_id=body_id, ok=False, error=str(exc)))
    return reports


# ---- confirm and dismiss ----------------------------------------------------------------

VOTE_KINDS = (
    (re.compile(r"\b(renew|renewal|extend|extension|amend|amendment)\b", re.I), VoteKind.renewal),
    (re.compile(r"\b(agreement|contract|purchase|procure|procurement|acquisition)\b", re.I),
     VoteKind.contract_approval),
    (re.compile(r"\bordinance\b", re.I), VoteKind.ordinance),
    (re.compile(r"\b(budget|appropriation)\b", re.I), VoteKind.budget),
    (re.compile(r"\bpolicy\b", re.I), VoteKind.policy),
)


def guess_kind(text: str) -> VoteKind:
    for pattern, kind in VOTE_KINDS:
        if pattern.search(text):
            return kind
    return VoteKind.other


def _vote_title(suggestion: SuggestedVote) -> str:
    title = " ".join(suggestion.title.split()) or f"Agenda item {suggestion.item_number}".strip()
    return title if len(title) <= 200 else title[:199].rstrip() + "…"


def _link(url: str) -> str:
    url = url.strip().replace(" ", "%20")
    return url if url.lower().startswith(("http://", "https://")) else ""


def confirm(session: Session, actor: User, suggestion_id: int,
            changes: SuggestionConfirm | None = None) -> Vote:
    """Make the suggestion a Vote (whose alerts then follow) and mark it confirmed."""
    require_lead(actor)
    suggestion = suggestions.get(session, actor, suggestion_id)
    if suggestion.status == SuggestionStatus.confirmed:
        raise Conflict("This suggestion was already confirmed.")
    changes = changes or SuggestionConfirm()
    body = session.get(Body, suggestion.body_id)
    notes = [f"Found on the {body.name if body else 'body'}'s agenda by the agenda watcher "
             f"({suggestion.source} item {suggestion.source_item_id})."]
    if suggestion.matter_file:
        notes.append(f"Matter file: {suggestion.matter_file}.")
    if suggestion.matched_keywords:
        notes.append("Matched: " + ", ".join(suggestion.matched_keywords) + ".")
    vote = votes.crud.create(session, actor, VoteCreate(
        title=changes.title or _vote_title(suggestion), body_id=suggestion.body_id,
        campaign_id=changes.campaign_id or suggestion.campaign_id,
        scheduled_at=suggestion.scheduled_at, agenda_item_number=suggestion.item_number[:200],
        kind=changes.kind or guess_kind(suggestion.title),
        consent_calendar=suggestion.consent_calendar, agenda_url=_link(suggestion.agenda_url),
        location=suggestion.location[:200], notes=" ".join(notes),
    ))
    suggestion.status = SuggestionStatus.confirmed
    suggestion.vote_id = vote.id
    _decided(session, actor, suggestion)
    return vote


def dismiss(session: Session, actor: User, suggestion_id: int) -> SuggestedVote:
    """Set a suggestion aside for good: later syncs keep it dismissed."""
    require_lead(actor)
    suggestion = suggestions.get(session, actor, suggestion_id)
    if suggestion.status == SuggestionStatus.confirmed:
        raise Conflict("A confirmed suggestion already has its vote; delete the vote instead.")
    suggestion.status = SuggestionStatus.dismissed
    _decided(session, actor, suggestion)
    return suggestion


def _decided(session: Session, actor: User, suggestion: SuggestedVote) -> None:
    now = clock.now()
    suggestion.decided_by_id = getattr(actor, "id", None)
    suggestion.decided_at = now
    suggestion.updated_at = now
    session.add(suggestion)
    session.flush()
