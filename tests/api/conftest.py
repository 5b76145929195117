"""Per-collection cases of the shared JSON API contract; clients come from tests/conftest.py."""

import pytest


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    spec = getattr(metafunc.cls, "spec", None)
    if spec is not None and "invalid" in metafunc.fixturenames:
        metafunc.parametrize("invalid", spec.invalid, ids=[name for _, name in spec.invalid])
