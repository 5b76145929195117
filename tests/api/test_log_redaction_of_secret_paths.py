"""A secret in a path is redacted however the path is written: a feed address without its .ics,
with .ICS or another suffix, any path name in capitals, a secret with percent escapes; a
record's id after the same path names stays readable."""

import logging
import time
from typing import Any

import httpx
import pytest
from sqlmodel import Session
from uvicorn.logging import AccessFormatter

from api.alerts import service as alerts
from api.auth.models import Role, User
from api.auth.tokens import new_token
from api.db import get_engine
from api.log_redaction import REDACTED, RedactSecrets, redact
from tests.factories import make_user
from tests.serving import serving

ACCESS_LINE = '%s - "%s %s HTTP/%s" %d'


def access_line(path: str) -> str:
    """The access log line uvicorn writes for a request to the path, through the filter."""
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, ACCESS_LINE,
                               ("192.0.2.1:50000", "GET", path, "1.1", 404), None)
    RedactSecrets().filter(record)
    return AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s',
                           use_colors=False).format(record)


@pytest.mark.parametrize(("path", "shown"), [
    ("/feeds/{token}", f"/feeds/{REDACTED}"),
    ("/feeds/{token}.ICS", f"/feeds/{REDACTED}.ICS"),
    ("/feeds/{token}.Ics?download=1", f"/feeds/{REDACTED}.Ics?download=1"),
    ("/FEEDS/{token}.ics", f"/FEEDS/{REDACTED}.ics"),
    ("/Feeds/{token}", f"/Feeds/{REDACTED}"),
    ("/feeds/{token}.ics.txt", f"/feeds/{REDACTED}.ics.txt"),
    ("/feeds/{token}.html", f"/feeds/{REDACTED}.html"),
    ("/feeds/{token}/", f"/feeds/{REDACTED}/"),
    ("/feeds/%61{token}.ics", f"/feeds/{REDACTED}.ics"),
    ("/INVITE/{token}", f"/INVITE/{REDACTED}"),
    ("/Invite/{token}.", f"/Invite/{REDACTED}."),
    ("/PASSWORD-RESET/{token}", f"/PASSWORD-RESET/{REDACTED}"),
    ("/password-reset/{token}?step=2", f"/password-reset/{REDACTED}?step=2"),
    ("/login?next=%2FFEEDS%2F{token}", f"/login?next=%2FFEEDS%2F{REDACTED}"),
    ("/login?next=%2ffeeds%2f{token}.ics", f"/login?next=%2ffeeds%2f{REDACTED}.ics"),
    ("/login?next=%2Finvite%2F{token}", f"/login?next=%2Finvite%2F{REDACTED}"),
])
def test_a_secret_path_is_redacted_whatever_its_case_or_suffix(path: str, shown: str) -> None:
    token = new_token()
    line = access_line(path.format(token=token))
    assert token not in line and token[1:] not in line
    assert f'"GET {shown} HTTP/1.1"' in line


def test_a_secret_in_a_logged_address_is_redacted_whatever_its_case() -> None:
    token = new_token()
    text = redact(f"no answer from HTTPS://crm.example.org/Feeds/{token}.ICS (timeout)")
    assert token not in text
    assert text == f"no answer from HTTPS://crm.example.org/Feeds/{REDACTED}.ICS (timeout)"


@pytest.mark.parametrize("path", ["/api/v1/alerts/feeds/12", "/alerts/feeds/9/delete",
                                  "/feeds/12.ics", "/password-reset", "/feeds"])
def test_a_record_id_after_the_same_names_stays_readable(path: str) -> None:
    assert redact(path) == path


def test_the_served_apps_access_log_hides_a_feed_address_however_it_is_asked_for(
        app: Any, db: None, caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(Role.lead, email="maria@example.org")
    with Session(get_engine()) as s:
        row = s.get(User, user.id)
        assert row is not None
        _, token = alerts.regenerate_feed_token(s, row, kind="user")
        s.commit()
    asked = [f"/feeds/{token}", f"/feeds/{token}.ICS", f"/FEEDS/{token}.ics",
             f"/feeds/{token}.ics", f"/Invite/{token}"]
    access = logging.getLogger("uvicorn.access")
    # Caught at the logger itself: a log configuration may have stopped it passing lines up.
    access.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    try:
        with serving(app, access_log=True) as address, httpx.Client(base_url=address) as browser:
            answers = [browser.get(path).status_code for path in asked]
            deadline = time.monotonic() + 5
            while (len([r for r in caplog.records if r.name == "uvicorn.access"]) < len(asked)
                   and time.monotonic() < deadline):
                time.sleep(0.05)
    finally:
        access.removeHandler(caplog.handler)
    # Only the exact address is the feed; every other spelling is not found, and logged too.
    assert answers[3] == 200 and 500 not in answers
    lines = [caplog.handler.format(r) for r in caplog.records if r.name == "uvicorn.access"]
    assert len(lines) >= len(asked)
    logged = "\n".join(lines)
    assert token not in logged
    for shown in (f"GET /feeds/{REDACTED} ", f"GET /feeds/{REDACTED}.ICS ",
                  f"GET /FEEDS/{REDACTED}.ics ", f"GET /feeds/{REDACTED}.ics ",
                  f"GET /Invite/{REDACTED} "):
        assert shown in logged
