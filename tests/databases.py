"""Test databases: the suite's target (SQLite or PostgreSQL), throwaway databases, app rebinding."""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.db import get_engine
from api.settings import get_settings

TEST_DATABASE_URL = os.environ.get("OVERSIGHT_TEST_DATABASE_URL", "sqlite")


def is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def create_postgres_database(server_url: str) -> tuple[str, str]:
    """Creates an empty database on the server; returns its URL and its name."""
    name = f"oversight_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    url = sa.engine.make_url(server_url).set(database=name)
    return url.render_as_string(hide_password=False), name


def drop_postgres_database(server_url: str, name: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def rebuild_from_environment() -> None:
    """Makes get_settings() and get_engine() anew from the environment as it is now.

    A thread an earlier test left running (a dispatcher lane, a served app) may be making an
    engine from the settings as they were, and lru_cache keeps what that call returns even
    after a clear: a test would then write to, or wipe, another test's database. So the clear
    is repeated until the cached engine is the one the environment names."""
    for _ in range(100):
        get_settings.cache_clear()
        get_engine.cache_clear()
        if get_engine().url == sa.engine.make_url(get_settings().database_url):
            return
        time.sleep(0.01)
    raise AssertionError("get_engine() keeps returning an engine for another database")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind the suite targets, removed afterwards."""
    if not is_postgres():
        yield sqlite_url(tmp_path / "fresh.db")
        return
    url, name = create_postgres_database(TEST_DATABASE_URL)
    try:
        yield url
    finally:
        drop_postgres_database(TEST_DATABASE_URL, name)


@contextmanager
def app_bound_to(url: str, **env: str) -> Iterator[None]:
    """Points get_settings() and get_engine() at another database (and other OVERSIGHT_* values)
    for the duration; afterwards they rebuild from the environment as it was before."""
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("OVERSIGHT_DATABASE_URL", url)
            for key, value in env.items():
                patch.setenv(f"OVERSIGHT_{key.upper()}", value)
            rebuild_from_environment()
            try:
                yield
            finally:
                get_engine().dispose()
    finally:
        rebuild_from_environment()
