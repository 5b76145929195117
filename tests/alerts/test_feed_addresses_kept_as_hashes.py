"""Calendar feed addresses are kept only as hashes: the address is given once, when it is made
(in the JSON answer, and on the page that says so), the database holds its hash and never the
secret, a feed is found by that hash, and the list of feeds names no address."""

import hashlib
import re

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.alerts import service
from api.alerts.models import FeedToken
from api.db import get_engine
from tests.alerts.conftest import Campaign
from tests.web.html import plain

ONCE = "it is shown only this once"


def _stored() -> list[tuple[object, ...]]:
    with get_engine().connect() as conn:
        return [tuple(row) for row in conn.execute(sa.select(FeedToken.__table__))]  # type: ignore[attr-defined]


def _secret(path: str) -> str:
    found = re.fullmatch(r"/feeds/([A-Za-z0-9_-]{40,})\.ics", path)
    assert found is not None, path
    return found.group(1)


def test_the_api_gives_the_address_once_and_keeps_only_its_hash(
        client: TestClient, world: Campaign) -> None:
    made = client.post("/api/v1/alerts/feeds",
                       json={"kind": "campaign", "scope_id": world.campaign.id})
    assert made.status_code == 201, made.text
    secret = _secret(made.json()["path"])

    stored = _stored()
    assert len(stored) == 1
    assert secret not in repr(stored)
    assert hashlib.sha256(secret.encode()).hexdigest() in stored[0]

    feed = client.get(made.json()["path"])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    # What the database holds is no address.
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert client.get(f"/feeds/{digest}.ics").status_code == 404

    [listed] = client.get("/api/v1/alerts/feeds").json()
    assert listed["id"] == made.json()["id"] and "path" not in listed
    assert secret not in client.get("/api/v1/alerts/feeds").text


def test_the_service_finds_a_feed_by_the_hash_of_its_secret(session: Session,
                                                            world: Campaign) -> None:
    token, raw = service.regenerate_feed_token(session, world.lead, kind="user")
    session.commit()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest() != raw
    found = service.feed_owner(session, raw)
    assert found is not None and found.id == token.id
    assert service.feed_owner(session, token.token_hash) is None
    assert service.feed_owner(session, raw.upper() if raw != raw.upper() else raw.lower()) \
        is None


def test_the_page_shows_a_new_address_once_and_says_so(client: TestClient,
                                                       world: Campaign) -> None:
    before = plain(client.get("/alerts/follows").text)
    assert "An address is shown once, when it is made" in before

    made = client.post("/alerts/feeds", data={"kind": "body", "scope_id": world.body.id},
                       follow_redirects=False)
    assert made.status_code == 200, made.text
    shown = plain(made.text)
    assert ONCE in shown
    address = re.search(r'href="(/feeds/[^"]+\.ics)"', made.text)
    assert address is not None
    secret = _secret(address.group(1))
    assert f"http://127.0.0.1:8000{address.group(1)}" in shown
    assert client.get(address.group(1)).status_code == 200

    again = client.get("/alerts/follows")
    assert again.status_code == 200
    assert secret not in again.text and ONCE not in plain(again.text)
    assert f"Body: {world.body.name}" in plain(again.text)

    # A new address retires the old one, and is shown once in its turn.
    renewed = client.post("/alerts/feeds", data={"kind": "body", "scope_id": world.body.id})
    newer = re.search(r'href="(/feeds/[^"]+\.ics)"', renewed.text)
    assert newer is not None and newer.group(1) != address.group(1)
    assert client.get(address.group(1)).status_code == 404
    assert client.get(newer.group(1)).status_code == 200
