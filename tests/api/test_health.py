"""The liveness check answers without the database, so a slow database does not restart the app."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.db import get_engine
from tests.databases import rebuild_from_environment

# Nothing listens on port 1, so every connection is refused at once.
UNREACHABLE = "postgresql+psycopg://oversight@127.0.0.1:1/oversight?connect_timeout=2"


def test_healthz_says_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # An uptime check probing with HEAD is answered as GET is, without a body.
    head = client.head("/healthz")
    assert head.status_code == 200 and head.content == b""


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", UNREACHABLE)
    rebuild_from_environment()
    yield
    get_engine().dispose()
    monkeypatch.undo()
    rebuild_from_environment()


def test_healthz_does_not_touch_the_database(unreachable_database: None) -> None:
    client = TestClient(create_app(), raise_server_exceptions=False)
    assert get_engine().url.port == 1
    # The same app cannot serve anything that needs the database (checking a token does)...
    token = {"Authorization": "Bearer ovs_anything"}
    assert client.get("/api/v1/votes", headers=token).status_code == 503
    # ...and still reports itself alive.
    response = client.get("/healthz", headers=token)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_what_start_up_made_is_kept_from_the_collector(client: TestClient) -> None:
    import gc

    # The client started the app; nothing else in the suite freezes objects.
    assert gc.get_freeze_count() > 0
