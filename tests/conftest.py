"""Test fixtures: a real database per test run (SQLite file or a PostgreSQL database of its
own), emptied between tests, and a client of the real app."""

import os
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from api import clock, migrations
from api.accounts import service as accounts
from api.accounts.service import system_user
from api.auth import sessions, tokens
from api.auth.models import Role, TokenScope, User
from api.db import get_engine
from api.settings import get_settings
from tests.databases import (
    TEST_DATABASE_URL,
    create_postgres_database,
    drop_postgres_database,
    is_postgres,
    rebuild_from_environment,
)
from tests.factories import make_user

# The app's lifespan would start the alert scheduler; tests tick the dispatcher themselves.
os.environ["OVERSIGHT_RUN_SCHEDULER"] = "false"
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


def _empty_all_tables(engine: sa.Engine) -> None:
    tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
    # DELETE, children first, on both databases: on PostgreSQL a TRUNCATE makes new files for
    # every table and costs about 90 ms a test against 3 ms. Ids there keep counting up, so no
    # test may assume a record's id.
    with engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')


# The test this worker ran last, named when the database is found without its tables.
_LAST_TEST = ["(none yet)"]


def pytest_runtest_teardown(item: pytest.Item) -> None:
    _LAST_TEST[0] = item.nodeid


def _empty_when_whole(engine: sa.Engine) -> None:
    """Empties the tables; a SQLite run has, rarely, found the suite's database without them for
    a moment after some earlier test (cause not found yet). Then it waits for them and says
    which test ran before, rather than failing a test that had no part in it."""
    for attempt in range(100):
        try:
            _empty_all_tables(engine)
            return
        except sa.exc.OperationalError as error:
            if "no such table" not in str(error) or attempt == 99:
                raise
            if attempt == 0:
                warnings.warn(f"the suite's database lacked a table ({error.orig}) after "
                              f"{_LAST_TEST[0]}; waiting for it", stacklevel=2)
            time.sleep(0.1)


@pytest.fixture
def db(database_url: str) -> Iterator[None]:
    """An empty, migrated database with the system account, and the real clock afterwards."""
    # The engine is checked and used as one object: a thread an earlier test left running may
    # cache an engine for that test's database between a check and a second get_engine().
    engine = get_engine()
    if engine.url != sa.engine.make_url(database_url):
        rebuild_from_environment()
        engine = get_engine()
    assert engine.url == sa.engine.make_url(database_url), (
        f"the suite's database is {database_url}, the app's engine is bound to {engine.url}")
    _empty_when_whole(engine)
    with Session(engine) as session:
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


def sign_in(client: TestClient, user: User) -> str:
    """Gives the client a browser session of the user, with its anti-forgery header; returns
    the session token."""
    with Session(get_engine()) as s:
        raw = sessions.start(s, user, user_agent="pytest", address="testclient")
        s.commit()
    # The domain httpx files the app's own cookies under, so a rotated cookie replaces this one.
    client.cookies.set("oversight_session", raw, domain="testserver.local")
    client.headers["X-CSRF-Token"] = tokens.csrf_for(raw)
    return raw


def api_token(user: User, scope: TokenScope = TokenScope.write) -> str:
    with Session(get_engine()) as s:
        _, raw = accounts.create_token(s, user, name="tests", scope=scope)
        s.commit()
    return raw


@pytest.fixture(scope="session")
def app(database_url: str) -> Any:
    # The app holds no state of its own, so one serves every test of the process.
    from api.app import create_app

    return create_app()


@pytest.fixture
def admin(db: None) -> User:
    return make_user(Role.admin, email="admin@example.org", name="Ada Admin")


@pytest.fixture
def client(app: Any, admin: User) -> Iterator[TestClient]:
    """The app as a signed-in administrator: a browser session with its anti-forgery header for
    the pages, and a read-write API token for the JSON API."""
    with TestClient(app, raise_server_exceptions=False) as c:
        sign_in(c, admin)
        c.headers["Authorization"] = f"Bearer {api_token(admin)}"
        yield c


@pytest.fixture
def anon_client(app: Any, db: None) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client_as(app: Any, db: None) -> Callable[..., TestClient]:
    """A browser signed in as a new user of the role (and organization)."""
    def make(role: Role | str, organization_id: int | None = None, **kwargs: Any) -> TestClient:
        c = TestClient(app, raise_server_exceptions=False)
        c.user = make_user(role, organization_id=organization_id, **kwargs)  # type: ignore[attr-defined]
        sign_in(c, c.user)  # type: ignore[attr-defined]
        return c
    return make


@pytest.fixture
def frozen_now() -> datetime:
    """Freezes the clock at a fixed instant for tests about dates."""
    at = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    clock.freeze(at)
    return at


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Per-collection cases of the shared JSON API contract (tests/api/contract.py): each
    collection's test class names its refused bodies in its spec."""
    spec = getattr(metafunc.cls, "spec", None)
    if spec is not None and "invalid" in metafunc.fixturenames:
        metafunc.parametrize("invalid", spec.invalid, ids=[name for _, name in spec.invalid])
