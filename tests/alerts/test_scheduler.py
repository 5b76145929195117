"""The scheduler only ticks: its jobs tolerate lateness and coalesce, hold no alert state, and a
database lease lets one process run each interval's tick."""

import threading
from datetime import UTC, datetime, timedelta

from api.alerts.scheduler import Job, Ticker, claim_slot, slot_of


def test_one_claim_per_interval_slot_whoever_asks() -> None:
    at = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
    assert claim_slot("test.job", seconds=30, holder="a", now=at)
    assert not claim_slot("test.job", seconds=30, holder="b", now=at + timedelta(seconds=5))
    assert not claim_slot("test.job", seconds=30, holder="a", now=at + timedelta(seconds=29))
    assert claim_slot("test.job", seconds=30, holder="b", now=at + timedelta(seconds=30))
    # Another job has its own slots.
    assert claim_slot("other.job", seconds=30, holder="a", now=at)
    assert slot_of(at, 30) + 1 == slot_of(at + timedelta(seconds=30), 30)


def test_racing_claims_let_exactly_one_through() -> None:
    at = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
    claim_slot("race.job", seconds=60, holder="setup", now=at - timedelta(minutes=5))
    wins: list[str] = []
    start = threading.Barrier(6)

    def race(name: str) -> None:
        start.wait()
        if claim_slot("race.job", seconds=60, holder=name, now=at):
            wins.append(name)

    threads = [threading.Thread(target=race, args=(f"p{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(wins) == 1


def test_jobs_are_ticks_that_tolerate_lateness_and_coalesce(db: None) -> None:
    ran = threading.Event()
    ticker = Ticker([Job("test.tick", ran.set, 3600)], holder="here")
    ticker.start()
    try:
        # The first tick runs at start, so alerts due while the app was down go out at once.
        assert ran.wait(10)
        assert ticker._scheduler is not None
        [job] = ticker._scheduler.get_jobs()
        assert job.misfire_grace_time is None
        assert job.coalesce is True
        assert job.max_instances == 1
        # The only job store is memory: the alert state lives in the outbox, not here.
        assert list(ticker._scheduler._jobstores) == ["default"]
        assert type(ticker._scheduler._jobstores["default"]).__name__ == "MemoryJobStore"
    finally:
        ticker.stop()
    assert ticker.ran == {"test.tick": 1}
