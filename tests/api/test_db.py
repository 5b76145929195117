"""Database layer: SQLite pragmas, BEGIN IMMEDIATE for writers, concurrent writers, UTC times."""

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from api import db as db_module
from api.db import UTCDateTime, get_engine, make_engine, new_session, session_scope
from tests.databases import app_bound_to, is_postgres, sqlite_url

SYNCHRONOUS_LEVELS = {"OFF": 0, "NORMAL": 1, "FULL": 2, "EXTRA": 3}

counters = sa.Table(
    "counter", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
increments = sa.Table(
    "increment", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("seen", sa.Integer, nullable=False),
)


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Path]:
    """The app's engine on a SQLite file of its own, whatever database the suite targets."""
    path = tmp_path / "app.db"
    with app_bound_to(sqlite_url(path)):
        engine = get_engine()
        counters.create(engine)
        increments.create(engine)
        with engine.begin() as conn:
            conn.execute(counters.insert().values(id=1, value=0))
        yield path


def _statements(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    return seen


@pytest.mark.parametrize(("synchronous", "cache_mb", "mmap_mb"), [("NORMAL", "16", "256"),
                                                                   ("FULL", "3", "0")])
def test_sqlite_connection_pragmas(tmp_path: Path, synchronous: str, cache_mb: str,
                                   mmap_mb: str) -> None:
    url = sqlite_url(tmp_path / "pragmas.db")
    with app_bound_to(url, sqlite_synchronous=synchronous, sqlite_cache_mb=cache_mb,
                      sqlite_mmap_mb=mmap_mb), get_engine().connect() as conn:
        def pragma(name: str) -> object:
            return conn.exec_driver_sql(f"PRAGMA {name}").scalar_one()

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("synchronous") == SYNCHRONOUS_LEVELS[synchronous]
        assert pragma("secure_delete") == 1
        assert pragma("cache_size") == -int(cache_mb) * 1024
        assert pragma("mmap_size") == int(mmap_mb) * 1024 * 1024


def test_pragmas_hold_on_every_new_connection(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "pool.db"), synchronous="FULL")
    connections = [engine.connect() for _ in range(3)]
    try:
        for conn in connections:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2
            # Ends the write transaction that autobegan, so the next connection can begin its own.
            conn.rollback()
    finally:
        for conn in connections:
            conn.close()
        engine.dispose()


def test_writes_begin_immediate_and_read_only_sessions_defer(sqlite_app: Path) -> None:
    seen = _statements(get_engine())

    with session_scope() as session:
        session.execute(counters.update().values(value=counters.c.value + 1))
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]

    seen.clear()
    with new_session(read_only=True) as session:
        assert session.execute(sa.select(counters.c.value)).scalar_one() == 1
    assert [s for s in seen if s.startswith("BEGIN")] == ["BEGIN"]


def _try_to_write_lock(path: Path) -> bool:
    """Whether another connection can take the write lock right now, without waiting."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


def test_a_write_session_holds_the_write_lock_from_its_first_read(sqlite_app: Path) -> None:
    with new_session() as session:
        session.execute(sa.select(counters.c.value)).scalar_one()
        assert not _try_to_write_lock(sqlite_app)
    assert _try_to_write_lock(sqlite_app)

    with new_session(read_only=True) as session:
        session.execute(sa.select(counters.c.value)).scalar_one()
        assert _try_to_write_lock(sqlite_app)


def test_deferred_reader_that_writes_after_another_commit_fails(sqlite_app: Path) -> None:
    """Why writers begin IMMEDIATE: a deferred transaction whose snapshot went stale cannot
    upgrade to a writer, and no busy timeout helps."""
    with new_session(read_only=True) as stale:
        stale.execute(sa.select(counters.c.value)).scalar_one()
        with session_scope() as writer:
            writer.execute(counters.update().values(value=counters.c.value + 1))
        with pytest.raises(sa.exc.OperationalError, match="database is locked"):
            stale.execute(counters.update().values(value=counters.c.value + 1))


def test_concurrent_read_then_write_transactions_all_succeed(sqlite_app: Path) -> None:
    threads_count, writes_each = 4, 25
    errors: list[BaseException] = []
    start = threading.Barrier(threads_count)

    def work() -> None:
        try:
            start.wait()
            for _ in range(writes_each):
                with session_scope() as session:
                    value = session.execute(sa.select(counters.c.value)).scalar_one()
                    session.execute(increments.insert().values(seen=value))
                    session.execute(counters.update().values(value=value + 1))
        except BaseException as error:  # reported to the main thread below
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == [], errors[:2]
    total = threads_count * writes_each
    with new_session(read_only=True) as session:
        assert session.execute(sa.select(counters.c.value)).scalar_one() == total
        seen = session.execute(sa.select(increments.c.seen)).scalars().all()
    # Every transaction read a value no other one read: no update was lost.
    assert sorted(seen) == list(range(total))


moments = sa.Table(
    "moment", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=True),
    prefixes=["TEMPORARY"],
)


def _round_trip(engine: Engine, value: datetime) -> tuple[datetime, str]:
    with engine.connect() as conn:
        moments.create(conn)
        try:
            conn.execute(moments.insert().values(id=1, at=value))
            back = conn.execute(sa.select(moments.c.at)).scalar_one()
            stored = conn.execute(sa.select(sa.cast(moments.c.at, sa.String))).scalar_one()
        finally:
            conn.rollback()
    return back, stored


def test_utc_datetime_round_trips_aware_values_as_utc(db: None) -> None:
    berlin_evening = datetime(2026, 3, 2, 19, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    back, stored = _round_trip(get_engine(), berlin_evening)
    assert back == berlin_evening
    assert back.tzinfo == UTC
    assert back == datetime(2026, 3, 2, 17, 0, 30, tzinfo=UTC)
    # Stored as the UTC wall time, so sorting and comparing in SQL is by instant.
    assert stored.startswith("2026-03-02 17:00:30")


def test_utc_datetime_refuses_naive_values(db: None) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        _round_trip(get_engine(), datetime(2026, 3, 2, 17, 0))


def test_utc_datetime_keeps_none(db: None) -> None:
    with get_engine().connect() as conn:
        moments.create(conn)
        conn.execute(moments.insert().values(id=1, at=None))
        assert conn.execute(sa.select(moments.c.at)).scalar_one() is None
        conn.rollback()


def test_app_engine_is_the_database_the_suite_targets(db: None) -> None:
    engine = get_engine()
    assert engine.dialect.name == ("postgresql" if is_postgres() else "sqlite")
    with session_scope() as session:
        session.execute(sa.text("CREATE TEMPORARY TABLE probe (word VARCHAR(20))"))
        session.execute(sa.text("INSERT INTO probe (word) VALUES (:word)"), {"word": "oversight"})
        assert session.execute(sa.text("SELECT word FROM probe")).scalar_one() == "oversight"
        session.execute(sa.text("DROP TABLE probe"))


def _lose_pooled_connections(engine: Engine) -> int:
    """What a database restart does to the connections waiting in the pool."""
    if engine.dialect.name == "sqlite":
        waiting = list(engine.pool._pool.queue)  # type: ignore[attr-defined]
        for record in waiting:
            record.dbapi_connection.close()
        return len(waiting)
    admin = sa.create_engine(engine.url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        others = ("FROM pg_stat_activity WHERE datname = current_database() "
                  "AND pid <> pg_backend_pid()")
        with admin.connect() as connection:
            ended = len(connection.execute(sa.text(
                f"SELECT pg_terminate_backend(pid) {others}")).all())  # noqa: S608
            # A backend told to end takes a moment to go.
            deadline = time.monotonic() + 10
            while connection.execute(sa.text(f"SELECT count(*) {others}")).scalar() and \
                    time.monotonic() < deadline:  # noqa: S608
                time.sleep(0.05)
            return ended
    finally:
        admin.dispose()


def test_a_connection_lost_while_idle_is_replaced_before_a_request_uses_it(
        client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/organizations").status_code == 200
    assert client.get("/api/v1/organizations").status_code == 200
    assert _lose_pooled_connections(get_engine()) > 0
    # As if every pooled connection had waited longer than the limit.
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 0.0)
    for _ in range(3):
        assert client.get("/organizations").status_code == 200
        assert client.get("/api/v1/organizations").status_code == 200


def test_a_connection_back_in_use_within_the_limit_is_not_checked(
        db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = get_engine()
    pings = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda raw: pings.append(raw) or ping(raw))
    for _ in range(5):
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    # Handed out again within the limit: no round trip to check it.
    assert pings == []
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE", 0.0)
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    assert len(pings) == 1
