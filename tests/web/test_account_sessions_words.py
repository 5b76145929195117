"""The account page's list of signed-in browsers names the column of IP addresses for what it
holds, in each language."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.auth.models import Role


@pytest.mark.parametrize(("language", "column", "not_said"), [
    ("en", '<th scope="col">IP address</th>', '<th scope="col">Address</th>'),
    ("es", '<th scope="col">Dirección IP</th>', '<th scope="col">Dirección</th>'),
])
def test_the_sessions_table_says_ip_address(client_as: Callable[..., TestClient], language: str,
                                            column: str, not_said: str) -> None:
    page = client_as(Role.partner, language=language).get("/account")
    assert page.status_code == 200
    assert column in page.text and not_said not in page.text
