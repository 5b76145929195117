"""Benchmark: alert planning on the large demo with a coalition of 320 users.

    python -m tests.bench.bench_planning --database-url sqlite:///var/bench-planning.db

The database must hold the large demo (`make bench-planning` makes it once). The first run
adds 320 users (20 coalition leads, the rest members of campaigns' lead organizations, each
following a few campaigns and bodies) and every campaign's default rules, and plans everything
once. Then it prints:

- the CPU time of the tick after one meeting is logged (and after one vote moves): only what
  those changes touch is planned; target under 200 ms;
- the CPU time and peak memory of a full plan (in a process of its own, so the peak is the
  plan's); targets under 10 s and 250 MB;
- the p99 of GET /healthz served by uvicorn, with and without a full plan running beside it
  in a process of its own, as `oversight serve` runs its scheduler; target within 20%.

With --database-url postgresql+psycopg://... (or OVERSIGHT_TEST_DATABASE_URL set and no
--database-url) the same runs on PostgreSQL. Not collected as a test: the numbers depend on
the machine."""

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

USERS = 320
LEADS = 20
FOLLOWS_EACH = 3
TARGETS = {"replan_ms": 200.0, "full_cpu_s": 10.0, "full_peak_mb": 250.0, "p99_ratio": 1.2}


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _planner() -> Any:
    import api.models  # noqa: F401, PLC0415  (every table, for the foreign keys)
    from api.alerts import planner  # noqa: PLC0415
    from api.settings import get_settings  # noqa: PLC0415

    return planner.Planner(full_every=timedelta(seconds=get_settings().alert_full_plan_seconds))


def prepare() -> dict[str, Any]:
    """The coalition's users, follows and default rules, once; then one full plan."""
    import sqlalchemy as sa  # noqa: PLC0415
    from sqlmodel import select  # noqa: PLC0415

    from api import clock  # noqa: PLC0415
    from api.alerts import service  # noqa: PLC0415
    from api.alerts.models import Follow  # noqa: PLC0415
    from api.auth.models import Role, User  # noqa: PLC0415
    from api.bodies.models import Body  # noqa: PLC0415
    from api.campaigns.models import Campaign, CampaignLead  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    _planner()
    rng = random.Random(7)
    with session_scope() as session:
        made = session.exec(select(sa.func.count()).select_from(User)
                            .where(User.email.like("plan-bench-%"))).one()  # type: ignore[attr-defined]
        if made >= USERS:
            return {"prepared": False}
        lead_orgs = sorted(set(session.exec(select(CampaignLead.organization_id)).all()))
        campaigns = list(session.exec(select(Campaign.id)).all())
        bodies = list(session.exec(select(Body.id)).all())
        for n in range(USERS):
            lead = n < LEADS
            user = User(email=f"plan-bench-{n}@oversight.invalid", name=f"Member {n}",
                        role=Role.lead if lead else Role.partner,
                        organization_id=None if lead else lead_orgs[n % len(lead_orgs)])
            session.add(user)
            session.flush()
            pools = [rng.choice([("campaign", campaigns), ("body", bodies)])
                     for _ in range(FOLLOWS_EACH)]
            for kind, subject_id in {(kind, rng.choice(ids)) for kind, ids in pools}:
                session.add(Follow(user_id=user.id, subject_kind=kind,  # type: ignore[arg-type]
                                   subject_id=subject_id))
            session.flush()
    with session_scope() as session:
        installed = service.install_missing_defaults(session)
    started = time.process_time()
    stats = _planner().run(clock.now())
    return {"prepared": True, "campaigns_given_defaults": installed,
            "first_full_plan_cpu_s": round(time.process_time() - started, 2),
            "alerts_written": stats.created}


def one_change() -> dict[str, Any]:
    """CPU of the tick after one meeting is logged, and after one vote moves."""
    import sqlalchemy as sa  # noqa: PLC0415
    from sqlmodel import select  # noqa: PLC0415

    from api import clock  # noqa: PLC0415
    from api.alerts import replan  # noqa: PLC0415
    from api.alerts.models import AlertOutbox, OutboxStatus, SubjectKind  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415
    from api.meetings.models import Meeting, MeetingTarget  # noqa: PLC0415
    from api.votes.models import Vote  # noqa: PLC0415

    planner = _planner()
    now = clock.now()
    planner.run(now)  # whatever was marked before, and the process's first full plan
    out: dict[str, Any] = {}
    with session_scope() as session:
        meeting_id, target_id = session.exec(
            select(MeetingTarget.meeting_id, MeetingTarget.target_id).limit(1)).one()
        session.execute(sa.update(Meeting).where(Meeting.id == meeting_id)  # type: ignore[arg-type]
                        .values(held_at=now - timedelta(hours=1), updated_at=now))
    started = time.process_time()
    stats = planner.run(now)
    out["meeting_replan_ms"] = round((time.process_time() - started) * 1000, 1)
    out["meeting_subjects"] = stats.subjects
    with session_scope() as session:
        # A vote with alerts still to send, so the figure includes moving them.
        vote = session.exec(select(Vote).where(
            Vote.scheduled_at > now, Vote.status == "scheduled",
            sa.exists().where(AlertOutbox.subject_kind == SubjectKind.vote,
                              AlertOutbox.subject_id == Vote.id,
                              AlertOutbox.status == OutboxStatus.pending)).limit(1)).one()
        session.execute(sa.update(Vote).where(Vote.id == vote.id).values(  # type: ignore[arg-type]
            scheduled_at=vote.scheduled_at + timedelta(days=1), updated_at=now))
    started = time.process_time()
    stats = planner.run(now)
    out["vote_replan_ms"] = round((time.process_time() - started) * 1000, 1)
    out["vote_alerts_moved"] = stats.moved
    with session_scope(read_only=True) as session:
        out["marks_left"] = bool(replan.read(session))
    return out


def full() -> dict[str, Any]:
    from api import clock  # noqa: PLC0415

    planner = _planner()
    before = peak_mb()
    started, wall = time.process_time(), time.perf_counter()
    stats = planner.run(clock.now())
    return {"full_cpu_s": round(time.process_time() - started, 2),
            "full_wall_s": round(time.perf_counter() - wall, 2),
            "full_peak_mb": round(peak_mb(), 1), "peak_before_plan_mb": round(before, 1),
            "full_subjects": stats.subjects, "full_alerts_created": stats.created}


def serve(port: int) -> None:
    """The app under uvicorn, its scheduler off: `oversight serve` runs that in a child."""
    import uvicorn  # noqa: PLC0415

    from api.app import create_app  # noqa: PLC0415

    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _latencies(port: int, seconds: float,
               until: subprocess.Popen[str] | None = None) -> list[float]:
    """Sequential keep-alive GET /healthz for `seconds`, or until the process `until` ends."""
    import http.client  # noqa: PLC0415

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    found: list[float] = []
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        if until is not None and until.poll() is not None:
            break
        started = time.perf_counter()
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        found.append(time.perf_counter() - started)
        time.sleep(0.01)
    conn.close()
    return found


def _p99(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=100)[98] * 1000, 2) if len(values) > 2 else 0.0


def pages(env: dict[str, str], seconds: float) -> dict[str, Any]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "tests.bench.bench_planning", "--step",
                               "serve", "--port", str(port)], cwd=ROOT, env=env)
    try:
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        _latencies(port, 2.0)  # warm up
        quiet = _latencies(port, seconds)
        plan = subprocess.Popen([sys.executable, "-m", "tests.bench.bench_planning", "--step",
                                 "full"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        busy = _latencies(port, 600.0, until=plan)
        planned = json.loads((plan.communicate()[0] or "{}").strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"healthz_p99_ms_quiet": _p99(quiet), "healthz_p99_ms_during_full_plan": _p99(busy),
            "requests_during_plan": len(busy),
            "plan_wall_s_beside_server": planned.get("full_wall_s")}


def _step(env: dict[str, str], step: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.bench.bench_planning", "--step", step],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--page-seconds", type=float, default=10.0)
    parser.add_argument("--no-pages", action="store_true", help="skip the /healthz part")
    parser.add_argument("--step", choices=("prepare", "change", "full", "serve"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        if args.step == "serve":
            serve(args.port)
            return 0
        result = {"prepare": prepare, "change": one_change, "full": full}[args.step]()
        print(json.dumps(result), flush=True)
        return 0

    url = (args.database_url or os.environ.get("OVERSIGHT_TEST_DATABASE_URL", "")
           or "sqlite:///var/bench-planning.db")
    data_dir = ROOT / "var" / "bench-planning"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "OVERSIGHT_DATABASE_URL": url, "OVERSIGHT_DATA_DIR": str(data_dir),
           "OVERSIGHT_RUN_SCHEDULER": "false", "PYTHONPATH": str(ROOT)}
    print(f"Alert planning on {url.split('://')[0]}, {USERS} users", flush=True)
    results: dict[str, Any] = {}
    for step in ("prepare", "change", "full"):
        results.update(_step(env, step))
        print(f"  {step}: {json.dumps(results)}", flush=True)
    if not args.no_pages:
        results.update(pages(env, args.page_seconds))
    ratio = (results["healthz_p99_ms_during_full_plan"] / results["healthz_p99_ms_quiet"]
             if results.get("healthz_p99_ms_quiet") else None)
    lines = [
        ("one meeting logged, re-planned (CPU ms)", results["meeting_replan_ms"],
         f"< {TARGETS['replan_ms']:.0f}", results["meeting_replan_ms"] < TARGETS["replan_ms"]),
        ("one vote moved, re-planned (CPU ms)", results["vote_replan_ms"],
         f"< {TARGETS['replan_ms']:.0f}", results["vote_replan_ms"] < TARGETS["replan_ms"]),
        ("full plan (CPU s)", results["full_cpu_s"], f"< {TARGETS['full_cpu_s']:.0f}",
         results["full_cpu_s"] < TARGETS["full_cpu_s"]),
        ("full plan peak memory (MB)", results["full_peak_mb"],
         f"< {TARGETS['full_peak_mb']:.0f}", results["full_peak_mb"] < TARGETS["full_peak_mb"]),
    ]
    if ratio is not None:
        lines += [("/healthz p99 quiet (ms)", results["healthz_p99_ms_quiet"], "", True),
                  ("/healthz p99 during a full plan (ms)",
                   results["healthz_p99_ms_during_full_plan"],
                   f"<= {TARGETS['p99_ratio']:.1f}x quiet", ratio <= TARGETS["p99_ratio"])]
    print()
    for label, value, target, ok in lines:
        print(f"  {label:<42} {value:>9}  {target:<14} {'ok' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
