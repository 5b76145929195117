"""Turns rules and the current votes, deadlines, requests and tasks into outbox rows, and keeps
pending rows in step when a subject moves, is cancelled or gains and loses recipients."""

import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NotRequired, TypedDict

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from api.alerts import replan
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
from api.alerts.subjects import Subject, TargetOnBody, titled
from api.auth import permissions, scoping
from api.auth.models import User
from api.campaigns.models import CampaignLead
from api.db import rows_changed, session_scope, table_of
from api.fields import stored_id
from api.meetings import standing as stances
from api.targets.models import StanceChange, StanceLevel

log = logging.getLogger(__name__)

RULE_KINDS = tuple(kind.value for kind in SubjectKind)
# How far ahead a repeating rule's next reminders are written out.
REPEAT_LOOKAHEAD = timedelta(days=30)
# Repeats due longer ago than this are history: sent, or given up after the last retry.
REPEAT_LOOKBACK = timedelta(days=7)
# "No meeting logged in 30 days" for the undecided-target escalation.
MEETING_WINDOW = timedelta(days=30)
CHUNK = 500
# Subjects planned per transaction: small enough that a writer waits on the planner for a few
# milliseconds at most, and that memory stays flat however large the coalition.
SUBJECTS_PER_CHUNK = 200
# Outbox rows in these states can still change; the others are history, known by key only.
OPEN_STATES = (OutboxStatus.pending.value, OutboxStatus.paused.value,
               OutboxStatus.cancelled.value)


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
    paused: int = 0
    resumed: int = 0
    subjects: int = 0
    full: bool = False

    def __add__(self, other: "PlanStats") -> "PlanStats":
        return PlanStats(self.created + other.created, self.moved + other.moved,
                         self.cancelled + other.cancelled, self.revived + other.revived,
                         self.paused + other.paused, self.resumed + other.resumed,
                         self.subjects + other.subjects, self.full or other.full)


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
    # What can be known of the targets escalations name, read once per planning run, and how
    # each reader (a class of users who read the same stances and meetings, or a webhook's
    # tier) knows each of them.
    sources: dict[int, stances.Sources] = field(default_factory=dict)
    standings: dict[tuple[Any, ...], stances.Standing] = field(default_factory=dict)
    # Who may read which record, asked once per class of readers and what decides who reads
    # the record, rather than per recipient, rule and record: a plan asks it half a million
    # times. Each user's class for each table, and each record's deciding fields, are kept.
    readable: dict[tuple[Any, ...], bool] = field(default_factory=dict)
    reader_keys: dict[tuple[int, type], tuple[Any, ...]] = field(default_factory=dict)
    record_keys: dict[tuple[type, int], tuple[Any, ...]] = field(default_factory=dict)
    target_records: dict[int, Any] = field(default_factory=dict)

    def target_record(self, target: TargetOnBody) -> Any:
        found = self.target_records.get(target.id)
        if found is None:
            found = self.target_records[target.id] = target.record
        return found

    def reader_key(self, uid: int, model: type) -> tuple[Any, ...]:
        """What decides which rows of the table the user reads (permissions.reads_key)."""
        found = self.reader_keys.get((uid, model))
        if found is None:
            found = self.reader_keys[(uid, model)] = permissions.reads_key(self.users[uid],
                                                                            model)
        return found

    def may_read(self, uid: int, record: Any) -> bool:
        """permissions.can_read, asked once per class of readers and kind of record: what it
        reads of a record is its owner, visibility and named readers, shared by thousands of
        records."""
        model = type(record)
        fields = self.record_keys.get((model, record.id))
        if fields is None:
            spec = permissions.owned().get(model)
            fields = () if spec is None else (
                getattr(record, spec.owner), getattr(record, spec.visibility),
                *(getattr(record, c) for c in spec.reader_organizations),
                *(getattr(record, c) for c in spec.reader_users))
            self.record_keys[(model, record.id)] = fields
        key = (self.reader_key(uid, model), model, fields)
        found = self.readable.get(key)
        if found is None:
            found = self.readable[key] = permissions.can_read(self.users[uid], record)
        return found

    @classmethod
    def read(cls, session: Session, now: datetime) -> "Audience":
        users = {stored_id(u): u for u in session.exec(select(User).where(User.is_active)).all()}
        prefs = {p.user_id: p for p in session.exec(select(AlertPreference)).all()}
        lead_orgs: dict[int, set[int]] = defaultdict(set)
        for campaign_id, org_id in session.exec(
                select(CampaignLead.campaign_id, CampaignLead.organization_id)):
            lead_orgs[campaign_id].add(org_id)
        org_users: dict[int, list[int]] = defaultdict(list)
        for user in users.values():
            if user.organization_id:
                org_users[user.organization_id].append(stored_id(user))
        follows: dict[tuple[str, int], list[tuple[int, datetime]]] = defaultdict(list)
        for follow in session.exec(select(Follow)).all():
            if follow.user_id in users:
                follows[(follow.subject_kind, follow.subject_id)].append(
                    (follow.user_id, follow.created_at))
        endpoints = list(session.exec(select(WebhookEndpoint).where(WebhookEndpoint.enabled)))
        lead_role = [stored_id(u) for u in users.values() if permissions.is_lead(u)]
        return cls(users, prefs, lead_role, lead_orgs, org_users, follows, endpoints)

    def expect_escalations(self, session: Session, target_ids: Iterable[int],
                           now: datetime) -> None:
        """Reads what can be known of the targets a gathering's escalations name, once."""
        self.sources.update(stances.sources(
            session, {t for t in target_ids if t not in self.sources}, now))

    def standing(self, reader: int | str, target_id: int) -> stances.Standing:
        """The target as the reader (a user id, or a webhook's tier) knows it."""
        known_as: User | str
        if isinstance(reader, int):
            # A stance change is read with its target and its meeting: what decides it decides
            # what the reader knows of both.
            key = (*self.reader_key(reader, StanceChange), target_id)
            known_as = self.users[reader]
        else:
            key = ("tier", reader, target_id)
            known_as = reader
        found = self.standings.get(key)
        if found is None:
            known = self.sources.get(target_id)
            found = self.standings[key] = (known.standing(known_as) if known is not None
                                           else stances.Standing())
        return found

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


def escalation_holds(standing: stances.Standing, campaign_ids: Iterable[int] | None,
                     due_at: datetime) -> bool:
    """As its reader knows the target: undecided on one of the campaigns (any, for None), and
    no meeting with them in the 30 days before. Someone who may not read a private stance or
    meeting is neither told of it nor spared an alert by it."""
    levels = standing.levels
    known = levels.values() if campaign_ids is None else [levels.get(c) for c in campaign_ids]
    if StanceLevel.undecided not in known:
        return False
    met = standing.last_met
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
    # Each recipient reads in the alert only what they may read: its subject and, for an
    # escalation, the target it names.
    record = subject.record
    named = audience.target_record(target) if target is not None else None
    return {uid: since for uid, since in found.items()
            if (record is None or audience.may_read(uid, record))
            and (named is None or audience.may_read(uid, named))}


def endpoint_reads(endpoint: WebhookEndpoint, subject: Subject,
                   target: TargetOnBody | None) -> bool:
    """A webhook posts to a channel many read: only records shared at least as widely as the
    endpoint was set to read, the subject and the target an escalation names."""
    reads = permissions.shared_at_least(endpoint.reads)
    if subject.record is not None and getattr(subject.record, "visibility", None) not in reads:
        return False
    return target is None or target.visibility in reads


def _user_channels(rule: AlertRule, recipients: dict[int, datetime],
                   audience: Audience) -> list[tuple[int, Channel, bool, datetime]]:
    """(user, channel, via digest, since) for each recipient and channel their preferences
    leave on."""
    out = []
    for uid, since in recipients.items():
        pref = audience.prefs.get(uid)
        user_since = max(since, pref.updated_at) if pref else since
        for channel in rule.channels:
            if channel == Channel.email:
                mode = pref.email_mode if pref else EmailMode.immediate
                if mode != EmailMode.off:
                    out.append((uid, Channel.email, mode == EmailMode.digest, user_since))
            elif channel == Channel.in_app and (pref is None or pref.in_app):
                out.append((uid, Channel.in_app, False, user_since))
    return out


def candidates_for(rule: AlertRule, subject: Subject, audience: Audience,
                   now: datetime) -> list[Candidate]:
    """Every alert one rule asks for about one subject."""
    if not subject.active or not _applies(rule, subject):
        return []
    times = occurrences(subject.when, offsets=rule.offsets, direction=rule.direction,
                        repeat_every=rule.repeat_every, until=now + REPEAT_LOOKAHEAD,
                        since=now - REPEAT_LOOKBACK)
    campaign_id = rule.campaign_id or (subject.campaign_ids[0] if subject.campaign_ids else None)
    targets: list[TargetOnBody | None] = [None]
    if rule.subject == SubjectKind.undecided_escalation:
        targets = list(subject.targets)
    webhooks = Channel.webhook in rule.channels
    out: list[Candidate] = []
    for target in targets:
        suffix = f"/t{target.id}" if target else ""
        title = subject.title
        if target is not None:
            title = titled(SubjectKind.undecided_escalation, subject.title, name=target.name)
        campaigns = [rule.campaign_id] if rule.campaign_id else subject.campaign_ids
        base = f"r{rule.id}|{rule.subject}:{subject.id}{suffix}"
        sends = _user_channels(rule, _recipients(rule, subject, audience, target), audience)
        endpoints = [e for e in audience.endpoints
                     if (e.campaign_id is None or e.campaign_id in subject.campaign_ids)
                     and endpoint_reads(e, subject, target)] if webhooks else []

        def due_for(reader: int | str, target: TargetOnBody | None = target,
                    campaigns: Sequence[int] = campaigns) -> list[tuple[str, datetime]]:
            # An escalation holds, or not, as each reader knows the target.
            if target is None:
                return times
            standing = audience.standing(reader, target.id)
            return [(label, due) for label, due in times
                    if escalation_holds(standing, campaigns, due)]

        for uid, channel, via_digest, since in sends:
            series = f"{base}|u{uid}|{channel.value}"
            for label, due in due_for(uid):
                out.append(Candidate(
                    key=f"{series}|{label}", series=series, rule=rule, subject=subject,
                    occurrence=f"{label}{suffix}", due_at=due, channel=channel, user_id=uid,
                    endpoint_id=None, via_digest=via_digest, since=since, title=title,
                    campaign_id=campaign_id))
        for endpoint in endpoints:
            series = f"{base}|w{endpoint.id}|webhook"
            for label, due in due_for(endpoint.reads):
                out.append(Candidate(
                    key=f"{series}|{label}", series=series, rule=rule, subject=subject,
                    occurrence=f"{label}{suffix}", due_at=due, channel=Channel.webhook,
                    user_id=None, endpoint_id=endpoint.id, via_digest=False,
                    since=endpoint.created_at, title=title, campaign_id=campaign_id))
    return out


class OutboxSnapshot(TypedDict):
    """What an outbox row keeps of its subject as planned, so the alert reads as it was meant
    even if the subject changes before it goes out; with the state a re-plan moves it to."""
    title: str
    place: str
    link: str
    zone: str
    event_at: datetime
    all_day: bool
    campaign_id: int | None
    via_digest: bool
    status: NotRequired[str]
    note: NotRequired[str]
    due_at: NotRequired[datetime]
    next_attempt_at: NotRequired[datetime]
    attempts: NotRequired[int]


def _snapshot(candidate: Candidate) -> OutboxSnapshot:
    subject = candidate.subject
    return {"title": candidate.title[:300], "place": subject.place[:300], "link": subject.link,
            "zone": subject.when.zone.key, "event_at": subject.when.at,
            "all_day": subject.when.all_day, "campaign_id": candidate.campaign_id,
            "via_digest": candidate.via_digest}


def insert_ignoring_duplicates(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows; one another process wrote first is left alone."""
    if not rows:
        return 0
    table = table_of(AlertOutbox)
    dialect = session.get_bind().dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = 0
    for start in range(0, len(rows), CHUNK):
        stmt = maker(table).values(rows[start:start + CHUNK]).on_conflict_do_nothing(
            index_elements=["dedupe_key"])
        created += rows_changed(session, stmt)
    return created


_ROW_COLUMNS = ("id", "dedupe_key", "status", "rule_id", "subject_kind", "subject_id",
                "due_at", "next_attempt_at", "attempts", "note", "lease_until", "title",
                "place", "link", "zone", "event_at", "all_day", "campaign_id", "via_digest")


def _existing_rows(session: Session,
                   scope: dict[str, set[int]]) -> tuple[list[sa.Row[Any]], set[str]]:
    """The rows of the scope's subjects that can still change (plain rows: a full plan reads
    a hundred thousand), and the keys of the others (sent, failed, skipped: history, never
    written again)."""
    table = table_of(AlertOutbox)
    columns = [table.c[name] for name in _ROW_COLUMNS]
    rows: list[sa.Row[Any]] = []
    settled: set[str] = set()
    for kind, ids in scope.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            where = (table.c.subject_kind == kind,
                     table.c.subject_id.in_(ordered[start:start + CHUNK]),
                     table.c.rule_id.is_not(None))
            rows.extend(session.execute(sa.select(*columns).where(
                *where, table.c.status.in_(OPEN_STATES))).all())
            settled.update(session.execute(sa.select(table.c.dedupe_key).where(
                *where, table.c.status.not_in(OPEN_STATES))).scalars())
    return rows, settled


class _Updates:
    """Changes to existing outbox rows, written together: a vote that moves can move
    thousands of reminders, and one statement each cost most of the re-plan."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)

    def add(self, row: sa.Row[Any], **values: Any) -> None:
        """Keeps the values that differ, to be written unless the dispatcher took the row
        meanwhile."""
        changes = {name: value for name, value in values.items() if getattr(row, name) != value}
        if changes:
            self.by_columns[tuple(sorted(changes))].append(
                {**{f"new_{name}": value for name, value in changes.items()},
                 "row_id": row.id, "row_status": row.status})

    def write(self, session: Session) -> None:
        table = table_of(AlertOutbox)
        for columns, params in self.by_columns.items():
            statement = (sa.update(table)
                         .where(table.c.id == sa.bindparam("row_id"),
                                table.c.status == sa.bindparam("row_status"))
                         .values({**{name: sa.bindparam(f"new_{name}") for name in columns},
                                  "updated_at": self.now}))
            session.connection().execute(statement, params)
        self.by_columns.clear()


@dataclass
class Work:
    """What a plan found to want, read without writing: reconcile() applies it."""

    wanted: dict[str, Candidate]
    scope: dict[str, set[int]]
    loaded: dict[str, dict[int, Subject]]
    rule_ids: set[int] = field(default_factory=set)


def _require_unscoped(session: Session) -> None:
    # Planned as one user sees the data, alerts about what that user may not read would look
    # deleted and be cancelled for everyone.
    if scoping.actor_of(session) is not None:
        raise RuntimeError("alerts are planned with an unscoped session, never a user's")


def enabled_rules(session: Session) -> list[AlertRule]:
    return list(session.exec(select(AlertRule).where(AlertRule.enabled)).all())


def gather(session: Session, *, now: datetime, changed: dict[str, set[int]] | None = None,
           audience: Audience | None = None, rules: list[AlertRule] | None = None) -> Work:
    """The alerts the rules call for now about the subjects `changed` names, by table (vote,
    contract, records_request, task); None names every upcoming or open subject (small
    databases and tests: the planner streams them in chunks). Only reads."""
    _require_unscoped(session)
    if changed is None:
        changed = {table: subject_store.current_ids(session, table, now)
                   for table in subject_store.MODELS}
    if rules is None:
        rules = enabled_rules(session)
    ruled = {rule.subject for rule in rules}
    loaded: dict[str, dict[int, Subject]] = {k: {} for k in RULE_KINDS}
    scope: dict[str, set[int]] = {k: set() for k in RULE_KINDS}
    for kind in SubjectKind:
        ids = changed.get(subject_store.TABLES[kind], set())
        if not ids:
            continue
        scope[kind.value] |= ids
        if kind not in ruled:
            # No rule asks for this kind: only rows already written need their subjects.
            ids = set(session.exec(select(AlertOutbox.subject_id).distinct().where(
                AlertOutbox.subject_kind == kind.value,
                AlertOutbox.subject_id.in_(sorted(ids)),
                AlertOutbox.status.in_([OutboxStatus.pending.value,
                                        OutboxStatus.paused.value]))).all())
        for subject in subject_store.load(session, kind, ids=ids, now=now):
            loaded[kind.value][subject.id] = subject
    if audience is None:
        audience = Audience.read(session, now)
    if any(rule.subject == SubjectKind.undecided_escalation for rule in rules):
        audience.expect_escalations(
            session, (t.id for s in loaded[SubjectKind.undecided_escalation].values()
                      for t in s.targets), now)
    # Each subject meets only the rules of its kind for everyone or for its campaigns.
    by_campaign: dict[tuple[str, int | None], list[AlertRule]] = defaultdict(list)
    for rule in rules:
        by_campaign[(rule.subject, rule.campaign_id)].append(rule)
    wanted: dict[str, Candidate] = {}
    for kind_name, subjects in loaded.items():
        for subject in subjects.values():
            found: dict[tuple[Any, ...], Candidate] = {}
            for campaign in (None, *subject.campaign_ids):
                for rule in by_campaign.get((kind_name, campaign), ()):
                    for candidate in candidates_for(rule, subject, audience, now):
                        _keep_one(found, candidate)
            for candidate in found.values():
                wanted[candidate.key] = candidate
    return Work(wanted, scope, loaded, {stored_id(rule) for rule in rules})


def _keep_one(found: dict[tuple[Any, ...], Candidate], candidate: Candidate) -> None:
    """One alert per reader, channel and moment of a subject, however many rules ask for it: a
    playbook's rules and the default ones both remind of a deadline 30 days ahead. The
    campaign's own rule is kept (its words and campaign), else the oldest rule's."""
    same = (candidate.user_id, candidate.endpoint_id, candidate.channel, candidate.due_at,
            candidate.occurrence.partition("/t")[2])
    kept = found.get(same)
    if kept is None or _preferred(candidate.rule) < _preferred(kept.rule):
        found[same] = candidate


def _preferred(rule: AlertRule) -> tuple[bool, int]:
    return rule.campaign_id is None, stored_id(rule)


def plan(session: Session, *, now: datetime,
         changed: dict[str, set[int]] | None = None) -> PlanStats:
    """Bring the outbox in step with the rules and the subjects `changed` names, in one
    transaction (the dispatcher, for a row whose subject moved under it)."""
    work = gather(session, now=now, changed=changed)
    return reconcile(session, now=now, work=work)


def _why_not_wanted(row: sa.Row[Any], work: Work) -> str:
    subject = work.loaded.get(row.subject_kind, {}).get(row.subject_id)
    if subject is None:
        return "its subject was deleted"
    if not subject.active:
        return subject.inactive_reason
    if row.rule_id not in work.rule_ids:
        return "its rule is turned off"
    return ("its rule no longer calls for it: the recipient no longer follows or may no "
            "longer read its subject, or turned this channel off")


def reconcile(session: Session, *, now: datetime, work: Work) -> PlanStats:
    """Write what `work` found: new rows, moved, paused, resumed and revived ones, and rows no
    longer wanted cancelled with the reason."""
    _require_unscoped(session)
    wanted = dict(work.wanted)
    stats = PlanStats(subjects=len({(subject_store.TABLES[SubjectKind(kind)], subject_id)
                                    for kind, ids in work.scope.items() for subject_id in ids}))
    rows, settled = _existing_rows(session, work.scope)
    updates = _Updates(now)
    for key in settled:
        wanted.pop(key, None)
    for row in rows:
        candidate = wanted.pop(row.dedupe_key, None)
        if candidate is None:
            if row.status in (OutboxStatus.pending, OutboxStatus.paused):
                updates.add(row, status=OutboxStatus.cancelled.value,
                            note=_why_not_wanted(row, work)[:300], lease_until=None)
                stats.cancelled += 1
            continue
        snapshot = _snapshot(candidate)
        if candidate.subject.paused:
            if row.status == OutboxStatus.pending:
                snapshot.update({"status": OutboxStatus.paused.value,
                                 "note": candidate.subject.inactive_reason[:300]})
                stats.paused += 1
            if row.status != OutboxStatus.cancelled:
                updates.add(row, **snapshot)
            continue
        if row.status == OutboxStatus.paused:
            # Back on: at its new time, or at once if that passed while the event is ahead
            # (the dispatcher sends only the latest due reminder of each series).
            snapshot.update({"status": OutboxStatus.pending.value, "due_at": candidate.due_at,
                             "next_attempt_at": candidate.due_at, "note": ""})
            stats.resumed += 1
        elif row.status == OutboxStatus.pending:
            if row.due_at != candidate.due_at:
                # Moved with its subject. One now past is still sent if its event is ahead;
                # the dispatcher keeps only the latest due reminder of each series.
                snapshot.update({"due_at": candidate.due_at, "next_attempt_at": candidate.due_at})
                stats.moved += 1
        elif candidate.due_at >= now:
            snapshot.update({"status": OutboxStatus.pending.value, "due_at": candidate.due_at,
                             "next_attempt_at": candidate.due_at, "note": "", "attempts": 0})
            stats.revived += 1
        else:
            continue
        updates.add(row, **snapshot)
    updates.write(session)
    new_rows = []
    for candidate in wanted.values():
        if (candidate.subject.paused or candidate.due_at < candidate.threshold
                or not candidate.still_useful(now)):
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
    stats.created += insert_ignoring_duplicates(session, _still_referable(session, new_rows))
    return stats


def _still_referable(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows whose rule, recipient, endpoint and campaign still exist, those kept from
    deletion until this transaction ends.

    A plan reads before it writes, in another transaction, so a webhook endpoint (or a rule,
    an account, a campaign) may have been deleted in between; its rows would fail the foreign
    key and take the whole tick with them. They are left out: the next plan no longer wants
    them. SQLite writes one transaction at a time, so the check holds there; PostgreSQL holds
    a key-share lock on each referenced row."""
    gone: dict[str, set[int]] = {}
    for key in table_of(AlertOutbox).foreign_keys:
        column = key.parent.name
        wanted = sorted({row[column] for row in rows if row.get(column) is not None})
        present: set[int] = set()
        for start in range(0, len(wanted), CHUNK):
            present.update(session.execute(
                sa.select(key.column).where(key.column.in_(wanted[start:start + CHUNK]))
                .with_for_update(read=True, key_share=True)).scalars())
        if missing := set(wanted) - present:
            gone[column] = missing
    if not gone:
        return rows
    return [row for row in rows
            if not any(row.get(column) in ids for column, ids in gone.items())]


# ---- the planner the scheduler runs -------------------------------------------------------

class Planner:
    """Plans what the marks name (see api.alerts.replan) on each tick, and everything every
    full_every (repeating reminders reach further ahead as time passes) and on its first run.

    Each chunk of subjects is read in a read-only transaction and written in a short one of
    its own, so a page saving a record waits for one chunk's write at most, and memory holds
    one chunk at a time."""

    def __init__(self, *, full_every: timedelta, chunk: int = SUBJECTS_PER_CHUNK,
                 rest: float = 1.0) -> None:
        self.full_every = full_every
        self.chunk = chunk
        # During a full plan, a pause after each chunk of this share of the time it took: the
        # plan shares Python's lock with the pages `oversight serve` answers beside it.
        self.rest = rest
        self.last_full: datetime | None = None
        self.stopping = threading.Event()

    def full_due(self, now: datetime) -> bool:
        return (self.last_full is None or now - self.last_full >= self.full_every
                or now < self.last_full)

    def run(self, now: datetime) -> PlanStats:
        """One tick's planning. Marks are dropped only once what they name is planned: a tick
        that fails or is stopped leaves them for the next."""
        with session_scope(read_only=True) as reading:
            marks = replan.read(reading)
            full = marks.everything or self.full_due(now)
            scope = (self._everything(reading, now) if full
                     else replan.subjects(reading, marks, now) if marks else {})
            audience = Audience.read(reading, now) if any(scope.values()) else None
            rules = enabled_rules(reading)
        stats = PlanStats(full=full)
        for table, ids in scope.items():
            ordered = sorted(ids)
            for start in range(0, len(ordered), self.chunk):
                if self.stopping.is_set():
                    return stats
                assert audience is not None
                stats += self._chunk(now, {table: set(ordered[start:start + self.chunk])},
                                     audience, rules, rest=self.rest if full else 0.0)
        if marks.last:
            with session_scope() as writing:
                replan.forget(writing, marks.last)
        if full:
            self.last_full = now
        return stats

    def _everything(self, reading: Session, now: datetime) -> dict[str, set[int]]:
        """Every upcoming or open subject, and every one with alerts still waiting."""
        scope = {table: subject_store.current_ids(reading, table, now)
                 for table in subject_store.MODELS}
        for kind, subject_id in reading.exec(
                select(AlertOutbox.subject_kind, AlertOutbox.subject_id).distinct()
                .where(AlertOutbox.status.in_([OutboxStatus.pending.value,
                                               OutboxStatus.paused.value]),
                       AlertOutbox.subject_kind.in_(RULE_KINDS))):
            scope[subject_store.TABLES[SubjectKind(kind)]].add(subject_id)
        return scope

    def _chunk(self, now: datetime, changed: dict[str, set[int]], audience: Audience,
               rules: list[AlertRule], *, rest: float) -> PlanStats:
        started = time.perf_counter()
        with session_scope(read_only=True) as reading:
            work = gather(reading, now=now, changed=changed, audience=audience, rules=rules)
        with session_scope() as writing:
            stats = reconcile(writing, now=now, work=work)
        if rest:
            time.sleep((time.perf_counter() - started) * rest)
        return stats

    # The dispatcher's tick reads, then writes; kept so its two steps stay as they are.
    def look(self, session: Session, now: datetime) -> None:
        return None

    def apply(self, session: Session, now: datetime, looked: None) -> PlanStats:
        return self.run(now)


def cancel_rule_rows(session: Session, rule_id: int, reason: str) -> int:
    """Cancel a rule's pending rows (before the rule is deleted)."""
    return rows_changed(session,
        sa.update(AlertOutbox)
        .where(AlertOutbox.rule_id == rule_id,
               AlertOutbox.status.in_([OutboxStatus.pending.value,
                                       OutboxStatus.paused.value]))
        .values(status=OutboxStatus.cancelled.value, note=reason[:300]))
