"""A confirmation the mail server does not take is tried again, later and later, a bounded
number of times, through a real SMTP server (aiosmtpd) that refuses and then accepts; an
internationalized domain is kept and mailed in its ASCII form; a non-ASCII mailbox name a
server cannot take is recorded as failed, not dropped."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from api import clock
from api.auth.models import Role
from api.supporters import reminders
from api.supporters import service as supporters
from api.supporters.models import Supporter
from tests.alerts.servers import Received
from tests.factories.public_pages import Ground
from tests.supporters.mail import instance_mail
from tests.web.html import plain

SLUG = "riverbend-retries"


def _sign_up(session: Session, email: str) -> Supporter:
    supporters.sign_up(session, slug=SLUG, email=email, zip_code="", language="en")
    session.commit()
    return session.exec(select(Supporter).where(
        Supporter.email == supporters.normalized(email))).one()


def _send(session: Session) -> int:
    session.expire_all()
    sent = reminders.send_confirmations(session)
    session.commit()
    session.expire_all()
    return sent


def _wait(inbox: list[Received], count: int) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while len(inbox) < count and datetime.now(UTC) < deadline:
        pass
    assert len(inbox) == count


def test_a_refused_confirmation_is_sent_at_a_later_tick(
        session: Session, actor: Any, published_ground: Ground) -> None:
    with instance_mail(session, actor, refuse=1) as inbox:
        supporter = _sign_up(session, "resident@example.org")
        assert _send(session) == 0
        session.refresh(supporter)
        assert supporter.mailed_at is None and supporter.mail_attempts == 1
        assert "451" in supporter.mail_error
        assert supporter.mail_retry_at is not None
        # Not before its time: the server is given a moment.
        assert _send(session) == 0 and supporter.mail_attempts == 1
        clock.freeze(supporter.mail_retry_at.replace(tzinfo=UTC) + timedelta(seconds=1))
        assert _send(session) == 1
        _wait(inbox, 1)
        assert inbox[0].rcpt_tos == ["resident@example.org"]
        session.refresh(supporter)
        assert supporter.mailed_at is not None and supporter.mail_attempts == 2
        assert _send(session) == 0, "never twice"


def test_the_tries_are_bounded(session: Session, actor: Any, published_ground: Ground,
                               client_as: Any) -> None:
    with instance_mail(session, actor, refuse=100) as inbox:
        supporter = _sign_up(session, "resident@example.org")
        waits = []
        for _ in range(supporters.MAIL_MOST + 2):
            assert _send(session) == 0
            session.refresh(supporter)
            if supporter.mail_retry_at is not None:
                waits.append(supporter.mail_retry_at.replace(tzinfo=UTC) - clock.now())
                clock.freeze(supporter.mail_retry_at.replace(tzinfo=UTC))
        assert supporter.mail_attempts == supporters.MAIL_MOST
        assert waits == sorted(waits) and len(set(waits)) == len(waits), "later and later"
        assert supporter.mail_retry_at is None and supporter.mailed_at is not None
        assert "451" in supporter.mail_error
        assert inbox == []
    # The leads are told, with the server's words, where they count the sign-ups.
    session.commit()
    page = plain(client_as(Role.lead).get(
        f"/campaigns/{published_ground.campaign.id}/public/supporters").text)
    assert "The confirmation mail of 1 sign-up could not be delivered, and will not be tried " \
           "again." in page
    assert "451" in page.split("The mail server's latest answer:", 1)[1]


def test_an_internationalized_domain_is_mailed_in_ascii(
        session: Session, actor: Any, published_ground: Ground) -> None:
    with instance_mail(session, actor) as inbox:
        supporter = _sign_up(session, "User@Bücher.example")
        assert supporter.email == "user@xn--bcher-kva.example"
        assert _send(session) == 1
        _wait(inbox, 1)
        assert inbox[0].rcpt_tos == ["user@xn--bcher-kva.example"]


def test_a_mailbox_name_the_server_cannot_take_is_recorded(
        session: Session, actor: Any, published_ground: Ground) -> None:
    with instance_mail(session, actor, smtputf8=False) as inbox:
        supporter = _sign_up(session, "josé@example.org")
        assert _send(session) == 0
        session.refresh(supporter)
        assert "SMTPUTF8" in supporter.mail_error
        # Never deliverable there: not tried again.
        assert supporter.mail_attempts == 1 and supporter.mail_retry_at is None
        clock.freeze(clock.now() + timedelta(hours=1))
        assert _send(session) == 0
        session.refresh(supporter)
        assert supporter.mail_attempts == 1 and inbox == []
