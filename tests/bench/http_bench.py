"""HTTP benchmark: serves the app with uvicorn and drives each endpoint from separate processes.

Run it on a filled database (`make bench` makes the large demo first):

    python tests/bench/http_bench.py --database-url sqlite:///var/bench-large.db

Every page is made afresh (the server's page reuse off) unless `--page-cache on`. For each
endpoint it prints the server's CPU time per request and that as a multiple of `/healthz`'s,
requests per second, p50 and p99 latency, errors, and throughput as a share of a bare
`GET /healthz` measured first and last in the same run on the same server, then the server's
resident memory. The load comes from plain keep-alive HTTP/1.1 connections on asyncio, so the
client spends little CPU per request and the server, not the client, is what gets measured.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.pool import Pool
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
# Run as a script, this file's folder comes first on the path; the app's packages live at the top.
sys.path.insert(0, str(REPO))

from tests.bench.pages import Endpoint, SignedIn, endpoints, sign_in  # noqa: E402

# ---- the load: one process, many keep-alive connections ------------------------------------

@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0


def _request_bytes(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: */*"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one response; gives its status and whether the server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, keep = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            keep = False
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep


async def _connection(host: str, port: int, request: bytes, warm_until: float, stop_at: float,
                      tally: Tally) -> None:
    reader = writer = None
    while time.time() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(request)
            status, keep = await _read_response(reader)  # type: ignore[arg-type]
            elapsed = time.perf_counter() - started
            if time.time() >= warm_until:
                tally.latencies.append(elapsed)
                tally.statuses[status] = tally.statuses.get(status, 0) + 1
                if status >= 400:
                    tally.errors += 1
            if not keep:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            if time.time() >= warm_until:
                tally.errors += 1
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


def drive(url: str, headers: dict[str, str], connections: int, start_at: float, warmup: float,
          duration: float) -> Tally:
    """One load process: `connections` connections from start_at; counts only after warm-up."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    request = _request_bytes(host, port, path, headers)
    tally = Tally()
    cpu_start = time.process_time()

    async def run() -> None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        warm_until, stop_at = start_at + warmup, start_at + warmup + duration
        await asyncio.gather(*(_connection(host, port, request, warm_until, stop_at, tally)
                               for _ in range(connections)))

    asyncio.run(run())
    tally.cpu_seconds = time.process_time() - cpu_start
    return tally


# ---- the server ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, port: int, *, reuse: bool,
                 workers: int = 1) -> subprocess.Popen[bytes]:
    # The alert scheduler runs as `oversight worker` instead: on the large demo one of its ticks
    # keeps a core busy for half a minute, and whichever endpoint it overlaps would be measured
    # with it.
    env = {**os.environ, "OVERSIGHT_DATABASE_URL": database_url,
           "OVERSIGHT_RUN_SCHEDULER": "false"}
    if not reuse:
        env["OVERSIGHT_PAGE_CACHE_MB"] = "0"
    command = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
               "--log-level", "warning", *(["--workers", str(workers)] if workers > 1 else [])]
    server = subprocess.Popen(command, cwd=REPO, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer /healthz within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def rss_mb(pid: int) -> float | None:
    """Resident memory of the server, its workers included."""
    total = 0.0
    for process in (pid, *_descendants(pid)):
        try:
            for line in Path(f"/proc/{process}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            if process == pid:
                return None
    return total


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time the process and its children (uvicorn's workers) have used
    so far; a child that ended meanwhile is counted in its parent's cutime."""
    total = 0.0
    for process in (pid, *_descendants(pid)):
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            if process == pid:
                return None
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class DatabaseCpu:
    """PostgreSQL's own CPU time for the server's queries: its backends are processes of
    their own, so the server's CPU time leaves their work out. Read from /proc for each
    backend connected to the benchmark's database (so only on the database's machine); None
    on SQLite, whose work is done inside the server's process and already counted."""

    def __init__(self, database_url: str) -> None:
        self.engine = None
        if urlsplit(database_url).scheme.startswith("postgresql"):
            import sqlalchemy as sa  # noqa: PLC0415

            self.engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)

    def backends(self) -> dict[int, float] | None:
        if self.engine is None:
            return None
        import sqlalchemy as sa  # noqa: PLC0415

        with self.engine.connect() as connection:
            pids = connection.execute(sa.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()")).scalars().all()
        found = {pid: cpu for pid in pids if (cpu := _process_cpu(pid)) is not None}
        # No backend readable: PostgreSQL runs elsewhere, or /proc hides it.
        return found if found or not pids else None

    @staticmethod
    def used(before: dict[int, float] | None, after: dict[int, float] | None) -> float | None:
        """CPU seconds between two readings; a backend that started meanwhile counts whole."""
        if before is None or after is None:
            return None
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


# ---- one run ------------------------------------------------------------------------------

@dataclass
class Result:
    endpoint: Endpoint
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[int, int]
    server_cpu: float | None
    client_cpu: float
    # PostgreSQL's backends' CPU seconds a second; None on SQLite (inside the server's).
    database_cpu: float | None = None


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(pool: Pool, base: str, endpoint: Endpoint,
            headers: dict[str, str], args: argparse.Namespace, server_pid: int,
            database: DatabaseCpu) -> Result:
    per_process = [args.connections // args.processes] * args.processes
    for extra in range(args.connections % args.processes):
        per_process[extra] += 1
    start_at = time.time() + 0.5
    url = base + endpoint.path
    all_headers = {**headers, **endpoint.headers}
    jobs = [pool.apply_async(drive, (url, all_headers, n, start_at, args.warmup, args.duration))
            for n in per_process]
    time.sleep(max(0.0, start_at + args.warmup - time.time()))
    cpu_before, database_before = cpu_seconds(server_pid), database.backends()
    tallies = [job.get() for job in jobs]
    cpu_after, database_after = cpu_seconds(server_pid), database.backends()
    database_used = DatabaseCpu.used(database_before, database_after)
    latencies = [x for t in tallies for x in t.latencies]
    statuses: dict[int, int] = {}
    for tally in tallies:
        for status, n in tally.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    server_cpu = None
    if cpu_before is not None and cpu_after is not None:
        server_cpu = (cpu_after - cpu_before) / args.duration
    return Result(
        endpoint=endpoint, requests=len(latencies), rps=len(latencies) / args.duration,
        p50_ms=percentile(latencies, 0.50) * 1000, p99_ms=percentile(latencies, 0.99) * 1000,
        errors=sum(t.errors for t in tallies), statuses=statuses, server_cpu=server_cpu,
        client_cpu=sum(t.cpu_seconds for t in tallies) / (args.warmup + args.duration),
        database_cpu=None if database_used is None else database_used / args.duration)


class Writes:
    """Writes at a steady rate while a page is measured, as the coalition's people logging
    meetings and actions would: each moves the data version, so the next request of every page
    is made afresh. Each sets an organization's notes, a change no measured page is sure to
    show, so only the cost of making pages again is timed."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else None
        self.done = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "Writes":
        if self.interval is not None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        import sqlalchemy as sa  # noqa: PLC0415

        from api.db import get_engine  # noqa: PLC0415

        engine = get_engine()
        with engine.connect() as connection:
            org = connection.execute(sa.text("SELECT max(id) FROM organization")).scalar()
        while not self._stop.wait(self.interval):
            with engine.begin() as connection:
                connection.execute(sa.text("UPDATE organization SET notes = :n WHERE id = :id"),
                                   {"n": f"benchmark write {self.done}", "id": org})
            self.done += 1


def get(url: str, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return bytes(response.read())


def verify(base: str, chosen: list[Endpoint], headers: dict[str, str]) -> None:
    """Each page once, as the signed-in user: a 200 holding what the page should show, or the
    run stops before timing anything (a sign-in page or an error is quick, and would be timed
    as if it were the page)."""
    for endpoint in chosen:
        url = base + endpoint.path
        try:
            body = get(url, {**headers, **endpoint.headers}).decode("utf-8", "replace")
        except OSError as exc:
            raise SystemExit(f"{endpoint.label}: GET {endpoint.path} failed: {exc}") from exc
        if endpoint.expect not in body:
            raise SystemExit(f"{endpoint.label}: GET {endpoint.path} did not show "
                             f"{endpoint.expect!r}")


def prime(base: str, chosen: list[Endpoint], headers: dict[str, str]) -> None:
    """A few requests to each endpoint first, so what a first request pays once (imports,
    caches, statement compilation) is not counted against the first endpoint measured."""
    for endpoint in chosen:
        for _ in range(3):
            get(base + endpoint.path, {**headers, **endpoint.headers})


def dataset(base: str, headers: dict[str, str]) -> str:
    """How much data the server holds, so a run on an almost empty database is plain to see."""
    found = []
    for collection in ("people", "organizations", "meetings"):
        try:
            total = json.loads(get(f"{base}/api/v1/{collection}?limit=1&count=exact",
                                   headers))["total"]
            found.append(f"{total:,} {collection}")
        except (OSError, ValueError, KeyError):
            found.append(f"? {collection}")
    return ", ".join(found)


def per_request_ms(result: Result) -> float | None:
    # CPU time per request holds steadier than req/s when other work shares the machine.
    if result.server_cpu is None or not result.rps:
        return None
    return result.server_cpu * 1000 / result.rps


def database_ms(result: Result) -> float | None:
    if result.database_cpu is None or not result.rps:
        return None
    return result.database_cpu * 1000 / result.rps


def report(results: list[Result], rss: float | None, args: argparse.Namespace,
           database: str, writes: int, small: dict[str, float | None] | None = None) -> str:
    # The mean of the two /healthz runs, first and last.
    baseline = (results[0].rps + results[-1].rps) / 2 or float("nan")
    healthz_cpu = [c for c in (per_request_ms(results[0]), per_request_ms(results[-1]))
                   if c is not None]
    cpu_baseline = sum(healthz_cpu) / len(healthz_cpu) if healthz_cpu else None
    with_database = any(r.database_cpu is not None for r in results)
    lines = [
        f"{date.today().isoformat()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"database {database}, signed in as a {args.role}, "
        f"{args.connections} connections from {args.processes} process(es), "
        f"{args.workers} server worker(s), "
        f"{args.warmup:g} s warm-up + {args.duration:g} s per endpoint, "
        + ("pages reused until the data changes" if args.page_cache == "on"
           else "every page made afresh (no page reuse)")
        + (f", {args.writes_per_second:g} writes a second ({writes} in all)"
           if args.writes_per_second else ""),
        "",
        "| endpoint | CPU ms/req | × healthz CPU |"
        + (" database CPU ms/req | both ms/req |" if with_database else "")
        + " req/s | vs healthz | p50 ms | p99 ms | errors |"
        + (" small demo CPU ms/req | large ÷ small |" if small is not None else ""),
        "|---|--:|--:|" + ("--:|--:|" if with_database else "") + "--:|--:|--:|--:|--:|"
        + ("--:|--:|" if small is not None else ""),
    ]
    for r in results:
        cpu = per_request_ms(r)
        times = f"{cpu / cpu_baseline:.1f}" if cpu is not None and cpu_baseline else "?"
        line = f"| {r.endpoint.label} | {_ms(cpu)} | {times} |"
        if with_database:
            database_cpu = database_ms(r)
            both = None if cpu is None or database_cpu is None else cpu + database_cpu
            line += f" {_ms(database_cpu)} | {_ms(both)} |"
        line += (f" {r.rps:.0f} | {r.rps / baseline:.1%} | {r.p50_ms:.1f} | {r.p99_ms:.1f} "
                 f"| {r.errors} |")
        if small is not None:
            before = small.get(r.endpoint.label)
            growth = f"{cpu / before:.1f}" if cpu is not None and before else "?"
            line += f" {_ms(before)} | {growth} |"
        lines.append(line)
    lines.append("")
    lines.append(f"server RSS after the run: {rss:.0f} MB" if rss is not None
                 else "server RSS after the run: unknown (no /proc)")
    # Near 100% here would mean the load generator, not the server, set the pace.
    busy = max(r.client_cpu for r in results) / args.processes
    lines.append(f"load generator CPU, busiest endpoint: {busy:.0%} of a core per process")
    for r in results:
        odd = {s: n for s, n in r.statuses.items() if s >= 400}
        if odd or r.errors:
            lines.append(f"{r.endpoint.label}: {r.errors} errors, statuses {odd}")
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return "?" if value is None else f"{value:.2f}"


def run(args: argparse.Namespace, database_url: str) -> tuple[list[Result], float | None, str,
                                                              int]:
    """Serves the database and measures every chosen endpoint on it: the results, the
    server's memory afterwards, what the database holds, and the writes made meanwhile."""
    # The app's own code makes the user and finds the records, on the database served.
    os.environ["OVERSIGHT_DATABASE_URL"] = database_url
    from api.db import get_engine  # noqa: PLC0415
    from api.settings import get_settings  # noqa: PLC0415

    get_settings.cache_clear()
    get_engine.cache_clear()
    user: SignedIn = sign_in(args.role)
    headers = user.headers()
    for header in args.header:
        name, _, value = header.partition(":")
        headers[name.strip()] = value.strip()
    listed = endpoints(date.today())
    baseline = listed[0]
    chosen = [e for e in listed[1:] if not args.only or any(o in e.label for o in args.only)]
    # The baseline is measured first and again last, so drift during the run shows.
    measured = [baseline, *chosen, Endpoint(f"{baseline.label} (again)", baseline.path,
                                            baseline.expect, baseline.headers)]

    port = free_port()
    server = start_server(database_url, port, reuse=args.page_cache == "on",
                          workers=args.workers)
    base = f"http://127.0.0.1:{port}"
    results = []
    writes = Writes(args.writes_per_second)
    database_cpu = DatabaseCpu(database_url)
    try:
        verify(base, measured, headers)
        prime(base, measured, headers)
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.processes) as pool:
            for endpoint in measured:
                with writes:
                    result = measure(pool, base, endpoint, headers, args, server.pid,
                                     database_cpu)
                print(f"  {endpoint.label}: {result.rps:.0f} req/s, p99 {result.p99_ms:.1f} ms",
                      file=sys.stderr, flush=True)
                results.append(result)
        rss = rss_mb(server.pid)
        sizes = dataset(base, headers)
    finally:
        stop_server(server)
    return results, rss, sizes, writes.done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("OVERSIGHT_DATABASE_URL"),
                        help="the database the server uses (default: $OVERSIGHT_DATABASE_URL)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured each")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--processes", type=int, default=1,
                        help="load processes sharing the connections")
    parser.add_argument("--role", default="lead", choices=("admin", "lead", "partner", "viewer"),
                        help="the role of the benchmark's own signed-in user (default: lead)")
    parser.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'",
                        help="another header for every request, such as a session cookie")
    # Made afresh by default: a coalition writes all day, and every write makes each page
    # again, so a page's honest cost is that of making it, not of giving it again.
    parser.add_argument("--page-cache", choices=("on", "off"), default="off",
                        help="on: pages are reused until the data changes, as the app does; "
                             "off: the server makes every page afresh (default: off)")
    parser.add_argument("--writes-per-second", type=float, default=0.0, metavar="N",
                        help="write to the database N times a second while each page is "
                             "measured, so reused pages are made afresh after each write")
    parser.add_argument("--only", action="append", default=[],
                        help="measure only endpoints whose label contains this (healthz always)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="serve with N uvicorn worker processes, as `oversight serve "
                             "--workers N` does (default: 1)")
    parser.add_argument("--small-database-url", metavar="URL",
                        help="measure the same pages on this database too (the small demo) "
                             "and show how each page's CPU time grows from it")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set OVERSIGHT_DATABASE_URL")
    if not 1 <= args.workers <= 64:
        parser.error("--workers must be between 1 and 64")
    small = None
    if args.small_database_url:
        print("the small demo:", file=sys.stderr, flush=True)
        small_results, _, _, _ = run(args, args.small_database_url)
        small = {r.endpoint.label: per_request_ms(r) for r in small_results}
        print("the large demo:", file=sys.stderr, flush=True)
    results, rss, sizes, writes = run(args, args.database_url)
    database = urlsplit(args.database_url).scheme.split("+")[0]
    print(report(results, rss, args, f"{database} ({sizes})", writes, small))
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
