"""Agenda sync and suggested votes: fetch each body's upcoming meetings, match their items
against its campaigns' keywords, keep one suggestion per agenda item, and let a lead confirm
(which creates the Vote) or dismiss it."""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.accounts.service import SYSTEM_EMAIL, system_user
from api.alerts.models import Follow, FollowKind, Notification
from api.auth import permissions
from api.auth.models import User
from api.bodies.models import AgendaSource as SourceKind
from api.bodies.models import Body
from api.campaigns.models import Campaign, CampaignLead, CampaignStatus
from api.crud import Crud
from api.errors import NO_SUCH, Conflict, Invalid, NotFound, Term
from api.fields import stored_id
from api.i18n.catalogs import N_, gettext, use_locale
from api.i18n.formatting import format_list, format_when
from api.i18n.locales import DEFAULT as DEFAULT_LANGUAGE
from api.jurisdictions import service as jurisdictions
from api.sources.agency_import import name_key as comparable
from api.sources.agendas.base import AgendaEvent, AgendaItem, AgendaSource, ItemOutcome
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
from api.targets.models import Target
from api.votes import service as votes
from api.votes.models import (
    MemberChoice,
    MemberVote,
    Vote,
    VoteCreate,
    VoteKind,
    VoteOutcome,
    VoteStatus,
    VoteUpdate,
)

log = logging.getLogger(__name__)

SessionFactory = Callable[[], Session]
SourceFactory = Callable[["FeedConfig"], AgendaSource]
WATCHING = (CampaignStatus.planning, CampaignStatus.active)
# Why an item is off the agenda ahead (SuggestedVote.off_agenda).
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"
# The meeting was held and put the item off (continued, deferred, referred).
DEFERRED = "deferred"
# Held meetings whose results one sync asks for, at most: the rest wait for the next.
OUTCOMES_PER_SYNC = 50
# How platforms write a member's vote.
CHOICES = {"yes": MemberChoice.yes, "aye": MemberChoice.yes, "yea": MemberChoice.yes,
           "no": MemberChoice.no, "nay": MemberChoice.no, "abstain": MemberChoice.abstain,
           "abstained": MemberChoice.abstain, "absent": MemberChoice.absent,
           "excused": MemberChoice.absent, "recused": MemberChoice.recused,
           "recuse": MemberChoice.recused}

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
        raise NotFound(NO_SUCH, noun=Term(N_("campaign")), id=campaign_id)
    own = list(session.exec(select(AgendaKeyword.phrase)
                            .where(AgendaKeyword.campaign_id == campaign_id)
                            .order_by(AgendaKeyword.phrase)).all())
    return (own, False) if own else (list(DEFAULT_KEYWORDS), True)


def set_keywords(session: Session, actor: User, *, campaign_id: int,
                 phrases: list[str]) -> tuple[list[str], bool]:
    """Replace a campaign's agenda keywords; an empty list goes back to the defaults."""
    permissions.require_bringing_in(actor)
    if session.get(Campaign, campaign_id) is None:
        raise NotFound(NO_SUCH, noun=Term(N_("campaign")), id=campaign_id)
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
    off_agenda: int = 0
    outcomes: int = 0
    votes_moved: list[int] = field(default_factory=list)
    # Confirmed votes the agenda changed (moved, cancelled, held, consent flag), each once per
    # change; the leads were told of each.
    votes_changed: list[int] = field(default_factory=list)


def source_for(config: FeedConfig) -> AgendaSource:
    """The agenda source of a body's platform."""
    if config.source == SourceKind.legistar:
        return LegistarSource(config.client, token=config.token, body_name=config.body_name)
    raise OutsideError(f"Agendas from '{config.source}' cannot be fetched yet.", permanent=True)


def feed_config(session: Session, body_id: int) -> FeedConfig:
    body = session.get(Body, body_id)
    if body is None:
        raise NotFound(NO_SUCH, noun=Term(N_("body")), id=body_id)
    if body.agenda_source == SourceKind.none:
        raise Invalid(N_("This body has no agenda source; set one (e.g. Legistar) first."),
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
        raise NotFound(NO_SUCH, noun=Term(N_("body")), id=body_id)
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


def _values(event: AgendaEvent, item: AgendaItem, starts: datetime) -> dict[str, Any]:
    return {
        "source_event_id": event.event_id, "source_item_id": item.item_id,
        "scheduled_at": starts, "time_text": event.time_text, "item_number": item.number[:200],
        "title": item.title, "matter_file": item.matter_file[:200],
        "matter_type": item.matter_type[:200], "consent_calendar": item.consent,
        "agenda_url": event.agenda_url[:2000], "event_url": event.event_url[:2000],
        "location": event.location[:200], "matter_id": item.matter_id,
    }


def _keywords(item: AgendaItem,
              matchers: list[tuple[int | None, KeywordMatcher]]) -> tuple[list[str], int | None]:
    """The campaign keywords the item matches, and the campaign of the first that does."""
    matched: list[str] = []
    campaign_id: int | None = None
    for cid, matcher in matchers:
        hits = matcher.matches(item.texts)
        if hits and not matched:
            campaign_id = cid
        matched.extend(h for h in hits if h not in matched)
    return matched, campaign_id


def _when(at: datetime, zone: ZoneInfo, time_text: str) -> str:
    """When an agenda's meeting is, in the language being spoken; an agenda that gives no
    time says so rather than showing the platform's placeholder hour."""
    local = at.astimezone(zone)
    day = format_when(local, "full_date")
    if not time_text:
        return gettext("{day}, time not announced").format(day=day)
    return gettext("{day} at {time}").format(day=day, time=format_when(local, "time"))


# What the watcher tells a reader, written when each reader's language is known: a title and
# a body.
Said = Callable[[], tuple[str, str]]


def _follow(session: Session, actor: User, config: FeedConfig, suggestion: SuggestedVote,
            values: dict[str, Any], matched: list[str], report: SyncReport) -> None:
    """Brings a known suggestion up to date with its item as the platform now shows it: a moved
    meeting moves its confirmed vote, a consent flag that changed is carried over with a note,
    and an item back on an agenda brings its vote back. Dismissed suggestions only keep their
    facts current and are never offered again."""
    before = {name: getattr(suggestion, name) for name in values}
    was_off = suggestion.off_agenda
    if suggestion.scheduled_at != values["scheduled_at"]:
        suggestion.moved_from = suggestion.scheduled_at
        report.moved += 1
    for name, value in values.items():
        setattr(suggestion, name, value)
    suggestion.matched_keywords = matched or suggestion.matched_keywords
    suggestion.off_agenda = ""
    if any(before[name] != value for name, value in values.items()) or was_off:
        report.updated += 1
        suggestion.updated_at = clock.now()
    session.add(suggestion)
    session.flush()
    vote = (session.get(Vote, suggestion.vote_id)
            if suggestion.status == SuggestionStatus.confirmed and suggestion.vote_id else None)
    if vote is None:
        return
    changes: dict[str, Any] = {}
    said: list[Callable[[], str]] = []
    if was_off and vote.status in (VoteStatus.cancelled, VoteStatus.postponed):
        changes["status"] = VoteStatus.scheduled
        said.append(lambda: gettext("is back on the agenda"))
    active = vote.status in (VoteStatus.scheduled, VoteStatus.postponed) or "status" in changes
    unknown_time = not values["time_text"]
    if active and (vote.scheduled_at != values["scheduled_at"]
                   or vote.time_not_announced != unknown_time):
        changes["scheduled_at"] = values["scheduled_at"]
        # The agenda's time, or none announced: never midnight shown as the vote's hour.
        changes["time_not_announced"] = unknown_time
        at, time_text = values["scheduled_at"], values["time_text"]
        said.append(lambda: gettext("moved to {when}").format(
            when=_when(at, config.zone, time_text)))
    if vote.consent_calendar != values["consent_calendar"]:
        changes["consent_calendar"] = values["consent_calendar"]
        moved = "onto" if values["consent_calendar"] else "off"
        said.append((lambda: gettext("moved onto the consent calendar"))
                    if values["consent_calendar"]
                    else (lambda: gettext("moved off the consent calendar")))
        changes["notes"] = _noted(vote.notes, f"The agenda of {clock.now():%b %-d, %Y} moved it "
                                              f"{moved} the consent calendar.")
    if not changes:
        return
    if votes.date_problem(
            session, when=changes.get("scheduled_at", vote.scheduled_at),
            status=changes.get("status", vote.status),
            body_id=vote.body_id, existing=vote) == votes.PASSED:
        # Moved to a meeting already behind us: that meeting was held, and its result is
        # read like any held meeting's.
        changes["status"] = VoteStatus.held
        said.append(lambda: gettext("was held"))
    votes.crud.update(session, actor, stored_id(vote), VoteUpdate(**changes))
    if "scheduled_at" in changes:
        # Campaigns counted from this vote moved their unfinished steps with it (the votes'
        # own save does that, for hand edits too).
        report.votes_moved.append(stored_id(vote))
    title, body_name = vote.title, config.body_name

    def changed() -> tuple[str, str]:
        return (gettext("Agenda: “{title}” {changes}").format(
                    title=title, changes=format_list([line() for line in said])),
                gettext("The {body}'s agenda changed.").format(body=body_name) if body_name
                else gettext("The body's agenda changed."))

    _tell_leads(session, changed, f"/votes/{vote.id}")
    report.votes_changed.append(stored_id(vote))


def _noted(notes: str, line: str) -> str:
    return f"{notes}\n{line}".strip()[:20_000]


def _off_agenda(session: Session, actor: User, suggestion: SuggestedVote, why: str,
                report: SyncReport, said: str = "") -> None:
    """The item left its meeting's agenda, the meeting was cancelled, or the meeting put it
    off (`said` is how the platform wrote that): said on the suggestion, and its confirmed
    vote is postponed (withdrawn, deferred) or cancelled (meeting cancelled), its alerts with
    it, until the item comes back."""
    if suggestion.off_agenda == why:
        return
    suggestion.off_agenda = why
    suggestion.updated_at = clock.now()
    session.add(suggestion)
    session.flush()
    report.off_agenda += 1
    vote = (session.get(Vote, suggestion.vote_id)
            if suggestion.status == SuggestionStatus.confirmed and suggestion.vote_id else None)
    if vote is None or vote.status not in (VoteStatus.scheduled, VoteStatus.postponed):
        return
    # The day the meeting was to be held where it meets, not in UTC: an evening meeting in
    # California is the next day in UTC.
    body = session.get(Body, suggestion.body_id)
    local = suggestion.scheduled_at.astimezone(
        jurisdictions.zone(session, body.jurisdiction_id if body else None))
    when = f"{local:%b %-d, %Y}"
    title = vote.title
    # The vote's notes keep the line as the record's history; the leads are told in their
    # own language.
    if why == CANCELLED:
        status, line = VoteStatus.cancelled, f"The meeting of {when} was cancelled."
        told = N_("Agenda: “{title}”: the meeting of {day} was cancelled.")
    elif why == DEFERRED:
        status, line = VoteStatus.postponed, f"Put off at the meeting of {when}: {said}."
        told = N_("Agenda: “{title}”: put off at the meeting of {day}: {said}.")
    else:
        status, line = VoteStatus.postponed, f"Taken off the agenda of {when}."
        told = N_("Agenda: “{title}”: taken off the agenda of {day}.")
    votes.crud.update(session, actor, stored_id(vote),
                      VoteUpdate(status=status, notes=_noted(vote.notes, line)))

    def off() -> tuple[str, str]:
        return (gettext(told).format(title=title, day=format_when(local, "date"), said=said),
                gettext("Its alerts wait until the item is on an agenda again."))

    _tell_leads(session, off, f"/votes/{vote.id}")
    report.votes_changed.append(stored_id(vote))


def _tell_leads(session: Session, say: Said, link: str,
                campaign_id: int | None = None) -> None:
    """An in-app alert to every active lead and administrator, whose news the agenda
    watcher's is to act on, and to the members of the organizations leading the campaign the
    item is about and those who follow it; each reads it in their own language."""
    told = sa.or_(
        permissions.coalition_leads(),
        User.id.in_(select(Follow.user_id).where(Follow.subject_kind == FollowKind.campaign,
                                                 Follow.subject_id == campaign_id)),
        User.organization_id.in_(select(CampaignLead.organization_id).where(
            CampaignLead.campaign_id == campaign_id)))
    leads = session.exec(select(User.id, User.language).where(
        User.is_active, told, User.email != SYSTEM_EMAIL)).all()
    written: dict[str, tuple[str, str]] = {}
    for user_id, language in leads:
        language = language or DEFAULT_LANGUAGE
        if language not in written:
            with use_locale(language):
                written[language] = say()
        title, body = written[language]
        session.add(Notification(user_id=user_id, title=title[:300], body=body[:2000],
                                 link=link[:300]))
    session.flush()


def _suggested(title: str, starts: datetime, zone: ZoneInfo, time_text: str,
               matched: list[str]) -> Said:
    def say() -> tuple[str, str]:
        return (gettext("Agenda: “{title}” on {when}").format(
                    title=title, when=_when(starts, zone, time_text)),
                gettext("Matched {keywords}. Confirm it to make it a vote with alerts, or "
                        "dismiss it.").format(keywords=", ".join(matched)))
    return say


def awaiting_outcome(session: Session, body_id: int, *,
                     limit: int = OUTCOMES_PER_SYNC) -> list[tuple[str, str]]:
    """The (event id, item id) of confirmed votes whose meeting was held and whose result is
    not recorded yet, soonest first."""
    stmt = (select(SuggestedVote.source_event_id, SuggestedVote.source_item_id)
            .join(Vote, Vote.id == SuggestedVote.vote_id)
            .where(SuggestedVote.body_id == body_id,
                   SuggestedVote.status == SuggestionStatus.confirmed,
                   SuggestedVote.off_agenda == "", Vote.scheduled_at < clock.now(),
                   Vote.outcome == VoteOutcome.pending,
                   Vote.status.in_([VoteStatus.scheduled, VoteStatus.held]))
            .order_by(Vote.scheduled_at).limit(limit))
    return [(str(e), str(i)) for e, i in session.exec(stmt)]


def _choice(said: str) -> MemberChoice | None:
    return CHOICES.get(" ".join(said.casefold().split()))


def _members(session: Session, body_id: int) -> dict[str, int]:
    """The body's targets by their name as a roll call may write it."""
    return {comparable(name): target_id for target_id, name in session.exec(
        select(Target.id, Target.name).where(Target.body_id == body_id))}


def _with_tally(action: str, result: ItemOutcome) -> str:
    """The platform's action with its count and mover, as its minutes would say it."""
    said = action
    if result.tally:
        said += f", {result.tally}"
    if result.mover:
        said += f", moved by {result.mover}"
    return said


def _record_outcome(session: Session, actor: User, suggestion: SuggestedVote | None,
                    result: ItemOutcome, targets: dict[str, int], report: SyncReport) -> None:
    """A held meeting's result on its vote: passed or failed, and each member's vote where
    the member is one of the body's targets; the leads are told."""
    vote = session.get(Vote, suggestion.vote_id) if suggestion and suggestion.vote_id else None
    if vote is None or vote.outcome != VoteOutcome.pending:
        return
    if result.deferred and suggestion is not None:
        # Waits, like an item taken off an agenda, for the matter to come up again.
        _off_agenda(session, actor, suggestion, DEFERRED, report,
                    said=_with_tally(result.action or "deferred", result))
        return
    if result.passed is None or votes.date_problem(
            session, when=vote.scheduled_at, status=VoteStatus.held, body_id=vote.body_id,
            existing=vote) is not None:
        # No result, or one of a meeting the vote has since moved on from: a vote still ahead
        # cannot have been held.
        return
    recorded = {m.target_id: m for m in map(MemberVote.model_validate, vote.member_votes or [])}
    tally: dict[str, int] = {}
    unknown: list[str] = []
    for name, said in result.votes:
        choice = _choice(said)
        if choice is None:
            continue
        tally[choice.value] = tally.get(choice.value, 0) + 1
        target_id = targets.get(comparable(name))
        if target_id is None:
            unknown.append(name)
        else:
            recorded[target_id] = MemberVote(target_id=target_id, vote=choice)
    outcome = VoteOutcome.passed if result.passed else VoteOutcome.failed
    count = ", ".join(f"{n} {choice}" for choice, n in tally.items())
    line = f"Result from the agenda: {outcome.value}" + (f" ({count})" if count else "") + "."
    if result.tally or result.mover:
        line += " " + _with_tally(result.action or outcome.value, result) + "."
    if unknown:
        line += " Not among the body's targets: " + ", ".join(unknown[:20]) + "."
    votes.crud.update(session, actor, stored_id(vote), VoteUpdate(
        status=VoteStatus.held, outcome=outcome, member_votes=list(recorded.values()),
        notes=_noted(vote.notes, line)))
    report.outcomes += 1
    report.votes_changed.append(stored_id(vote))
    yes, no = tally.get("yes", 0), tally.get("no", 0)
    title, passed = vote.title, outcome == VoteOutcome.passed
    minutes = _with_tally(result.action or outcome.value, result) \
        if result.tally or result.mover else ""

    def decided() -> tuple[str, str]:
        if yes or no:
            said = (gettext("Agenda: “{title}” passed, {yes} to {no}") if passed
                    else gettext("Agenda: “{title}” failed, {yes} to {no}"))
        else:
            said = (gettext("Agenda: “{title}” passed") if passed
                    else gettext("Agenda: “{title}” failed"))
        lines = [gettext("Result from the agenda: passed.") if passed
                 else gettext("Result from the agenda: failed.")]
        if minutes:
            # The platform's own words, as its minutes say them.
            lines.append(gettext("The minutes say: {said}.").format(said=minutes))
        if unknown:
            lines.append(gettext("Not among the body's targets: {names}.").format(
                names=format_list(unknown[:20])))
        return said.format(title=title, yes=yes, no=no), " ".join(lines)

    _tell_leads(session, decided, f"/votes/{vote.id}")


def apply_events(session: Session, actor: User, *, config: FeedConfig,
                 events: list[AgendaEvent],
                 outcomes: list[ItemOutcome] | None = None) -> SyncReport:
    """Record what a fetch found. Known items (by the platform's item id) are brought up to
    date; an item under a new id whose matter left an agenda (continued, or its meeting
    cancelled) is that suggestion again, moved; a new matching item becomes a suggestion and
    the leads are told; what a fetched meeting no longer lists, or a cancelled meeting, takes
    its item off the agenda. The body's sync state is marked good."""
    body = session.get(Body, config.body_id)
    if body is None:
        raise NotFound(NO_SUCH, noun=Term(N_("body")), id=config.body_id)
    matchers = _matchers(session, body.jurisdiction_id)
    report = SyncReport(body_id=config.body_id, ok=True, events=len(events))
    known = list(session.exec(select(SuggestedVote).where(
        SuggestedVote.body_id == config.body_id).order_by(SuggestedVote.id)).all())
    by_item = {s.source_item_id: s for s in known}
    fetched = {event.event_id: event for event in events}
    listed: dict[str, set[str]] = {}
    new_items: list[tuple[AgendaEvent, AgendaItem, datetime]] = []
    for event in events:
        starts = event.starts.replace(tzinfo=config.zone).astimezone(UTC)
        listed[event.event_id] = {item.item_id for item in event.items}
        for item in event.items:
            report.items += 1
            found = by_item.get(item.item_id)
            if found is None:
                new_items.append((event, item, starts))
            elif not event.cancelled:
                matched, _ = _keywords(item, matchers)
                _follow(session, actor, config, found, _values(event, item, starts), matched,
                        report)
    # Fetched meetings that no longer list an item, or that are cancelled, take it off the
    # agenda; past meetings are not fetched, so what they held stays as it was.
    leaving = {s.id: s for s in known if s.source_event_id in fetched
               and (fetched[s.source_event_id].cancelled
                    or s.source_item_id not in listed[s.source_event_id])}
    returning = {s.matter_id: s for s in known
                 if s.matter_id and (s.id in leaving or s.off_agenda)}
    for event, item, starts in new_items:
        if event.cancelled:
            continue  # a cancelled meeting offers nothing to vote on
        previous = returning.pop(item.matter_id, None) if item.matter_id else None
        if previous is not None:
            leaving.pop(previous.id, None)
            previous.off_agenda = previous.off_agenda or WITHDRAWN
            _follow(session, actor, config, previous, _values(event, item, starts),
                    _keywords(item, matchers)[0], report)
            continue
        matched, campaign_id = _keywords(item, matchers)
        if not matched:
            continue
        suggestion = SuggestedVote(body_id=config.body_id, campaign_id=campaign_id,
                                   source=config.source, matched_keywords=matched,
                                   **_values(event, item, starts))
        session.add(suggestion)
        session.flush()
        report.created += 1
        _tell_leads(session, _suggested(item.title[:200], starts, config.zone,
                                        event.time_text, matched),
                    "/suggested-votes", campaign_id)
    for suggestion in leaving.values():
        why = CANCELLED if fetched[suggestion.source_event_id].cancelled else WITHDRAWN
        _off_agenda(session, actor, suggestion, why, report)
    if outcomes:
        # One reading of the body's members for every result of the sync.
        members = _members(session, config.body_id)
        for result in outcomes:
            _record_outcome(session, actor, by_item.get(result.item_id), result, members,
                            report)
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
        waiting = awaiting_outcome(session, body_id)
    try:
        source = sources(config)
        events = source.upcoming(since=_local_today(config.zone))
        results = source.outcomes(waiting) if waiting else []
        with session_factory() as session:
            report = apply_events(session, system_user(session), config=config, events=events,
                                  outcomes=results)
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
    permissions.require_bringing_in(actor)
    suggestion = suggestions.get(session, actor, suggestion_id)
    if suggestion.status == SuggestionStatus.confirmed:
        raise Conflict(N_("This suggestion was already confirmed."))
    changes = changes or SuggestionConfirm()
    body = session.get(Body, suggestion.body_id)
    notes = [f"Found on the {body.name if body else 'body'}'s agenda by the agenda watcher "
             f"({suggestion.source} item {suggestion.source_item_id})."]
    if suggestion.matter_file:
        notes.append(f"Matter file: {suggestion.matter_file}.")
    if suggestion.matched_keywords:
        notes.append("Matched: " + ", ".join(suggestion.matched_keywords) + ".")
    # A meeting already behind us was held: its vote is saved as held, whose result the next
    # sync reads, never as one still to come.
    passed = votes.date_problem(session, when=suggestion.scheduled_at,
                                status=VoteStatus.scheduled,
                                body_id=suggestion.body_id) == votes.PASSED
    vote = votes.crud.create(session, actor, VoteCreate(
        title=changes.title or _vote_title(suggestion), body_id=suggestion.body_id,
        status=VoteStatus.held if passed else VoteStatus.scheduled,
        campaign_id=changes.campaign_id or suggestion.campaign_id,
        scheduled_at=suggestion.scheduled_at, time_not_announced=not suggestion.time_text,
        agenda_item_number=suggestion.item_number[:200],
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
    permissions.require_bringing_in(actor)
    suggestion = suggestions.get(session, actor, suggestion_id)
    if suggestion.status == SuggestionStatus.confirmed:
        raise Conflict(N_("A confirmed suggestion already has its vote; delete the vote instead."))
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
