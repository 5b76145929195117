"""Everything the process runs on a timer, wired in one place above the parts it runs: the
alert dispatcher, the agenda watcher, contracts' terms, backups, retention and the sign-in
sweep. The timing and the one-process-per-tick leases are api.alerts.scheduler's."""

import logging
import threading

from api import retention
from api.accounts import service as accounts
from api.alerts.dispatcher import Dispatcher
from api.alerts.scheduler import Job, Ticker, dispatch_job
from api.backups import service as backups
from api.contracts import terms
from api.db import get_engine, new_session, session_scope
from api.search import saved as saved_searches
from api.settings import Settings, get_settings
from api.sources.agendas import service as agendas
from api.supporters import reminders as supporter_reminders

log = logging.getLogger(__name__)

# Retention counts in days: once a day is soon enough.
RETENTION_SECONDS = 24 * 3600
# Sign-in failures matter for a day at most; an hourly sweep keeps the table small.
ATTEMPTS_SECONDS = 3600
CONTRACTS_SECONDS = 3600
# New records matching a saved search are told of within minutes.
SAVED_SEARCH_SECONDS = 120


def agenda_job(settings: Settings) -> Job:
    """The agenda watcher: every body with an agenda source, every few hours."""
    return Job("agendas.sync", lambda: agendas.sync_all(new_session),
               settings.agenda_sync_hours * 3600)


def _forget_old_attempts() -> int:
    with session_scope() as session:
        return accounts.forget_old_attempts(session)


def _roll_contracts() -> int:
    with session_scope() as session:
        return terms.keep_up_to_date(session)


def _alert_saved_searches() -> int:
    with session_scope() as session:
        return saved_searches.alert_new_matches(session)


def upkeep_jobs(settings: Settings) -> list[Job]:
    """Forgetting old sign-in failures; contracts' terms rolled on as they renew by themselves;
    new matches of saved searches queued as alerts (the dispatcher sends them); scheduled
    backups and retention, each only when its setting turns it on."""
    jobs = [Job("auth.forget_attempts", _forget_old_attempts, ATTEMPTS_SECONDS),
            Job("search.saved_alerts", _alert_saved_searches, SAVED_SEARCH_SECONDS),
            # Hourly, so a contract moves on soon after midnight wherever its agency is.
            Job("contracts.roll", _roll_contracts, CONTRACTS_SECONDS),
            # Supporters' reminders keep the alerts' pace: a moved vote is followed within it.
            Job("supporters.remind", lambda: supporter_reminders.tick(new_session),
                settings.alert_tick_seconds)]
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
