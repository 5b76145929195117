"""Test fixtures: a real database per test run (SQLite file or a PostgreSQL database of its
own), emptied between tests, and a client of the real app."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from api import clock, migrations
from api.auth.service import system_user
from api.db import get_engine
from api.settings import get_settings
from tests.databases import (
    TEST_DATABASE_URL,
    create_postgres_database,
    drop_postgres_database,
    is_postgres,
)

# Benchmarks run on their own (make bench), never as part of the suite.
collect_ignore = ["bench"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database for this test process, migrated to head."""
    if is_postgres():
        url, name = create_postgres_database(TEST_DATABASE_URL)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'oversight.db'}"
        name = ""
    os.environ["OVERSIGHT_DATABASE_URL"] = url
    os.environ["OVERSIGHT_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    get_settings.cache_clear()
    get_engine.cache_clear()
    migrations.upgrade(url)
    yield url
    get_engine().dispose()
    get_engine.cache_clear()
    if name:
        drop_postgres_database(TEST_DATABASE_URL, name)


def _empty_all_tables() -> None:
    engine = get_engine()
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    # DELETE, children first, on both databases: on PostgreSQL a TRUNCATE makes new files for
    # every table and costs about 90 ms a test against 3 ms. Ids there keep counting up, so no
    # test may assume a record's id.
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')


@pytest.fixture
def db(database_url: str) -> Iterator[None]:
    """An empty, migrated database with the system account, and the real clock afterwards."""
    _empty_all_tables()
    with Session(get_engine()) as session:
        system_user(session)
        session.commit()
    yield
    clock.set_clock(None)


@pytest.fixture
def session(db: None) -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as s:
        yield s


@pytest.fixture
def actor(session: Session):  # type: ignore[no-untyped-def]
    user = system_user(session)
    # Ends the transaction the lookup began: on SQLite it holds the write lock, and the app's
    # own sessions would wait for it and fail with "database is locked".
    session.commit()
    return user


@pytest.fixture
def client(db: None) -> Iterator[TestClient]:
    from api.app import create_app

    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def frozen_now() -> datetime:
    """Freezes the clock at a fixed instant for tests about dates."""
    at = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    clock.freeze(at)
    return at
