"""Without a mail server, email alerts are settled at once as "not sent: no mail server" (never
retried for hours, never called sent), in-app alerts still arrive, and a digest settles what it
gathered. "A mail server" is the one in force: the environment or an administrator's override."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from api.alerts import service
from api.alerts.models import Channel, OutboxStatus
from api.settings import get_settings
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, notifications, outbox
from tests.alerts.servers import smtp_server

VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)  # Thu Apr 2, 6 PM PDT
SEVEN_DAYS_BEFORE = VOTE_AT - timedelta(days=7)
NOTE = "Not sent: no mail server."


def _vote(session: Session, actor: Any, world: Campaign, title: str = "Renew the Flock contract",
          at: datetime = VOTE_AT) -> Any:
    return factories.make_vote(session, actor, title=title, body_id=world.body.id,
                               campaign_id=world.campaign.id, scheduled_at=at)


def test_an_email_alert_without_a_mail_server_says_so_and_in_app_ones_arrive(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"],
                              channels=["email", "in_app"])
    _vote(session, actor, world)
    report = ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))
    assert (report.dispatch.sent, report.dispatch.skipped) == (1, 1)
    assert (report.dispatch.failed, report.dispatch.retrying) == (0, 0)
    email = outbox(channel=Channel.email)
    assert [(r.status, r.note, r.last_error, r.attempts, r.sent_at) for r in email] == [
        (OutboxStatus.skipped, NOTE, "", 1, None)]
    assert [r.status for r in outbox(channel=Channel.in_app)] == [OutboxStatus.sent]
    assert [n.title for n in notifications(world.lead.id)] == [
        "Vote in 7 days: Renew the Flock contract"]
    # Settled: later ticks do not try it again.
    ticks.at(SEVEN_DAYS_BEFORE + timedelta(hours=6))
    assert [(r.status, r.attempts) for r in outbox(channel=Channel.email)] == [
        (OutboxStatus.skipped, 1)]


def test_a_digest_without_a_mail_server_settles_what_it_gathered(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    service.update_preferences(session, world.lead, {"email_mode": "digest", "digest_hour": 7,
                                                     "timezone": "America/Los_Angeles"})
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"], channels=["email"])
    _vote(session, actor, world)
    _vote(session, actor, world, title="Policy hearing", at=VOTE_AT + timedelta(hours=1))
    ticks.at(SEVEN_DAYS_BEFORE + timedelta(hours=2))
    # Friday 7 AM in Los Angeles: the digest is due, and there is nothing to send it through.
    ticks.at(datetime(2026, 3, 27, 14, 1, tzinfo=UTC))
    rows = outbox()
    assert {(r.subject_kind, r.status, r.note) for r in rows} == {
        ("digest", OutboxStatus.skipped, NOTE), ("vote", OutboxStatus.skipped, NOTE)}
    assert len(rows) == 3
    # Nothing waits for the next morning's digest.
    ticks.at(datetime(2026, 3, 28, 14, 1, tzinfo=UTC))
    assert len(outbox()) == 3


def test_a_mail_server_counts_from_the_environment_or_an_administrators_override(
        session: Session, actor: Any, world: Campaign) -> None:
    assert not service.mail_server_configured(session)
    from_env = get_settings().model_copy(update={"smtp_host": "mail.coalition.example"})
    assert service.mail_server_configured(session, from_env)

    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"], channels=["email"])
    vote = _vote(session, actor, world)
    with smtp_server() as (port, inbox):
        service.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False})
        session.commit()
        assert service.mail_server_configured(session)
        session.commit()  # on SQLite an open transaction would lock the dispatcher out
        ticks = Ticks()
        try:
            ticks.at(SEVEN_DAYS_BEFORE + timedelta(minutes=1))
        finally:
            ticks.close()
    assert [r.status for r in outbox()] == [OutboxStatus.sent]
    assert [m.rcpt_tos for m in inbox] == [[world.lead.email]]
    assert f"/votes/{vote.id}" in inbox[0].part("plain")


def test_the_test_button_says_there_is_no_mail_server(session: Session, actor: Any) -> None:
    result = service.send_test_email(session, actor)
    session.commit()
    assert not result.ok and result.error == NOTE
