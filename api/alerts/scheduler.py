"""The scheduler only wakes jobs up (the dispatcher, and whatever else registers a tick); a lease
row per job in the database lets one process in all run each interval's tick."""

import logging
import threading
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
from api.auth import service as accounts
from api.backups import service as backups
from api.contracts import terms
from api.db import get_engine, new_session, session_scope
from api.people import retention
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)

LEASES = SchedulerLease.__table__  # type: ignore[attr-defined]
DISPATCH = "alerts.dispatch"
# Retention counts in days: once a day is soon enough.
RETENTION_SECONDS = 24 * 3600
# Sign-in failures matter for a day at most; an hourly sweep keeps the table small.
ATTEMPTS_SECONDS = 3600
CONTRACTS_SECONDS = 3600


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Any]
    seconds: float


# Ticks other parts of the app add (e.g. the agenda sync), before the scheduler starts.
_registered: list[Callable[[Settings], Job]] = []


def register(make_job: Callable[[Settings], Job]) -> None:
    """Add a periodic job to every scheduler started after this call."""
    _registered.append(make_job)


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
        result = session.execute(
            sa.update(LEASES).where(LEASES.c.name == name, LEASES.c.slot < slot)
            .values(slot=slot, holder=holder, ticked_at=now, ticks=LEASES.c.ticks + 1))
        return (result.rowcount or 0) == 1


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


def agenda_job(settings: Settings) -> Job:
    """The agenda watcher: every body with an agenda source, every few hours."""
    from api.sources.agendas import service as agendas  # noqa: PLC0415  (httpx only when run)

    return Job("agendas.sync", lambda: agendas.sync_all(new_session),
               settings.agenda_sync_hours * 3600)


def _forget_old_attempts() -> int:
    with session_scope() as session:
        return accounts.forget_old_attempts(session)


def _roll_contracts() -> int:
    with session_scope() as session:
        return terms.keep_up_to_date(session)


def upkeep_jobs(settings: Settings) -> list[Job]:
    """Forgetting old sign-in failures; contracts' terms rolled on as they renew by themselves;
    scheduled backups and retention, each only when its setting turns it on."""
    jobs = [Job("auth.forget_attempts", _forget_old_attempts, ATTEMPTS_SECONDS),
            # Hourly, so a contract moves on soon after midnight wherever its agency is.
            Job("contracts.roll", _roll_contracts, CONTRACTS_SECONDS)]
    if settings.backup_every_hours > 0:
        jobs.append(Job("backups.make", lambda: backups.scheduled_backup(settings),
                        settings.backup_every_hours * 3600))
    if settings.retention_days > 0:
        jobs.append(Job("people.retention", lambda: retention.scheduled(settings.retention_days),
                        RETENTION_SECONDS))
    return jobs


class AlertScheduler:
    """The dispatcher and its ticker, as the web process and `oversight worker` run them."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.dispatcher = Dispatcher(settings=self.settings)
        jobs = [dispatch_job(self.settings, self.dispatcher), agenda_job(self.settings),
                *upkeep_jobs(self.settings)]
        jobs += [make(self.settings) for make in _registered]
        self.ticker = Ticker(jobs, holder=self.dispatcher.worker)

    def start(self) -> "AlertScheduler":
        get_engine()
        self.ticker.start()
        log.info("alert scheduler started: dispatch every %ss as %s",
                 self.settings.alert_tick_seconds, self.dispatcher.worker)
        return self

    def stop(self) -> bool:
        """Stops within alert_shutdown_seconds (and a second): no new claims, what was not
        sent released. True when every job finished; False when one is still running (a job
        that does not stop between steps), which the process may leave behind as it exits."""
        # A plan stops between chunks; what it had not reached stays marked for the next run.
        self.dispatcher.planner.stopping.set()
        self.dispatcher.stop()
        stopper = threading.Thread(target=self.ticker.stop, kwargs={"wait": True},
                                   name="scheduler-stop", daemon=True)
        stopper.start()
        stopper.join(self.settings.alert_shutdown_seconds + 1)
        if stopper.is_alive():
            log.warning("a scheduled job is still running at shutdown; leaving it")
            return False
        self.dispatcher.close()
        return True


def run_forever(stop: threading.Event, settings: Settings | None = None) -> bool:
    """Runs the scheduler until `stop` is set (the worker process); True when it stopped with
    no job left running."""
    scheduler = AlertScheduler(settings).start()
    try:
        stop.wait()
    finally:
        finished = scheduler.stop()
    return finished
