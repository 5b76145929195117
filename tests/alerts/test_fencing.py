"""Exactly one acknowledged delivery: a claim's lease is renewed while its row is in hand, its
token fences off a worker whose lease ran out and was taken over, and results are written down
once the database is back rather than dropped."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.alerts import leases, recording, service
from api.alerts.channels import Outcome
from api.alerts.dispatcher import Dispatcher
from api.alerts.models import AlertAttempt, AlertOutbox, Channel, OutboxStatus
from api.alerts.recording import DispatchReport, Work
from api.db import session_scope
from api.settings import get_settings
from tests.alerts import bulk
from tests.alerts.servers import Receiver, webhook_server


@pytest.fixture
def receiver(session: Session, actor: Any) -> Iterator[Receiver]:
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    session.commit()
    with webhook_server() as found:
        yield found


def _queue(session: Session, actor: Any, receiver: Receiver, count: int) -> list[str]:
    endpoint = service.create_endpoint(session, actor, {"name": "Slow", "url": receiver.url})
    session.commit()
    return bulk.queue(session, count=count, due_at=clock.now() - timedelta(seconds=1),
                      channel=Channel.webhook, endpoint_id=endpoint.id)


def _ok_attempts() -> Counter[int]:
    with session_scope(read_only=True) as s:
        return Counter(s.exec(select(AlertAttempt.outbox_id).where(AlertAttempt.ok)).all())


def _claim(worker: str, lease: float) -> dict[int, int]:
    with session_scope() as session:
        return leases.claim(session, now=clock.now(), limit=10, worker=worker,
                            lease=timedelta(seconds=lease), per_lane=10, per_email=10).tokens


def test_two_workers_and_a_slow_receiver_never_deliver_twice(
        session: Session, actor: Any, receiver: Receiver) -> None:
    """A batch takes far longer than the lease: renewing it keeps the other worker off."""
    clock.set_clock(None)
    receiver.delay = 0.4
    ids = _queue(session, actor, receiver, 24)
    settings = get_settings().model_copy(update={
        "alert_lease_seconds": 1.5, "alert_batch_size": 24, "alert_send_concurrency": 2,
        "alert_endpoint_concurrency": 2})
    workers = [Dispatcher(settings=settings, worker=f"w{n}") for n in (1, 2)]
    runs = [threading.Thread(target=w.dispatch_due) for w in workers]
    runs[0].start()
    receiver.wait_for_requests(1)
    time.sleep(2)  # past the first claim's lease, had it not been renewed
    runs[1].start()
    for run in runs:
        run.join(timeout=60)
    for worker in workers:
        worker.close()
    assert receiver.ok_ids() == Counter(dict.fromkeys(ids, 1))
    assert set(_ok_attempts().values()) == {1}
    with session_scope(read_only=True) as s:
        assert set(s.exec(select(AlertOutbox.status)).all()) == {OutboxStatus.sent}


def test_a_claim_taken_over_is_fenced_off(session: Session, actor: Any,
                                         receiver: Receiver) -> None:
    _queue(session, actor, receiver, 1)
    [(row_id, first)] = _claim("w1", lease=30).items()
    keeper = leases.Keeper(timedelta(seconds=30))
    keeper.hold({row_id: first}, until=clock.now() + timedelta(seconds=30))
    clock.freeze(clock.now() + timedelta(seconds=31))  # w1's lease ran out: w2 takes over
    [(_, second)] = _claim("w2", lease=30).items()
    assert second == first + 1

    # w1 finds out at its next renewal, and will not start the send.
    keeper.renew_now()
    assert not keeper.may_send(row_id, first, needs=timedelta(seconds=1))
    # w1 can neither release the row nor record a failure over w2's claim...
    assert leases.release([(row_id, first)], now=clock.now()) == 0
    with session_scope(read_only=True) as s:
        row = s.get(AlertOutbox, row_id)
    assert row is not None
    failed = (Work(row=row, config=None, token=first), Outcome(False, "The receiver answered 500."),
              clock.now(), clock.now())
    recording.record([failed], worker="w1", settings=get_settings(), report=DispatchReport())
    with session_scope(read_only=True) as s:
        row = s.get(AlertOutbox, row_id)
    assert row is not None
    assert (row.status, row.claimed_by, row.claim_token) == (OutboxStatus.sending, "w2", second)
    assert row.last_error == ""
    # ...while w2, the current owner, can.
    assert leases.renew([(row_id, second)], until=clock.now() + timedelta(seconds=30)) == {row_id}
    assert leases.release([(row_id, second)], now=clock.now()) == 1


def test_results_wait_for_the_database_rather_than_being_dropped(
        session: Session, actor: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _queue(session, actor, receiver, 20)
    real_record = recording.record
    failures = {"left": 15}

    def database_away(*args: Any, **kwargs: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))
        real_record(*args, **kwargs)

    monkeypatch.setattr(recording, "record", database_away)
    monkeypatch.setattr(leases, "pause", lambda attempt: 0.01)
    dispatcher = Dispatcher()
    report = dispatcher.dispatch_due()
    dispatcher.close()
    assert failures["left"] == 0
    assert report.sent == 20
    assert receiver.ok_ids() == Counter(dict.fromkeys(ids, 1))
    assert set(_ok_attempts().values()) == {1} and len(_ok_attempts()) == 20
