"""Turns rules and the current votes, deadlines, requests and tasks into outbox rows, and keeps
pending rows in step when a subject moves, is cancelled or gains and loses recipients."""

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from api.alerts import subjects as subject_store
from api.alerts.models import (
    AlertOutbox,
    AlertPreference,
    AlertRule,
    Channel,
    Direction,
    EmailMode,
    Follow,
    OutboxStatus,
    RecipientGroup,
    SubjectKind,
    WebhookEndpoint,
)
from api.alerts.rules import USER_RECIPIENT, occurrences
from api.alerts.subjects import Subject, TargetOnBody
from api.auth import permissions
from api.auth.models import Role, User
from api.campaigns.models import Campaign, CampaignLead
from api.meetings.models import Meeting, MeetingTarget
from api.targets.models import Stance, StanceLevel

log = logging.getLogger(__name__)

RULE_KINDS = tuple(kind.value for kind in SubjectKind)
# How far ahead a repeating rule's next reminders are written out.
REPEAT_LOOKAHEAD = timedelta(days=30)
# "No meeting logged in 30 days" for the undecided-target escalation.
MEETING_WINDOW = timedelta(days=30)
CHUNK = 500


def message_id_for(key: str) -> str:
    """The webhook-id of a row: derived from its unique key, so it never changes."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]


@dataclass
class Candidate:
    key: str
    series: str
    rule: AlertRule
    subject: Subject
    occurrence: str
    due_at: datetime
    channel: Channel
    user_id: int | None
    endpoint_id: int | None
    via_digest: bool
    since: datetime
    title: str
    campaign_id: int | None

    @property
    def threshold(self) -> datetime:
        """Reminders due before this were already past when rule, subject and recipient first
        met, so they are never written."""
        return max(self.rule.updated_at, self.subject.changed_at, self.since)

    def still_useful(self, now: datetime) -> bool:
        if self.rule.direction == Direction.before:
            return now < self.subject.when.ends_at
        return True


@dataclass
class PlanStats:
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0

    def __add__(self, other: "PlanStats") -> "PlanStats":
        return PlanStats(self.created + other.created, self.moved + other.moved,
                         self.cancelled + other.cancelled, self.revived + other.revived)


@dataclass
class Audience:
    """Who can receive alerts, read once per planning run."""

    users: dict[int, User]
    prefs: dict[int, AlertPreference]
    lead_role_users: list[int]
    lead_orgs: dict[int, set[int]]
    org_users: dict[int, list[int]]
    follows: dict[tuple[str, int], list[tuple[int, datetime]]]
    endpoints: list[WebhookEndpoint]
    stances: dict[tuple[int, int], str] = field(default_factory=dict)
    last_meeting: dict[int, datetime] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session, now: datetime) -> "Audience":
        users = {u.id: u for u in session.exec(select(User).where(User.is_active)).all()}
        prefs = {p.user_id: p for p in session.exec(select(AlertPreference)).all()}
        lead_orgs: dict[int, set[int]] = defaultdict(set)
        for campaign_id, org_id in session.exec(
                select(CampaignLead.campaign_id, CampaignLead.organization_id)):
            lead_orgs[campaign_id].add(org_id)
        org_users: dict[int, list[int]] = defaultdict(list)
        for user in users.values():
            if user.organization_id:
                org_users[user.organization_id].append(user.id)  # type: ignore[arg-type]
        follows: dict[tuple[str, int], list[tuple[int, datetime]]] = defaultdict(list)
        for follow in session.exec(select(Follow)).all():
            if follow.user_id in users:
                follows[(follow.subject_kind, follow.subject_id)].append(
                    (follow.user_id, follow.created_at))
        endpoints = list(session.exec(select(WebhookEndpoint).where(WebhookEndpoint.enabled)))
        stances = {(s.target_id, s.campaign_id): s.level
                   for s in session.exec(select(Stance)).all()}
        last_meeting: dict[int, datetime] = {}
        for target_id, held_at in session.exec(
                select(MeetingTarget.target_id, sa.func.max(Meeting.held_at))
                .join(Meeting, Meeting.id == MeetingTarget.meeting_id)
                .where(Meeting.held_at <= now).group_by(MeetingTarget.target_id)):
            last_meeting[target_id] = _aware(held_at)
        lead_role = [u.id for u in users.values() if u.role == Role.lead]
        return cls(users, prefs, lead_role, lead_orgs, org_users, follows, endpoints,  # type: ignore[arg-type]
                   stances, last_meeting)

    def since(self, user_id: int) -> datetime:
        return self.users[user_id].created_at

    def campaign_leads(self, campaign_ids: Iterable[int]) -> dict[int, datetime]:
        found = {uid: self.since(uid) for uid in self.lead_role_users}
        for campaign_id in campaign_ids:
            for org_id in self.lead_orgs.get(campaign_id, ()):
                for uid in self.org_users.get(org_id, ()):
                    found[uid] = self.since(uid)
        return found

    def of_organizations(self, org_ids: Iterable[int]) -> dict[int, datetime]:
        return {uid: self.since(uid) for org_id in org_ids
                for uid in self.org_users.get(org_id, ())}

    def followers(self, keys: Iterable[tuple[str, int]]) -> dict[int, datetime]:
        found: dict[int, datetime] = {}
        for key in keys:
            for uid, since in self.follows.get(key, ()):
                found[uid] = min(found.get(uid, since), since)
        return found


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def escalation_holds(audience: Audience, target: TargetOnBody, campaign_ids: Iterable[int],
                     due_at: datetime) -> bool:
    """The target is undecided on the campaign and nobody met them in the 30 days before."""
    undecided = any(audience.stances.get((target.id, c)) == StanceLevel.undecided
                    for c in campaign_ids)
    if not undecided:
        return False
    met = audience.last_meeting.get(target.id)
    return met is None or met < due_at - MEETING_WINDOW


def _applies(rule: AlertRule, subject: Subject) -> bool:
    return rule.campaign_id is None or rule.campaign_id in subject.campaign_ids


def _recipients(rule: AlertRule, subject: Subject, audience: Audience,
                target: TargetOnBody | None) -> dict[int, datetime]:
    campaigns = [rule.campaign_id] if rule.campaign_id else list(subject.campaign_ids)
    found: dict[int, datetime] = {}

    def add(more: dict[int, datetime]) -> None:
        for uid, since in more.items():
            found[uid] = min(found.get(uid, since), since)

    for recipient in rule.recipients:
        if recipient == RecipientGroup.campaign_leads:
            add(audience.campaign_leads(campaigns))
        elif recipient == RecipientGroup.relationship_owner:
            owners = ([target.owner_organization_id] if target and target.owner_organization_id
                      else [] if target else list(subject.owner_organization_ids))
            add(audience.of_organizations(owners))
        elif recipient == RecipientGroup.assigned_organization:
            add({uid: audience.since(uid) for uid in subject.assigned_user_ids
                 if uid in audience.users})
            add(audience.of_organizations(subject.assigned_organization_ids))
        elif recipient == RecipientGroup.followers:
            keys = list(subject.follow_keys)
            if target:
                keys.append(("target", target.id))
            add(audience.followers(keys))
        elif found_user := USER_RECIPIENT.match(recipient):
            uid = int(found_user.group(1))
            if uid in audience.users:
                add({uid: audience.since(uid)})
    if subject.record is not None:
        found = {uid: since for uid, since in found.items()
                 if permissions.can_read(audience.users[uid], subject.record)}
    return found


def shared_with_coalition(subject: Subject) -> bool:
    """A webhook posts to a channel many read: only records the whole coalition may see."""
    if subject.record is None:
        return True
    return getattr(subject.record, "visibility", None) in permissions.SHARED_VISIBILITY


def candidates_for(rule: AlertRule, subject: Subject, audience: Audience,
                   now: datetime) -> list[Candidate]:
    """Every alert one rule asks for about one subject."""
    if not subject.active or not _applies(rule, subject):
        return []
    times = occurrences(subject.when, offsets=rule.offsets, direction=rule.direction,
                        repeat_every=rule.repeat_every, until=now + REPEAT_LOOKAHEAD)
    campaign_id = rule.campaign_id or (subject.campaign_ids[0] if subject.campaign_ids else None)
    targets: list[TargetOnBody | None] = [None]
    if rule.subject == SubjectKind.undecided_escalation:
        targets = list(subject.targets)
    out: list[Candidate] = []
    for target in targets:
        suffix = f"/t{target.id}" if target else ""
        title = subject.title
        for label, due in times:
            if target is not None:
                campaigns = [rule.campaign_id] if rule.campaign_id else subject.campaign_ids
                if not escalation_holds(audience, target, campaigns, due):
                    continue
                title = (f"Undecided, not met in 30 days: {target.name}, "
                         f"before {subject.title}")
            base = f"r{rule.id}|{rule.subject}:{subject.id}{suffix}"
            for uid, since in _recipients(rule, subject, audience, target).items():
                pref = audience.prefs.get(uid)
                for channel in rule.channels:
                    if channel == Channel.email:
                        mode = pref.email_mode if pref else EmailMode.immediate
                        if mode == EmailMode.off:
                            continue
                        via_digest = mode == EmailMode.digest
                        user_since = max(since, pref.updated_at) if pref else since
                    elif channel == Channel.in_app:
                        if pref and not pref.in_app:
                            continue
                        via_digest = False
                        user_since = max(since, pref.updated_at) if pref else since
                    else:
                        continue
                    series = f"{base}|u{uid}|{channel}"
                    out.append(Candidate(
                        key=f"{series}|{label}", series=series, rule=rule, subject=subject,
                        occurrence=f"{label}{suffix}", due_at=due, channel=Channel(channel),
                        user_id=uid, endpoint_id=None, via_digest=via_digest, since=user_since,
                        title=title, campaign_id=campaign_id))
            if Channel.webhook in rule.channels and shared_with_coalition(subject):
                for endpoint in audience.endpoints:
                    if endpoint.campaign_id is not None and \
                            endpoint.campaign_id not in subject.campaign_ids:
                        continue
                    series = f"{base}|w{endpoint.id}|webhook"
                    out.append(Candidate(
                        key=f"{series}|{label}", series=series, rule=rule, subject=subject,
                        occurrence=f"{label}{suffix}", due_at=due, channel=Channel.webhook,
                        user_id=None, endpoint_id=endpoint.id, via_digest=False,
                        since=endpoint.created_at, title=title, campaign_id=campaign_id))
    return out


def _snapshot(candidate: Candidate) -> dict[str, Any]:
    subject = candidate.subject
    return {"title": candidate.title[:300], "place": subject.place[:300], "link": subject.link,
            "zone": subject.when.zone.key, "event_at": subject.when.at,
            "all_day": subject.when.all_day, "campaign_id": candidate.campaign_id,
            "via_digest": candidate.via_digest}


def insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows; one another process wrote first is left alone."""
    if not rows:
        return 0
    table = AlertOutbox.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = 0
    for start in range(0, len(rows), CHUNK):
        stmt = maker(table).values(rows[start:start + CHUNK]).on_conflict_do_nothing(
            index_elements=["dedupe_key"])
        created += session.execute(stmt).rowcount or 0
    return created


def _existing_rows(session: Session, scope: dict[str, set[int]]) -> list[AlertOutbox]:
    rows: list[AlertOutbox] = []
    for kind, ids in scope.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            rows.extend(session.exec(select(AlertOutbox).where(
                AlertOutbox.subject_kind == kind,
                AlertOutbox.subject_id.in_(ordered[start:start + CHUNK]),  # type: ignore[attr-defined]
                AlertOutbox.rule_id.is_not(None))).all())  # type: ignore[union-attr]
    return rows


@dataclass
class Work:
    """What a plan found to want, read without writing: reconcile() applies it."""

    wanted: dict[str, Candidate]
    scope: dict[str, set[int]]
    loaded: dict[str, dict[int, Subject]]


def gather(session: Session, *, now: datetime,
           changed: dict[str, set[int]] | None = None) -> Work:
    """The alerts the rules call for now. `changed` names the subjects to look at, by table
    (vote, contract, records_request, task); None looks at all of them. Only reads."""
    rules = list(session.exec(select(AlertRule).where(AlertRule.enabled)).all())
    kinds = [SubjectKind(k) for k in RULE_KINDS]
    loaded: dict[str, dict[int, Subject]] = {k: {} for k in RULE_KINDS}
    scope: dict[str, set[int]] = {k: set() for k in RULE_KINDS}
    for kind in kinds:
        table = subject_store.TABLES[kind]
        if changed is None:
            ids = None
            if not any(rule.subject == kind for rule in rules):
                found: list[Subject] = []
            else:
                found = subject_store.load(session, kind, ids=None, now=now)
        else:
            ids = changed.get(table, set())
            found = subject_store.load(session, kind, ids=ids, now=now)
            scope[kind.value] |= ids
        for subject in found:
            loaded[kind.value][subject.id] = subject
            scope[kind.value].add(subject.id)
    if changed is None:
        # Subjects that still have pending rows, even if they are no longer upcoming or open.
        for kind, subject_id in session.exec(
                select(AlertOutbox.subject_kind, AlertOutbox.subject_id).distinct()
                .where(AlertOutbox.status == OutboxStatus.pending,
                       AlertOutbox.subject_kind.in_(RULE_KINDS))):  # type: ignore[attr-defined]
            if subject_id not in loaded[kind]:
                scope[kind].add(subject_id)
        for kind in kinds:
            missing = scope[kind.value] - set(loaded[kind.value])
            for subject in subject_store.load(session, kind, ids=missing, now=now):
                loaded[kind.value][subject.id] = subject
    audience = Audience.read(session, now)
    wanted: dict[str, Candidate] = {}
    for rule in rules:
        for subject in loaded[rule.subject].values():
            for candidate in candidates_for(rule, subject, audience, now):
                wanted[candidate.key] = candidate
    return Work(wanted, scope, loaded)


def plan(session: Session, *, now: datetime,
         changed: dict[str, set[int]] | None = None) -> PlanStats:
    """Bring the outbox in step with the rules and subjects, in one transaction."""
    work = gather(session, now=now, changed=changed)
    return reconcile(session, now=now, wanted=work.wanted, scope=work.scope,
                     loaded=work.loaded)


def reconcile(session: Session, *, now: datetime, wanted: dict[str, Candidate],
              scope: dict[str, set[int]], loaded: dict[str, dict[int, Subject]]) -> PlanStats:
    stats = PlanStats()
    for row in _existing_rows(session, scope):
        candidate = wanted.pop(row.dedupe_key, None)
        if candidate is None:
            if row.status == OutboxStatus.pending:
                subject = loaded.get(row.subject_kind, {}).get(row.subject_id)
                if subject is None:
                    reason = "its subject was deleted"
                elif not subject.active:
                    reason = subject.inactive_reason
                else:
                    reason = "no longer called for by its rule"
                _set(row, status=OutboxStatus.cancelled, note=reason[:300], lease_until=None)
                session.add(row)
                stats.cancelled += 1
            continue
        snapshot = _snapshot(candidate)
        if row.status == OutboxStatus.pending:
            if row.due_at != candidate.due_at:
                # Moved with its subject. One now past is still sent if its event is ahead;
                # the dispatcher keeps only the latest due reminder of each series.
                snapshot.update(due_at=candidate.due_at, next_attempt_at=candidate.due_at)
                stats.moved += 1
            if _set(row, **snapshot):
                session.add(row)
        elif row.status == OutboxStatus.cancelled and candidate.due_at >= now:
            snapshot.update(status=OutboxStatus.pending, due_at=candidate.due_at,
                            next_attempt_at=candidate.due_at, note="", attempts=0)
            _set(row, **snapshot)
            session.add(row)
            stats.revived += 1
    new_rows = []
    for candidate in wanted.values():
        if candidate.due_at < candidate.threshold or not candidate.still_useful(now):
            continue
        new_rows.append({
            "dedupe_key": candidate.key, "series": candidate.series,
            "message_id": message_id_for(candidate.key), "rule_id": candidate.rule.id,
            "subject_kind": candidate.rule.subject, "subject_id": candidate.subject.id,
            "occurrence": candidate.occurrence, "channel": candidate.channel.value,
            "user_id": candidate.user_id, "endpoint_id": candidate.endpoint_id,
            "due_at": candidate.due_at, "next_attempt_at": candidate.due_at,
            "status": OutboxStatus.pending.value, "attempts": 0, "claimed_by": "",
            "late": False, "last_error": "", "note": "", "created_at": now, "updated_at": now,
            **_snapshot(candidate),
        })
    session.flush()
    stats.created += insert_ignoring_duplicates(session, new_rows)
    return stats


def _set(row: AlertOutbox, **values: Any) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


# ---- the planner the scheduler runs -------------------------------------------------------

# Writes commit a little after they are stamped; looking back this far catches them.
OVERLAP = timedelta(minutes=5)
# A change to any of these can change who gets which alert: planned in full when they change.
AUDIENCE_TABLES = (AlertRule, Follow, WebhookEndpoint, AlertPreference, User, Campaign, Stance,
                   Meeting)
AUDIENCE_LINKS = (CampaignLead, MeetingTarget)


def audience_fingerprint(session: Session) -> tuple[Any, ...]:
    """Row counts and latest changes of the tables that decide recipients; any edit, insert or
    delete changes it."""
    parts: list[Any] = []
    for model in AUDIENCE_TABLES:
        parts.extend(session.exec(select(sa.func.count(), sa.func.max(model.updated_at))  # type: ignore[attr-defined]
                                  .select_from(model)).one())
    for link in AUDIENCE_LINKS:
        parts.append(session.exec(select(sa.func.count()).select_from(link)).one())
    return tuple(str(p) for p in parts)


@dataclass
class Looked:
    work: Work | None
    full: bool
    fingerprint: tuple[Any, ...]


class Planner:
    """Plans the subjects that changed since its last run; everything when rules, recipients or
    follows changed, every full_every, and on its first run (so alerts that fell due while the
    app was down are found)."""

    def __init__(self, *, full_every: timedelta) -> None:
        self.full_every = full_every
        self.last_full: datetime | None = None
        self.watermark: datetime | None = None
        self.fingerprint: tuple[Any, ...] = ()

    def look(self, session: Session, now: datetime) -> Looked:
        """What to plan now, read without writing, so a long full plan keeps no writer waiting."""
        fingerprint = audience_fingerprint(session)
        full = (self.last_full is None or self.watermark is None
                or now - self.last_full >= self.full_every or now < self.last_full
                or fingerprint != self.fingerprint)
        if full:
            return Looked(gather(session, now=now), full, fingerprint)
        assert self.watermark is not None
        changed = subject_store.changed_since(session, self.watermark - OVERLAP)
        work = gather(session, now=now, changed=changed) if any(changed.values()) else None
        return Looked(work, full, fingerprint)

    def apply(self, session: Session, now: datetime, looked: Looked) -> PlanStats:
        # What changed after `now` is planned again next time: the watermark looks back.
        work = looked.work
        stats = (reconcile(session, now=now, wanted=work.wanted, scope=work.scope,
                           loaded=work.loaded) if work is not None else PlanStats())
        if looked.full:
            self.last_full = now
        self.fingerprint = looked.fingerprint
        self.watermark = now
        return stats

    def run(self, session: Session, now: datetime) -> PlanStats:
        return self.apply(session, now, self.look(session, now))


def cancel_rule_rows(session: Session, rule_id: int, reason: str) -> int:
    """Cancel a rule's pending rows (before the rule is deleted)."""
    result = session.execute(
        sa.update(AlertOutbox)
        .where(AlertOutbox.rule_id == rule_id, AlertOutbox.status == OutboxStatus.pending)
        .values(status=OutboxStatus.cancelled.value, note=reason[:300]))
    return result.rowcount or 0
