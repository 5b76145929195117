"""A locked database answers 503 with Retry-After, in problem JSON to the API and as a page (or
an htmx fragment) to a browser, never a bare 500."""

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.problems import database_unavailable
from api.settings import get_settings
from tests.databases import is_postgres


@pytest.fixture
def write_lock(client: TestClient) -> Iterator[None]:
    """Another process's long write, held for the whole test: SQLite's only write lock, or on
    PostgreSQL a lock on the tables the requests below touch."""
    if is_postgres():
        yield from _postgres_lock()
        return
    path = sa.engine.make_url(get_settings().database_url).database
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _postgres_lock() -> Iterator[None]:
    import psycopg  # noqa: PLC0415  (only here: SQLite runs need no PostgreSQL driver)

    url: Any = sa.engine.make_url(get_settings().database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as holder:
        holder.execute("LOCK TABLE organization, task IN ACCESS EXCLUSIVE MODE")
        yield
        holder.rollback()


def test_the_api_answers_503_with_retry_after(client: TestClient, write_lock: None) -> None:
    response = client.post("/api/v1/organizations", json={"name": "Riverton Privacy Watch"})
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "try again" in response.json()["detail"]


def test_a_page_answers_503_with_retry_after(client: TestClient, write_lock: None) -> None:
    page = client.post("/tasks/999999/done")
    assert page.status_code == 503
    assert page.headers["retry-after"] == "5"
    assert "text/html" in page.headers["content-type"]
    assert "<html" in page.text.lower() and "try again" in page.text
    fragment = client.post("/tasks/999999/done", headers={"HX-Request": "true"})
    assert fragment.status_code == 503
    assert fragment.headers["retry-after"] == "5"
    assert "<html" not in fragment.text.lower() and "try again" in fragment.text


def test_a_mistake_in_a_statement_stays_a_500() -> None:
    mistake = sa.exc.OperationalError("SELECT nothing", {}, Exception("no such table: nothing"))
    locked = sa.exc.OperationalError("UPDATE x", {}, Exception("database is locked"))
    gone = sa.exc.OperationalError("SELECT 1", {}, Exception(
        "terminating connection due to administrator command"))
    assert not database_unavailable(mistake)
    assert database_unavailable(locked) and database_unavailable(gone)
