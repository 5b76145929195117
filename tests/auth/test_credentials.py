"""The identity check's read of a credential: one statement, its user shared between requests
only while nothing has changed, and its connection handed back as it was taken."""

from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.auth import credentials
from api.auth.models import Role, TokenScope
from api.db import get_engine
from tests.conftest import api_token
from tests.factories import make_user
from tests.statements import statements


def _rename_elsewhere(user_id: int, name: str) -> None:
    # As another process would: its own connection, plain SQL.
    with get_engine().begin() as connection:
        connection.execute(sa.text("UPDATE app_user SET name = :name WHERE id = :id"),
                           {"name": name, "id": user_id})


def test_a_user_renamed_elsewhere_shows_at_the_next_request(
        client_as: Callable[..., TestClient]) -> None:
    browser = client_as(Role.lead, name="Rosa Parks")
    assert "Rosa Parks" in browser.get("/account").text
    _rename_elsewhere(browser.user.id, "Rosa Louise Parks")  # type: ignore[attr-defined]
    assert "Rosa Louise Parks" in browser.get("/account").text


def test_a_newer_version_drops_the_users_read_under_older_ones(
        client_as: Callable[..., TestClient]) -> None:
    browser = client_as(Role.viewer, name="Ida Wells")
    user_id = browser.user.id  # type: ignore[attr-defined]
    assert browser.get("/account").status_code == 200
    assert [u.name for u in credentials.kept_users.by_row.values()] == ["Ida Wells"]
    _rename_elsewhere(user_id, "Ida B. Wells")
    assert browser.get("/account").status_code == 200
    # What the older version read is gone from memory, not merely passed over.
    assert [u.name for u in credentials.kept_users.by_row.values()] == ["Ida B. Wells"]


def test_a_session_and_a_token_are_each_read_in_one_statement(
        client_as: Callable[..., TestClient]) -> None:
    browser = client_as(Role.lead)
    token = api_token(browser.user, TokenScope.read)  # type: ignore[attr-defined]
    with statements() as seen:
        session_found = credentials.session_seen(browser.cookies["oversight_session"])
        token_found = credentials.token_seen(token)
    assert len(seen) == 2
    assert session_found is not None and token_found is not None
    assert session_found.user.id == token_found.user.id == browser.user.id  # type: ignore[attr-defined]
    assert token_found.credential.scope == TokenScope.read
    assert session_found.version == token_found.version


def test_a_token_of_a_disabled_user_is_not_found(db: None) -> None:
    user = make_user(Role.partner)
    token = api_token(user)
    assert credentials.token_seen(token) is not None
    with get_engine().begin() as connection:
        connection.execute(sa.text("UPDATE app_user SET is_active = :no WHERE id = :id"),
                           {"no": False, "id": user.id})
    assert credentials.token_seen(token) is None


def test_the_identity_check_hands_its_connection_back_as_it_took_it(
        client_as: Callable[..., TestClient]) -> None:
    browser = client_as(Role.lead)
    engine = get_engine()
    for _ in range(3):
        assert credentials.session_seen(browser.cookies["oversight_session"]) is not None
    # Every connection in the pool, the ones the identity check used among them, as the app's
    # sessions expect: on SQLite, SQLAlchemy (not pysqlite) begins transactions; on PostgreSQL,
    # not in autocommit and not inside a transaction.
    pooled = [engine.raw_connection() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    try:
        assert pooled
        for proxy in pooled:
            raw = proxy.dbapi_connection
            if engine.dialect.name == "sqlite":
                assert raw.isolation_level is None  # type: ignore[union-attr]
                assert not raw.in_transaction  # type: ignore[union-attr]
            else:
                assert raw.autocommit is False  # type: ignore[union-attr]
                assert raw.info.transaction_status.name == "IDLE"  # type: ignore[union-attr]
    finally:
        for proxy in pooled:
            proxy.close()
