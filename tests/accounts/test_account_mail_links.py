"""The link in a password-reset or invitation email arrives whole: the text is not sent as
quoted-printable, whose soft line breaks cut a long link in two, so the raw message holds the
whole link on one line and a mail parser reads it back unchanged; accents in the text survive,
through the data directory and through a real SMTP server."""

import email
import email.policy
import re
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import mail
from api.accounts.service import system_user
from api.alerts import service
from api.auth.models import Role
from api.settings import get_settings
from tests.alerts.servers import Received, smtp_server
from tests.factories import make_user

PASSWORD = "a long enough passphrase"
# Long enough that the link alone passes the 76 characters quoted-printable wraps at.
BASE_URL = "https://oversight.riverton-coalition-against-license-plate-readers.example.org/crm"
INVITER = "Josefina Núñez-Ibáñez"


@pytest.fixture(autouse=True)
def long_links(db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    shutil.rmtree(mail.maildrop(), ignore_errors=True)
    monkeypatch.setenv("OVERSIGHT_BASE_URL", BASE_URL)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def ask_for_reset(client: TestClient, address: str) -> None:
    from api.auth.tokens import csrf_for  # noqa: PLC0415

    client.get("/password-reset")
    token = csrf_for(client.cookies.get("oversight_presession") or "")
    answer = client.post("/password-reset", data={"email": address, "csrf_token": token},
                         follow_redirects=False)
    assert answer.status_code == 200, answer.text


def dropped() -> bytes:
    files = list(mail.maildrop().glob("*.eml"))
    assert len(files) == 1, files
    return files[0].read_bytes()


def link_in(raw: bytes, kind: str) -> str:
    """The link as a mail program reads it, checked to stand whole on a line of the raw
    message as well."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Content-Transfer-Encoding"] != "quoted-printable"
    text = parsed.get_content()
    found = re.search(rf"{re.escape(BASE_URL)}/{kind}/[A-Za-z0-9_-]{{40,}}", text)
    assert found is not None, text
    link = found.group(0)
    assert len(link) > 78
    lines = [line.rstrip(b"\r") for line in raw.splitlines()]
    assert link.encode() in lines, raw
    assert b"=\n" not in raw.replace(b"\r\n", b"\n")
    return link


def test_a_reset_email_keeps_its_link_whole(anon_client: TestClient) -> None:
    make_user(Role.partner, email="maria@example.org", password=PASSWORD)
    ask_for_reset(anon_client, "maria@example.org")
    link = link_in(dropped(), "password-reset")
    assert anon_client.get(link.removeprefix(BASE_URL)).status_code == 200


def test_an_invitation_from_a_name_with_accents_keeps_its_link_and_accents(
        client_as: Any) -> None:
    admin = client_as(Role.admin, name=INVITER)
    page = admin.post("/admin/invitations", data={"email": "new@example.org", "role": "lead"})
    assert page.status_code == 200, page.text
    raw = dropped()
    link = link_in(raw, "invite")
    assert INVITER.encode() in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert INVITER in parsed.get_content()  # type: ignore[attr-defined]
    assert link in page.text


@pytest.fixture
def inbox(session: Session) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        service.update_channel_settings(session, system_user(session), {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "accounts@coalition.example"})
        session.commit()
        yield received


def test_links_arrive_whole_through_a_mail_server(anon_client: TestClient, client_as: Any,
                                                  inbox: list[Received]) -> None:
    make_user(Role.partner, email="maria@example.org", password=PASSWORD)
    ask_for_reset(anon_client, "maria@example.org")
    admin = client_as(Role.admin, name=INVITER)
    assert admin.post("/admin/invitations",
                      data={"email": "new@example.org", "role": "lead"}).status_code == 200
    assert not mail.maildrop().exists()
    reset, invitation = inbox
    link_in(reset.raw, "password-reset")
    link_in(invitation.raw, "invite")
    assert INVITER.encode() in invitation.raw
    # Text with accents goes as 8bit, declared to a server that takes it.
    assert "BODY=8BITMIME" in invitation.mail_options
