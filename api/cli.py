"""The `oversight` command: serve, migrate, demo, create-admin."""

import argparse
import sys
from collections.abc import Sequence

from api.settings import get_settings


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
        summary = demo.load(session)
    print(summary)
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    import getpass  # noqa: PLC0415

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

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(run=_migrate)

    demo = commands.add_parser("demo", help="load a fictional demo coalition and campaign")
    demo.add_argument("--if-empty", action="store_true",
                      help="only load when the database holds no campaign yet")
    demo.set_defaults(run=_demo)

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
