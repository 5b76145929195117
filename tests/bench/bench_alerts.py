"""Benchmark: queue due webhook alerts, let real `oversight worker` processes deliver them with
the production settings to a receiver on 127.0.0.1 (a process of its own, with a real listen
backlog), optionally under a fault, wait until nothing is left to retry, and print for each
run: sent, acknowledged, duplicates after a 2xx and lost.

    python -m tests.bench.bench_alerts [--count 10000] [--database-url URL] [--workers 1]
        [--kill-worker] [--slow-receiver S] [--hanging-endpoint] [--db-outage S]

--kill-worker       SIGKILL a worker a third of the way through, and start another
--slow-receiver S   the receiver answers each request after S seconds
--hanging-endpoint  a second endpoint, with a tenth as many alerts due first, never answers;
                    prints how long the healthy endpoint's alerts took
--db-outage S       a third of the way through, the database is away for S seconds: on SQLite
                    another process holds its write lock; on PostgreSQL the outbox is locked
                    and every other connection to the database is terminated, again and again

A duplicate after a 2xx is a request for an alert that arrived after a worker had been told 2xx
for it (the first acknowledgement); a repeat of a send whose answer no worker saw (it was
killed while waiting) is counted apart, as the receivers' idempotency key allows it.
Without --database-url it uses a fresh SQLite file in a temporary folder. OVERSIGHT_ALERT_*
variables in the environment reach the workers; by default none is set. Not collected as a
test: the numbers depend on the machine."""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OVERSIGHT = str(Path(sys.executable).parent / "oversight")
# The receiver's listen backlog: a real server's, not the standard library's 5.
BACKLOG = 1024


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG


def serve(folder: Path, delay: float) -> None:
    """The receiver: answers 200 (after `delay` seconds) to every POST and notes when each
    webhook-id arrived and when it was answered; a second port accepts and never answers."""
    seen: list[tuple[str, float, float]] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            arrived = time.time()
            self.rfile.read(int(self.headers.get("content-length", 0)))
            if delay:
                time.sleep(delay)
            try:
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()
                self.wfile.flush()
            except OSError:
                return
            with lock:
                seen.append((self.headers.get("webhook-id", ""), arrived, time.time()))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = Server(("127.0.0.1", 0), Handler)
    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(BACKLOG)
    held: list[socket.socket] = []

    def hang() -> None:
        while True:
            connection, _ = hanging.accept()
            held.append(connection)

    threading.Thread(target=hang, daemon=True).start()

    def stop(*_: Any) -> None:
        with lock:
            (folder / "seen.json").write_text(json.dumps(seen))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    (folder / "ports").write_text(f"{server.server_address[1]} {hanging.getsockname()[1]}")
    server.serve_forever()


class Bench:
    def __init__(self, args: argparse.Namespace, folder: Path, url: str) -> None:
        self.args = args
        self.folder = folder
        self.url = url
        self.workers: list[subprocess.Popen[bytes]] = []
        self.log = open(folder / "workers.log", "ab")  # noqa: SIM115

    def start_worker(self) -> None:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("OVERSIGHT_") or k.startswith("OVERSIGHT_ALERT_")}
        env.update({"OVERSIGHT_DATABASE_URL": self.url, "OVERSIGHT_DATA_DIR": str(self.folder),
                    "OVERSIGHT_WEBHOOK_ALLOW_PRIVATE": "true"})
        self.workers.append(subprocess.Popen([OVERSIGHT, "worker"], cwd=ROOT, env=env,
                                             stdout=self.log, stderr=self.log))

    def stop_workers(self) -> float:
        """SIGTERM every worker; returns the longest any took to exit."""
        started = time.monotonic()
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        longest = 0.0
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
            longest = max(longest, time.monotonic() - started)
        return longest


def outage(url: str, seconds: float) -> None:
    """The database away for `seconds`."""
    import sqlalchemy as sa  # noqa: PLC0415

    if url.startswith("sqlite"):
        import sqlite3  # noqa: PLC0415

        holder = sqlite3.connect(sa.engine.make_url(url).database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(seconds)
        holder.execute("ROLLBACK")
        holder.close()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as locker, engine.connect() as killer:
        locker.exec_driver_sql("BEGIN")
        locker.exec_driver_sql("LOCK TABLE alert_outbox IN ACCESS EXCLUSIVE MODE")
        keep = [locker.exec_driver_sql("SELECT pg_backend_pid()").scalar(),
                killer.exec_driver_sql("SELECT pg_backend_pid()").scalar()]
        killer.exec_driver_sql("COMMIT")
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            killer.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> ALL(:keep)"), {"keep": keep})
            killer.commit()
            time.sleep(0.1)
        locker.exec_driver_sql("ROLLBACK")
    engine.dispose()


def main() -> int:  # noqa: PLR0915 (one run, start to end)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--slow-receiver", type=float, default=0.0, metavar="S")
    parser.add_argument("--hanging-endpoint", action="store_true")
    parser.add_argument("--db-outage", type=float, default=0.0, metavar="S")
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds to wait for every alert to be settled")
    parser.add_argument("--serve", nargs=2, metavar=("FOLDER", "DELAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), float(args.serve[1]))
        return 0

    folder = Path(tempfile.mkdtemp(prefix="oversight-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    os.environ.update({"OVERSIGHT_DATABASE_URL": url, "OVERSIGHT_DATA_DIR": str(folder),
                       "OVERSIGHT_RUN_SCHEDULER": "false"})
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa  # noqa: PLC0415
    from sqlmodel import select  # noqa: PLC0415

    from api import migrations  # noqa: PLC0415
    from api.accounts.service import system_user  # noqa: PLC0415
    from api.alerts import service  # noqa: PLC0415
    from api.alerts.models import AlertAttempt, AlertOutbox, Channel, OutboxStatus  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415
    from api.settings import get_settings  # noqa: PLC0415
    from tests.alerts import bulk  # noqa: PLC0415

    migrations.upgrade(url)
    with session_scope() as session:
        # A database used before: start from an empty outbox.
        session.execute(sa.delete(AlertAttempt))
        session.execute(sa.delete(AlertOutbox))
    receiver = subprocess.Popen([sys.executable, "-m", "tests.bench.bench_alerts", "--serve",
                                 str(folder), str(args.slow_receiver)], cwd=ROOT)
    bench = Bench(args, folder, url)
    faults = [name for name, on in (("kill-worker", args.kill_worker),
                                    (f"slow-receiver {args.slow_receiver:g}s",
                                     args.slow_receiver),
                                    ("hanging-endpoint", args.hanging_endpoint),
                                    (f"db-outage {args.db_outage:g}s", args.db_outage)) if on]
    try:
        deadline = time.monotonic() + 20
        while not (folder / "ports").exists() or not (folder / "ports").read_text():
            if time.monotonic() > deadline:
                raise SystemExit("the receiver did not start")
            time.sleep(0.05)
        port, hanging_port = (folder / "ports").read_text().split()
        with session_scope() as session:
            actor = system_user(session)
            service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
            healthy = service.create_endpoint(
                session, actor, {"name": "Bench", "url": f"http://127.0.0.1:{port}/hook"}).id
            stuck = service.create_endpoint(
                session, actor, {"name": "Hangs",
                                 "url": f"http://127.0.0.1:{hanging_port}/hook"}).id
        now = datetime.now(UTC)
        with session_scope() as session:
            if args.hanging_endpoint:
                bulk.queue(session, count=max(args.count // 10, 1), channel=Channel.webhook,
                           endpoint_id=stuck, due_at=now - timedelta(minutes=5), prefix="hang")
            expected = bulk.queue(session, count=args.count, channel=Channel.webhook,
                                  endpoint_id=healthy, due_at=now - timedelta(seconds=1))
        settings = get_settings()
        print(f"{args.count} due alerts, {args.workers} worker(s), {url.split(':')[0]}, "
              f"faults: {', '.join(faults) or 'none'}; batch {settings.alert_batch_size}, "
              f"lease {settings.alert_lease_seconds:g}s, {settings.alert_send_concurrency} "
              f"sends at once, {settings.alert_endpoint_concurrency} per endpoint, tick "
              f"{settings.alert_tick_seconds:g}s, first retry after "
              f"{settings.alert_retry_base_seconds:g}s", flush=True)

        def in_hand(worker: subprocess.Popen[bytes]) -> int:
            """Rows the worker has claimed and not yet recorded: being sent."""
            with session_scope(read_only=True) as session:
                return session.exec(select(sa.func.count()).select_from(AlertOutbox).where(
                    AlertOutbox.status == OutboxStatus.sending,
                    AlertOutbox.claimed_by.like(f"%:{worker.pid}:%"))).one()  # type: ignore[attr-defined]

        def settled() -> tuple[int, int]:
            with session_scope(read_only=True) as session:
                statuses = Counter(session.exec(select(AlertOutbox.status).where(
                    AlertOutbox.endpoint_id == healthy)).all())
            return statuses[OutboxStatus.sent], \
                statuses[OutboxStatus.pending] + statuses[OutboxStatus.sending]

        started = time.monotonic()
        for _ in range(args.workers):
            bench.start_worker()
        fault_at = args.count // 3
        fault_done = not (args.kill_worker or args.db_outage)
        healthy_done_at = None
        while time.monotonic() - started < args.timeout:
            try:
                sent, open_rows = settled()
            except sa.exc.OperationalError:
                time.sleep(1)
                continue
            if not fault_done and sent >= fault_at:
                if args.kill_worker and not in_hand(bench.workers[0]):
                    # Killed while it has a batch in hand, between a send and its record.
                    time.sleep(0.01)
                    continue
                fault_done = True
                if args.kill_worker:
                    holding = in_hand(bench.workers[0])
                    bench.workers[0].send_signal(signal.SIGKILL)
                    bench.workers[0].wait()
                    print(f"  killed a worker at {sent} sent, with {holding} in hand",
                          flush=True)
                    bench.start_worker()
                if args.db_outage:
                    print(f"  database away for {args.db_outage:g}s at {sent} sent", flush=True)
                    outage(url, args.db_outage)
                    print("  database back", flush=True)
                continue
            if open_rows == 0 and fault_done:
                healthy_done_at = time.monotonic() - started
                break
            time.sleep(0.5)
        stop_took = bench.stop_workers()
    finally:
        for worker in bench.workers:
            if worker.poll() is None:
                worker.kill()
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(timeout=30)

    seen = [(i, a, b) for i, a, b in json.loads((folder / "seen.json").read_text())]
    with session_scope(read_only=True) as session:
        acked_at: dict[str, float] = {}
        for message_id, finished in session.exec(
                select(AlertOutbox.message_id, sa.func.min(AlertAttempt.finished_at))
                .join(AlertAttempt, AlertAttempt.outbox_id == AlertOutbox.id)
                .where(AlertAttempt.ok).group_by(AlertOutbox.message_id)).all():
            acked_at[message_id] = finished.timestamp()
        statuses = Counter(session.exec(select(AlertOutbox.status).where(
            AlertOutbox.endpoint_id == healthy)).all())
        stuck_statuses = Counter(session.exec(select(AlertOutbox.status).where(
            AlertOutbox.endpoint_id == stuck)).all())
    arrivals: dict[str, list[float]] = defaultdict(list)
    for message_id, arrived, _ in seen:
        arrivals[message_id].append(arrived)
    acknowledged = set(arrivals) & set(expected)
    after_ack = sum(1 for i, times in arrivals.items() for t in times
                    if i in acked_at and t > acked_at[i])
    repeats = sum(len(times) - 1 for times in arrivals.values()) - after_ack
    lost = len(set(expected) - acknowledged)
    took = healthy_done_at if healthy_done_at is not None else float("nan")
    print(f"Settled in {took:.1f} s ({len(acknowledged) / took:.0f} per second); workers "
          f"stopped {stop_took:.1f} s after SIGTERM.")
    print(f"sent {statuses[OutboxStatus.sent]}, acknowledged {len(acknowledged)}, duplicates "
          f"after a 2xx {after_ack}, lost {lost} (repeats of an unacknowledged send: {repeats})")
    print("Outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    if args.hanging_endpoint:
        print("Hanging endpoint's alerts: "
              + ", ".join(f"{k} {v}" for k, v in sorted(stuck_statuses.items())))
    return 0 if lost == 0 and after_ack == 0 and healthy_done_at is not None else 1


if __name__ == "__main__":
    sys.exit(main())
