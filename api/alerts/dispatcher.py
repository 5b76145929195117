"""The dispatcher: plans, claims due outbox rows with a lease, sends them, records each attempt,
retries with backoff and gives up visibly. The row, not the scheduler, holds an alert's state."""

import logging
import os
import secrets
import socket
import time as time_module
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.alerts import planner, service
from api.alerts import subjects as subject_store
from api.alerts.channels import Outcome, tell
from api.alerts.channels import email as email_channel
from api.alerts.channels import in_app as in_app_channel
from api.alerts.channels import webhook as webhook_channel
from api.alerts.models import (
    DIGEST,
    AlertAttempt,
    AlertOutbox,
    AlertPreference,
    AlertRule,
    Channel,
    EmailMode,
    OutboxStatus,
    SubjectKind,
    WebhookEndpoint,
)
from api.alerts.planner import MEETING_WINDOW, RULE_KINDS
from api.alerts.rules import local
from api.auth.models import User
from api.db import session_scope
from api.meetings.models import Meeting, MeetingTarget
from api.settings import Settings, get_settings
from api.targets.models import Stance, StanceLevel

log = logging.getLogger(__name__)

TABLE = AlertOutbox.__table__  # type: ignore[attr-defined]
# A tick keeps claiming batches until nothing is due, but not forever.
MAX_BATCHES_PER_TICK = 1000
# Send results are written down in groups of this many, or after this many seconds.
RECORD_GROUP = 50
RECORD_EVERY = 0.1


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:100]


@dataclass(frozen=True)
class ChannelConfig:
    smtp: email_channel.SmtpConfig
    allow_private: bool


@dataclass
class Work:
    """A claimed row and what sending it needs, read while the claim was taken."""

    row: AlertOutbox
    config: ChannelConfig
    to: str = ""
    endpoint: WebhookEndpoint | None = None
    items: list[AlertOutbox] = field(default_factory=list)
    digest_day: str = ""


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0
    skipped: int = 0


@dataclass
class TickReport:
    planned: planner.PlanStats
    defaults_installed: int
    digests: int
    superseded: int
    dispatch: DispatchReport


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Wait before the next try: base, 2x base, 4x base ... up to the maximum."""
    seconds = settings.alert_retry_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.alert_retry_max_seconds))


# ---- claiming ----------------------------------------------------------------------------

def claim_ids(session: Session, *, now: datetime, limit: int, worker: str,
              lease: timedelta) -> list[int]:
    """Atomically take up to `limit` due rows: pending ones whose time came and sending ones
    whose lease ran out (their process died). PostgreSQL skips rows another dispatcher holds
    locked; SQLite's BEGIN IMMEDIATE lets one writer claim at a time."""
    claimable = sa.or_(
        sa.and_(TABLE.c.status == OutboxStatus.pending.value, TABLE.c.next_attempt_at <= now,
                TABLE.c.via_digest.is_(False)),
        sa.and_(TABLE.c.status == OutboxStatus.sending.value, TABLE.c.lease_until < now),
    )
    due = (sa.select(TABLE.c.id).where(claimable)
           .order_by(TABLE.c.next_attempt_at, TABLE.c.id).limit(limit))
    values = {"status": OutboxStatus.sending.value, "lease_until": now + lease,
              "claimed_by": worker, "attempts": TABLE.c.attempts + 1, "updated_at": now}
    if session.get_bind().dialect.name == "postgresql":
        picked = due.with_for_update(skip_locked=True).cte("picked")
        stmt = (sa.update(TABLE).where(TABLE.c.id == picked.c.id).values(**values)
                .returning(TABLE.c.id))
    else:
        stmt = (sa.update(TABLE).where(TABLE.c.id.in_(due.scalar_subquery())).values(**values)
                .returning(TABLE.c.id))
    return sorted(session.execute(stmt).scalars().all())


def supersede(session: Session, now: datetime) -> int:
    """Of the reminders of one series that are all due, only the latest is worth sending (after
    downtime, 'in 14 days' and 'in 7 days' are moot once 'in 3 days' is due)."""
    later = TABLE.alias("later")
    newer_due = sa.exists().where(
        later.c.series == TABLE.c.series, later.c.due_at > TABLE.c.due_at,
        later.c.due_at <= now,
        later.c.status.in_([OutboxStatus.pending.value, OutboxStatus.sending.value,
                            OutboxStatus.sent.value]))
    result = session.execute(
        sa.update(TABLE)
        .where(TABLE.c.status == OutboxStatus.pending.value, TABLE.c.due_at <= now,
               TABLE.c.series != "", newer_due)
        .values(status=OutboxStatus.skipped.value, updated_at=now,
                note="A later reminder of the same alert was due."))
    return result.rowcount or 0


def _undecided_and_unmet(session: Session, *, target_id: int, campaign_id: int | None,
                         due_at: datetime, now: datetime) -> bool:
    stmt = select(Stance.level).where(Stance.target_id == target_id)
    if campaign_id is not None:
        stmt = stmt.where(Stance.campaign_id == campaign_id)
    if StanceLevel.undecided not in set(session.exec(stmt).all()):
        return False
    met = session.exec(select(sa.func.max(Meeting.held_at))
                       .join(MeetingTarget, MeetingTarget.meeting_id == Meeting.id)
                       .where(MeetingTarget.target_id == target_id,
                              Meeting.held_at <= now)).first()
    if met is None:
        return True
    met = met if met.tzinfo else met.replace(tzinfo=UTC)
    return met < due_at - MEETING_WINDOW


def schedule_digests(session: Session, now: datetime) -> int:
    """A digest row per user who wants one, for the last digest hour that passed, when alerts
    are waiting for it; the unique key makes a second process's row a no-op."""
    rows = []
    for pref in session.exec(select(AlertPreference)
                             .where(AlertPreference.email_mode == EmailMode.digest)).all():
        zone = ZoneInfo(pref.timezone)
        local_now = now.astimezone(zone)
        day = local_now.date()
        if local_now.hour < pref.digest_hour:
            day -= timedelta(days=1)
        due = local(day, time(pref.digest_hour, 0), zone)
        waiting = session.exec(select(AlertOutbox.id).where(
            AlertOutbox.user_id == pref.user_id, AlertOutbox.via_digest,
            AlertOutbox.status == OutboxStatus.pending, AlertOutbox.due_at <= due).limit(1)).first()
        if waiting is None:
            continue
        key = f"digest|u{pref.user_id}|{day.isoformat()}|email"
        rows.append({
            "dedupe_key": key, "series": "", "message_id": planner.message_id_for(key),
            "subject_kind": DIGEST, "subject_id": pref.user_id, "occurrence": day.isoformat(),
            "channel": Channel.email.value, "user_id": pref.user_id, "via_digest": False,
            "title": f"Daily digest for {day.isoformat()}", "place": "", "link": "/notifications",
            "zone": pref.timezone, "event_at": None, "all_day": False, "due_at": due,
            "next_attempt_at": due, "status": OutboxStatus.pending.value, "attempts": 0,
            "claimed_by": "", "late": False, "last_error": "", "note": "",
            "created_at": now, "updated_at": now})
    return planner.insert_ignoring_duplicates(session, rows)


# ---- the dispatcher ----------------------------------------------------------------------

class Dispatcher:
    """Plans, then claims and sends due alerts in batches; one per process."""

    def __init__(self, *, worker: str | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.worker = worker or default_worker_id()
        self.planner = planner.Planner(
            full_every=timedelta(seconds=self.settings.alert_full_plan_seconds))
        self._client: httpx.Client | None = None
        self._pool: ThreadPoolExecutor | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = webhook_channel.new_client(self.settings.webhook_timeout_seconds)
        return self._client

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.settings.alert_send_concurrency,
                                            thread_name_prefix="alert-send")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- one tick --

    def tick(self) -> TickReport:
        """Plan what changed, queue digests, drop moot reminders, then send everything due."""
        now = clock.now()
        with session_scope() as session:
            installed = service.install_missing_defaults(session)
        # Read first, write after: on SQLite a writing transaction holds the database's only
        # write lock, and a full plan of a large coalition reads for many seconds.
        with session_scope(read_only=True) as reading:
            looked = self.planner.look(reading, now)
        with session_scope() as session:
            planned = self.planner.apply(session, now, looked)
        with session_scope() as session:
            digests = schedule_digests(session, now)
            superseded = supersede(session, now)
        report = self.dispatch_due()
        return TickReport(planned, installed, digests, superseded, report)

    def dispatch_due(self) -> DispatchReport:
        """Claim and send batches until nothing is due."""
        report = DispatchReport()
        for _ in range(MAX_BATCHES_PER_TICK):
            claimed, work = self.claim(report)
            if not claimed:
                break
            if work:
                self.deliver(work, report)
        return report

    # -- claim and check --

    def claim(self, report: DispatchReport) -> tuple[int, list[Work]]:
        """Claim a batch and check it; returns how many rows were claimed and what to send."""
        now = clock.now()
        lease = timedelta(seconds=self.settings.alert_lease_seconds)
        with session_scope() as session:
            ids = claim_ids(session, now=now, limit=self.settings.alert_batch_size,
                            worker=self.worker, lease=lease)
            if not ids:
                return 0, []
            report.claimed += len(ids)
            rows = list(session.exec(select(AlertOutbox).where(AlertOutbox.id.in_(ids))  # type: ignore[attr-defined]
                                     .order_by(AlertOutbox.next_attempt_at, AlertOutbox.id)))
            return len(ids), self._checked(session, rows, now, report)

    def _finish(self, row: AlertOutbox, status: OutboxStatus, note: str,
                report: DispatchReport) -> None:
        row.status = status
        row.note = note[:300]
        row.lease_until = None
        if status == OutboxStatus.cancelled:
            report.cancelled += 1
        elif status == OutboxStatus.skipped:
            report.skipped += 1
        elif status == OutboxStatus.failed:
            report.failed += 1

    def _checked(self, session: Session, rows: list[AlertOutbox], now: datetime,
                 report: DispatchReport) -> list[Work]:
        """Check each claimed row against the world as it is now: the subject may have moved or
        been cancelled since it was planned, the recipient may be gone."""
        max_attempts = self.settings.alert_max_attempts
        by_kind: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            if row.subject_kind in RULE_KINDS:
                by_kind[row.subject_kind].add(row.subject_id)
        current = {kind: {s.id: s for s in subject_store.load(session, SubjectKind(kind),
                                                              ids=ids, now=now)}
                   for kind, ids in by_kind.items()}
        rule_ids = {row.rule_id for row in rows if row.rule_id}
        rules = {r.id: r for r in session.exec(
            select(AlertRule).where(AlertRule.id.in_(rule_ids)))} if rule_ids else {}  # type: ignore[union-attr]
        user_ids = {row.user_id for row in rows if row.user_id}
        users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids)))} \
            if user_ids else {}  # type: ignore[union-attr]
        endpoint_ids = {row.endpoint_id for row in rows if row.endpoint_id}
        endpoints = {e.id: e for e in session.exec(
            select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids)))} \
            if endpoint_ids else {}  # type: ignore[union-attr]
        moved: dict[str, set[int]] = defaultdict(set)
        work: list[Work] = []
        config = ChannelConfig(service.smtp_config(session, self.settings),
                               service.allow_private_webhooks(session, self.settings))
        late_after = timedelta(seconds=self.settings.alert_late_after_seconds)
        for row in rows:
            if row.attempts > max_attempts:
                self._finish(row, OutboxStatus.failed,
                             f"Gave up after {max_attempts} attempts.", report)
                if not row.last_error:
                    row.last_error = "The last attempt did not finish (the process stopped)."
                continue
            if row.user_id and (row.user_id not in users or not users[row.user_id].is_active):
                self._finish(row, OutboxStatus.cancelled, "The recipient's account is inactive.",
                             report)
                continue
            if row.channel == Channel.webhook:
                endpoint = endpoints.get(row.endpoint_id)  # type: ignore[arg-type]
                if endpoint is None or not endpoint.enabled:
                    self._finish(row, OutboxStatus.cancelled, "The webhook endpoint is disabled.",
                                 report)
                    continue
            if row.subject_kind in RULE_KINDS:
                verdict = self._still_due(session, row, rules, current, now)
                if verdict == "moved":
                    row.status = OutboxStatus.pending
                    row.lease_until = None
                    row.attempts = max(row.attempts - 1, 0)
                    moved[subject_store.TABLES[SubjectKind(row.subject_kind)]].add(row.subject_id)
                    continue
                if verdict:
                    status = OutboxStatus.skipped if verdict.startswith("skip:") \
                        else OutboxStatus.cancelled
                    self._finish(row, status, verdict.removeprefix("skip:"), report)
                    continue
            row.late = row.late or now - row.due_at > late_after
            item = Work(row=row, config=config)
            if row.user_id:
                item.to = users[row.user_id].email
            if row.endpoint_id:
                item.endpoint = endpoints[row.endpoint_id]
            if row.subject_kind == DIGEST and not self._gather_digest(session, item, now, report):
                continue
            work.append(item)
        session.flush()
        if moved:
            planner.plan(session, now=now, changed=dict(moved))
        return work

    def _still_due(self, session: Session, row: AlertOutbox, rules: dict[int, AlertRule],
                   current: dict[str, dict[int, Any]], now: datetime) -> str:
        """'' when the row should go out; 'moved' when its subject moved; otherwise why not
        (prefixed 'skip:' when it is skipped rather than cancelled)."""
        rule = rules.get(row.rule_id) if row.rule_id else None  # type: ignore[arg-type]
        if rule is None:
            return "Its rule was deleted."
        if not rule.enabled:
            return "Its rule is turned off."
        subject = current.get(row.subject_kind, {}).get(row.subject_id)
        if subject is None:
            return "Its subject was deleted."
        if not subject.active:
            return subject.inactive_reason.capitalize() + "."
        if row.event_at != subject.when.at:
            return "moved"
        if row.occurrence.startswith("-") and now >= subject.when.ends_at:
            return "skip:The event had already passed."
        if row.subject_kind == SubjectKind.undecided_escalation and "/t" in row.occurrence:
            target_id = int(row.occurrence.rsplit("/t", 1)[1])
            if not _undecided_and_unmet(session, target_id=target_id,
                                        campaign_id=rule.campaign_id or row.campaign_id,
                                        due_at=row.due_at, now=now):
                return "The target is no longer undecided, or someone met them."
        return ""

    def _gather_digest(self, session: Session, item: Work, now: datetime,
                       report: DispatchReport) -> bool:
        row = item.row
        items = list(session.exec(select(AlertOutbox).where(
            AlertOutbox.user_id == row.subject_id, AlertOutbox.via_digest,
            AlertOutbox.status == OutboxStatus.pending, AlertOutbox.due_at <= row.due_at)
            .order_by(AlertOutbox.event_at, AlertOutbox.id)))
        keep = []
        for candidate in items:
            ends = candidate.event_at
            if candidate.all_day and ends is not None:
                ends = local(ends.astimezone(ZoneInfo(candidate.zone)).date() + timedelta(days=1),
                             time(0, 0), ZoneInfo(candidate.zone))
            if candidate.occurrence.startswith("-") and ends is not None and now >= ends:
                candidate.status = OutboxStatus.skipped
                candidate.note = "The event had already passed."
                session.add(candidate)
                continue
            keep.append(candidate)
        if not keep:
            self._finish(row, OutboxStatus.skipped, "Nothing was waiting for the digest.",
                         report)
            return False
        item.items = keep
        item.digest_day = row.occurrence
        return True

    # -- send and record --

    def deliver(self, work: list[Work], report: DispatchReport) -> None:
        """Send a claimed batch: network sends on the pool, results written down in small
        groups as they come (a group per transaction keeps up with thousands a minute, and at
        most one group's sends are repeated, with the same idempotency key, after a crash)."""
        futures: dict[Future[tuple[Outcome, datetime, datetime]], Work] = {}
        for item in work:
            if item.row.channel != Channel.in_app:
                futures[self.pool.submit(self._send, item)] = item
        in_app = [item for item in work if item.row.channel == Channel.in_app]
        if in_app:
            self._record_in_app(in_app, report)
        pending = set(futures)
        done: list[tuple[Work, Outcome, datetime, datetime]] = []
        while pending:
            finished, pending = wait(pending, timeout=RECORD_EVERY, return_when=FIRST_COMPLETED)
            for future in finished:
                item = futures[future]
                try:
                    outcome, started, ended = future.result()
                except Exception as exc:  # a bug in a channel must not stop the other sends
                    log.exception("sending alert %s failed unexpectedly", item.row.id)
                    now = clock.now()
                    outcome, started, ended = Outcome(False, f"Internal error: {exc}"), now, now
                done.append((item, outcome, started, ended))
            if done and (len(done) >= RECORD_GROUP or not finished or not pending):
                self._record(done, report)
                done = []
        if done:
            self._record(done, report)

    def _send(self, item: Work) -> tuple[Outcome, datetime, datetime]:
        started = clock.now()
        outcome = self._send_now(item, started)
        return outcome, started, clock.now()

    def _send_now(self, item: Work, now: datetime) -> Outcome:
        row = item.row
        base_url = self.settings.base_url
        if row.channel == Channel.webhook:
            assert item.endpoint is not None
            return webhook_channel.send(
                self.client, url=item.endpoint.url, secret=item.endpoint.secret,
                flavor=item.endpoint.flavor, row=row, told=tell(row, now=now, base_url=base_url),
                now=now, allow_private=item.config.allow_private)
        if row.subject_kind == DIGEST:
            told = [tell(i, now=now, base_url=base_url) for i in item.items]
            message = email_channel.digest_email(told, to=item.to, day=item.digest_day,
                                                 message_id=row.message_id)
        else:
            message = email_channel.alert_email(tell(row, now=now, base_url=base_url),
                                                to=item.to, message_id=row.message_id,
                                                late=row.late)
        return email_channel.send(item.config.smtp, message, now=now)

    def _record_in_app(self, items: list[Work], report: DispatchReport) -> None:
        """In-app alerts are written in the same transaction that marks them sent: exactly
        once, whatever happens to the process."""
        now = clock.now()
        with session_scope() as session:
            rows = session.exec(select(AlertOutbox).where(
                AlertOutbox.id.in_([i.row.id for i in items]),  # type: ignore[union-attr]
                AlertOutbox.status == OutboxStatus.sending,
                AlertOutbox.claimed_by == self.worker)).all()
            late = {i.row.id: i.row.late for i in items}
            for row in rows:
                in_app_channel.notify(session, row, tell(row, now=now,
                                                         base_url=self.settings.base_url),
                                      now=now)
                row.status = OutboxStatus.sent
                row.sent_at = now
                row.lease_until = None
                row.last_error = ""
                row.late = late.get(row.id, row.late)
                row.updated_at = now
                session.add(row)
                session.add(AlertAttempt(outbox_id=row.id, started_at=now, finished_at=now,  # type: ignore[arg-type]
                                         ok=True, worker=self.worker, created_at=now,
                                         updated_at=now))
                report.sent += 1

    def _record(self, results: list[tuple[Work, Outcome, datetime, datetime]],
                report: DispatchReport) -> None:
        if not results:
            return
        for attempt in range(5):
            try:
                counts = DispatchReport()
                self._record_once(results, counts)
            except sa.exc.OperationalError:
                # A busy database; the sends already happened, so keep trying to write them.
                if attempt == 4:
                    raise
                time_module.sleep(0.2 * (attempt + 1))
                continue
            for name in ("sent", "failed", "retrying"):
                setattr(report, name, getattr(report, name) + getattr(counts, name))
            return

    def _record_once(self, results: list[tuple[Work, Outcome, datetime, datetime]],
                     report: DispatchReport) -> None:
        attempts_table = AlertAttempt.__table__  # type: ignore[attr-defined]
        with session_scope() as session:
            # Core on the session's connection: plain executemany, no ORM bookkeeping.
            connection = session.connection()
            connection.execute(sa.insert(attempts_table), [
                {"outbox_id": item.row.id, "started_at": started, "finished_at": ended,
                 "ok": outcome.ok, "status_code": outcome.status_code,
                 "error": outcome.error[:2000], "worker": self.worker, "created_at": ended,
                 "updated_at": ended}
                for item, outcome, started, ended in results])
            plain_ok = [(item, ended) for item, outcome, _, ended in results
                        if outcome.ok and not item.items]
            if plain_ok:
                connection.execute(
                    sa.update(TABLE)
                    .where(TABLE.c.id == sa.bindparam("b_id"),
                           TABLE.c.status != OutboxStatus.sent.value)
                    .values(status=OutboxStatus.sent.value, sent_at=sa.bindparam("b_at"),
                            updated_at=sa.bindparam("b_at"), lease_until=None, last_error="",
                            late=sa.bindparam("b_late")),
                    [{"b_id": item.row.id, "b_at": ended, "b_late": item.row.late}
                     for item, ended in plain_ok])
                report.sent += len(plain_ok)
            for item, outcome, _, ended in results:
                if outcome.ok and not item.items:
                    continue
                self._record_other(session, item, outcome, ended, report)

    def _record_other(self, session: Session, item: Work, outcome: Outcome, finished: datetime,
                      report: DispatchReport) -> None:
        """A failure (retry or give up) or a sent digest, which also settles its items."""
        row = session.get(AlertOutbox, item.row.id)
        if row is None:
            return
        ours = row.status == OutboxStatus.sending and row.claimed_by == self.worker
        if outcome.ok:
            if row.status != OutboxStatus.sent:
                row.status = OutboxStatus.sent
                row.sent_at = finished
                row.lease_until = None
                row.last_error = ""
                row.late = item.row.late
                report.sent += 1
            session.execute(sa.update(TABLE).where(
                TABLE.c.id.in_([i.id for i in item.items]),
                TABLE.c.status == OutboxStatus.pending.value).values(
                status=OutboxStatus.sent.value, sent_at=finished, digest_id=row.id,
                updated_at=finished))
        else:
            row.last_error = outcome.error[:2000]
            if outcome.disable_endpoint and row.endpoint_id:
                endpoint = session.get(WebhookEndpoint, row.endpoint_id)
                if endpoint is not None:
                    endpoint.enabled = False
                    endpoint.disabled_reason = outcome.error[:300]
                    session.add(endpoint)
            if ours:
                if outcome.permanent or row.attempts >= self.settings.alert_max_attempts:
                    row.status = OutboxStatus.failed
                    row.lease_until = None
                    report.failed += 1
                else:
                    row.status = OutboxStatus.pending
                    row.lease_until = None
                    row.next_attempt_at = finished + backoff(row.attempts, self.settings)
                    report.retrying += 1
        row.updated_at = finished
        session.add(row)


def run_once(settings: Settings | None = None) -> TickReport:
    """One tick with a dispatcher of its own (the CLI and tests)."""
    dispatcher = Dispatcher(settings=settings)
    try:
        return dispatcher.tick()
    finally:
        dispatcher.close()
