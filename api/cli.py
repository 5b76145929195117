"""The `oversight` command: serve, worker, migrate, demo, create-admin, playbooks, sync,
import, backup, restore, retention."""

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from api import log_redaction, public_url
from api.i18n import argparse_words, catalogs, locales
from api.i18n.catalogs import N_, gettext, ngettext, use_locale
from api.i18n.validation_words import words_for
from api.settings import MAX_RETENTION_DAYS, get_settings

if TYPE_CHECKING:
    from sqlmodel import Session

# Each command imports what it runs inside its own function: `oversight --help` or a quick
# command stays fast, and one command does not load the server, the scheduler and every table.


def _log_to_stderr() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # One line per webhook request or per job run would drown what matters.
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn  # noqa: PLC0415

    from api.alerts.companion import Companion  # noqa: PLC0415

    # The alert scheduler's messages (which process ticked, what failed) go to stderr too.
    _log_to_stderr()
    settings = get_settings()
    # The scheduler runs beside the server in a process of its own (api.alerts.companion),
    # never in the web process or its workers, where a full plan would hold pages back.
    scheduling = settings.run_scheduler
    os.environ["OVERSIGHT_RUN_SCHEDULER"] = "false"
    address = public_url.browsable(args.host, args.port)
    # Recorded before the app is made, so this process and its workers link to where they
    # serve when OVERSIGHT_BASE_URL is unset.
    os.environ["OVERSIGHT_SERVED_URL"] = address
    get_settings.cache_clear()
    database = settings.database_url.split("://")[0]
    if public_url.listens_everywhere(args.host):
        said = gettext("Oversight is serving on {address} (listening on all interfaces, port "
                       "{port}; database: {database})")
    else:
        said = gettext("Oversight is serving on {address} (database: {database})")
    print(said.format(address=address, port=args.port, database=database), flush=True)
    links = public_url.base_url()
    if links != address:
        print(gettext("Links in emails and calendar feeds start with {links} "
                      "(OVERSIGHT_BASE_URL).").format(links=links), flush=True)
    elif public_url.listens_everywhere(args.host):
        print(gettext("Links in emails and calendar feeds start with that address; set "
                      "OVERSIGHT_BASE_URL to the address others reach this server at."),
              flush=True)
    # Before uvicorn logs its first request line; its log configuration keeps the filter.
    log_redaction.install()
    # uvicorn believes X-Forwarded-For and X-Forwarded-Proto from exactly the proxies the app
    # does (none unless set), so the address in its log and sessions is the one counted.
    proxies = get_settings().trusted_proxies.replace(",", " ").split()
    # Started once the address links are made from is set, which the worker inherits.
    companion = Companion(stop_seconds=settings.alert_shutdown_seconds + 1).start() \
        if scheduling else None
    try:
        uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port,
                    workers=args.workers, proxy_headers=bool(proxies),
                    forwarded_allow_ips=proxies, log_level="info")
    finally:
        if companion is not None:
            companion.stop()
    return 0


def _port(text: str) -> int:
    # Port 0 would serve on a port nobody is told, and links could not name it.
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(gettext("must be a port number from 1 to 65535"))
    return int(text)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(gettext(
            "must be a number of seconds between 0 and 3600"))
    return value


def _worker(args: argparse.Namespace) -> int:
    from api import upkeep  # noqa: PLC0415
    from api.alerts import companion, dispatcher  # noqa: PLC0415

    _log_to_stderr()
    if args.interval is not None:
        os.environ["OVERSIGHT_ALERT_TICK_SECONDS"] = str(args.interval)
        get_settings.cache_clear()
    if args.once:
        report = dispatcher.run_once()
        d = report.dispatch
        print(gettext("planned {planned} new alerts; sent {sent}, retrying {retrying}, failed "
                      "{failed}, cancelled {cancelled}, skipped {skipped}").format(
            planned=report.planned.created, sent=d.sent, retrying=d.retrying, failed=d.failed,
            cancelled=d.cancelled, skipped=d.skipped), flush=True)
        return 0
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    if args.parent is not None:
        companion.watch_parent(args.parent, stop)
    print(gettext("Oversight worker: dispatching alerts every {seconds}s (stop with "
                  "Ctrl-C)").format(seconds=get_settings().alert_tick_seconds), flush=True)
    if not upkeep.run_forever(stop):
        # A job still running would hold the exit past Docker's and systemd's stop timeouts;
        # what it had in hand is released or keeps its lease, so leaving it loses nothing.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from api import migrations  # noqa: PLC0415
    from api.accounts.service import system_user  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    migrations.upgrade(revision=args.revision)
    if args.revision == "head":
        from api.meetings import local_days  # noqa: PLC0415

        with session_scope() as session:
            system_user(session)
            # A coalition that changed its zone (OVERSIGHT_TIMEZONE) since: its meetings' days.
            local_days.follow_zones(session.connection())
    print(gettext("Database is up to date."))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from api import demo  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    with session_scope() as session:
        if args.if_empty and not demo.is_empty(session):
            print(gettext("The database already holds data; demo not loaded."))
            return 0
        if args.scale:
            return _demo_at_scale(session, args)
        summary = demo.load(session)
    print(summary)
    return 0


# The kinds the scale demo counts, by the table each is written to.
SCALE_TABLES = {"jurisdictions": "jurisdiction", "bodies": "body", "targets": "target",
                "organizations": "organization", "people": "person", "campaigns": "campaign",
                "votes": "vote", "meetings": "meeting", "actions": "action", "tasks": "task",
                "records_requests": "records_request"}


def _demo_at_scale(session: "Session", args: argparse.Namespace) -> int:
    from api.demo import scale  # noqa: PLC0415

    size = scale.SCALES[args.scale]
    # Refused before a word about making it, so the refusal is all that is printed.
    scale.refuse_unless_empty(session)
    made = ", ".join(scale.rows_in_words(SCALE_TABLES.get(name, name), count)
                     for name, count in scale.counts(size).items())
    shape = (gettext("Making the small demo from seed {seed}: {made}.") if args.scale == "small"
             else gettext("Making the large demo from seed {seed}: {made}."))
    print(shape.format(seed=args.seed, made=made), flush=True)
    scale.load(session, scale=size, seed=args.seed,
               progress=lambda line: print(line, flush=True))
    return 0


def _playbooks(args: argparse.Namespace) -> int:
    from api.playbooks import loader  # noqa: PLC0415

    # The loader logs each error in English for the server's log; here every one is printed
    # below in the reader's language, so the log's lines would say them twice, in English.
    loader.log.disabled = True
    try:
        catalog = loader.catalog()
    finally:
        loader.log.disabled = False
    # Each playbook's title as given in the reader's language, where it is.
    language = catalogs.current().split("_")[0]
    for loaded in sorted(catalog.playbooks.values(), key=lambda p: p.file):
        print(gettext("ok     {file}: {key} ({title})").format(
            file=loaded.file, key=loaded.playbook.key,
            title=loaded.in_language(language).title))
    for error in catalog.errors:
        print(gettext("error  {error}").format(error=error.said_whole()), file=sys.stderr)
    return 1 if catalog.errors else 0


def _create_admin(args: argparse.Namespace) -> int:
    import getpass  # noqa: PLC0415

    from api.accounts import service as accounts  # noqa: PLC0415
    from api.db import session_scope  # noqa: PLC0415

    with session_scope() as session:
        accounts.check_new_admin(session, email=args.email, name=args.name)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        try:
            if not sys.stdin.isatty():
                raise EOFError
            password = getpass.getpass(gettext("Password for the new administrator: "))
            again = getpass.getpass(gettext("The same password again: "))
        except EOFError:
            print("oversight create-admin: " + gettext(
                "no password was typed; with no terminal, give it on standard input with "
                "--password-stdin."), file=sys.stderr)
            return 1
        if again != password:
            print("oversight create-admin: " + gettext("the passwords differ."),
                  file=sys.stderr)
            return 1
    with session_scope() as session:
        user = accounts.create_admin(session, email=args.email, name=args.name,
                                     password=password)
        email = user.email
    print(gettext("Created the administrator {email}. Sign in at {link}").format(
        email=email, link=f"{public_url.base_url()}/login"))
    return 0


# The contact details retention removes, as the person's page names them.
CONTACT_WORDS = {"email": N_("email"), "phone": N_("phone"), "signal_handle": N_("signal handle")}


def _retention_days(text: str) -> int:
    """The --days given, as a period retention may run with. Read here rather than by argparse,
    so a wrong value is one line that says what is wanted."""
    from api.errors import Invalid  # noqa: PLC0415

    given = text.strip()
    if not (given.isascii() and given.isdigit()) or not 1 <= int(given) <= MAX_RETENTION_DAYS:
        raise Invalid(N_("--days must be a whole number of days from 1 to "
                         "{max_retention_days:,} (a hundred years), not {text!r}; without it, "
                         "OVERSIGHT_RETENTION_DAYS is used."),
                      max_retention_days=MAX_RETENTION_DAYS, text=text, field="days")
    return int(given)


def _retention(args: argparse.Namespace) -> int:
    from api import retention  # noqa: PLC0415
    from api.accounts import erasure  # noqa: PLC0415
    from api.db import get_engine, session_scope  # noqa: PLC0415

    if args.days is None:
        days = get_settings().retention_days
        if days == 0:
            print(gettext("Retention is off (OVERSIGHT_RETENTION_DAYS is 0): no contact "
                          "details are removed. Give --days N to use another period."))
            return 0
    else:
        days = _retention_days(args.days)
    since = retention.cutoff(days).date().isoformat()
    with session_scope() as session:
        found = (retention.apply if args.apply else retention.stale)(session, days=days)
    if args.apply:
        said = ngettext("{count} person with no activity since {since} ({days} days) had "
                        "their contact details removed.",
                        "{count} people with no activity since {since} ({days} days) had "
                        "their contact details removed.", len(found))
    else:
        said = ngettext("{count} person with no activity since {since} ({days} days) would "
                        "lose their contact details.",
                        "{count} people with no activity since {since} ({days} days) would "
                        "lose their contact details.", len(found))
    print(said.format(count=len(found), since=since, days=days))
    for person in found:
        print("  " + gettext("{name} (#{id}, last active {day}): {fields}").format(
            name=person.name, id=person.id, day=person.last_active.date(),
            fields=", ".join(gettext(CONTACT_WORDS.get(f, f)) for f in person.fields)))
    if args.apply and found:
        erasure.settle(get_engine())
    return 0


def _whole_number(text: str) -> int:
    """A number of the command line, refused in the organizer's words (argparse's own refusal
    names the Python type: "invalid int value")."""
    given = text.strip()
    if not (given.isascii() and given.lstrip("-").isdigit()):
        raise argparse.ArgumentTypeError(gettext("must be a whole number, not {text!r}").format(
            text=text))
    return int(given)


def build_parser() -> argparse.ArgumentParser:
    """The command line, its help in the language in force (made inside `main`'s language)."""
    parser = argparse.ArgumentParser(prog="oversight", description=gettext(
        "Oversight: coalition CRM and campaign organizer against ALPR surveillance."))
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help=gettext("serve the web app and the JSON API"))
    serve.add_argument("--host", default="127.0.0.1", metavar=gettext("ADDRESS"),
                       help=gettext("the address to listen on (default: %(default)s; 0.0.0.0: "
                                    "every interface)"))
    serve.add_argument("--port", type=_port, default=8000, metavar=gettext("PORT"),
                       help=gettext("the port to listen on (default: %(default)s)"))
    serve.add_argument("--workers", type=_whole_number, default=1, metavar=gettext("COUNT"),
                       help=gettext("how many web processes serve requests (default: "
                                    "%(default)s)"))
    serve.set_defaults(run=_serve)

    worker = commands.add_parser("worker", help=gettext(
        "run the alert scheduler and dispatcher as a process of its own"))
    worker.add_argument("--interval", type=_positive_seconds, default=None,
                        metavar=gettext("SECONDS"),
                        help=gettext("seconds between ticks (default: "
                                     "OVERSIGHT_ALERT_TICK_SECONDS)"))
    worker.add_argument("--once", action="store_true", help=gettext("run one tick and exit"))
    # Given by `oversight serve` to the worker it starts: stop when that server is gone.
    worker.add_argument("--parent", type=int, default=None, help=argparse.SUPPRESS)
    worker.set_defaults(run=_worker)

    migrate = commands.add_parser("migrate", help=gettext(
        "bring the database schema up to date"))
    migrate.add_argument("--revision", default="head", metavar=gettext("REVISION"),
                         help=gettext("the schema revision to bring the database to (default: "
                                      "head, the newest)"))
    migrate.set_defaults(run=_migrate)

    demo = commands.add_parser("demo", help=gettext(
        "load a fictional demo coalition and campaign"))
    demo.add_argument("--if-empty", action="store_true",
                      help=gettext("only load when the database holds no campaign yet"))
    demo.add_argument("--scale", choices=("small", "large"), default=None,
                      help=gettext("instead of the one demo campaign, fill an empty database "
                                   "with a whole coalition made up from a seed (large: 100,000 "
                                   "people, 200,000 meetings, 500,000 actions and tasks)"))
    demo.add_argument("--seed", type=_whole_number, default=1, metavar=gettext("SEED"),
                      help=gettext("with --scale: the same seed makes the same records"))
    demo.set_defaults(run=_demo)

    playbooks = commands.add_parser("playbooks", help=gettext(
        "check the playbook files: list those that load and every error"))
    playbooks.set_defaults(run=_playbooks)

    from api.backups.commands import add_commands as add_backup_commands  # noqa: PLC0415
    from api.sources.commands import add_commands  # noqa: PLC0415

    add_commands(commands)
    add_backup_commands(commands)

    retention = commands.add_parser("retention", help=gettext(
        "remove the contact details of people with no activity for OVERSIGHT_RETENTION_DAYS"))
    step = retention.add_mutually_exclusive_group(required=True)
    step.add_argument("--preview", action="store_true",
                      help=gettext("list who would lose what"))
    step.add_argument("--apply", action="store_true",
                      help=gettext("remove them, each in the audit log"))
    retention.add_argument("--days", default=None, metavar="N", help=gettext(
        "no activity for this many days, from 1 to {max_retention_days} (default: "
        "OVERSIGHT_RETENTION_DAYS)").format(max_retention_days=f"{MAX_RETENTION_DAYS:,}"))
    retention.set_defaults(run=_retention)

    admin = commands.add_parser("create-admin", help=gettext(
        "create an administrator account (there is no default account or password)"))
    admin.add_argument("--email", required=True, metavar=gettext("EMAIL"),
                       help=gettext("the administrator's email address, used to sign in"))
    admin.add_argument("--name", default=gettext("Administrator"), metavar=gettext("NAME"),
                       help=gettext("the name shown for the account (default: %(default)s)"))
    admin.add_argument("--password-stdin", action="store_true",
                       help=gettext("read the password from the first line of standard input"))
    admin.set_defaults(run=_create_admin)
    # The commands by name, where argparse would say the destination's name ("command") when
    # none is given.
    commands.metavar = "{" + ",".join(commands.choices) + "}"
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Organizers read these lines, the help and argparse's refusals included: in
    # OVERSIGHT_LANGUAGE, else the terminal's locale (LANG).
    with use_locale(locales.from_environment(os.environ)):
        with argparse_words.spoken():
            args = build_parser().parse_args(argv)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from pydantic import ValidationError  # noqa: PLC0415
    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    # Every table, whatever the command: a row written here may point at any other (an
    # imported link at its organization, an audit entry at a person's), and a process knows
    # only the tables it imported.
    import api.models  # noqa: F401, PLC0415
    from api.errors import DomainError  # noqa: PLC0415

    try:
        return int(args.run(args))
    except DomainError as exc:
        print(f"oversight {args.command}: {exc.message}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        from api.fields import describe_error  # noqa: PLC0415

        settings = exc.title == "Settings"
        for error in exc.errors():
            where, _message = describe_error(error)
            # A setting read from the environment: name the variable; a value given on the
            # command line: name its option; anything else: the field. Never a traceback.
            if settings:
                name = f"OVERSIGHT_{where.replace('.', '_').upper()}"
            elif where in vars(args):
                name = f"--{where.replace('_', '-')}"
            else:
                name = where or "input"
            # In plain words, as a form says them (an address refused by email-validator too).
            print(f"oversight {args.command}: {name}: {words_for(error)}", file=sys.stderr)
        return 2
    except DBAPIError as exc:
        from api.problems import database_problem  # noqa: PLC0415

        print(f"oversight {args.command}: {database_problem(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
