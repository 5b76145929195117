"""The scheduler only wakes jobs up (the dispatcher, and whatever else registers a tick); a lease
row per job in the database lets one process in all run each interval's tick."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.dialects import postgresql, sqlite

from api import clock
from api.alerts.dispatcher import Dispatcher, default_worker_id
from api.alerts.models import SchedulerLease
from api.db import rows_changed, session_scope, table_of
from api.settings import Settings

log = logging.getLogger(__name__)

LEASES = table_of(SchedulerLease)
DISPATCH = "alerts.dispatch"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Any]
    seconds: float


def slot_of(now: datetime, seconds: float) -> int:
    """The number of the interval `now` falls in, the same in every process."""
    return int(now.timestamp() // seconds)


def claim_slot(name: str, *, seconds: float, holder: str, now: datetime | None = None) -> bool:
    """True for the one process that takes this interval's slot of the job. The conditional
    UPDATE is atomic on both databases: PostgreSQL re-checks `slot < :slot` after waiting for a
    competing update's row lock, SQLite lets one BEGIN IMMEDIATE writer in at a time."""
    now = now or clock.now()
    slot = slot_of(now, seconds)
    with session_scope() as session:
        dialect = session.get_bind().dialect.name
        maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(maker(LEASES).values(name=name, slot=-1, holder="", ticks=0)
                        .on_conflict_do_nothing(index_elements=["name"]))
        changed = rows_changed(session,
            sa.update(LEASES).where(LEASES.c.name == name, LEASES.c.slot < slot)
            .values(slot=slot, holder=holder, ticked_at=now, ticks=LEASES.c.ticks + 1))
        return changed == 1


class Ticker:
    """Runs each job once per interval across every process that runs a Ticker."""

    def __init__(self, jobs: list[Job], *, holder: str | None = None) -> None:
        self.jobs = jobs
        self.holder = holder or default_worker_id()
        self.ran: dict[str, int] = {job.name: 0 for job in jobs}
        self.skipped: dict[str, int] = {job.name: 0 for job in jobs}
        self._scheduler: BackgroundScheduler | None = None

    def run(self, job: Job) -> None:
        try:
            won = claim_slot(job.name, seconds=job.seconds, holder=self.holder)
        except sa.exc.SQLAlchemyError:
            log.exception("%s: could not reach the database to claim the tick", job.name)
            return
        if not won:
            self.skipped[job.name] += 1
            log.info("%s: tick skipped by %s (another process has this interval)", job.name,
                     self.holder)
            return
        self.ran[job.name] += 1
        log.info("%s: tick ran by %s", job.name, self.holder)
        try:
            job.run()
        except Exception:
            # The next interval tries again; the outbox keeps every alert meanwhile.
            log.exception("%s: tick failed", job.name)

    def start(self) -> None:
        scheduler = BackgroundScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(max_workers=len(self.jobs))})
        now = datetime.now(UTC)
        for job in self.jobs:
            scheduler.add_job(
                self.run, IntervalTrigger(seconds=job.seconds), args=[job], id=job.name,
                name=job.name, replace_existing=True, next_run_time=now,
                # APScheduler's default grace of 1 s silently drops a run that starts late
                # (a GC pause, a busy machine, a laptop waking up). A tick is safe to run
                # however late, so there is no limit...
                misfire_grace_time=None,
                # ...and runs missed while stalled collapse into one, since one tick handles
                # everything that became due meanwhile.
                coalesce=True,
                # A tick still running when the next is due is not started twice here; another
                # process may take that interval, which the outbox's claims make safe.
                max_instances=1)
        scheduler.start()
        self._scheduler = scheduler

    def stop(self, *, wait: bool = True) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=wait)
            self._scheduler = None


def dispatch_job(settings: Settings, dispatcher: Dispatcher) -> Job:
    return Job(DISPATCH, dispatcher.tick, settings.alert_tick_seconds)
