"""Email through a real SMTP server (aiosmtpd on 127.0.0.1): recipients, subject, the vote's
local time and place, the link back; retries while the server is down; the daily digest."""

import email
import email.policy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from api.alerts import service
from api.alerts.channels.email import Email, SmtpConfig, build_message
from api.alerts.models import AlertAttempt, OutboxStatus
from api.db import session_scope
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, outbox
from tests.alerts.servers import Received, free_port, smtp_server

VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)  # Thu Apr 2, 6 PM PDT
SEVEN_DAYS_BEFORE = datetime(2026, 3, 27, 1, 0, tzinfo=UTC)


@pytest.fixture
def inbox(session: Session, actor: Any) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        service.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "alerts@coalition.example"})
        session.commit()
        yield received


def _vote(session: Session, actor: Any, world: Campaign, **rule_spec: Any) -> Any:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"], channels=["email"],
                              **rule_spec)
    return factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=VOTE_AT, location="Council Chambers, 500 Main St")


def test_the_email_names_the_vote_its_local_time_place_and_link(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        inbox: list[Received]) -> None:
    follower = factories.make_user("partner", session=session, name="Bo Lee")
    service.follow(session, follower, subject_kind="body", subject_id=world.body.id)
    session.commit()
    vote = _vote(session, actor, world, recipients=["campaign_leads", "followers"])
    ticks()
    ticks.at(SEVEN_DAYS_BEFORE - timedelta(minutes=1))
    assert inbox == []
    ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))

    assert sorted(r for mail in inbox for r in mail.rcpt_tos) == sorted(
        [world.lead.email, follower.email])
    mail = next(m for m in inbox if m.rcpt_tos == [world.lead.email])
    assert mail.mail_from == "alerts@coalition.example"
    assert mail.message["To"] == world.lead.email
    assert mail.message["Subject"] == "[Oversight] Vote in 7 days: Renew the Flock contract"
    text = mail.part("plain")
    assert "When: Thu Apr 2, 2026 6:00 PM PDT" in text
    assert "Council Chambers, 500 Main St" in text
    assert f"http://127.0.0.1:8000/votes/{vote.id}" in text
    html = mail.part("html")
    assert "Thu Apr 2, 2026 6:00 PM PDT" in html
    assert f'href="http://127.0.0.1:8000/votes/{vote.id}"' in html
    row = outbox(user_id=world.lead.id)[0]
    assert mail.message["Message-ID"] == f"<{row.message_id}@coalition.example>"
    assert row.status == OutboxStatus.sent and not row.late


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_marked_failed(
        session: Session, actor: Any, world: Campaign) -> None:
    service.update_channel_settings(session, actor, {
        "smtp_host": "127.0.0.1", "smtp_port": free_port(), "smtp_starttls": False})
    session.commit()
    _vote(session, actor, world)
    ticks = Ticks(alert_max_attempts=3, alert_retry_base_seconds=60)
    try:
        ticks.at(SEVEN_DAYS_BEFORE + timedelta(seconds=5))
        row = outbox()[0]
        assert (row.status, row.attempts) == (OutboxStatus.pending, 1)
        assert row.next_attempt_at == SEVEN_DAYS_BEFORE + timedelta(seconds=65)
        assert "ConnectionRefused" in row.last_error

        ticks.at(SEVEN_DAYS_BEFORE + timedelta(seconds=64))  # not yet
        assert outbox()[0].attempts == 1
        ticks.at(SEVEN_DAYS_BEFORE + timedelta(seconds=66))
        row = outbox()[0]
        assert (row.status, row.attempts) == (OutboxStatus.pending, 2)
        assert row.next_attempt_at == SEVEN_DAYS_BEFORE + timedelta(seconds=66 + 120)
        ticks.at(SEVEN_DAYS_BEFORE + timedelta(seconds=66 + 121))
        row = outbox()[0]
        assert (row.status, row.attempts) == (OutboxStatus.failed, 3)
        assert row.sent_at is None
    finally:
        ticks.close()
    with session_scope(read_only=True) as s:
        tries = s.exec(select(AlertAttempt).where(AlertAttempt.outbox_id == row.id)).all()
        assert [t.ok for t in tries] == [False, False, False]


def test_the_daily_digest_gathers_a_users_alerts_into_one_email(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        inbox: list[Received]) -> None:
    service.update_preferences(session, world.lead, {"email_mode": "digest", "digest_hour": 7,
                                                     "timezone": "America/Los_Angeles"})
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d", "3d"],
                              channels=["email"])
    first = factories.make_vote(session, actor, title="Renewal vote", body_id=world.body.id,
                                campaign_id=world.campaign.id, scheduled_at=VOTE_AT)
    second = factories.make_vote(session, actor, title="Policy hearing", body_id=world.body.id,
                                 campaign_id=world.campaign.id,
                                 scheduled_at=VOTE_AT + timedelta(hours=1))
    ticks()
    rows = outbox()
    assert rows and all(r.via_digest for r in rows)
    # Both 7-day alerts fall due Thursday evening; nothing is sent one by one.
    ticks.at(SEVEN_DAYS_BEFORE + timedelta(hours=2))
    assert inbox == []
    # Friday 7 AM in Los Angeles: one digest with both.
    ticks.at(datetime(2026, 3, 27, 14, 1, tzinfo=UTC))
    assert len(inbox) == 1
    mail = inbox[0]
    assert mail.rcpt_tos == [world.lead.email]
    assert mail.message["Subject"] == \
        "[Oversight] Your daily digest for 2026-03-27: 2 alerts"
    text = mail.part("plain")
    assert "Renewal vote" in text and "Policy hearing" in text
    assert f"/votes/{first.id}" in text and f"/votes/{second.id}" in text
    assert "Thu Apr 2, 2026 6:00 PM PDT" in text
    sent = [r for r in outbox() if r.occurrence == "-7d"]
    digest = [r for r in outbox() if r.subject_kind == "digest"]
    assert len(digest) == 1 and digest[0].status == OutboxStatus.sent
    assert {r.status for r in sent} == {OutboxStatus.sent}
    assert {r.digest_id for r in sent} == {digest[0].id}
    # A later tick the same day sends no second digest.
    ticks.at(datetime(2026, 3, 27, 20, 0, tzinfo=UTC))
    assert len(inbox) == 1


def test_the_test_button_sends_with_the_settings_in_force(
        session: Session, actor: Any, inbox: list[Received]) -> None:
    actor.email = "admin@coalition.example"
    session.add(actor)
    session.commit()
    result = service.send_test_email(session, actor)
    session.commit()
    assert result.ok, result
    assert inbox[0].rcpt_tos == ["admin@coalition.example"]
    assert "Test alert from Oversight" in inbox[0].message["Subject"]


def test_an_alert_keeps_its_long_link_and_accents_whole_on_the_wire(
        session: Session, actor: Any, world: Campaign, inbox: list[Received]) -> None:
    base = "https://oversight.riverton-coalition-against-license-plate-readers.example.org/crm"
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"], channels=["email"])
    vote = factories.make_vote(session, actor, title="Renovación del contrato de cámaras",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=VOTE_AT, location="Salón del Concejo")
    ticks = Ticks(base_url=base)
    try:
        ticks()
        ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))
    finally:
        ticks.close()
    [mail] = inbox
    link = f"{base}/votes/{vote.id}"
    assert link in mail.part("plain") and "Salón del Concejo" in mail.part("html")
    # Not quoted-printable, whose soft line breaks cut a long link in two.
    lines = [line.rstrip(b"\r") for line in mail.raw.splitlines()]
    assert f"Open in Oversight: {link}".encode() in lines
    body = mail.raw.replace(b"\r\n", b"\n").partition(b"\n\n")[2]
    assert b"quoted-printable" not in body
    assert [line for line in body.splitlines()
            if line.endswith(b"=") and not line.startswith(b"--==")] == []
    assert "Renovación".encode() in body
    assert "BODY=8BITMIME" in mail.mail_options


@pytest.mark.parametrize("subject", [
    "[Oversight] Undecided, not met in 30 days: Ana Okafor, before Votación de prueba "
    "(in 7 days)",
    "[Oversight] Sin decidir y sin reunión en 30 días: Ana Okafor, antes de Votación de prueba "
    "(en 7 días)",
    "[Oversight] Vote in 7 days: Renew the Flock contract"])
def test_a_subject_reads_back_as_written_with_no_doubled_spaces(subject: str) -> None:
    config = SmtpConfig(host="127.0.0.1", port=25, username="", password="", starttls=False,
                        sender="alerts@coalition.example", timeout=5)
    message = build_message(config, Email(to="ana@example.org", subject=subject, text="x\n",
                                          html="<p>x</p>", message_id="m1"),
                            now=datetime(2026, 3, 27, 1, 0, tzinfo=UTC))
    read = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert read["Subject"] == subject
