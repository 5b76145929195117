"""The dispatcher: plans, claims due outbox rows with a lease, sends them, records each attempt,
retries with backoff and gives up visibly. The row, not the scheduler, holds an alert's state."""

import logging
import os
import secrets
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock, public_url
from api.alerts import leases, planner, service
from api.alerts import subjects as subject_store
from api.alerts.channels import Outcome, tell
from api.alerts.channels import email as email_channel
from api.alerts.channels import webhook as webhook_channel
from api.alerts.lanes import EMAIL, lane_of
from api.alerts.models import (
    DIGEST,
    AlertOutbox,
    AlertPreference,
    AlertRule,
    Channel,
    EmailMode,
    OutboxStatus,
    SubjectKind,
    WebhookEndpoint,
)
from api.alerts.planner import RULE_KINDS
from api.alerts.recording import ChannelConfig, DispatchReport, Work, backoff
from api.alerts.rules import local
from api.alerts.sending import Sender, Wanted
from api.auth.models import User
from api.db import rows_changed, session_scope, table_of
from api.fields import stored_id
from api.i18n import locales
from api.i18n.catalogs import use_locale
from api.meetings import standing as stances
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)

TABLE = table_of(AlertOutbox)
__all__ = ["Dispatcher", "DispatchReport", "TickReport", "Work", "backoff", "run_once"]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"[:100]


@dataclass
class TickReport:
    planned: planner.PlanStats
    defaults_installed: int
    digests: int
    superseded: int
    dispatch: DispatchReport


# ---- before sending -----------------------------------------------------------------

def supersede(session: Session, now: datetime) -> int:
    """Of the reminders of one series that are all due, only the latest is worth sending (after
    downtime, 'in 14 days' and 'in 7 days' are moot once 'in 3 days' is due)."""
    later = TABLE.alias("later")
    newer_due = sa.exists().where(
        later.c.series == TABLE.c.series, later.c.due_at > TABLE.c.due_at,
        later.c.due_at <= now,
        later.c.status.in_([OutboxStatus.pending.value, OutboxStatus.sending.value,
                            OutboxStatus.sent.value]))
    return rows_changed(session,
        sa.update(TABLE)
        .where(TABLE.c.status == OutboxStatus.pending.value, TABLE.c.due_at <= now,
               TABLE.c.series != "", newer_due)
        .values(status=OutboxStatus.skipped.value, updated_at=now,
                note="A later reminder of the same alert was due."))


def _undecided_and_unmet(session: Session, row: AlertOutbox, *, target_id: int,
                         campaign_id: int | None, now: datetime) -> bool:
    """The escalation still holds as its reader knows the target: the user it goes to, or the
    tier its webhook reads."""
    if row.endpoint_id is not None:
        endpoint = session.get(WebhookEndpoint, row.endpoint_id)
        reader: User | str | None = endpoint.reads if endpoint is not None else None
    else:
        reader = session.get(User, row.user_id) if row.user_id is not None else None
    if reader is None:
        return False
    known = stances.sources(session, [target_id], now).get(target_id)
    if known is None:
        return False
    return planner.escalation_holds(known.standing(reader),
                                    None if campaign_id is None else [campaign_id], row.due_at)


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
        self.sender = Sender(worker=self.worker, settings=self.settings)

    @property
    def stopping(self) -> bool:
        return self.sender.stopping.is_set()

    def stop(self) -> None:
        """Stops claiming at once (SIGTERM): what is in hand and not started is released, and
        sends in flight get a few seconds to finish."""
        self.sender.stop()

    def close(self) -> None:
        self.sender.close()

    # -- one tick --

    def tick(self) -> TickReport:
        """Plan what changed, queue digests, drop moot reminders, then send everything due."""
        now = clock.now()
        if self.stopping:
            return TickReport(planner.PlanStats(), 0, 0, 0, DispatchReport())
        with session_scope() as session:
            installed = service.install_missing_defaults(session)
        # In chunks, each in short transactions of its own (see planner.Planner).
        planned = self.planner.run(now)
        with session_scope() as session:
            digests = schedule_digests(session, now)
            superseded = supersede(session, now)
        report = self.dispatch_due()
        return TickReport(planned, installed, digests, superseded, report)

    def dispatch_due(self) -> DispatchReport:
        """Claim and send until nothing is due, the tick's deadline passes or the worker is
        told to stop."""
        return self.sender.run(self.claim, self._send_now, DispatchReport())

    # -- claim and check --

    def claim(self, wanted: Wanted, report: DispatchReport) -> tuple[int, list[Work]]:
        """Claim what the sender has room for and check it; returns how many due rows were found
        (claimed here, or being claimed by another dispatcher) and what to send."""
        if self.stopping or wanted.limit <= 0:
            return 0, []
        now = clock.now()
        settings = self.settings
        with session_scope() as session:
            tokens, found = leases.claim(
                session, now=now, limit=wanted.limit, worker=self.worker,
                lease=timedelta(seconds=settings.alert_lease_seconds),
                per_lane=self.sender.hand("endpoint:"), per_email=self.sender.hand(EMAIL),
                probing=wanted.probing,
                closed_endpoints=wanted.closed_endpoints, email_closed=wanted.email_closed)
            if not tokens:
                # Rows found but all being claimed by another dispatcher: not drained yet.
                return found, []
            report.claimed += len(tokens)
            rows = list(session.exec(select(AlertOutbox).where(AlertOutbox.id.in_(tokens))
                                     .order_by(AlertOutbox.next_attempt_at, AlertOutbox.id)))
            work = self._checked(session, rows, now, report)
        for item in work:
            item.token = tokens[stored_id(item.row)]
            item.lane = lane_of(item.row.channel, item.row.endpoint_id)
        # Held until the lease the claim wrote, counted from the claim's own time: the checks
        # since took some of it.
        self.sender.keeper.hold({stored_id(i.row): i.token for i in work},
                                until=now + timedelta(seconds=settings.alert_lease_seconds))
        return found, work

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
        rules = {stored_id(r): r for r in session.exec(
            select(AlertRule).where(AlertRule.id.in_(rule_ids)))} if rule_ids else {}
        user_ids = {row.user_id for row in rows if row.user_id}
        users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids)))} \
            if user_ids else {}
        endpoint_ids = {row.endpoint_id for row in rows if row.endpoint_id}
        endpoints = {e.id: e for e in session.exec(
            select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids)))} \
            if endpoint_ids else {}
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
                endpoint = endpoints.get(row.endpoint_id)
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
            if row.channel == Channel.email and not config.smtp.configured:
                self._without_mail_server(session, row, report)
                continue
            row.late = row.late or now - row.due_at > late_after
            item = Work(row=row, config=config)
            if row.user_id:
                item.to = users[row.user_id].email
                item.locale = users[row.user_id].language or locales.DEFAULT
            if row.endpoint_id:
                item.endpoint = endpoints[row.endpoint_id]
                # A channel many people read speaks the language chosen for it.
                item.locale = item.endpoint.language or locales.DEFAULT
            if row.subject_kind == DIGEST and not self._gather_digest(session, item, now, report):
                continue
            work.append(item)
        session.flush()
        if moved:
            planner.plan(session, now=now, changed=dict(moved))
        return work

    def _without_mail_server(self, session: Session, row: AlertOutbox,
                             report: DispatchReport) -> None:
        """Settled at once, and plainly, rather than retried for hours against no server. A
        digest settles the alerts it gathers too, or they would wait for it day after day."""
        self._finish(row, OutboxStatus.skipped, email_channel.NO_MAIL_SERVER, report)
        row.last_error = ""
        if row.subject_kind == DIGEST:
            session.execute(sa.update(TABLE).where(
                TABLE.c.user_id == row.subject_id, TABLE.c.via_digest.is_(True),
                TABLE.c.status == OutboxStatus.pending.value, TABLE.c.due_at <= row.due_at)
                .values(status=OutboxStatus.skipped.value, note=email_channel.NO_MAIL_SERVER,
                        updated_at=clock.now()))

    def _still_due(self, session: Session, row: AlertOutbox, rules: dict[int, AlertRule],
                   current: dict[str, dict[int, Any]], now: datetime) -> str:
        """'' when the row should go out; 'moved' when its subject moved; otherwise why not
        (prefixed 'skip:' when it is skipped rather than cancelled)."""
        rule = rules.get(row.rule_id) if row.rule_id else None
        if rule is None:
            return "Its rule was deleted."
        if not rule.enabled:
            return "Its rule is turned off."
        subject = current.get(row.subject_kind, {}).get(row.subject_id)
        if subject is None:
            return "Its subject was deleted."
        if not subject.active:
            return subject.inactive_reason.capitalize() + "."
        if row.event_at != subject.when.at or subject.paused:
            return "moved"
        if row.occurrence.startswith("-") and now >= subject.when.ends_at:
            return "skip:The event had already passed."
        if row.subject_kind == SubjectKind.undecided_escalation and "/t" in row.occurrence:
            target_id = int(row.occurrence.rsplit("/t", 1)[1])
            if not _undecided_and_unmet(session, row, target_id=target_id,
                                        campaign_id=rule.campaign_id or row.campaign_id,
                                        now=now):
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

    # -- send --

    def _send_now(self, item: Work, now: datetime) -> Outcome:
        # Written in the recipient's language, whatever the process is speaking.
        with use_locale(item.locale):
            return self._send_in_language(item, now)

    def _send_in_language(self, item: Work, now: datetime) -> Outcome:
        row = item.row
        base_url = public_url.base_url(self.settings)
        config = item.config
        if row.channel == Channel.webhook:
            assert item.endpoint is not None
            return webhook_channel.send(
                self.sender.client, url=item.endpoint.url, secret=item.endpoint.secret,
                flavor=item.endpoint.flavor, row=row, told=tell(row, now=now, base_url=base_url),
                now=now, allow_private=config.allow_private)
        if row.subject_kind == DIGEST:
            told = [tell(i, now=now, base_url=base_url) for i in item.items]
            message = email_channel.digest_email(told, to=item.to, day=item.digest_day,
                                                 message_id=row.message_id)
        else:
            message = email_channel.alert_email(tell(row, now=now, base_url=base_url),
                                                to=item.to, message_id=row.message_id,
                                                late=row.late)
        return email_channel.send(config.smtp, message, now=now)

def run_once(settings: Settings | None = None) -> TickReport:
    """One tick with a dispatcher of its own (the CLI and tests)."""
    dispatcher = Dispatcher(settings=settings)
    try:
        return dispatcher.tick()
    finally:
        dispatcher.close()
