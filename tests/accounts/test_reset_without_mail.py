"""The password-reset request: with a mail server in force it promises a link and sends one,
pointing where the app runs; without one it promises nothing and tells people to ask an
administrator. Either way it answers the same for any address."""

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import mail
from api.accounts.service import system_user
from api.alerts import service
from api.auth.models import Role
from tests.alerts.servers import Received, smtp_server
from tests.factories import make_user
from tests.serving import served
from tests.web.html import is_full_page, plain

PASSWORD = "a long enough passphrase"
PROMISE = ("If an account uses that address, a link to set a new password is on its way. "
           "It works once, within an hour.")
ASK_AN_ADMINISTRATOR = ("This instance has no mail server, so no email will be sent. Ask an "
                        "administrator of this instance to reset your password.")


@pytest.fixture(autouse=True)
def empty_maildrop(db: None) -> None:
    shutil.rmtree(mail.maildrop(), ignore_errors=True)


def main_part(html: str) -> str:
    assert is_full_page(html)
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def ask(client: TestClient, path: str, **data: str) -> Any:
    """A form sent as the browser sends it, with the token of the page it came from."""
    from api.auth.tokens import csrf_for

    client.get(path)
    token = csrf_for(client.cookies.get("oversight_presession") or "")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_without_a_mail_server_the_page_sends_people_to_an_administrator(
        anon_client: TestClient) -> None:
    make_user(Role.partner, email="known@example.org", password=PASSWORD)
    page = anon_client.get("/password-reset")
    assert page.status_code == 200
    shown = plain(main_part(page.text))
    assert ASK_AN_ADMINISTRATOR in shown
    assert "Ask for a new password" in shown
    assert "Email me a link" not in shown and "on its way" not in shown

    known = ask(anon_client, "/password-reset", email="known@example.org")
    unknown = ask(anon_client, "/password-reset", email="unknown@example.org")
    assert known.status_code == unknown.status_code == 200
    assert main_part(known.text) == main_part(unknown.text)
    shown = plain(main_part(known.text))
    assert ASK_AN_ADMINISTRATOR in shown and "on its way" not in shown
    # What an administrator who is asked can pass on: the message left in the data directory.
    dropped = list(mail.maildrop().glob("*.eml"))
    assert len(dropped) == 1 and "known@example.org" in dropped[0].read_text()


@pytest.fixture
def inbox(session: Session) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        service.update_channel_settings(session, system_user(session), {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "accounts@coalition.example"})
        session.commit()
        yield received


def test_with_a_mail_server_the_link_is_emailed_and_points_where_the_app_runs(
        anon_client: TestClient, inbox: list[Received]) -> None:
    make_user(Role.partner, email="known@example.org", password=PASSWORD)
    page = anon_client.get("/password-reset")
    assert page.status_code == 200
    shown = plain(main_part(page.text))
    assert "Email me a link" in shown and "mail server" not in shown

    with served("--port", "8123"):
        known = ask(anon_client, "/password-reset", email="known@example.org")
        unknown = ask(anon_client, "/password-reset", email="unknown@example.org")
    assert known.status_code == unknown.status_code == 200
    assert main_part(known.text) == main_part(unknown.text)
    shown = plain(main_part(known.text))
    assert PROMISE in shown and "administrator" not in shown

    # Sent through the administrator's override, not left in the data directory.
    assert not mail.maildrop().exists()
    assert [m.rcpt_tos for m in inbox] == [["known@example.org"]]
    assert inbox[0].message["From"] == "accounts@coalition.example"
    link = re.search(r"http://127\.0\.0\.1:8123(/password-reset/[A-Za-z0-9_-]+)",
                     inbox[0].part("plain"))
    assert link is not None
    assert ask(anon_client, link.group(1), password="new passphrase here").status_code == 303
