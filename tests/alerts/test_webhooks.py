"""Webhooks to a real HTTP server on 127.0.0.1: Standard Webhooks signatures and a webhook-id
that stays the same across retries, one successful delivery recorded after a 500, 410 disables,
redirects are not followed, thin bodies, and addresses inside the network refused."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from api.alerts import service
from api.alerts.channels.webhook import sign, verify
from api.alerts.models import AlertAttempt, OutboxStatus, WebhookEndpoint
from api.db import session_scope
from api.errors import Invalid
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, outbox
from tests.alerts.servers import Receiver, webhook_server

VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)  # Thu Apr 2, 6 PM PDT
DUE = datetime(2026, 3, 27, 1, 0, tzinfo=UTC)  # 7 days before


@pytest.fixture
def allow_local(session: Session, actor: Any) -> None:
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    session.commit()


@pytest.fixture
def receiver(allow_local: None) -> Iterator[Receiver]:
    with webhook_server() as found:
        yield found


def _endpoint(session: Session, actor: Any, url: str, **extra: Any) -> WebhookEndpoint:
    endpoint = service.create_endpoint(session, actor, {"name": "Coalition hook", "url": url,
                                                        **extra})
    session.commit()
    return endpoint


def _vote(session: Session, actor: Any, world: Campaign, **extra: Any) -> Any:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"],
                              channels=["webhook"])
    return factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=VOTE_AT, **extra)


def _attempts(outbox_id: int) -> list[AlertAttempt]:
    with session_scope(read_only=True) as s:
        return list(s.exec(select(AlertAttempt).where(AlertAttempt.outbox_id == outbox_id)
                           .order_by(AlertAttempt.id)).all())


def test_a_signed_thin_generic_body_with_the_idempotency_key(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        receiver: Receiver) -> None:
    endpoint = _endpoint(session, actor, receiver.url)
    vote = _vote(session, actor, world, notes="PRIVATE: Okafor's chief of staff leaks to us")
    ticks()
    ticks.at(DUE + timedelta(seconds=30))

    [delivery] = receiver.deliveries
    row = outbox()[0]
    assert delivery.headers["webhook-id"] == row.message_id
    assert delivery.headers["webhook-timestamp"] == str(int((DUE + timedelta(seconds=30))
                                                            .timestamp()))
    assert verify(endpoint.secret, delivery.headers, delivery.body)
    assert not verify(endpoint.secret, delivery.headers, delivery.body + b" ")
    expected = sign(endpoint.secret, row.message_id, int(delivery.headers["webhook-timestamp"]),
                    delivery.body)
    assert delivery.headers["webhook-signature"] == expected
    assert delivery.headers["content-type"] == "application/json"

    body = delivery.json
    assert body["type"] == "alert.vote"
    assert body["data"]["subject_id"] == vote.id
    assert body["data"]["title"] == "Renew the Flock contract"
    assert body["data"]["date"] == "2026-04-03T01:00:00Z"
    assert body["data"]["local_time"] == "Thu Apr 2, 2026 6:00 PM PDT"
    assert body["data"]["link"] == f"http://127.0.0.1:8000/votes/{vote.id}"
    assert "PRIVATE" not in delivery.body.decode() and "notes" not in body["data"]
    assert row.status == OutboxStatus.sent


def test_a_500_then_200_gets_exactly_one_successful_delivery_recorded(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        receiver: Receiver) -> None:
    receiver.answers = [500]
    _endpoint(session, actor, receiver.url)
    _vote(session, actor, world)
    ticks()
    ticks.at(DUE + timedelta(seconds=1))
    row = outbox()[0]
    assert (row.status, row.attempts) == (OutboxStatus.pending, 1)
    assert row.last_error == "The receiver answered 500."
    ticks.at(DUE + timedelta(seconds=62))  # past the 60 s backoff
    ticks.at(DUE + timedelta(seconds=600))  # and later ticks change nothing
    row = outbox()[0]
    assert (row.status, row.attempts) == (OutboxStatus.sent, 2)
    assert [d.status for d in receiver.deliveries] == [500, 200]
    assert len({d.headers["webhook-id"] for d in receiver.deliveries}) == 1
    assert receiver.ok_ids() == {row.message_id: 1}
    attempts = _attempts(row.id)
    assert [(a.ok, a.status_code) for a in attempts] == [(False, 500), (True, 200)]


def test_a_timed_out_send_is_retried_with_the_same_webhook_id(
        session: Session, actor: Any, world: Campaign, receiver: Receiver) -> None:
    receiver.delay = 0.6
    _endpoint(session, actor, receiver.url)
    _vote(session, actor, world)
    ticks = Ticks(webhook_timeout_seconds=0.3)
    try:
        ticks()
        ticks.at(DUE + timedelta(seconds=1))
        row = outbox()[0]
        assert row.status == OutboxStatus.pending and "Timed out" in row.last_error
        receiver.delay = 0
        ticks.at(DUE + timedelta(seconds=62))
    finally:
        ticks.close()
    receiver.wait_for_requests(2)
    # The receiver saw the same id twice (the first answer came too late for the sender), so
    # it can drop the repeat; the outbox records one success.
    ids = [d.headers["webhook-id"] for d in receiver.deliveries]
    assert ids == [outbox()[0].message_id] * 2
    assert [a.ok for a in _attempts(outbox()[0].id)] == [False, True]


def test_a_410_disables_the_endpoint_and_stops_its_alerts(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        receiver: Receiver) -> None:
    receiver.answers = [410]
    endpoint = _endpoint(session, actor, receiver.url)
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d", "3d"],
                              channels=["webhook"])
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=VOTE_AT)
    ticks()
    ticks.at(DUE + timedelta(seconds=1))
    with session_scope(read_only=True) as s:
        stored = s.get(WebhookEndpoint, endpoint.id)
        assert stored is not None and not stored.enabled
        assert "410" in stored.disabled_reason
    ticks.at(VOTE_AT - timedelta(days=2))
    assert len(receiver.deliveries) == 1
    statuses = {r.occurrence: r.status for r in outbox()}
    assert statuses == {"-7d": OutboxStatus.failed, "-3d": OutboxStatus.cancelled}


def test_redirects_are_not_followed(
        session: Session, actor: Any, world: Campaign, ticks: Ticks) -> None:
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    session.commit()
    with webhook_server() as elsewhere, webhook_server(answers=[307]) as first:
        first.redirect_to = elsewhere.url
        _endpoint(session, actor, first.url)
        _vote(session, actor, world)
        ticks()
        ticks.at(DUE + timedelta(seconds=1))
        assert elsewhere.deliveries == []
    row = outbox()[0]
    assert row.status == OutboxStatus.pending
    assert "redirect, not followed" in row.last_error


def test_slack_discord_and_matrix_bodies(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        receiver: Receiver) -> None:
    for flavor in ("slack", "discord", "matrix"):
        _endpoint(session, actor, f"{receiver.url}/{flavor}", flavor=flavor)
    vote = _vote(session, actor, world)
    ticks()
    ticks.at(DUE + timedelta(seconds=1))
    bodies = {d.path.rsplit("/", 1)[1]: json.loads(d.body) for d in receiver.deliveries}
    link = f"http://127.0.0.1:8000/votes/{vote.id}"
    assert bodies["slack"]["text"].startswith("*Vote in 7 days: Renew the Flock contract*")
    assert f"<{link}|Open in Oversight>" in bodies["slack"]["text"]
    assert bodies["discord"]["content"].startswith("**Vote in 7 days")
    assert link in bodies["discord"]["content"]
    assert bodies["discord"]["allowed_mentions"] == {"parse": []}
    assert "Thu Apr 2, 2026 6:00 PM PDT" in bodies["matrix"]["text"]
    assert f'<a href="{link}">' in bodies["matrix"]["html"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://10.1.2.3/hook",
    "http://192.168.0.10/hook", "http://172.16.0.1/hook", "http://169.254.169.254/latest",
    "http://[::1]:9/hook", "http://[fe80::1]/hook", "http://0.0.0.0/hook",
    "http://[::ffff:127.0.0.1]/hook",
])
def test_addresses_inside_the_network_are_refused_at_save(
        session: Session, actor: Any, url: str) -> None:
    with pytest.raises(Invalid) as refused:
        service.create_endpoint(session, actor, {"name": "Inside", "url": url})
    assert refused.value.field == "url"
    assert "private, loopback or link-local" in refused.value.message


@pytest.mark.parametrize("url", ["ftp://example.org/x", "http://", "http://user:pw@x.org/"])
def test_malformed_webhook_urls_are_refused(session: Session, actor: Any, url: str) -> None:
    with pytest.raises(Invalid) as refused:
        service.create_endpoint(session, actor, {"name": "Odd", "url": url})
    assert refused.value.field == "url"


def test_a_private_address_is_refused_at_send_time_when_no_longer_allowed(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        receiver: Receiver) -> None:
    _endpoint(session, actor, receiver.url)
    _vote(session, actor, world)
    ticks()
    service.update_channel_settings(session, actor, {"allow_private_webhooks": False})
    session.commit()
    ticks.at(DUE + timedelta(seconds=1))
    assert receiver.deliveries == []
    row = outbox()[0]
    assert row.status == OutboxStatus.failed
    assert row.last_error.startswith("Refused: 127.0.0.1 is a private")


def test_the_send_test_button_reports_the_receivers_answer(
        session: Session, actor: Any, receiver: Receiver) -> None:
    endpoint = _endpoint(session, actor, receiver.url)
    receiver.answers = [503]
    failed = service.send_test_webhook(session, actor, endpoint.id)
    session.commit()
    ok = service.send_test_webhook(session, actor, endpoint.id)
    session.commit()
    assert (failed.ok, failed.status_code) == (False, 503)
    assert (ok.ok, ok.status_code) == (True, 200)
    assert [d.json["type"] for d in receiver.deliveries] == ["alert.test", "alert.test"]
    assert all(verify(endpoint.secret, d.headers, d.body) for d in receiver.deliveries)
    log = [r for r in outbox() if r.subject_kind == "test"]
    assert sorted(r.status for r in log) == [OutboxStatus.failed, OutboxStatus.sent]
