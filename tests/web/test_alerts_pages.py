"""The alert pages: rules per campaign, channels with the webhook test button, following and
calendar feeds, the delivery log, notifications with the unread count in the header. Forms
refuse bad input inline with 422, never a server error."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock, public_url
from api.accounts.service import system_user
from api.alerts import service
from api.alerts.dispatcher import Dispatcher
from tests import factories
from tests.alerts.servers import webhook_server
from tests.conftest import sign_in

START = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(db: None) -> Iterator[None]:
    clock.freeze(START)
    yield
    clock.set_clock(None)


@pytest.fixture
def actor(session: Session) -> Any:
    from api.accounts.service import system_user

    user = system_user(session)
    # Made before the clock was set; alerts reach it from the test's time on.
    user.created_at = user.updated_at = START
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def campaign(session: Session, actor: Any) -> Any:
    place = factories.make_jurisdiction(session, actor)
    found = factories.make_campaign(session, actor, name="Riverton: No Renewal",
                                    jurisdiction_id=place.id)
    body = factories.make_body(session, actor, jurisdiction_id=place.id,
                               name="Riverton City Council")
    return SimpleNamespace(id=found.id, body=body)


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "<!doctype html>" in response.text  # the full page, with the layout
    return response.text


def test_the_rules_page_lists_adds_edits_and_deletes_rules(
        client: TestClient, campaign: Any) -> None:
    html = page(client, f"/alerts?campaign_id={campaign.id}")
    assert "No alert rules for this campaign yet." in html
    assert "Riverton: No Renewal" in html

    made = client.post("/alerts/rules", data={
        "campaign_id": campaign.id, "subject": "vote", "offsets": "14d, 7d, 0d",
        "direction": "before", "recipients": ["campaign_leads", "followers"],
        "channels": ["email", "in_app"], "enabled": "1"}, follow_redirects=False)
    assert made.status_code == 303
    html = plain(page(client, made.headers["location"]))
    assert "14 days and 7 days before each vote, and the morning of it" in html
    # A group or a channel after the first is said mid-sentence, in lower case.
    assert "Campaign leads and followers" in html
    assert "Email and in-app" in html
    client.post("/account/language", data={"language": "es"})
    html = plain(page(client, made.headers["location"]))
    assert "Líderes de campaña y personas que siguen el registro" in html
    assert "Líderes de campaña, Seguidores" not in html
    client.post("/account/language", data={"language": "en"})

    [rule] = service.list_rules(*_session_actor(client), campaign_id=campaign.id)
    edit = page(client, f"/alerts/rules/{rule.id}")
    assert 'value="14 days, 7 days, 0 days"' in edit
    saved = client.post(f"/alerts/rules/{rule.id}", data={
        "subject": "vote", "offsets": "3d", "direction": "before",
        "recipients": ["campaign_leads"], "channels": ["in_app"]}, follow_redirects=False)
    assert saved.status_code == 303
    html = plain(page(client, f"/alerts?campaign_id={campaign.id}"))
    assert "3 days before each vote" in html and "off" in html

    deleted = client.post(f"/alerts/rules/{rule.id}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    assert "No alert rules for this campaign yet." in page(
        client, f"/alerts?campaign_id={campaign.id}")


def _session_actor(client: TestClient) -> tuple[Session, Any]:
    from api.accounts.service import system_user
    from api.db import new_session

    session = new_session(read_only=True)
    return session, system_user(session)


def test_a_bad_rule_is_refused_inline_keeping_what_was_typed(
        client: TestClient, campaign: Any) -> None:
    response = client.post("/alerts/rules", data={
        "campaign_id": campaign.id, "subject": "vote", "offsets": "14d, soon",
        "direction": "before", "recipients": ["campaign_leads"], "channels": ["email"]})
    assert response.status_code == 422
    html = response.text
    assert "<!doctype html>" in html
    assert "&#39;soon&#39; is not an offset like 14d" in html
    assert 'aria-invalid="true"' in html
    assert 'value="14 days, soon"' in html
    nothing = client.post("/alerts/rules", data={"campaign_id": campaign.id, "subject": "vote",
                                                  "offsets": "1d", "channels": ["email"]})
    assert nothing.status_code == 422
    assert "at least 1 item" in nothing.text


def test_the_default_rules_button(client: TestClient, campaign: Any) -> None:
    made = client.post("/alerts/defaults", data={"campaign_id": campaign.id},
                       follow_redirects=False)
    assert made.status_code == 303
    html = plain(page(client, f"/alerts?campaign_id={campaign.id}"))
    assert "90 days, 60 days, 30 days and 7 days before each contract termination-notice" in html
    assert "7 days after each records request due date, then every 7 days" in html


def test_the_channels_page_keeps_the_password_to_itself(client: TestClient) -> None:
    saved = client.post("/alerts/channels/smtp", data={
        "smtp_host": "mail.coalition.example", "smtp_port": "2525", "smtp_username": "alerts",
        "smtp_password": "hunter2-correct-horse", "smtp_from": "alerts@coalition.example",
        "smtp_starttls": "1"}, follow_redirects=False)
    assert saved.status_code == 303
    html = page(client, "/alerts/channels")
    assert 'value="mail.coalition.example"' in html and 'value="2525"' in html
    assert "hunter2" not in html
    assert "stored; leave blank to keep it" in html

    bad = client.post("/alerts/channels/smtp", data={"smtp_host": "mail.example",
                                                     "smtp_port": "smtp"})
    assert bad.status_code == 422
    assert 'id="smtp_port-error"' in bad.text
    assert "hunter2" not in bad.text


def test_webhooks_are_added_refused_inline_and_tested_from_the_page(
        client: TestClient) -> None:
    refused = client.post("/alerts/webhooks", data={"name": "Inside",
                                                    "url": "http://192.168.1.20/hook"})
    assert refused.status_code == 422
    assert "private, loopback or link-local" in refused.text
    assert 'value="http://192.168.1.20/hook"' in refused.text

    client.post("/alerts/channels/smtp", data={"smtp_host": "", "allow_private_webhooks": "1"})
    with webhook_server() as receiver:
        added = client.post("/alerts/webhooks", data={"name": "Coalition Slack",
                                                      "url": receiver.url, "flavor": "slack",
                                                      "reads": "leads"})
        assert added.status_code == 201
        assert 'data-label="Told of">What the coalition&#39;s leads may read<' in added.text
        secret = re.search(r'<code class="secret">(whsec_[^<]+)</code>', added.text)
        assert secret is not None
        assert secret.group(1) not in page(client, "/alerts/channels")  # shown once

        endpoint_id = int(re.search(r'id="webhook-(\d+)"', added.text).group(1))  # type: ignore[union-attr]
        tested = client.post(f"/alerts/webhooks/{endpoint_id}/test")
        assert tested.status_code == 200
        result = re.search(rf'id="webhook-{endpoint_id}-result"[^>]*>([^<]*)<', tested.text)
        assert result is not None and result.group(1) == "Test delivered (HTTP 200)."
        assert len(receiver.deliveries) == 1
        assert receiver.deliveries[0].json == {"text": receiver.deliveries[0].json["text"]}

    html = plain(page(client, "/alerts/log"))
    assert "Test alert for Coalition Slack" in html
    assert "Webhook: Coalition Slack" in html


def test_following_preferences_and_calendar_feeds(
        client: TestClient, campaign: Any) -> None:
    followed = client.post("/alerts/follows", data={"subject_kind": "body",
                                                    "body_id": campaign.body.id},
                           follow_redirects=False)
    assert followed.status_code == 303
    html = plain(page(client, "/alerts/follows"))
    assert "body: Riverton City Council" in html

    nothing = client.post("/alerts/follows", data={"subject_kind": "contract"})
    assert nothing.status_code == 422 and "Choose what to follow." in nothing.text

    bad = client.post("/alerts/preferences", data={"email_mode": "digest", "digest_hour": "7",
                                                   "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert 'id="timezone-error"' in bad.text and 'value="Mars/Olympus"' in bad.text
    late = client.post("/alerts/preferences", data={"email_mode": "digest",
                                                    "digest_hour": "25", "timezone": "UTC"})
    assert late.status_code == 422 and 'id="digest_hour-error"' in late.text
    good = client.post("/alerts/preferences", data={"email_mode": "digest", "digest_hour": "6",
                                                    "timezone": "America/Chicago", "in_app": "1"},
                       follow_redirects=False)
    assert good.status_code == 303
    html = page(client, "/alerts/follows")
    assert 'value="America/Chicago"' in html and 'value="digest" checked' in html

    # The address is on the answer to making it, and only there.
    made = client.post("/alerts/feeds", data={"kind": "campaign", "scope_id": campaign.id},
                       follow_redirects=False)
    assert made.status_code == 200
    address = re.search(r'href="(/feeds/[^"]+\.ics)"', made.text)
    assert address is not None
    assert "Campaign: Riverton: No Renewal" in plain(made.text)
    # Whole, to paste into a calendar app.
    assert f"{public_url.base_url()}{address.group(1)}</a>" in made.text
    assert client.get(address.group(1)).status_code == 200
    html = page(client, "/alerts/follows")
    assert "Campaign: Riverton: No Renewal" in plain(html)
    assert address.group(1) not in html


def test_notifications_show_in_the_list_and_as_a_count_in_the_header(
        client: TestClient, session: Session, actor: Any, admin: Any, campaign: Any) -> None:
    # The signed-in user was made "now"; alerts reach users only from their creation on.
    me = session.merge(admin)
    me.created_at = me.updated_at = datetime(2026, 1, 1, tzinfo=UTC)
    session.commit()
    service.create_rules_from_specs(session, actor, campaign_id=campaign.id, specs=[{
        "subject": "vote", "offsets": ["2d", "1d"], "recipients": [f"user:{admin.id}"],
        "channels": ["in_app"]}])
    session.commit()
    factories.make_vote(session, actor, title="Renew the Flock contract", body_id=campaign.body.id,
                        campaign_id=campaign.id,
                        scheduled_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    dispatcher = Dispatcher()
    try:
        for when in (datetime(2026, 3, 8, 3, 1, tzinfo=UTC),
                     datetime(2026, 3, 9, 3, 0, tzinfo=UTC)):
            clock.freeze(when)
            dispatcher.tick()
    finally:
        dispatcher.close()

    # Days passed on the test's clock, so the morning's browser session timed out: sign in anew.
    sign_in(client, admin)
    html = page(client, "/notifications")
    header = html.split("</header>")[0]
    assert re.search(r'id="unread-count"[^>]*>2</span>', header)
    assert "Vote tomorrow: Renew the Flock contract" in html
    assert "2 unread." in plain(html)
    assert client.get("/notifications/unread-count").text == "2"
    # Other pages show the count in the header too.
    assert re.search(r'id="unread-count"[^>]*>2</span>', page(client, "/alerts/log"))

    first = int(re.search(r'action="/notifications/(\d+)/read"', html).group(1))  # type: ignore[union-attr]
    assert client.post(f"/notifications/{first}/read", follow_redirects=False).status_code == 303
    assert client.get("/notifications/unread-count").text == "1"
    client.post("/notifications/read-all")
    assert client.get("/notifications/unread-count").text == ""
    log = plain(page(client, "/alerts/log"))
    assert "Renew the Flock contract" in log and "sent" in log
    # When an alert is (or was) to go out: scheduled, not "due" ("Vence").
    client.post("/account/language", data={"language": "es"})
    log = page(client, "/alerts/log")
    assert '<th scope="col">Programada para</th>' in log and 'data-label="Programada para"' in log


FORM_PATHS = [
    "/alerts/rules", "/alerts/defaults", "/alerts/rules/1", "/alerts/rules/x/delete",
    "/alerts/channels/smtp", "/alerts/webhooks", "/alerts/webhooks/99/test",
    "/alerts/webhooks/x/delete", "/alerts/follows", "/alerts/follows/9/delete",
    "/alerts/preferences", "/alerts/feeds", "/alerts/feeds/9/delete",
    "/notifications/9/read", "/notifications/read-all",
]
GARBAGE = [{}, {"campaign_id": "x", "subject": "\x00", "offsets": "9" * 99,
                "smtp_port": "99999999999", "digest_hour": "-1", "kind": "moon",
                "scope_id": "-4", "url": "javascript:1", "name": "x" * 5000}]


def test_forms_never_answer_with_a_server_error(client: TestClient, campaign: Any) -> None:
    for path in FORM_PATHS:
        for data in GARBAGE:
            response = client.post(path, data=data, follow_redirects=False)
            assert response.status_code < 500, (path, data, response.text[:500])


def test_every_webhook_kind_and_reach_is_said_in_words() -> None:
    from api.alerts.models import WebhookFlavor
    from api.auth.models import Visibility
    from web import words

    assert set(words.WEBHOOK_FLAVOR_WORDS) == {f.value for f in WebhookFlavor}
    assert set(words.ENDPOINT_REACH_WORDS) == {v.value for v in Visibility} - {"private"}


def test_a_refusal_about_a_field_the_form_shows_no_message_for_is_shown_at_the_top(
        client: TestClient) -> None:
    """The user name has no message of its own beside it: a refusal about it still shows."""
    refused = client.post("/alerts/channels/smtp", data={
        "smtp_host": "mail.example", "smtp_username": "al\x01erts",
        "smtp_from": "alerts@coalition.example"})
    assert refused.status_code == 422
    assert "must not contain control characters" in refused.text


def test_the_system_account_is_no_person_to_name(client: TestClient, session: Session,
                                                  campaign: Any) -> None:
    system = system_user(session)
    session.commit()
    page = client.get(f"/alerts?campaign_id={campaign.id}")
    assert page.status_code == 200
    named = re.findall(r'<select id="named_users".*?</select>', page.text, re.S)
    assert named and "<option" in named[0]
    assert all(f'value="{system.id}"' not in block for block in named)
