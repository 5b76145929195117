"""Each webhook endpoint speaks a language chosen for it (English unless set otherwise): its
messages' words are in that language, delivered to a real HTTP server on 127.0.0.1, while a
generic body's JSON keys stay English. Set on the channels page and in the JSON API."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.alerts import service
from api.alerts.models import WebhookEndpoint
from api.errors import Invalid
from tests import factories
from tests.alerts.conftest import Campaign, Ticks
from tests.alerts.servers import Receiver, webhook_server

VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)  # Thu Apr 2, 6 PM PDT
DUE = datetime(2026, 3, 27, 1, 0, tzinfo=UTC)  # 7 days before


@pytest.fixture
def receiver(session: Session, actor: Any) -> Iterator[Receiver]:
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    session.commit()
    with webhook_server() as found:
        yield found


def _endpoint(session: Session, actor: Any, url: str, **extra: Any) -> WebhookEndpoint:
    endpoint = service.create_endpoint(session, actor, {"name": "Canal", "url": url, **extra})
    session.commit()
    return endpoint


def test_each_endpoint_gets_its_messages_in_its_language(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        receiver: Receiver) -> None:
    english = _endpoint(session, actor, f"{receiver.url}/slack-en", flavor="slack")
    assert english.language == "en"
    _endpoint(session, actor, f"{receiver.url}/slack-es", flavor="slack", language="es")
    _endpoint(session, actor, f"{receiver.url}/generic-es", language="es")
    _endpoint(session, actor, f"{receiver.url}/matrix-es", flavor="matrix", language="es")
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"],
                              channels=["webhook"])
    vote = factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=VOTE_AT)
    ticks()
    ticks.at(DUE + timedelta(seconds=1))
    bodies = {d.path.rsplit("/", 1)[1]: json.loads(d.body) for d in receiver.deliveries}
    link = f"http://127.0.0.1:8000/votes/{vote.id}"

    assert bodies["slack-en"]["text"].startswith("*Vote in 7 days: Renew the Flock contract*")
    assert f"<{link}|Open in Oversight>" in bodies["slack-en"]["text"]
    assert bodies["slack-es"]["text"].startswith(
        "*Votación en 7 días: Renew the Flock contract*")
    assert f"<{link}|Abrir en Oversight>" in bodies["slack-es"]["text"]
    assert "jue 2 abr 2026" in bodies["slack-es"]["text"]
    assert ">Abrir en Oversight</a>" in bodies["matrix-es"]["html"]

    generic = bodies["generic-es"]
    # The keys, kinds and machine values stay as they are; the words are Spanish.
    assert generic["type"] == "alert.vote"
    assert set(generic["data"]) >= {"alert_id", "kind", "title", "headline", "local_time",
                                    "link"}
    assert generic["data"]["kind"] == "vote"
    assert generic["data"]["headline"] == "Votación en 7 días: Renew the Flock contract"
    assert generic["data"]["local_time"].startswith("jue 2 abr 2026")


def test_the_test_message_speaks_the_endpoints_language(
        session: Session, actor: Any, receiver: Receiver) -> None:
    endpoint = _endpoint(session, actor, f"{receiver.url}/slack", flavor="slack", language="es")
    result = service.send_test_webhook(session, actor, endpoint.id)
    assert result.ok, result
    [delivery] = receiver.deliveries
    assert "Alerta de prueba para Canal" in json.loads(delivery.body)["text"]


def test_a_language_not_offered_is_refused(session: Session, actor: Any) -> None:
    with pytest.raises(Invalid) as refused:
        service.create_endpoint(session, actor, {"name": "x", "url": "https://example.org/h",
                                                 "language": "fr"})
    assert refused.value.field == "language"
    endpoint = _endpoint(session, actor, "https://example.org/h")
    with pytest.raises(Invalid):
        service.update_endpoint(session, actor, endpoint.id, {"language": "klingon"})
    session.rollback()
    changed = service.update_endpoint(session, actor, endpoint.id, {"language": "es"})
    assert changed.language == "es"


def test_the_api_and_the_channels_page_set_the_language(client: TestClient) -> None:
    made = client.post("/api/v1/alerts/webhooks", json={
        "name": "Slack", "url": "https://hooks.example.org/a", "flavor": "slack",
        "language": "es"})
    assert made.status_code == 201, made.text
    assert made.json()["language"] == "es"
    endpoint_id = made.json()["id"]
    changed = client.patch(f"/api/v1/alerts/webhooks/{endpoint_id}", json={"language": "en"})
    assert changed.status_code == 200 and changed.json()["language"] == "en"
    refused = client.post("/api/v1/alerts/webhooks", json={
        "name": "X", "url": "https://hooks.example.org/b", "language": "de"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "language"

    page = client.get("/alerts/channels")
    assert 'name="language"' in page.text and '<option value="es" lang="es">Español' \
        in page.text
    added = client.post("/alerts/webhooks", data={
        "name": "Canal de Matrix", "url": "https://hooks.example.org/c", "flavor": "matrix",
        "language": "es", "reads": "coalition"})
    assert added.status_code == 201, added.text
    listed = {e["name"]: e["language"] for e in client.get("/api/v1/alerts/webhooks").json()}
    assert listed["Canal de Matrix"] == "es"
    wrong = client.post("/alerts/webhooks", data={
        "name": "Otro", "url": "https://hooks.example.org/d", "language": "xx"})
    assert wrong.status_code == 422
    assert 'id="language-error"' in wrong.text
