"""The database's part of a backup: a consistent snapshot in one file, and loading it back."""

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import api.models  # noqa: F401  (every table, so none is missed)
from api import data_version
from api.accounts.service import SYSTEM_EMAIL
from api.errors import Invalid
from api.i18n.catalogs import N_

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
FILES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}
# A client tool may wait on locks (a long migration) but not for ever.
TOOL_TIMEOUT_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Snapshot:
    path: Path
    kind: str
    revision: str


def kind_of(url: str) -> str:
    name = sa.engine.make_url(url).get_backend_name()
    if name not in FILES:
        raise Invalid(N_("Backups cover SQLite and PostgreSQL databases, not {name}."), name=name)
    return name


def snapshot(url: str, folder: Path) -> Snapshot:
    """Copies the database as of one instant into a file in `folder`, while others go on
    writing: SQLite's online backup, or pg_dump (one repeatable-read transaction)."""
    kind = kind_of(url)
    target = folder / FILES[kind]
    if kind == SQLITE:
        _sqlite_snapshot(_sqlite_path(url), target)
        return Snapshot(target, kind, _sqlite_revision(target))
    revision = _live_revision(url)
    _run_tool(["pg_dump", "--format=custom", f"--file={target}"], url)
    return Snapshot(target, kind, revision)


def load(path: Path, kind: str, url: str) -> None:
    """Replaces the database's whole content with the snapshot, in one transaction: on any
    failure the database is left as it was."""
    if kind == SQLITE:
        try:
            _sqlite_load(path, _sqlite_path(url))
        except sqlite3.Error as exc:
            raise Invalid(N_("The backup's database could not be loaded: {reason}."),
                          reason=exc) from None
        return
    script = path.with_suffix(".sql")
    # Written out whole first: a script cut short by a failing pg_restore must never reach
    # psql, which would commit the part it got.
    _run_tool(["pg_restore", "--no-owner", "--no-privileges", f"--file={script}", str(path)],
              None)
    try:
        # One transaction around both: the empty instance's own tables go, the backup's come.
        # The schema is made again as PostgreSQL makes it, usable by every role.
        _run_tool(["psql", "--no-psqlrc", "--quiet", "--single-transaction",
                   "--set=ON_ERROR_STOP=1",
                   "--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public; "
                   "GRANT USAGE ON SCHEMA public TO PUBLIC;",
                   f"--file={script}"], url)
    finally:
        script.unlink(missing_ok=True)


def holdings(engine: Engine) -> list[str]:
    """The tables that hold records of the instance's own (anything but bookkeeping and the
    system account): empty for an instance a backup may be restored into."""
    existing = set(sa.inspect(engine).get_table_names())
    found = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in existing or table.name in data_version.NOT_COUNTED:
                continue
            stmt = sa.select(sa.literal(1)).select_from(table).limit(1)
            if table.name == "app_user":
                stmt = stmt.where(table.c.email != SYSTEM_EMAIL)
            if conn.execute(stmt).first() is not None:
                found.append(table.name)
    return found


def version_of(engine: Engine) -> int | None:
    """The data version (api.data_version) the database is at, if it has one."""
    if data_version.TABLE not in sa.inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        value = conn.execute(sa.text(f'SELECT n FROM "{data_version.TABLE}" '  # noqa: S608
                                     "WHERE id = 1")).scalar()
    return None if value is None else int(value)


def move_version_past(engine: Engine, before: int | None) -> None:
    """Moves the data version past both the restored one and the one a running process may
    have kept pages of, so none of those pages is given again."""
    current = version_of(engine)
    if current is None:
        return
    with engine.begin() as conn:
        conn.execute(sa.text(f'UPDATE "{data_version.TABLE}" SET n = :n '  # noqa: S608
                             "WHERE id = 1"), {"n": max(current, before or 0) + 1})


def _sqlite_path(url: str) -> Path:
    database = sa.engine.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise Invalid(N_("Backups need a SQLite database in a file, named by a path."))
    return Path(database)


def _sqlite_snapshot(source_path: Path, target: Path) -> None:
    if not source_path.is_file():
        raise Invalid(N_("There is no database at {source_path}."), source_path=source_path)
    source = sqlite3.connect(source_path, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            # All pages in one step, under one read transaction: a consistent instant, while
            # writers go on in the write-ahead log.
            source.backup(copy)
            # One self-contained file, with no write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()


def _sqlite_revision(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        row = None
    finally:
        connection.close()
    if row is None:
        raise Invalid(N_("The database has no schema yet: run `oversight migrate` first."))
    return str(row[0])


def _sqlite_load(snapshot: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(snapshot)
    try:
        destination = sqlite3.connect(target, timeout=30)
        try:
            # The backup API writes every page in one transaction of the destination, taken
            # through SQLite's locks: a failure leaves it as it was.
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _live_revision(url: str) -> str:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.ProgrammingError:
        revision = None
    finally:
        engine.dispose()
    if revision is None:
        raise Invalid(N_("The database has no schema yet: run `oversight migrate` first."))
    return str(revision)


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """A libpq address for the client tools, and their environment: the password goes in the
    environment, where other users' `ps` cannot read it, not on the command line."""
    parsed = sa.engine.make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    address = parsed.set(drivername="postgresql", password=None)
    return address.render_as_string(hide_password=False), env


def _run_tool(command: list[str], url: str | None) -> None:
    env = None
    if url is not None:
        address, env = _connection(url)
        command = [*command, f"--dbname={address}"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                              timeout=TOOL_TIMEOUT_SECONDS, check=False)
    except FileNotFoundError:
        raise Invalid(N_("{command} is not installed: PostgreSQL backups need its client "
                         "tools (pg_dump, pg_restore, psql) of the server's version or newer."),
                      command=command[0]) from None
    except subprocess.TimeoutExpired:
        raise Invalid(N_("{command} did not finish within {value} hours."),
                      command=command[0], value=TOOL_TIMEOUT_SECONDS // 3600) from None
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        # The first error says why; what follows it is mostly its consequences.
        errors = [line for line in lines if "error" in line.lower()] or lines
        raise Invalid(N_("{command} failed: {value}"),
                      command=command[0], value=errors[0] if errors else 'no message')
