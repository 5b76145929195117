"""Benchmark: queue 10,000 due webhook alerts, deliver them to a receiver on 127.0.0.1 running
in a process of its own, and print how long it took, how many arrived twice and how many never.

    python -m tests.bench.bench_alerts [--count 10000] [--database-url URL] [--workers 1]

Without --database-url it uses a fresh SQLite file in a temporary folder. With --workers N it
runs N `oversight worker --once` processes at once instead of one dispatcher in this process.
Not collected as a test: the numbers depend on the machine."""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def serve(port_file: Path, ids_file: Path) -> None:
    """The receiver: answers 200 to every POST and keeps the webhook-ids it saw."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            seen.append(self.headers.get("webhook-id", ""))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True

    def stop(*_: Any) -> None:
        ids_file.write_text(json.dumps(seen))
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=0,
                        help="dispatch with N `oversight worker --once` processes")
    parser.add_argument("--serve", nargs=2, metavar=("PORT_FILE", "IDS_FILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), Path(args.serve[1]))
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="oversight-bench-"))
    url = args.database_url or f"sqlite:///{scratch / 'bench.db'}"
    os.environ.update({"OVERSIGHT_DATABASE_URL": url, "OVERSIGHT_DATA_DIR": str(scratch),
                       "OVERSIGHT_WEBHOOK_ALLOW_PRIVATE": "true",
                       "OVERSIGHT_RUN_SCHEDULER": "false",
                       "OVERSIGHT_ALERT_BATCH_SIZE": os.environ.get(
                           "OVERSIGHT_ALERT_BATCH_SIZE", "500"),
                       "OVERSIGHT_ALERT_SEND_CONCURRENCY": os.environ.get(
                           "OVERSIGHT_ALERT_SEND_CONCURRENCY", "16")})
    sys.path.insert(0, str(ROOT))
    from sqlmodel import select  # noqa: PLC0415

    from api import migrations  # noqa: PLC0415
    from api.alerts import service  # noqa: PLC0415
    from api.alerts.dispatcher import Dispatcher  # noqa: PLC0415
    from api.alerts.models import AlertAttempt, AlertOutbox, Channel  # noqa: PLC0415
    from api.auth.service import system_user  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415
    from tests.alerts import bulk  # noqa: PLC0415

    migrations.upgrade(url)
    port_file, ids_file = scratch / "port", scratch / "ids.json"
    receiver = subprocess.Popen([sys.executable, "-m", "tests.bench.bench_alerts", "--serve",
                                 str(port_file), str(ids_file)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline:
                raise SystemExit("the receiver did not start")
            time.sleep(0.05)
        target = f"http://127.0.0.1:{port_file.read_text()}/hook"
        with session_scope() as session:
            actor = system_user(session)
            endpoint = service.create_endpoint(session, actor, {"name": "Bench", "url": target})
            endpoint_id = endpoint.id
        with session_scope() as session:
            expected = bulk.queue(session, count=args.count, channel=Channel.webhook,
                                  endpoint_id=endpoint_id,
                                  due_at=datetime.now(UTC) - timedelta(seconds=1))
        print(f"Queued {args.count} due alerts for {target} "
              f"({url.split(':')[0]} database).", flush=True)

        started = time.monotonic()
        if args.workers:
            oversight = str(Path(sys.executable).parent / "oversight")
            workers = [subprocess.Popen([oversight, "worker", "--once"], cwd=ROOT,
                                        stdout=subprocess.DEVNULL)
                       for _ in range(args.workers)]
            for worker in workers:
                worker.wait()
        else:
            dispatcher = Dispatcher()
            dispatcher.dispatch_due()
            dispatcher.close()
        elapsed = time.monotonic() - started
    finally:
        receiver.send_signal(signal.SIGTERM)
        receiver.wait(timeout=30)

    received = Counter(json.loads(ids_file.read_text()))
    duplicates = sum(n - 1 for n in received.values() if n > 1)
    lost = len(set(expected) - set(received))
    with session_scope(read_only=True) as session:
        statuses = Counter(session.exec(select(AlertOutbox.status)).all())
        ok_attempts = Counter(session.exec(select(AlertAttempt.outbox_id)
                                           .where(AlertAttempt.ok)).all())
    recorded_twice = sum(1 for n in ok_attempts.values() if n > 1)
    print(f"Delivered {len(received)} of {args.count} in {elapsed:.1f} s "
          f"({len(received) / elapsed:.0f} per second).")
    print(f"Duplicates at the receiver: {duplicates}. Lost: {lost}. "
          f"Recorded as sent twice: {recorded_twice}.")
    print("Outbox: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    return 0 if duplicates == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
