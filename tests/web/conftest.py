"""Page tests share one application: building it (every concept's routes) costs more than
most tests, and it keeps no state of its own between requests."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture(scope="session")
def web_app(database_url: str) -> FastAPI:
    from api.app import create_app

    return create_app()


@pytest.fixture
def client(db: None, web_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(web_app, raise_server_exceptions=False) as c:
        yield c
