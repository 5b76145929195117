"""Fair sending: alerts go out in lanes (one per webhook endpoint, one for the mail server, one
for in-app), each with its own limit of sends at once, and a breaker that makes an endpoint
that keeps failing or hanging wait while the others go on. The send threads are daemons, so a
send stuck on a hanging receiver never holds the process up when it is told to stop."""

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from api.alerts.models import Channel

EMAIL = "email"
IN_APP = "in_app"


def lane_of(channel: str, endpoint_id: int | None) -> str:
    """The lane an alert is sent in: its endpoint's for a webhook, else its channel's."""
    if channel == Channel.webhook:
        return f"endpoint:{endpoint_id}"
    return EMAIL if channel == Channel.email else IN_APP


def endpoint_of(lane: str) -> int | None:
    return int(lane.split(":", 1)[1]) if lane.startswith("endpoint:") else None


@dataclass
class Breaker:
    """Closed while an endpoint answers; open (its alerts wait) after `threshold` failures in a
    row; when the wait is over one alert goes as a probe, and a failed probe doubles the wait.
    Kept in memory by each dispatcher, across its ticks: no write on the sending path, and it
    works while the database is away; a second worker or a restart learns again from at most
    `threshold` failures, which the rows' own retries and backoff absorb."""

    failures: int = 0
    open_until: float = 0.0
    wait: float = 0.0


class Breakers:
    def __init__(self, *, threshold: int, first_wait: float, longest_wait: float,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.first_wait = first_wait
        self.longest_wait = longest_wait
        self.monotonic = monotonic
        self._by_lane: dict[str, Breaker] = {}
        self._lock = threading.Lock()

    def allowance(self, lane: str) -> int | None:
        """None when the lane sends freely; 0 while its breaker is open; 1 for a probe."""
        with self._lock:
            breaker = self._by_lane.get(lane)
            if breaker is None or breaker.failures < self.threshold:
                return None
            return 0 if self.monotonic() < breaker.open_until else 1

    def succeeded(self, lane: str) -> None:
        with self._lock:
            self._by_lane.pop(lane, None)

    def failed(self, lane: str) -> None:
        with self._lock:
            breaker = self._by_lane.setdefault(lane, Breaker())
            breaker.failures += 1
            if breaker.failures < self.threshold:
                return
            if self.monotonic() < breaker.open_until:
                return  # sends that were already in flight when it opened
            breaker.wait = min(breaker.wait * 2 if breaker.wait else self.first_wait,
                               self.longest_wait)
            breaker.open_until = self.monotonic() + breaker.wait

    def open_lanes(self) -> set[str]:
        now = self.monotonic()
        with self._lock:
            return {lane for lane, b in self._by_lane.items()
                    if b.failures >= self.threshold and now < b.open_until}

    def probing_lanes(self) -> set[str]:
        now = self.monotonic()
        with self._lock:
            return {lane for lane, b in self._by_lane.items()
                    if b.failures >= self.threshold and now >= b.open_until}


class SendPool:
    """A fixed number of daemon threads running sends. Unlike the standard library's pool,
    its threads are not joined when the interpreter exits: a worker told to stop leaves a send
    that hangs behind (its row keeps its lease, so no other worker repeats it early)."""

    def __init__(self, size: int, name: str = "alert-send") -> None:
        self._jobs: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None] = \
            queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._run, name=f"{name}-{n}", daemon=True)
                         for n in range(size)]
        for thread in self._threads:
            thread.start()

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        self._jobs.put((future, job))
        return future

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            future, job = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # noqa: BLE001 (handed to whoever waits on it)
                future.set_exception(exc)

    def shutdown(self) -> None:
        """Lets idle threads end; a thread in the middle of a send ends after it."""
        for _ in self._threads:
            self._jobs.put(None)
