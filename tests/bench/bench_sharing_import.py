"""Benchmark: committing a large Vigilant sharing report, in bulk and one record at a time.

    python -m tests.bench.bench_sharing_import --database-url sqlite:///var/bench-large.db

Writes a report of --rows agencies (5,000 unless told), each new to the database, about the
first agency kept, and commits it as a campaign lead would from the import page: once through
the bulk path and once (unless --bulk-only) through the per-record path, each with agencies
of its own. Prints, for each: the preview's time, the commit's wall and CPU time (how long the
import holds the database's write lock), and on SQLite the longest another writer waited for
that lock meanwhile (a web request gives up after the busy timeout and answers 503). Each run
adds its agencies and links to the database. Not collected as a test: the numbers depend on
the machine."""

import argparse
import os
import sqlite3
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STATES = ("CA", "OR", "WA", "NV", "AZ", "TX", "NY", "GA", "IL", "OH")


def report(rows: int, tag: str) -> bytes:
    lines = ["Agency,State,ORI,Direction"]
    for i in range(rows):
        direction = "can query" if i % 7 == 0 else "shares with"
        lines.append(f"Bench {tag} Town {i} Police Department,{STATES[i % len(STATES)]},,"
                     f"{direction}")
    return ("\n".join(lines) + "\n").encode()


class LockProbe(threading.Thread):
    """Another writer taking SQLite's write lock every 50 ms, as a web request's write would;
    the longest it waited."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True)
        self.path, self.longest, self.stop = path, 0.0, threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=120, isolation_level=None)
        while not self.stop.is_set():
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("COMMIT")
            self.longest = max(self.longest, time.perf_counter() - started)
            time.sleep(0.05)
        connection.close()


def measure(rows: int, *, one_by_one: bool) -> dict[str, Any]:
    from sqlmodel import select  # noqa: PLC0415

    import api.models  # noqa: F401, PLC0415  (every table, for the foreign keys)
    from api.agencies.models import Agency  # noqa: PLC0415
    from api.auth import scoping  # noqa: PLC0415
    from api.auth.models import Role, User  # noqa: PLC0415
    from api.db import get_engine, new_session  # noqa: PLC0415
    from api.sources import sharing_links  # noqa: PLC0415

    content = report(rows, uuid.uuid4().hex[:8])
    with new_session() as session:
        lead = session.exec(select(User).where(User.role == Role.lead).limit(1)).first()
        subject = session.exec(select(Agency.id).order_by(Agency.id).limit(1)).first()
        if subject is None:
            raise SystemExit("the database keeps no agency: load the demo first")
        scoping.act_as(session, lead)
        source = sharing_links.ReportSource(agency_id=subject)
        started = time.perf_counter()
        plan = sharing_links.preview_report(session, lead, content, source)
        preview = time.perf_counter() - started
        session.rollback()
        url = get_engine().url
        probe = LockProbe(url.database) if url.get_backend_name() == "sqlite" else None
        if probe:
            probe.start()
            time.sleep(0.2)
        wall, cpu = time.perf_counter(), time.process_time()
        result = sharing_links.apply(session, lead, plan,
                                     sharing_links.read_report(content, source),
                                     token=plan.token, one_by_one=one_by_one)
        session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if probe:
            time.sleep(0.2)
            probe.stop.set()
            probe.join()
    return {"path": "one by one" if one_by_one else "bulk", "rows": rows,
            "preview_s": preview, "commit_s": wall, "commit_cpu_s": cpu,
            "other_writer_waited_s": probe.longest if probe else None,
            "agencies_made": result.agencies_created, "links_added": result.links_added}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("OVERSIGHT_DATABASE_URL"),
                        required="OVERSIGHT_DATABASE_URL" not in os.environ)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--bulk-only", action="store_true",
                        help="leave out the per-record path, which takes far longer")
    args = parser.parse_args()
    os.environ["OVERSIGHT_DATABASE_URL"] = args.database_url
    runs = [measure(args.rows, one_by_one=False)]
    if not args.bulk_only:
        runs.append(measure(args.rows, one_by_one=True))
    for run in runs:
        waited = run["other_writer_waited_s"]
        print(f"{run['path']:>10}: {run['rows']} rows, preview {run['preview_s']:.2f} s, "
              f"commit {run['commit_s']:.2f} s wall / {run['commit_cpu_s']:.2f} s CPU, "
              f"{run['agencies_made']} agencies and {run['links_added']} links made"
              + ("" if waited is None else f"; another writer waited up to {waited:.2f} s"))


if __name__ == "__main__":
    main()
