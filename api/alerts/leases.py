"""Claims on outbox rows: taken fairly across lanes, each with a fencing token (the row's claim
count), renewed while the row is in hand, and released when it was not sent. Every write that
follows a claim names the token, so a dispatcher whose claim ran out and was taken over can
neither renew, record a failure for, nor release a row that is now another's."""

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.alerts.lanes import EMAIL
from api.alerts.models import AlertOutbox, Channel, OutboxStatus
from api.db import rows_changed, session_scope, table_of

log = logging.getLogger(__name__)

TABLE = table_of(AlertOutbox)
# Rows per statement when renewing or releasing many at once.
CHUNK = 400
# Database errors a dispatcher waits out (a lock, a restart, a dropped connection).
TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def transient(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT):
        return True
    return isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated


class Claimed(NamedTuple):
    """Each claimed row's token, and how many due rows the claim found: more than it took when
    another dispatcher was claiming some of them at the same moment."""

    tokens: dict[int, int]
    found: int


def claim(session: Session, *, now: datetime, limit: int, worker: str, lease: timedelta,
          per_lane: int, per_email: int, probing: Iterable[int] = (),
          closed_endpoints: Iterable[int] = (), email_closed: bool = False) -> Claimed:
    """Atomically take up to `limit` due rows, at most `per_lane` of any one endpoint (1 of an
    endpoint being probed) and `per_email` for the mail server, none of a closed lane: due rows
    of one receiver never crowd out the rest. Pending rows whose time came and sending rows
    whose lease ran out (their process died) are due.
    PostgreSQL skips rows another dispatcher holds locked; SQLite's BEGIN IMMEDIATE lets one
    writer claim at a time."""
    claimable = sa.or_(
        sa.and_(TABLE.c.status == OutboxStatus.pending.value, TABLE.c.next_attempt_at <= now,
                TABLE.c.via_digest.is_(False)),
        sa.and_(TABLE.c.status == OutboxStatus.sending.value, TABLE.c.lease_until < now),
    )
    where = [claimable]
    closed = sorted(set(closed_endpoints))
    if closed:
        where.append(sa.or_(TABLE.c.channel != Channel.webhook.value,
                            TABLE.c.endpoint_id.is_(None), TABLE.c.endpoint_id.not_in(closed)))
    if email_closed:
        where.append(TABLE.c.channel != Channel.email.value)
    place = sa.func.row_number().over(
        partition_by=(TABLE.c.channel, TABLE.c.endpoint_id),
        order_by=(TABLE.c.next_attempt_at, TABLE.c.id)).label("place")
    ranked = (sa.select(TABLE.c.id, TABLE.c.channel, TABLE.c.endpoint_id,
                        TABLE.c.next_attempt_at, place).where(*where).subquery("ranked"))
    probe = sorted(set(probing))
    room = sa.case(
        (sa.and_(ranked.c.channel == Channel.webhook.value,
                 ranked.c.endpoint_id.in_(probe) if probe else sa.false()), 1),
        (ranked.c.channel == Channel.webhook.value, per_lane),
        (ranked.c.channel == EMAIL, per_email),
        else_=limit)
    fair = (sa.select(ranked.c.id).where(ranked.c.place <= room)
            .order_by(ranked.c.next_attempt_at, ranked.c.id).limit(limit))
    candidates = list(session.execute(fair).scalars().all())
    if not candidates:
        return Claimed({}, 0)
    values = {"status": OutboxStatus.sending.value, "lease_until": now + lease,
              "claimed_by": worker, "attempts": TABLE.c.attempts + 1, "updated_at": now,
              "claim_token": TABLE.c.claim_token + 1}
    if session.get_bind().dialect.name == "postgresql":
        # The ranking read without locks; each row is re-checked under its lock, and one that
        # another dispatcher is claiming this moment is skipped (found, not taken).
        picked = (sa.select(TABLE.c.id).where(TABLE.c.id.in_(candidates), claimable)
                  .with_for_update(skip_locked=True).cte("picked"))
        stmt = sa.update(TABLE).where(TABLE.c.id == picked.c.id)
    else:
        stmt = sa.update(TABLE).where(TABLE.c.id.in_(candidates))
    found = session.execute(stmt.values(**values).returning(TABLE.c.id, TABLE.c.claim_token))
    return Claimed({row_id: token for row_id, token in found.all()}, len(candidates))


def _chunks(pairs: list[tuple[int, int]]) -> Iterable[list[tuple[int, int]]]:
    for start in range(0, len(pairs), CHUNK):
        yield pairs[start:start + CHUNK]


def ours(pairs: list[tuple[int, int]]) -> sa.ColumnElement[bool]:
    """Rows still held under these (id, token) claims."""
    return sa.and_(TABLE.c.status == OutboxStatus.sending.value,
                   sa.tuple_(TABLE.c.id, TABLE.c.claim_token).in_(pairs))


def renew(pairs: list[tuple[int, int]], *, until: datetime) -> set[int]:
    """Extends the leases still ours; returns their ids (the rest were taken over)."""
    renewed: set[int] = set()
    with session_scope() as session:
        for chunk in _chunks(pairs):
            found = session.execute(sa.update(TABLE).where(ours(chunk))
                                    .values(lease_until=until).returning(TABLE.c.id))
            renewed.update(found.scalars().all())
    return renewed


def release(pairs: list[tuple[int, int]], *, now: datetime) -> int:
    """Hands back rows claimed but not sent: due again at once, for any dispatcher, with the
    attempt the claim counted taken back."""
    released = 0
    with session_scope() as session:
        for chunk in _chunks(pairs):
            released += rows_changed(session,
                sa.update(TABLE).where(ours(chunk))
                .values(status=OutboxStatus.pending.value, lease_until=None, claimed_by="",
                        attempts=sa.case((TABLE.c.attempts > 0, TABLE.c.attempts - 1),
                                         else_=0),
                        claim_token=TABLE.c.claim_token + 1, updated_at=now))
    return released


class Keeper:
    """Holds the claims of one dispatcher and renews their leases from a thread of its own
    while they are in hand, so a row is never taken over while it is being sent. It also
    knows, without asking the database, until when each claim is surely still ours: a send
    starts only when the claim will outlast it, even if the database is unreachable meanwhile
    and the lease cannot be renewed."""

    def __init__(self, lease: timedelta) -> None:
        self.lease = lease
        self.every = min(lease.total_seconds() / 6, 10.0)
        self._held: dict[int, tuple[int, datetime]] = {}
        self._lost: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, tokens: dict[int, int], *, until: datetime) -> None:
        with self._lock:
            for row_id, token in tokens.items():
                self._held[row_id] = (token, until)
                self._lost.discard(row_id)

    def drop(self, row_ids: Iterable[int]) -> None:
        with self._lock:
            for row_id in row_ids:
                self._held.pop(row_id, None)

    def held(self) -> dict[int, int]:
        with self._lock:
            return {row_id: token for row_id, (token, _) in self._held.items()}

    def may_send(self, row_id: int, token: int, *, needs: timedelta) -> bool:
        """True while this claim is the row's latest and will last `needs` longer."""
        with self._lock:
            held = self._held.get(row_id)
            if held is None or held[0] != token or row_id in self._lost:
                return False
            return held[1] - clock.now() >= needs

    def renew_now(self) -> None:
        held = self.held()
        if not held:
            return
        until = clock.now() + self.lease
        try:
            renewed = renew(sorted(held.items()), until=until)
        except sa.exc.SQLAlchemyError as exc:
            if not transient(exc):
                raise
            log.warning("could not renew %d alert leases: %s", len(held), exc)
            return
        with self._lock:
            for row_id, token in held.items():
                current = self._held.get(row_id)
                if current is None or current[0] != token:
                    continue
                if row_id in renewed:
                    self._held[row_id] = (token, until)
                else:
                    # Taken over (its lease ran out while the database was away), or settled.
                    self._lost.add(row_id)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.renew_now()
            except Exception:
                log.exception("renewing alert leases failed")

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="alert-leases", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None


def pause(attempt: int) -> float:
    """Seconds to wait before trying the database again: short at first, at most two."""
    return min(0.2 * 2 ** attempt, 2.0)
