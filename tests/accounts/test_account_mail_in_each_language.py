"""Password-reset and invitation emails, through a real SMTP server, speak their recipient's
language: a reset the account's (or, for an account that never chose, the language of the page
that asked for it); an invitation the language its sender picked, by default the sender's. The
moment the link stops working is written as that language writes dates, on the coalition's
clock."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts.service import system_user
from api.alerts import service
from api.auth.models import Role
from api.i18n.catalogs import use_locale
from tests.accounts.test_account_mail_links import ask_for_reset
from tests.alerts.servers import Received, smtp_server
from tests.factories import make_user

PASSWORD = "a long enough passphrase"


@pytest.fixture
def inbox(session: Session) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        service.update_channel_settings(session, system_user(session), {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "accounts@coalition.example"})
        session.commit()
        yield received


def _until(at: datetime, language: str) -> str:
    from api.accounts.emails import _until as until  # noqa: PLC0415

    with use_locale(language):
        return until(at)


def test_a_reset_email_speaks_the_accounts_language(anon_client: TestClient,
                                                    inbox: list[Received],
                                                    frozen_now: datetime) -> None:
    make_user(Role.partner, email="maria@example.org", password=PASSWORD, language="es")
    make_user(Role.partner, email="ann@example.org", password=PASSWORD)
    ask_for_reset(anon_client, "maria@example.org")
    # An account that never chose: the language of the page the request came from.
    anon_client.headers["Accept-Language"] = "es-MX,es;q=0.9"
    ask_for_reset(anon_client, "ann@example.org")
    anon_client.headers["Accept-Language"] = "en-US"
    ask_for_reset(anon_client, "ann@example.org")
    spanish, asked_in_spanish, english = inbox
    expires = frozen_now + timedelta(hours=1)
    for sent in (spanish, asked_in_spanish):
        assert sent.message["Subject"] == "Elija una nueva contraseña de Oversight"
        body = sent.part("plain")
        assert "Alguien pidió elegir una nueva contraseña" in body
        assert f"a más tardar el {_until(expires, 'es')}" in body
        assert "a más tardar el lun 2 mar 2026" in body, body
        assert "Someone" not in body
    assert english.message["Subject"] == "Set a new Oversight password"
    assert f"before {_until(expires, 'en')}" in english.part("plain")
    assert "before Mon Mar 2, 2026" in english.part("plain")


def test_an_invitation_speaks_the_language_its_sender_chose(client_as: Any,
                                                           inbox: list[Received],
                                                           frozen_now: datetime) -> None:
    admin = client_as(Role.admin, name="Josefina Núñez", language="es")
    # By default, the sender's language; the form says so by what it has chosen.
    page = admin.get("/admin/users").text
    assert '<option value="es" lang="es" selected>Español</option>' in page
    assert admin.post("/admin/invitations",
                      data={"email": "nueva@example.org", "role": "lead"}).status_code == 200
    assert admin.post("/admin/invitations", data={"email": "new@example.org", "role": "lead",
                                                  "language": "en"}).status_code == 200
    refused = admin.post("/admin/invitations", data={"email": "x@example.org", "role": "lead",
                                                     "language": "fr"})
    assert refused.status_code == 422 and "Elija uno de los idiomas ofrecidos." in refused.text
    spanish, english = inbox
    expires = frozen_now + timedelta(days=7)
    assert spanish.message["Subject"] == "Tiene una invitación a Oversight"
    assert "Josefina Núñez le invitó al Oversight de su coalición." in spanish.part("plain")
    assert f"a más tardar el {_until(expires, 'es')}" in spanish.part("plain")
    assert english.message["Subject"] == "You are invited to Oversight"
    assert f"before {_until(expires, 'en')}" in english.part("plain")
