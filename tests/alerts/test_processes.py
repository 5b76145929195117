"""Dispatchers as real processes: one killed with SIGKILL mid-batch and restarted delivers every
alert with none recorded twice; two at once deliver each alert once; the web process plus
`oversight worker` tick once per interval between them."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.alerts import service
from api.alerts.models import AlertAttempt, AlertOutbox, Channel, Notification, OutboxStatus
from api.alerts.scheduler import DISPATCH
from api.db import session_scope
from api.settings import PROJECT_ROOT, get_settings
from tests import factories
from tests.alerts import bulk
from tests.alerts.servers import Receiver, free_port, webhook_server

OVERSIGHT = str(Path(sys.executable).parent / "oversight")


@pytest.fixture
def real_time(db: None) -> Iterator[None]:
    """Other processes run on the real clock, so this test does too."""
    clock.set_clock(None)
    yield


@pytest.fixture
def receiver(session: Session, actor: Any, real_time: None) -> Iterator[Receiver]:
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    session.commit()
    with webhook_server() as found:
        yield found


def _env(**settings: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OVERSIGHT_ALERT_")}
    env["OVERSIGHT_DATABASE_URL"] = get_settings().database_url
    for name, value in settings.items():
        env[f"OVERSIGHT_{name.upper()}"] = str(value)
    return env


def _start(args: list[str], **settings: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(args, cwd=PROJECT_ROOT, env=_env(**settings), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    return out + err


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _statuses() -> Counter[str]:
    with session_scope(read_only=True) as s:
        return Counter(s.exec(select(AlertOutbox.status)).all())


def _ok_attempts_per_row() -> Counter[int]:
    with session_scope(read_only=True) as s:
        return Counter(s.exec(select(AlertAttempt.outbox_id).where(AlertAttempt.ok)).all())


def _queue(session: Session, actor: Any, receiver: Receiver, *, webhooks: int,
           in_app: int) -> tuple[list[str], Any]:
    endpoint = service.create_endpoint(session, actor, {"name": "Receiver",
                                                        "url": receiver.url})
    session.commit()
    user = factories.make_user("partner", session=session)
    due = clock.now() - timedelta(seconds=1)
    ids = bulk.queue(session, count=webhooks, due_at=due, channel=Channel.webhook,
                     endpoint_id=endpoint.id)
    bulk.queue(session, count=in_app, due_at=due, channel=Channel.in_app, user_id=user.id)
    return ids, user


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_records_nothing_twice(
        session: Session, actor: Any, receiver: Receiver) -> None:
    receiver.delay = 0.01
    ids, user = _queue(session, actor, receiver, webhooks=240, in_app=120)
    settings = {"alert_lease_seconds": 1, "alert_batch_size": 40, "alert_send_concurrency": 4}
    first = _start([OVERSIGHT, "worker", "--interval", "0.2"], webhook_allow_private="true",
                   **settings)
    try:
        _wait(lambda: len(receiver.deliveries) >= 60, 30, "the first deliveries")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        _stop(first)
    with session_scope(read_only=True) as s:
        in_flight = set(s.exec(select(AlertOutbox.message_id).where(
            AlertOutbox.status == OutboxStatus.sending)).all())
    # Killed in the middle of a batch: rows claimed, not yet recorded.
    assert in_flight, _statuses()
    assert _statuses()[OutboxStatus.pending] > 0

    second = _start([OVERSIGHT, "worker", "--interval", "0.2"], webhook_allow_private="true",
                    **settings)
    try:
        _wait(lambda: _statuses() == Counter({OutboxStatus.sent: 360}), 30,
              "every alert to be sent")
    finally:
        _stop(second)

    # Every alert arrived; the only repeats are sends whose answer died with the process, and
    # they carry the same webhook-id, so the receiver can drop them.
    received = receiver.ok_ids()
    assert set(received) == set(ids)
    repeated = {i for i, n in received.items() if n > 1}
    assert repeated <= in_flight
    assert len(repeated) <= 40  # at most the one batch that was in hand
    # One successful delivery recorded per alert, and one notification per in-app alert.
    per_row = _ok_attempts_per_row()
    assert len(per_row) == 360 and set(per_row.values()) == {1}
    with session_scope(read_only=True) as s:
        notes = s.exec(select(Notification.outbox_id).where(Notification.user_id == user.id))
        outbox_ids = list(notes.all())
    assert len(outbox_ids) == 120 and len(set(outbox_ids)) == 120


def test_two_dispatchers_at_once_send_each_alert_once(
        session: Session, actor: Any, receiver: Receiver, tmp_path: Path) -> None:
    receiver.delay = 0.005
    ids, _ = _queue(session, actor, receiver, webhooks=300, in_app=100)
    go = tmp_path / "go"
    runner = [sys.executable, "-m", "tests.alerts.dispatch_when_told", str(go)]
    settings = {"alert_batch_size": 25, "alert_send_concurrency": 4,
                "webhook_allow_private": "true"}
    both = [_start(runner, **settings), _start(runner, **settings)]
    try:
        for process in both:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        go.touch()
        for process in both:
            process.wait(timeout=60)
    finally:
        outputs = [_stop(p) for p in both]
    assert all(p.returncode == 0 for p in both), outputs
    sent = [int(re.search(r"sent (\d+)", out).group(1)) for out in outputs]  # type: ignore[union-attr]
    assert sum(sent) == 400 and all(n > 0 for n in sent), sent

    assert receiver.ok_ids() == Counter(dict.fromkeys(ids, 1))
    assert _statuses() == Counter({OutboxStatus.sent: 400})
    per_row = _ok_attempts_per_row()
    assert len(per_row) == 400 and set(per_row.values()) == {1}
    with session_scope(read_only=True) as s:
        workers = set(s.exec(select(AlertAttempt.worker)).all())
        assert len(workers) == 2
        assert s.exec(select(sa.func.count()).select_from(Notification)).one() == 100


class Output:
    """Reads a process's output as it comes, so a test can watch it while it runs."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self.thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self.lock:
                self.lines.append(line)

    def count(self, word: str) -> int:
        with self.lock:
            return sum(1 for line in self.lines if f"{DISPATCH}: tick {word} by" in line)

    def text(self) -> str:
        with self.lock:
            return "".join(self.lines)


def _ticks() -> int:
    with session_scope(read_only=True) as s:
        found = s.execute(sa.text("SELECT ticks FROM scheduler_lease WHERE name = :n"),
                          {"n": DISPATCH}).scalar_one_or_none()
    return int(found or 0)


def test_the_web_process_and_a_worker_tick_once_per_interval_between_them(
        real_time: None) -> None:
    interval = 0.3
    port = free_port()
    common = {"stderr": subprocess.STDOUT}
    web = subprocess.Popen([OVERSIGHT, "serve", "--port", str(port)], cwd=PROJECT_ROOT,
                           env=_env(run_scheduler="true", alert_tick_seconds=interval),
                           text=True, stdout=subprocess.PIPE, **common)  # type: ignore[call-overload]
    worker = subprocess.Popen([OVERSIGHT, "worker", "--interval", str(interval)],
                              cwd=PROJECT_ROOT, env=_env(), text=True, stdout=subprocess.PIPE,
                              **common)  # type: ignore[call-overload]
    outputs = [Output(web), Output(worker)]
    try:
        # Both processes are up and ticking...
        _wait(lambda: all(o.count("ran") + o.count("skipped") >= 1 for o in outputs), 30,
              "both processes to tick")
        before = [(o.count("ran"), o.count("skipped")) for o in outputs]
        ticks_before, started = _ticks(), time.monotonic()
        time.sleep(8 * interval)
        ticks_after, elapsed = _ticks(), time.monotonic() - started
        after = [(o.count("ran"), o.count("skipped")) for o in outputs]
    finally:
        for process in (worker, web):
            process.send_signal(signal.SIGTERM)
        for process in (worker, web):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    for output in outputs:
        output.thread.join(timeout=5)
    # ...each tried about every interval...
    tried = [a[0] + a[1] - b[0] - b[1] for a, b in zip(after, before, strict=True)]
    assert all(n >= 4 for n in tried), (tried, outputs[0].text()[-1500:])
    # ...and between them ran one tick per interval: no more than the intervals that passed,
    # while the rest were skipped.
    ran = ticks_after - ticks_before
    assert 4 <= ran <= elapsed / interval + 1, (ran, elapsed)
    assert sum(tried) - ran >= 4
    # Every tick the database counted is one a process says it ran, and no other.
    assert sum(o.count("ran") for o in outputs) == _ticks()
