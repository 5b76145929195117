"""Fair, bounded sending to real HTTP servers on 127.0.0.1: an endpoint that hangs holds up
neither the alerts of a healthy endpoint nor a worker told to stop; its breaker makes its alerts
wait while the others go."""

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from api import clock
from api.alerts import service
from api.alerts.dispatcher import Dispatcher
from api.alerts.models import AlertOutbox, Channel, OutboxStatus
from api.db import session_scope
from api.settings import PROJECT_ROOT, get_settings
from tests.alerts import bulk
from tests.alerts.hanging import Hanging, hanging_server
from tests.alerts.servers import Receiver, webhook_server

OVERSIGHT = str(Path(sys.executable).parent / "oversight")


@pytest.fixture
def servers(session: Session, actor: Any) -> Iterator[tuple[Hanging, Receiver]]:
    clock.set_clock(None)  # the receivers and the worker run on the real clock
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    session.commit()
    with hanging_server() as hanging, webhook_server() as healthy:
        yield hanging, healthy


def _queue(session: Session, actor: Any, hanging: Hanging, healthy: Receiver, *,
           stuck: int) -> tuple[int, str]:
    """`stuck` alerts to the hanging endpoint, due first, then one to the healthy one."""
    slow = service.create_endpoint(session, actor, {"name": "Hangs", "url": hanging.url})
    fine = service.create_endpoint(session, actor, {"name": "Answers", "url": healthy.url})
    session.commit()
    now = clock.now()
    bulk.queue(session, count=stuck, due_at=now - timedelta(minutes=5), channel=Channel.webhook,
               endpoint_id=slow.id, prefix="stuck")
    [healthy_id] = bulk.queue(session, count=1, due_at=now - timedelta(seconds=1),
                              channel=Channel.webhook, endpoint_id=fine.id, prefix="healthy")
    return slow.id, healthy_id


def _statuses(endpoint_id: int) -> Counter[tuple[str, int]]:
    with session_scope(read_only=True) as s:
        rows = s.exec(select(AlertOutbox.status, AlertOutbox.attempts)
                      .where(AlertOutbox.endpoint_id == endpoint_id)).all()
    return Counter((str(status), attempts) for status, attempts in rows)


def test_a_hanging_endpoint_does_not_hold_up_a_healthy_one(
        session: Session, actor: Any, servers: tuple[Hanging, Receiver]) -> None:
    hanging, healthy = servers
    slow_id, healthy_id = _queue(session, actor, hanging, healthy, stuck=120)
    settings = get_settings().model_copy(update={"webhook_timeout_seconds": 4.0})
    dispatcher = Dispatcher(settings=settings)
    started = time.monotonic()
    run = threading.Thread(target=dispatcher.dispatch_due, daemon=True)
    run.start()
    try:
        healthy.wait_for(1, timeout=3)
        arrived = time.monotonic() - started
        run.join(timeout=30)
    finally:
        dispatcher.stop()
        run.join(timeout=15)
        dispatcher.close()
    assert arrived < 3
    assert healthy.ok_ids() == {healthy_id: 1}
    # The hanging endpoint had a few alerts in flight at once, never the whole backlog; once
    # three had timed out its breaker opened and the rest wait, unsent and untried.
    most = settings.alert_endpoint_concurrency + settings.alert_breaker_failures - 1
    assert 3 <= hanging.requests <= most
    statuses = _statuses(slow_id)
    assert statuses[(OutboxStatus.pending.value, 1)] == hanging.requests
    assert statuses[(OutboxStatus.pending.value, 0)] == 120 - hanging.requests
    assert dispatcher.sender.breakers.open_lanes() == {f"endpoint:{slow_id}"}


GRACE = 2


def test_sigterm_stops_a_worker_within_seconds_and_releases_what_it_did_not_send(
        session: Session, actor: Any, servers: tuple[Hanging, Receiver]) -> None:
    hanging, healthy = servers
    slow_id, _ = _queue(session, actor, hanging, healthy, stuck=400)
    env = {"OVERSIGHT_DATABASE_URL": get_settings().database_url,
           "OVERSIGHT_DATA_DIR": str(get_settings().data_dir),
           "OVERSIGHT_WEBHOOK_ALLOW_PRIVATE": "true", "OVERSIGHT_ALERT_TICK_SECONDS": "1",
           # The production timeout: sends in flight would outlast the stop by far.
           "OVERSIGHT_WEBHOOK_TIMEOUT_SECONDS": "30", "PATH": str(Path(sys.executable).parent),
           # The time sends in flight are given once stopping; short, so that what the test
           # measures is the stop itself, with room for a busy machine, well short of 30 s.
           "OVERSIGHT_ALERT_SHUTDOWN_SECONDS": str(GRACE)}
    worker = subprocess.Popen([OVERSIGHT, "worker"], cwd=PROJECT_ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while hanging.requests < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert hanging.requests >= 4, "the worker never reached the hanging endpoint"
        healthy.wait_for(1, timeout=10)
        stopped_at = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)
        took = time.monotonic() - stopped_at
    finally:
        if worker.poll() is None:
            worker.kill()
        output = worker.communicate()[0]
    assert took < GRACE + 10, output[-2000:]
    statuses = _statuses(slow_id)
    # Only the sends that were in flight keep their claim (the receiver may have them); all
    # the rest are pending again, their claim's attempt handed back.
    in_flight = statuses[(OutboxStatus.sending.value, 1)]
    assert in_flight == hanging.requests, (statuses, output[-2000:])
    assert statuses[(OutboxStatus.pending.value, 0)] == 400 - in_flight, statuses
