"""The `oversight` command: serve, worker, migrate, demo, create-admin, playbooks, sync,
import."""

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.settings import get_settings

if TYPE_CHECKING:
    from sqlmodel import Session


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # One line per webhook request or per job run would drown what matters.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    # The alert scheduler's messages (which process ticked, what failed) go to stderr too.
    _log_to_stderr()
    settings = get_settings()
    if args.workers > 1 and settings.run_scheduler:
        # Each worker would start a scheduler of its own; the database lease would keep them to
        # one tick per interval, but one `oversight worker` process is the clearer shape.
        os.environ["OVERSIGHT_RUN_SCHEDULER"] = "false"
        print("Several web workers: they do not schedule alerts. Run `oversight worker` as its "
              "own process.", flush=True)
    print(f"Oversight is serving on http://{args.host}:{args.port} "
          f"(database: {settings.database_url.split('://')[0]})", flush=True)
    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, proxy_headers=True, log_level="info")
    return 0


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("must be a number of seconds between 0 and 3600")
    return value


def _worker(args: argparse.Namespace) -> int:
    from api.alerts import dispatcher, scheduler  # noqa: PLC0415

    _log_to_stderr()
    if args.interval is not None:
        os.environ["OVERSIGHT_ALERT_TICK_SECONDS"] = str(args.interval)
        get_settings.cache_clear()
    if args.once:
        report = dispatcher.run_once()
        d = report.dispatch
        print(f"planned {report.planned.created} new alerts; sent {d.sent}, retrying "
              f"{d.retrying}, failed {d.failed}, cancelled {d.cancelled}, skipped {d.skipped}",
              flush=True)
        return 0
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    print(f"Oversight worker: dispatching alerts every {get_settings().alert_tick_seconds}s "
          "(stop with Ctrl-C)", flush=True)
    scheduler.run_forever(stop)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from api import migrations  # noqa: PLC0415
    from api.auth.service import system_user  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    migrations.upgrade(revision=args.revision)
    if args.revision == "head":
        with session_scope() as session:
            system_user(session)
    print("Database is up to date.")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from api import demo  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    with session_scope() as session:
        if args.if_empty and not demo.is_empty(session):
            print("The database already holds data; demo not loaded.")
            return 0
        if args.scale:
            return _demo_at_scale(session, args)
        summary = demo.load(session)
    print(summary)
    return 0


def _demo_at_scale(session: "Session", args: argparse.Namespace) -> int:
    from api.demo import scale  # noqa: PLC0415

    size = scale.SCALES[args.scale]
    made = ", ".join(f"{count:,} {name.replace('_', ' ')}"
                     for name, count in scale.counts(size).items())
    print(f"Making the {args.scale} demo from seed {args.seed}: {made}.", flush=True)
    scale.load(session, scale=size, seed=args.seed,
               progress=lambda line: print(line, flush=True))
    return 0


def _playbooks(args: argparse.Namespace) -> int:
    from api.playbooks import loader  # noqa: PLC0415

    catalog = loader.catalog()
    for loaded in sorted(catalog.playbooks.values(), key=lambda p: p.file):
        print(f"ok     {loaded.file}: {loaded.playbook.key} ({loaded.playbook.title})")
    for error in catalog.errors:
        print(f"error  {error}", file=sys.stderr)
    return 1 if catalog.errors else 0


def _create_admin(args: argparse.Namespace) -> int:
    import getpass  # noqa: PLC0415

    # Every table, so an account's links to organizations resolve in this process too.
    import api.models  # noqa: F401, PLC0415
    from api.auth import service as accounts  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password for the new administrator: ")
        if getpass.getpass("The same password again: ") != password:
            print("oversight create-admin: the passwords differ.", file=sys.stderr)
            return 1
    with session_scope() as session:
        user = accounts.create_admin(session, email=args.email, name=args.name,
                                     password=password)
        email = user.email
    print(f"Created the administrator {email}. Sign in at {get_settings().base_url}/login")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=(
        "Oversight: coalition CRM and campaign organizer against ALPR surveillance."))
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the web app and the JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=_serve)

    worker = commands.add_parser(
        "worker", help="run the alert scheduler and dispatcher as a process of its own")
    worker.add_argument("--interval", type=_positive_seconds, default=None,
                        help="seconds between ticks (default: OVERSIGHT_ALERT_TICK_SECONDS)")
    worker.add_argument("--once", action="store_true", help="run one tick and exit")
    worker.set_defaults(run=_worker)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(run=_migrate)

    demo = commands.add_parser("demo", help="load a fictional demo coalition and campaign")
    demo.add_argument("--if-empty", action="store_true",
                      help="only load when the database holds no campaign yet")
    demo.add_argument("--scale", choices=("small", "large"), default=None,
                      help="instead of the one demo campaign, fill an empty database with a "
                           "whole coalition made up from a seed (large: 100,000 people, "
                           "200,000 meetings, 500,000 actions and tasks)")
    demo.add_argument("--seed", type=int, default=1,
                      help="with --scale: the same seed makes the same records")
    demo.set_defaults(run=_demo)

    playbooks = commands.add_parser(
        "playbooks", help="check the playbook files: list those that load and every error")
    playbooks.set_defaults(run=_playbooks)

    from api.sources.commands import add_commands  # noqa: PLC0415

    add_commands(commands)

    admin = commands.add_parser("create-admin", help=(
        "create an administrator account (there is no default account or password)"))
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Administrator")
    admin.add_argument("--password-stdin", action="store_true",
                       help="read the password from the first line of standard input")
    admin.set_defaults(run=_create_admin)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from api.errors import DomainError  # noqa: PLC0415

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except DomainError as exc:
        print(f"oversight {args.command}: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
