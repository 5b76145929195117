"""iCalendar (RFC 5545) feeds of votes, deadlines, due dates and planned actions per user,
campaign and body, each event with a UID that never changes, so a moved vote moves in
subscribers' calendars."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from icalendar import Calendar, Event
from sqlmodel import Session, select

from api import public_url
from api.actions.models import Action, ActionStatus
from api.alerts import subjects as subject_store
from api.alerts.models import FeedKind, FeedToken, Follow, FollowKind, SubjectKind
from api.alerts.rules import When
from api.alerts.subjects import Subject, title_in_words
from api.auth import scoping
from api.auth.models import User
from api.bodies.models import Body
from api.campaigns import service as campaigns
from api.campaigns.models import Campaign, CampaignContract, CampaignLead
from api.contracts.models import ContractStatus
from api.i18n import locales
from api.i18n.catalogs import gettext, use_locale
from api.records_requests.models import RecordsRequest
from api.settings import get_settings
from api.targets.models import Target
from api.tasks.models import Task
from api.votes.models import Vote, of_campaigns

# Events from this long ago stay in the feed so a calendar keeps recent history.
HISTORY = timedelta(days=180)
VOTE_LENGTH = timedelta(hours=1)
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


class Wanted:
    """The ids of the subjects one feed shows, by table."""

    def __init__(self) -> None:
        self.votes: set[int] = set()
        self.contracts: set[int] = set()
        self.requests: set[int] = set()
        self.tasks: set[int] = set()
        self.actions: set[int] = set()

    def add_campaigns(self, session: Session, campaign_ids: Iterable[int]) -> None:
        ids = list(set(campaign_ids))
        if not ids:
            return
        self.votes |= set(session.exec(select(Vote.id).where(of_campaigns(ids))))
        self.contracts |= {c for c in session.exec(select(Vote.contract_id).where(
            of_campaigns(ids), Vote.contract_id.is_not(None)))}
        # The contracts the campaigns name, as their alerts do (not every one of their place).
        self.contracts |= set(session.exec(select(CampaignContract.contract_id).where(
            CampaignContract.campaign_id.in_(ids))))
        self.requests |= set(session.exec(select(RecordsRequest.id).where(
            RecordsRequest.campaign_id.in_(ids))))
        self.tasks |= set(session.exec(select(Task.id).where(Task.campaign_id.in_(ids))))
        self.actions |= set(session.exec(select(Action.id).where(Action.campaign_id.in_(ids))))

    def add_bodies(self, session: Session, body_ids: Iterable[int]) -> None:
        ids = list(set(body_ids))
        if ids:
            self.votes |= set(session.exec(select(Vote.id).where(Vote.body_id.in_(ids))))


def _for_user(session: Session, user: User) -> Wanted:
    wanted = Wanted()
    follows = session.exec(select(Follow).where(Follow.user_id == user.id)).all()
    by_kind: dict[str, set[int]] = {kind.value: set() for kind in FollowKind}
    for follow in follows:
        by_kind[follow.subject_kind].add(follow.subject_id)
    campaigns = set(by_kind[FollowKind.campaign])
    if user.organization_id:
        campaigns |= set(session.exec(select(CampaignLead.campaign_id).where(
            CampaignLead.organization_id == user.organization_id)))
    wanted.add_campaigns(session, campaigns)
    bodies = set(by_kind[FollowKind.body])
    if by_kind[FollowKind.target]:
        bodies |= {b for b in session.exec(select(Target.body_id).where(
            Target.id.in_(by_kind[FollowKind.target]))) if b is not None}
    wanted.add_bodies(session, bodies)
    wanted.contracts |= by_kind[FollowKind.contract]
    wanted.requests |= by_kind[FollowKind.records_request]
    assigned = Task.assignee_user_id == user.id
    if user.organization_id:
        assigned = sa.or_(assigned, Task.assignee_organization_id == user.organization_id)
    wanted.tasks |= set(session.exec(select(Task.id).where(assigned)))
    if user.organization_id:
        wanted.actions |= set(session.exec(select(Action.id).where(
            Action.owner_organization_id == user.organization_id)))
    return wanted


def _subjects(session: Session, wanted: Wanted, now: datetime) -> list[Subject]:
    found: list[Subject] = []
    found += subject_store.load(session, SubjectKind.vote, ids=wanted.votes, now=now)
    found += subject_store.load(session, SubjectKind.notice_deadline, ids=wanted.contracts,
                                now=now)
    found += subject_store.load(session, SubjectKind.contract_end, ids=wanted.contracts, now=now)
    found += subject_store.load(session, SubjectKind.records_request_due, ids=wanted.requests,
                                now=now)
    found += subject_store.load(session, SubjectKind.task_due, ids=wanted.tasks, now=now)
    # Cancelled votes and closed items drop out, so they disappear from calendars.
    return [s for s in found if _in_calendar(s) and s.when.ends_at >= now - HISTORY]


def _in_calendar(subject: Subject) -> bool:
    """Still an event: open, or the end of a terminated contract's last term, which still ends
    on its day though it gets no alert (as the contract's page and the calendar page tell)."""
    return subject.active or (
        subject.kind == SubjectKind.contract_end
        and str(getattr(subject.record, "status", "")) == ContractStatus.terminated)


@dataclass(frozen=True)
class Dated:
    """One event of a feed: an alert's subject, or a planned action."""

    uid_kind: str
    id: int
    summary: str
    when: When
    changed_at: datetime
    place: str
    link: str
    tentative: bool
    # Kept in a feed as cancelled, so calendar apps holding it take it off.
    cancelled: bool = False


def _of_subject(subject: Subject) -> Dated:
    if subject.kind != SubjectKind.vote:
        summary = title_in_words(subject.kind, subject.title)
    elif subject.when.all_day:
        # All day in the calendar, since its hour is not known yet.
        summary = gettext("Vote: {title} (time not announced)").format(title=subject.title)
    else:
        summary = gettext("Vote: {title}").format(title=subject.title)
    # A postponed vote keeps its old date until it is rescheduled: not to be counted on.
    return Dated(subject.kind.value, subject.id, summary, subject.when, subject.changed_at,
                 subject.place, subject.link, subject.paused)


def _actions(session: Session, ids: set[int], now: datetime) -> list[Dated]:
    """Planned and running actions with a day, read as the feed's owner reads them."""
    if not ids:
        return []
    rows = session.exec(select(Action).where(
        Action.id.in_(ids), Action.scheduled_on.is_not(None),
        Action.status.in_([ActionStatus.planned, ActionStatus.in_progress]))).all()
    zones = {c: campaigns.zone(session, c) for c in {a.campaign_id for a in rows}}
    out = []
    for action in rows:
        assert action.scheduled_on is not None and action.id is not None
        when = When.of_day(action.scheduled_on, zones[action.campaign_id])
        if when.ends_at >= now - HISTORY:
            out.append(Dated("action", action.id,
                             gettext("Action: {title}").format(title=action.title), when,
                             action.updated_at, "", f"/actions/{action.id}", False))
    return out


def uid_for(kind: str, record_id: int, host: str) -> str:
    return f"{kind}-{record_id}@{host}"


def event_of(item: Dated, *, host: str, base_url: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid_for(item.uid_kind, item.id, host))
    event.add("dtstamp", now)
    event.add("last-modified", item.changed_at)
    # Grows whenever the record changes, which tells calendar apps to take the new version.
    event.add("sequence", max(int((item.changed_at - SEQUENCE_EPOCH).total_seconds()), 0))
    event.add("summary", item.summary)
    if item.when.all_day:
        event.add("dtstart", item.when.local_day)
        event.add("dtend", item.when.local_day + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", item.when.at)
        event.add("dtend", item.when.at + VOTE_LENGTH)
    if item.place:
        event.add("location", item.place)
    link = f"{base_url.rstrip('/')}{item.link}"
    event.add("url", link)
    event.add("description", f"{item.summary}\n{link}")
    event.add("status", "CANCELLED" if item.cancelled else
              "TENTATIVE" if item.tentative else "CONFIRMED")
    return event


def calendar_named(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Oversight//Votes and deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-published-ttl", "PT1H")
    return cal


def calendar_bytes(session: Session, token: FeedToken, *, now: datetime) -> bytes:
    """The feed behind a token, as text/calendar bytes."""
    settings = get_settings()
    base_url = public_url.base_url(settings)
    host = urlsplit(base_url).hostname or "oversight"
    wanted = Wanted()
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        return calendar_named("Oversight").to_ical()
    # The feed is read as its owner: it tells only what they may read, as their pages do,
    # however many calendar apps the address is given to; and in their language.
    scoping.act_as(session, user)
    with use_locale(user.language or locales.DEFAULT):
        return _owners_calendar(session, user, token, wanted, host=host, base_url=base_url,
                                now=now)


def _owners_calendar(session: Session, user: User, token: FeedToken, wanted: Wanted, *,
                     host: str, base_url: str, now: datetime) -> bytes:
    if token.kind == FeedKind.user:
        wanted = _for_user(session, user)
        name = "Oversight: " + gettext("my votes and deadlines")
    elif token.kind == FeedKind.campaign:
        wanted.add_campaigns(session, [token.scope_id])
        campaign = session.get(Campaign, token.scope_id)
        name = "Oversight: " + (campaign.name if campaign else gettext("campaign"))
    else:
        wanted.add_bodies(session, [token.scope_id])
        body = session.get(Body, token.scope_id)
        name = "Oversight: " + (body.name if body else gettext("body"))
    cal = calendar_named(name)
    items = [_of_subject(s) for s in _subjects(session, wanted, now)]
    items += _actions(session, wanted.actions, now)
    for item in sorted(items, key=lambda i: (i.when.at, i.uid_kind, i.id)):
        cal.add_component(event_of(item, host=host, base_url=base_url, now=now))
    return cal.to_ical()
