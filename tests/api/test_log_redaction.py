"""No token reaches a log: the filter on real records, the app's own lines, the access log."""

import logging
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from uvicorn.logging import AccessFormatter

from api import log_redaction
from api.accounts import service as accounts
from api.alerts import service as alerts
from api.auth.models import Role, User
from api.auth.tokens import new_api_token, new_token
from api.db import get_engine
from api.log_redaction import REDACTED, RedactSecrets
from tests.factories import make_user
from tests.serving import served, serving

ACCESS_LINE = '%s - "%s %s HTTP/%s" %d'


def access_record(path: str) -> logging.LogRecord:
    """A record as uvicorn's access logger makes it: the request line in the arguments."""
    return logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, ACCESS_LINE,
                             ("192.0.2.1:50000", "GET", path, "1.1", 200), None)


@pytest.fixture
def secret_links(db: None) -> dict[str, str]:
    """Real links of each kind, by the secret each carries."""
    user = make_user(Role.partner, email="maria@example.org")
    with Session(get_engine()) as s:
        _, invitation = accounts.invite(s, accounts.system_user(s), email="new@example.org",
                                        organization_id=None, role=Role.lead)
        found = accounts.request_reset(s, user.email)
        assert found is not None
        reset = found[1]
        row = s.get(User, user.id)
        assert row is not None
        _, feed = alerts.regenerate_feed_token(s, row, kind="user")
        s.commit()
    return {invitation: f"/invite/{invitation}", reset: f"/password-reset/{reset}",
            feed: f"/feeds/{feed}.ics"}


@pytest.fixture
def without_redaction() -> Iterator[None]:
    """Logging as it is before anything installs the redaction; put back afterwards."""
    factory = logging.getLogRecordFactory()
    loggers = [logging.getLogger(name) for name in log_redaction.SERVER_LOGGERS]
    filters = {logger.name: list(logger.filters) for logger in loggers}
    logging.setLogRecordFactory(logging.LogRecord)
    for logger in loggers:
        logger.filters = [f for f in logger.filters if not isinstance(f, RedactSecrets)]
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)
        for logger in loggers:
            logger.filters = filters[logger.name]


def redacts_everything() -> bool:
    record = logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access", logging.INFO, __file__, 1, ACCESS_LINE,
        ("192.0.2.1:50000", "GET", "/invite/abcdefghijklmnopqrstuvwxyz", "1.1", 200), None)
    app_line = logging.getLogger("api.problems").makeRecord(
        "api.problems", logging.WARNING, __file__, 1, "error on %s",
        ("/password-reset/abcdefghijklmnopqrstuvwxyz",), None)
    server_filtered = all(any(isinstance(f, RedactSecrets) for f in logging.getLogger(n).filters)
                          for n in log_redaction.SERVER_LOGGERS)
    return (server_filtered and "abcdefghij" not in record.getMessage()
            and "abcdefghij" not in app_line.getMessage())


@pytest.mark.parametrize("path", [
    "/invite/{token}",
    "/password-reset/{token}",
    "/feeds/{token}.ics",
    "/feeds/{token}.ics?download=1",
    "/login?next=%2Finvite%2F{token}",
    "/login?next=%2Fpassword-reset%2F{token}",
    "/somewhere?token={token}&page=2",
])
def test_the_filter_redacts_each_token_in_a_real_access_record(path: str) -> None:
    token = new_token()
    record = access_record(path.format(token=token))
    assert RedactSecrets().filter(record) is True
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s',
                           use_colors=False).format(record)
    assert token not in line and token not in record.getMessage()
    assert REDACTED in line and line.startswith('192.0.2.1:50000 - "GET /')
    assert line.endswith('HTTP/1.1" 200 OK')


def test_the_filter_leaves_other_paths_alone_and_hides_api_tokens() -> None:
    for path in ("/password-reset", "/api/v1/feeds/12", "/people?q=maria&page=2", "/login"):
        record = access_record(path)
        RedactSecrets().filter(record)
        assert record.args[2] == path  # type: ignore[index]
    raw = new_api_token()
    record = logging.LogRecord("api", logging.WARNING, __file__, 1, f"token {raw} refused",
                               None, None)
    RedactSecrets().filter(record)
    assert raw not in record.getMessage() and REDACTED in record.getMessage()
    # An argument that is no text, such as the URL httpx logs a request with.
    token = new_token()
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s (%d)",
                               ("GET", httpx.URL(f"https://example.org/invite/{token}"), 7),
                               None)
    RedactSecrets().filter(record)
    assert record.getMessage() == f"HTTP Request: GET https://example.org/invite/{REDACTED} (7)"
    assert record.args[2] == 7  # type: ignore[index]



def test_the_filter_redacts_a_logged_exception() -> None:
    token = new_token()
    try:
        raise RuntimeError(f"no answer from https://example.org/password-reset/{token}")
    except RuntimeError:
        record = logging.getLogger("api.problems").makeRecord(
            "api.problems", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    RedactSecrets().filter(record)
    text = logging.Formatter().format(record)
    assert token not in text and f"/password-reset/{REDACTED}" in text
    assert "Traceback (most recent call last)" in text


def test_the_apps_own_lines_name_no_token(anon_client: TestClient, secret_links: dict[str, str],
                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for link in secret_links.values():
        # A form sent without its anti-forgery token is refused, and the refusal logged with
        # the path it was sent to.
        assert anon_client.post(link, data={"password": "x"}).status_code == 403
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged.count("refused a state-changing request to") == len(secret_links)
    for token in secret_links:
        assert token not in logged
    assert f"/invite/{REDACTED}" in logged and f"/password-reset/{REDACTED}" in logged
    assert f"/feeds/{REDACTED}.ics" in logged


@pytest.fixture
def served_app(app: Any) -> Iterator[str]:
    """The app served by uvicorn in a thread, with its access log on."""
    with serving(app, access_log=True) as address:
        yield address


def test_the_served_apps_access_log_names_no_token(
        served_app: str, secret_links: dict[str, str],
        caplog: pytest.LogCaptureFixture) -> None:
    access = logging.getLogger("uvicorn.access")
    # Caught at the logger itself: a log configuration may have stopped it passing lines up.
    access.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    try:
        with httpx.Client(base_url=served_app) as browser:
            for link in secret_links.values():
                assert browser.get(link).status_code == 200, link
            invitation = next(token for token, link in secret_links.items()
                              if link.startswith("/invite/"))
            assert browser.get(f"/login?next=%2Finvite%2F{invitation}").status_code == 200
        deadline = time.monotonic() + 5
        while (len([r for r in caplog.records if r.name == "uvicorn.access"])
               < len(secret_links) + 1 and time.monotonic() < deadline):
            time.sleep(0.05)
    finally:
        access.removeHandler(caplog.handler)
    lines = [caplog.handler.format(r) for r in caplog.records if r.name == "uvicorn.access"]
    assert len(lines) >= len(secret_links) + 1
    logged = "\n".join(lines)
    for token in secret_links:
        assert token not in logged
    for redacted in (f"GET /invite/{REDACTED}", f"GET /password-reset/{REDACTED}",
                     f"GET /feeds/{REDACTED}.ics", f"GET /login?next=%2Finvite%2F{REDACTED}"):
        assert redacted in logged


def test_the_app_factory_installs_the_redaction(without_redaction: None) -> None:
    from api.app import create_app

    assert not redacts_everything()
    create_app()
    assert redacts_everything()


def test_serve_installs_the_redaction_before_uvicorn_starts(without_redaction: None) -> None:
    assert not redacts_everything()
    with served("--port", "8123"):
        assert redacts_everything()
