"""Pages made once and given again: only to the same session, never after a write (from this
process, another connection or a bulk statement), never across a minute, and never in place of
a flash message or of the other half of an htmx page."""

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock, data_version, page_cache
from api.auth.models import Role
from api.db import get_engine, new_session
from tests import factories as f
from tests.conftest import sign_in
from tests.statements import statements
from tests.web.html import HX, is_full_page, plain
from web import flash

LIST = "/organizations?q=Quokka"


def _reads(client: TestClient, url: str, **headers: str) -> tuple[Any, int]:
    """The answer, and how many statements the app sent for it."""
    with statements() as seen:
        answer = client.get(url, headers=headers)
    return answer, len(seen)


def test_the_same_page_again_is_given_without_reading_the_records(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_organization(session, actor, name="Quokka Rights Alliance")
    session.commit()
    first, made = _reads(client, LIST)
    again, reused = _reads(client, LIST)
    assert first.status_code == again.status_code == 200
    assert again.text == first.text and "Quokka Rights Alliance" in again.text
    # Made: the identity check's statement (session, user, data version) and the page's own queries.
    # Given again: the identity check's statement alone.
    assert made > 1
    assert reused == 1


def test_a_page_given_again_carries_the_headers_it_was_made_with(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_organization(session, actor, name="Quokka Watch")
    session.commit()
    first = client.get(LIST)
    again = client.get(LIST)
    _, statements_again = _reads(client, LIST)
    assert statements_again == 1
    # Found before routing, but inside the middlewares that add the security, caching and
    # Vary headers: the same headers as when it was made.
    for name in ("content-security-policy", "x-frame-options", "cache-control", "vary",
                 "content-type", "content-length"):
        assert again.headers.get(name) == first.headers.get(name), name
    assert "HX-Request" in again.headers["vary"] and again.headers["cache-control"] == "no-store"


def test_a_record_added_through_the_api_shows_on_the_next_page(
        client: TestClient, session: Session, actor: Any) -> None:
    client.get(LIST)
    made = client.post("/api/v1/organizations", json={"name": "Quokka Defense Fund"})
    assert made.status_code == 201
    assert "Quokka Defense Fund" in client.get(LIST).text


def test_a_row_written_by_another_connection_shows_on_the_next_page(
        client: TestClient, session: Session, actor: Any) -> None:
    # As another process would: its own connection, plain SQL, no ORM events.
    org = f.make_organization(session, actor, name="Quokka Legal Aid")
    session.commit()
    assert "Quokka Legal Aid" in client.get(LIST).text
    engine = sa.create_engine(get_engine().url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE organization SET name = 'Quokka Tenants Union' "
                                 "WHERE id = :id"), {"id": org.id})
    finally:
        engine.dispose()
    page = client.get(LIST).text
    assert "Quokka Tenants Union" in page and "Quokka Legal Aid" not in page


def test_each_session_is_given_only_its_own_page(
        client_as: Any, session: Session, actor: Any) -> None:
    f.make_organization(session, actor, name="Quokka Faith Network")
    session.commit()
    first = client_as(Role.lead, name="Lena Lead")
    second = client_as(Role.lead, name="Omar Organizer")
    mine = first.get(LIST).text
    theirs = second.get(LIST).text
    assert "Lena Lead" in mine and "Omar Organizer" not in mine
    assert "Omar Organizer" in theirs and "Lena Lead" not in theirs
    # Each page carries its own session's anti-forgery token.
    assert first.headers["X-CSRF-Token"] in mine and first.headers["X-CSRF-Token"] not in theirs


def test_the_page_and_its_htmx_fragment_are_kept_apart(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_organization(session, actor, name="Quokka Youth Council")
    session.commit()
    whole = client.get(LIST).text
    part = client.get(LIST, headers=HX).text
    assert is_full_page(whole) and not is_full_page(part)
    assert is_full_page(client.get(LIST).text)
    assert not is_full_page(client.get(LIST, headers=HX).text)


def test_a_flash_message_shows_even_on_a_page_made_before(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_organization(session, actor, name="Quokka Sanctuary Circle")
    session.commit()
    assert "Saved the list" not in client.get(LIST).text
    client.cookies.set(flash.COOKIE, quote(json.dumps(["success", "Saved the list", "", ""])),
                       domain="testserver.local")
    assert "Saved the list" in plain(client.get(LIST).text)


def test_a_page_made_before_midnight_is_not_given_after_it(client: TestClient) -> None:
    # Midnight on the coalition's clock.
    here = clock.home_zone()
    clock.freeze(datetime(2026, 3, 31, 23, 59, 30, tzinfo=here))
    assert "March 2026" in client.get("/calendar").text
    assert "March 2026" in client.get("/calendar").text
    clock.freeze(datetime(2026, 4, 1, 0, 0, 30, tzinfo=here))
    page = client.get("/calendar").text
    assert "April 2026" in page and "March 2026</h" not in page


def test_a_newer_version_empties_what_older_ones_kept(
        app: Any, client: TestClient, session: Session, actor: Any) -> None:
    org = f.make_organization(session, actor, name="Quokka Erased Collective")
    session.commit()
    assert "Quokka Erased Collective" in client.get(LIST).text
    store: page_cache.Store = app.state.page_cache
    assert any(b"Quokka Erased Collective" in kept.body for kept in store.entries.values())
    client.delete(f"/api/v1/organizations/{org.id}")
    client.get("/organizations?q=anything")
    assert not any(b"Quokka Erased Collective" in kept.body for kept in store.entries.values())


def test_the_store_keeps_within_its_bytes_dropping_the_least_recently_used() -> None:
    store = page_cache.Store(max_bytes=40_000)
    start = {"type": "http.response.start", "status": 200, "headers": []}
    version = 1
    assert store.get(("a",), version) is None
    store.put(("a",), version, page_cache.Stored(start, b"a" * 3000))
    store.put(("b",), version, page_cache.Stored(start, b"b" * 3000))
    assert store.get(("a",), version) is not None  # "a" is now the most recently used
    for name in "cdefghijklmnop":
        store.put((name,), version, page_cache.Stored(start, b"x" * 3000))
    assert store.size <= 40_000
    assert store.get(("b",), version) is None
    # Too large to keep: over a tenth of the store.
    store.put(("big",), version, page_cache.Stored(start, b"x" * 5000))
    assert store.get(("big",), version) is None
    # An answer made from an older version is not kept once a newer one was seen.
    assert store.get(("z",), 2) is None
    store.put(("late",), version, page_cache.Stored(start, b"late"))
    assert store.get(("late",), 2) is None and store.entries == {}


def test_no_space_means_every_page_is_made_afresh() -> None:
    from fastapi import FastAPI  # noqa: PLC0415

    assert page_cache.install(FastAPI(), 0) is None


def test_every_counted_table_has_its_counting_triggers(db: None) -> None:
    engine = get_engine()
    dialect = engine.dialect.name
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
        if dialect == "postgresql":
            found = {(row[0], row[1]) for row in conn.exec_driver_sql(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")}
        else:
            found = {(row[0], row[1]) for row in conn.exec_driver_sql(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")}
    counted = data_version.counted(tables)
    assert "organization" in counted and "auth_session" not in counted
    wanted = {(t, name) for t in counted for name in data_version.trigger_names(dialect, t)}
    assert sorted(wanted - found) == []


def test_the_version_moves_with_each_commit_and_not_with_reads(
        session: Session, actor: Any) -> None:
    org = f.make_organization(session, actor, name="Quokka Commit")
    session.commit()
    with new_session(read_only=True) as s:
        before = data_version.current(s)
        s.execute(sa.text("SELECT count(*) FROM organization"))
        assert data_version.current(s) == before
    with get_engine().connect() as conn:
        writing = conn.begin()
        conn.execute(sa.text("UPDATE organization SET notes = 'moved' WHERE id = :id"),
                     {"id": org.id})
        with new_session(read_only=True) as s:
            assert data_version.current(s) == before  # not committed yet
        writing.commit()
    with new_session(read_only=True) as s:
        after = data_version.current(s)
    assert after > before
    with get_engine().begin() as conn:
        conn.execute(sa.text("DELETE FROM organization WHERE id = :id"), {"id": org.id})
    with new_session(read_only=True) as s:
        assert data_version.current(s) > after


def test_a_burst_of_the_same_request_makes_the_page_once(
        app: Any, session: Session, actor: Any, admin: Any) -> None:
    f.make_organization(session, actor, name="Quokka Burst Coalition")
    session.commit()
    raw = sign_in(TestClient(app), admin)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local",
                                     cookies={"oversight_session": raw}) as browser:
            return await asyncio.gather(*(browser.get(LIST) for _ in range(8)))

    # In a thread of its own: a test before this one may have left an event loop running here.
    with statements() as seen, ThreadPoolExecutor(1) as pool:
        answers = pool.submit(asyncio.run, burst()).result()
    assert [a.status_code for a in answers] == [200] * 8
    assert all("Quokka Burst Coalition" in a.text for a in answers)
    listed = [s for s in seen if "FROM organization" in s and "count(" in s.lower()]
    assert len(listed) == 1
