"""The `oversight` command: serve, migrate, demo, playbooks, sync, import."""

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.settings import get_settings

if TYPE_CHECKING:
    from sqlmodel import Session


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    settings = get_settings()
    print(f"Oversight is serving on http://{args.host}:{args.port} "
          f"(database: {settings.database_url.split('://')[0]})", flush=True)
    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, proxy_headers=True, log_level="info")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=(
        "Oversight: coalition CRM and campaign organizer against ALPR surveillance."))
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the web app and the JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=_serve)

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
