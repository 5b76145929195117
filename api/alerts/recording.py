"""Writing down what sending did: an attempt row per send, the outbox row sent, retrying or
given up, in small groups per transaction. A 2xx is the truth and is written whoever holds the
row now (which fences that holder off); a failure changes the row only under the claim it was
sent with."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock, public_url
from api.alerts.channels import Outcome, tell
from api.alerts.channels import email as email_channel
from api.alerts.channels import in_app as in_app_channel
from api.alerts.leases import TABLE, ours
from api.alerts.models import (
    AlertAttempt,
    AlertOutbox,
    OutboxStatus,
    WebhookEndpoint,
)
from api.db import session_scope, table_of
from api.fields import stored_id
from api.i18n.catalogs import use_locale
from api.i18n.locales import DEFAULT
from api.settings import Settings


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0
    skipped: int = 0
    released: int = 0


@dataclass(frozen=True)
class ChannelConfig:
    smtp: email_channel.SmtpConfig
    allow_private: bool


@dataclass
class Work:
    """A claimed row, the claim's token, and what sending it needs, read at claim time."""

    row: AlertOutbox
    config: ChannelConfig
    token: int = 0
    lane: str = ""
    to: str = ""
    endpoint: WebhookEndpoint | None = None
    items: list[AlertOutbox] = field(default_factory=list)
    digest_day: str = ""
    # The recipient's language; a webhook, or an account that follows its browser, gets the
    # instance's default.
    locale: str = DEFAULT


Result = tuple[Work, Outcome, datetime, datetime]


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Wait before the next try: base, 2x base, 4x base ... up to the maximum."""
    seconds = settings.alert_retry_base_seconds * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.alert_retry_max_seconds))


def record_in_app(items: list[Work], *, worker: str, settings: Settings,
                  report: DispatchReport) -> None:
    """In-app alerts are written in the same transaction that marks them sent: exactly once,
    whatever happens to the process, and only under the claim they were taken with."""
    now = clock.now()
    with session_scope() as session:
        rows = session.exec(select(AlertOutbox).where(
            ours([(stored_id(i.row), i.token) for i in items]))).all()
        late = {i.row.id: i.row.late for i in items}
        language = {i.row.id: i.locale for i in items}
        base_url = public_url.base_url(settings)
        for row in rows:
            with use_locale(language.get(row.id, DEFAULT)):
                told = tell(row, now=now, base_url=base_url)
            in_app_channel.notify(session, row, told, now=now)
            row.status = OutboxStatus.sent
            row.sent_at = now
            row.lease_until = None
            row.last_error = ""
            row.late = late.get(row.id, row.late)
            row.updated_at = now
            session.add(row)
            session.add(AlertAttempt(outbox_id=stored_id(row), started_at=now, finished_at=now,
                                     ok=True, worker=worker, created_at=now, updated_at=now))
            report.sent += 1


def record(results: list[Result], *, worker: str, settings: Settings,
           report: DispatchReport) -> None:
    """One transaction for a group of send results."""
    attempts_table = table_of(AlertAttempt)
    with session_scope() as session:
        # Core on the session's connection: plain executemany, no ORM bookkeeping.
        connection = session.connection()
        connection.execute(sa.insert(attempts_table), [
            {"outbox_id": item.row.id, "started_at": started, "finished_at": ended,
             "ok": outcome.ok, "status_code": outcome.status_code,
             "error": outcome.error[:2000], "worker": worker, "created_at": ended,
             "updated_at": ended}
            for item, outcome, started, ended in results])
        plain_ok = [(item, ended) for item, outcome, _, ended in results
                    if outcome.ok and not item.items]
        if plain_ok:
            # The receiver acknowledged it: sent, whoever holds the row now. Moving the token
            # on fences off a dispatcher that took the row over meanwhile.
            connection.execute(
                sa.update(TABLE)
                .where(TABLE.c.id == sa.bindparam("b_id"),
                       TABLE.c.status != OutboxStatus.sent.value)
                .values(status=OutboxStatus.sent.value, sent_at=sa.bindparam("b_at"),
                        updated_at=sa.bindparam("b_at"), lease_until=None, last_error="",
                        late=sa.bindparam("b_late"), claim_token=TABLE.c.claim_token + 1),
                [{"b_id": item.row.id, "b_at": ended, "b_late": item.row.late}
                 for item, ended in plain_ok])
            report.sent += len(plain_ok)
        for item, outcome, _, ended in results:
            if outcome.ok and not item.items:
                continue
            _record_other(session, item, outcome, ended, settings=settings, report=report)


def _record_other(session: Session, item: Work, outcome: Outcome, finished: datetime, *,
                  settings: Settings, report: DispatchReport) -> None:
    """A failure (retry or give up) or a sent digest, which also settles its items."""
    row = session.get(AlertOutbox, item.row.id)
    if row is None:
        return
    still_ours = row.status == OutboxStatus.sending and row.claim_token == item.token
    if outcome.ok:
        if row.status != OutboxStatus.sent:
            row.status = OutboxStatus.sent
            row.sent_at = finished
            row.lease_until = None
            row.last_error = ""
            row.late = item.row.late
            row.claim_token += 1
            report.sent += 1
        session.execute(sa.update(TABLE).where(
            TABLE.c.id.in_([i.id for i in item.items]),
            TABLE.c.status == OutboxStatus.pending.value).values(
            status=OutboxStatus.sent.value, sent_at=finished, digest_id=row.id,
            updated_at=finished))
    else:
        if outcome.disable_endpoint and row.endpoint_id:
            endpoint = session.get(WebhookEndpoint, row.endpoint_id)
            if endpoint is not None:
                endpoint.enabled = False
                endpoint.disabled_reason = outcome.error[:300]
                session.add(endpoint)
        if not still_ours:
            # Another dispatcher holds the row now; its own attempt decides what comes next.
            return
        row.last_error = outcome.error[:2000]
        row.lease_until = None
        if outcome.permanent or row.attempts >= settings.alert_max_attempts:
            row.status = OutboxStatus.failed
            report.failed += 1
        else:
            row.status = OutboxStatus.pending
            row.next_attempt_at = finished + backoff(row.attempts, settings)
            report.retrying += 1
    row.updated_at = finished
    session.add(row)
