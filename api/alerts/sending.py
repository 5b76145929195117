"""The send loop: claims due alerts a few per lane at a time, sends them with a limit per lane
and in all, keeps their leases renewed, writes results down as they come (waiting out a
database that is away rather than forgetting them), and hands back whatever it did not start
when its deadline passes or it is told to stop."""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import httpx
import sqlalchemy as sa

from api import clock
from api.alerts import leases, recording
from api.alerts.channels import Outcome
from api.alerts.channels import webhook as webhook_channel
from api.alerts.lanes import EMAIL, IN_APP, Breakers, SendPool, endpoint_of
from api.alerts.models import Channel
from api.alerts.recording import DispatchReport, Result, Work
from api.fields import stored_id
from api.settings import Settings

log = logging.getLogger(__name__)

# Send results are written down in groups of this many, or after this many seconds.
RECORD_GROUP = 50
RECORD_EVERY = 0.1
# ...and a result waits at most this long to be written while others keep coming.
FLUSH_AFTER = 1.0
# While sends are in flight, due rows are looked for again this often (a lane that frees up,
# an alert that just came due).
CLAIM_EVERY = 0.5


@dataclass(frozen=True)
class Wanted:
    """What the next claim may take: how many rows, and which lanes are full or waiting."""

    limit: int
    closed_endpoints: frozenset[int]
    probing: frozenset[int]
    email_closed: bool


# Claims and checks rows; returns how many due rows it found and the work to send.
Claimer = Callable[[Wanted, DispatchReport], tuple[int, list[Work]]]
# Sends one row now; returns how it went.
Send = Callable[[Work, datetime], Outcome]
# A send on its thread: how it went, when it started and ended; None when it did not start.
InFlight = Future[tuple[Outcome, datetime, datetime] | None]


class Sender:
    """The sending half of a dispatcher: one per process, kept across ticks (its breakers
    remember which endpoints fail)."""

    def __init__(self, *, worker: str, settings: Settings) -> None:
        self.worker = worker
        self.settings = settings
        self.lease = timedelta(seconds=settings.alert_lease_seconds)
        self.breakers = Breakers(threshold=settings.alert_breaker_failures,
                                 first_wait=settings.alert_breaker_seconds,
                                 longest_wait=settings.alert_retry_max_seconds)
        self.keeper = leases.Keeper(self.lease)
        self.stopping = threading.Event()
        self._stop_by = float("inf")
        self._pool: SendPool | None = None
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = webhook_channel.new_client(self.settings.webhook_timeout_seconds)
        return self._client

    @property
    def pool(self) -> SendPool:
        if self._pool is None:
            self._pool = SendPool(self.settings.alert_send_concurrency)
        return self._pool

    def stop(self) -> None:
        """Stop claiming now; sends in flight get alert_shutdown_seconds to finish."""
        self._stop_by = min(self._stop_by,
                            time.monotonic() + self.settings.alert_shutdown_seconds)
        self.stopping.set()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._client is not None and not self.stopping.is_set():
            # A client still in use by a send left behind at shutdown is left to the exit.
            self._client.close()
            self._client = None

    # -- limits --

    def lane_limit(self, lane: str) -> int:
        if lane == EMAIL:
            return self.settings.alert_email_concurrency
        if lane == IN_APP:
            return self.settings.alert_batch_size
        return 1 if self.breakers.allowance(lane) == 1 else self.settings.alert_endpoint_concurrency

    def hand(self, lane: str) -> int:
        """Rows of one lane a claim may take: enough to keep its sends busy between claims,
        few enough that one receiver's backlog leaves room in the batch for every other."""
        if lane == IN_APP:
            return self.settings.alert_batch_size
        if lane == EMAIL:
            concurrency = self.settings.alert_email_concurrency
        elif self.breakers.allowance(lane) == 1:
            return 1
        else:
            concurrency = self.settings.alert_endpoint_concurrency
        return max(2 * concurrency, self.settings.alert_batch_size // 4)

    def needs(self, item: Work) -> timedelta:
        """How long a claim must surely last for a send to start: the send's longest plausible
        time (each of connect, write and read may take the whole timeout), or half the lease
        when the lease is shorter than that (a test's)."""
        timeout = self.settings.smtp_timeout_seconds if item.row.channel == Channel.email \
            else self.settings.webhook_timeout_seconds
        return min(timedelta(seconds=3 * timeout), self.lease / 2)

    # -- the loop --

    def run(self, claim: Claimer, send: Send, report: DispatchReport) -> DispatchReport:
        run = _Run(self, claim, send, report)
        self.keeper.start()
        try:
            run.loop(time.monotonic() + self.settings.alert_dispatch_deadline_seconds)
        finally:
            run.finish()
            self.keeper.stop()
        return report

    def send_one(self, send: Send, item: Work) -> tuple[Outcome, datetime, datetime] | None:
        """On a send thread: None when the row must not go now (its claim is no longer surely
        ours for long enough, or the worker is stopping)."""
        if self.stopping.is_set() or not self.keeper.may_send(stored_id(item.row), item.token,
                                                              needs=self.needs(item)):
            return None
        started = clock.now()
        outcome = send(item, started)
        return outcome, started, clock.now()

    def settle(self, results: list[Result], released: list[Work],
               report: DispatchReport) -> None:
        """Writes results down and hands back released rows, trying again while the database
        is away or locked, until it answers (or the stop deadline passes). The sends already
        happened: forgetting them would send them all again."""
        attempt = 0
        counts = DispatchReport()
        while True:
            try:
                if results:
                    recording.record(results, worker=self.worker, settings=self.settings,
                                     report=counts)
                    results = []
                if released:
                    counts.released = leases.release(
                        [(stored_id(i.row), i.token) for i in released], now=clock.now())
                    released = []
            except sa.exc.SQLAlchemyError as exc:
                if not leases.transient(exc):
                    raise
                if self.stopping.is_set() and time.monotonic() > self._stop_by:
                    log.error("gave up writing down %d alert results at shutdown: %s",
                              len(results), exc)
                    return
                if attempt % 10 == 0:
                    log.warning("could not write down alert results, trying again: %s", exc)
                time.sleep(leases.pause(attempt))
                attempt += 1
                continue
            for name in ("sent", "failed", "retrying", "released"):
                setattr(report, name, getattr(report, name) + getattr(counts, name))
            return


class _Run:
    """One call of Sender.run: the rows in hand, by lane, and the sends in flight."""

    def __init__(self, sender: Sender, claim: Claimer, send: Send,
                 report: DispatchReport) -> None:
        self.sender = sender
        self.claim = claim
        self.send = send
        self.report = report
        self.queued: dict[str, deque[Work]] = {}
        self.busy: dict[str, int] = {}
        self.inflight: dict[InFlight, Work] = {}
        self.done: list[Result] = []
        self.released: list[Work] = []
        self._turn = 0
        self._first_done = 0.0
        self.claim_at = 0.0

    def in_hand(self, lane: str) -> int:
        return self.busy.get(lane, 0) + len(self.queued.get(lane, ()))

    def total_in_hand(self) -> int:
        return len(self.inflight) + sum(len(q) for q in self.queued.values())

    def wanted(self) -> Wanted:
        settings = self.sender.settings
        breakers = self.sender.breakers
        closed = {endpoint_of(lane) for lane in breakers.open_lanes()}
        probing = {endpoint_of(lane) for lane in breakers.probing_lanes()}
        # A lane is topped up once half of what it was given has gone out.
        for lane in set(self.queued) | set(self.busy):
            endpoint = endpoint_of(lane)
            if endpoint is not None and (endpoint in probing or
                                         2 * self.in_hand(lane) > self.sender.hand(lane)):
                closed.add(endpoint)
        email_closed = 2 * self.in_hand(EMAIL) > self.sender.hand(EMAIL)
        return Wanted(limit=max(settings.alert_batch_size - self.total_in_hand(), 0),
                      closed_endpoints=frozenset(e for e in closed if e is not None),
                      probing=frozenset(e for e in probing if e is not None),
                      email_closed=email_closed)

    def loop(self, deadline: float) -> None:
        sender = self.sender
        self.claim_at = 0.0
        drained = False
        while True:
            now = time.monotonic()
            winding_down = sender.stopping.is_set() or now >= deadline
            if winding_down:
                self.release_queued()
            elif now >= self.claim_at:
                wanted = self.wanted()
                if wanted.limit > 0:
                    got, full = self.claim_more(wanted)
                    drained = got == 0
                    self.claim_at = now if full else now + CLAIM_EVERY
            self.start_sends()
            if not self.inflight and self.total_in_hand() == 0 and (winding_down or drained):
                break
            if sender.stopping.is_set() and time.monotonic() > sender._stop_by:
                log.warning("stopping with %d alert sends still in flight; their rows keep "
                            "their lease", len(self.inflight))
                break
            self.collect()

    def claim_more(self, wanted: Wanted) -> tuple[int, bool]:
        try:
            claimed, work = self.claim(wanted, self.report)
        except sa.exc.SQLAlchemyError as exc:
            if not leases.transient(exc):
                raise
            log.warning("could not claim alerts: %s", exc)
            return 0, False
        in_app = [i for i in work if i.lane == IN_APP]
        if in_app:
            recording.record_in_app(in_app, worker=self.sender.worker,
                                    settings=self.sender.settings, report=self.report)
            self.sender.keeper.drop(stored_id(i.row) for i in in_app)
        for item in work:
            if item.lane != IN_APP:
                self.queued.setdefault(item.lane, deque()).append(item)
        return claimed, claimed >= wanted.limit

    def start_sends(self) -> None:
        """Starts sends lane by lane, one per lane in turn, up to each lane's limit and the
        number of send threads: no lane's backlog goes ahead of another's."""
        sender = self.sender
        for lane in list(self.queued):
            if sender.breakers.allowance(lane) == 0 and self.queued[lane]:
                # Its breaker opened while these waited: they wait for the probe, unsent.
                self.released.extend(self.queued.pop(lane))
        lanes = sorted(self.queued)
        if not lanes:
            return
        self._turn = (self._turn + 1) % len(lanes)
        lanes = lanes[self._turn:] + lanes[:self._turn]
        room = sender.settings.alert_send_concurrency - len(self.inflight)
        started = True
        while room > 0 and started:
            started = False
            for lane in lanes:
                queue = self.queued.get(lane)
                if not queue or self.busy.get(lane, 0) >= sender.lane_limit(lane) or room <= 0:
                    continue
                item = queue.popleft()
                future = sender.pool.submit(partial(sender.send_one, self.send, item))
                self.inflight[future] = item
                self.busy[lane] = self.busy.get(lane, 0) + 1
                room -= 1
                started = True
        for lane in [lane for lane, queue in self.queued.items() if not queue]:
            del self.queued[lane]

    def collect(self) -> None:
        if not self.inflight:
            pause = max(min(self.claim_at - time.monotonic(), RECORD_EVERY), 0.0)
            if self.done or self.released:
                self.flush()
            time.sleep(pause)
            return
        finished, _ = wait(set(self.inflight), timeout=RECORD_EVERY,
                           return_when=FIRST_COMPLETED)
        self.take(finished)
        waited = self.done and time.monotonic() - self._first_done > FLUSH_AFTER
        if len(self.done) >= RECORD_GROUP or waited or (self.done and not finished) \
                or (self.released and not finished):
            self.flush()

    def take(self, finished: Iterable[InFlight]) -> None:
        if finished and not self.done:
            self._first_done = time.monotonic()
        for future in finished:
            item = self.inflight.pop(future)
            self.busy[item.lane] -= 1
            if not self.busy[item.lane]:
                del self.busy[item.lane]
            left, hand = self.in_hand(item.lane), self.sender.hand(item.lane)
            if 2 * left <= hand < 2 * (left + 1):
                # Half of a full lane has gone: top it up now rather than at the next poll.
                self.claim_at = 0.0
            try:
                result = future.result()
            except Exception as exc:  # a bug in a channel must not stop the other sends
                log.exception("sending alert %s failed unexpectedly", item.row.id)
                now = clock.now()
                result = Outcome(False, f"Internal error: {exc}"), now, now
            if result is None:
                self.released.append(item)
                continue
            outcome, started, ended = result
            self.note_breaker(item, outcome)
            self.done.append((item, outcome, started, ended))

    def note_breaker(self, item: Work, outcome: Outcome) -> None:
        if endpoint_of(item.lane) is None:
            return
        if outcome.ok:
            self.sender.breakers.succeeded(item.lane)
        elif not outcome.permanent:
            self.sender.breakers.failed(item.lane)

    def flush(self) -> None:
        done, released = self.done, self.released
        self.done, self.released = [], []
        self.sender.settle(done, released, self.report)
        self.sender.keeper.drop([stored_id(i.row) for i, *_ in done]
                                + [stored_id(i.row) for i in released])

    def release_queued(self) -> None:
        for queue in self.queued.values():
            self.released.extend(queue)
        self.queued.clear()

    def finish(self) -> None:
        """Writes down what finished and hands back what never started. Sends still in flight
        (only when stopping) are left with their lease: whether the receiver got them is
        unknown, so no other worker repeats them before the lease runs out."""
        self.release_queued()
        finished = [f for f in self.inflight if f.done()]
        if finished:
            self.take(finished)
        if self.done or self.released:
            self.flush()
        self.sender.keeper.drop(stored_id(i.row) for i in self.inflight.values())
