"""Fixtures of the JSON API tests, and the per-collection cases of the shared contract."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture(scope="session")
def app() -> FastAPI:
    # Building the app takes a tenth of a second; it holds no state, so one serves every test.
    return create_app()


@pytest.fixture
def client(db: None, app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    spec = getattr(metafunc.cls, "spec", None)
    if spec is not None and "invalid" in metafunc.fixturenames:
        metafunc.parametrize("invalid", spec.invalid, ids=[name for _, name in spec.invalid])
