"""Database engine and sessions: SQLite pragmas, write locking, naming convention, UTC times."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from api.settings import get_settings

# Stable constraint names, so Alembic can alter and drop them on both databases.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

READ_ONLY = "oversight_read_only"
# A connection that runs single read statements only, each its own transaction.
ONE_STATEMENT = "oversight_one_statement"
# Connections kept open, and how many more may open while more sessions than that are open at
# once (the scheduler's, a request's sign-in lookup next to another's page).
POOL_SIZE = 20
POOL_OVERFLOW = 10
# Requests whose work runs in a thread at once (api.app sets the limit): a few per core keep both
# cores busy while one waits on the database; each thread past that only waits for Python's
# lock, and holds a connection and memory while it does.
WORKER_THREADS = 8
# Seconds a pooled connection may wait before it is checked again (see _ping_when_idle).
PING_AFTER_IDLE = 5.0
# How long a statement waits for another's lock before giving up, on either database.
LOCK_WAIT_MS = 5000


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC; refuses naive input so no local time sneaks in."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _configure_sqlite(engine: Engine, synchronous: str, cache_mb: int, mmap_mb: int) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so the "begin" hook below decides its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # A negative cache size is in KiB rather than pages.
        cursor.execute(f"PRAGMA cache_size={-int(cache_mb) * 1024}")
        cursor.execute(f"PRAGMA mmap_size={int(mmap_mb) * 1024 * 1024}")
        # Deleted rows are overwritten on disk, so an erased person is really gone.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        # A deferred BEGIN that later writes can fail at once with "database is locked";
        # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait instead.
        options = conn.get_execution_options()
        if options.get(ONE_STATEMENT):
            # With no BEGIN, SQLite runs the statement in a read transaction of its own.
            return
        if options.get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def _ping_when_idle(engine: Engine) -> None:
    """A connection that waited in the pool for PING_AFTER_IDLE seconds is checked before it is
    handed out, and replaced if the database has gone away meanwhile (a restart, a dropped
    network): no request fails on a dead connection. Checking every connection as it is handed
    out (SQLAlchemy's pool_pre_ping) cost PostgreSQL a round trip per request, a third of what
    a page given again costs; under load connections are back in use within milliseconds."""

    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool throws this connection away and hands out a new one.
                raise sa.exc.DisconnectionError(str(error)) from error
            raise


def make_engine(url: str, *, synchronous: str = "NORMAL", cache_mb: int = 16,
                mmap_mb: int = 256) -> Engine:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A connection beyond the pool is closed as soon as it is returned, and a new SQLite
        # connection pays for its pragmas and reads the schema and every page afresh: under
        # load with a small pool, one request in four paid that.
        engine = sa.create_engine(url, connect_args={"check_same_thread": False,
                                                     "timeout": LOCK_WAIT_MS / 1000},
                                  pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        _configure_sqlite(engine, synchronous, cache_mb, mmap_mb)
        _ping_when_idle(engine)
        return engine
    # No JIT: it pays off for long analytic queries, but a page's query that PostgreSQL merely
    # estimates as costly (a correlated subquery per row) spent two seconds compiling itself
    # to run in a few milliseconds. A lock waited for as long as SQLite's busy timeout, then
    # given up: a request behind a long write answers 503 (try again) instead of hanging.
    engine = sa.create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                              connect_args={"options": "-c jit=off "
                                                        f"-c lock_timeout={LOCK_WAIT_MS}"})
    _ping_when_idle(engine)
    return engine


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    return make_engine(settings.database_url, synchronous=settings.sqlite_synchronous,
                       cache_mb=settings.sqlite_cache_mb, mmap_mb=settings.sqlite_mmap_mb)


def new_session(*, read_only: bool = False) -> Session:
    engine = get_engine()
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return Session(bind, expire_on_commit=False)


def one_statement_engine() -> Engine:
    """For a lone read statement that must cost little: no BEGIN and no ROLLBACK around it
    (on PostgreSQL, two round trips fewer)."""
    return _one_statement(get_engine())


@lru_cache(maxsize=4)
def _one_statement(engine: Engine) -> Engine:
    # Made once per engine: every request asks for it, and making it cost a fortieth of a
    # page given again.
    if engine.dialect.name == "sqlite":
        # Not SQLAlchemy's AUTOCOMMIT here: handing the connection back would then reset
        # pysqlite to begin transactions by itself, which _configure_sqlite turns off.
        return engine.execution_options(**{ONE_STATEMENT: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def session_scope(*, read_only: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = new_session(read_only=read_only)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def table_of(model: type[SQLModel]) -> sa.Table:
    """The table a SQLModel table class maps to, for Core statements over its columns.
    SQLModel declares no type for the `__table__` that SQLAlchemy sets on the class."""
    table = getattr(model, "__table__", None)
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not a table")
    return table


def rows_changed(session: OrmSession, statement: sa.Executable) -> int:
    """How many rows an UPDATE or DELETE changed. It runs through the session, so pending
    changes are flushed first and loaded objects are kept in step, as with session.execute."""
    result = session.execute(statement)
    if not isinstance(result, sa.CursorResult):
        raise TypeError("only an UPDATE, INSERT or DELETE reports the rows it changed")
    return int(result.rowcount or 0)
