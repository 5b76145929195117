"""The JSON API of alerts, notifications and follows: rules in the playbook shape, refusals that
name the field, the delivery log, settings that never show the password, and who may change
what."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.alerts import service
from api.auth import permissions
from api.auth.models import Role
from api.errors import Forbidden
from tests import factories
from tests.alerts.conftest import START, Campaign, Ticks

VOTE_SPEC = {"subject": "vote", "offsets": ["14d", "7d", "3d", "1d", "0d"],
             "direction": "before", "recipients": ["campaign_leads", "followers"],
             "channels": ["email", "in_app"]}


def test_rules_are_created_listed_changed_and_deleted(
        client: TestClient, world: Campaign) -> None:
    created = client.post("/api/v1/alerts/rules",
                          json={**VOTE_SPEC, "campaign_id": world.campaign.id})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["offsets"] == ["14d", "7d", "3d", "1d", "0d"]
    assert body["name"] == ("14 days, 7 days, 3 days and 1 day before each vote, "
                            "and the morning of it")

    changed = client.patch(f"/api/v1/alerts/rules/{body['id']}", json={"offsets": ["2w", "1d"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["offsets"] == ["2w", "1d"]
    assert changed.json()["recipients"] == ["campaign_leads", "followers"]

    listed = client.get("/api/v1/alerts/rules", params={"campaign_id": world.campaign.id})
    assert [r["id"] for r in listed.json()] == [body["id"]]
    assert client.delete(f"/api/v1/alerts/rules/{body['id']}").status_code == 204
    assert client.get(f"/api/v1/alerts/rules/{body['id']}").status_code == 404


def test_the_defaults_and_the_playbook_shape_over_the_api(
        client: TestClient, world: Campaign) -> None:
    defaults = client.post("/api/v1/alerts/rules/defaults",
                           params={"campaign_id": world.campaign.id})
    assert defaults.status_code == 201, defaults.text
    assert [r["subject"] for r in defaults.json()] == [
        "vote", "notice_deadline", "contract_end", "records_request_due",
        "records_request_due", "task_due", "undecided_escalation"]
    specs = client.post("/api/v1/alerts/rules/specs",
                        json={"campaign_id": world.campaign.id, "specs": [VOTE_SPEC]})
    assert specs.status_code == 201, specs.text


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"offsets": ["soon"]}, "offsets", "is not an offset"),
    ({"offsets": []}, "offsets", "at least 1"),
    ({"recipients": ["everyone"]}, "recipients", "is not a recipient"),
    ({"channels": ["pigeon"]}, "channels", "email"),
    ({"repeat_every": "7d"}, "", "repeat_every only goes with direction 'after'"),
    ({"subject": "birthday"}, "subject", "vote"),
    ({"recipients": ["user:99999"]}, "recipients", "No user with id 99999"),
    ({"campaign_id": 99999}, "campaign_id", "No campaign with id 99999"),
])
def test_bad_rules_are_refused_naming_the_field(
        client: TestClient, world: Campaign, change: dict[str, Any], field: str,
        words: str) -> None:
    response = client.post("/api/v1/alerts/rules",
                           json={**VOTE_SPEC, "campaign_id": world.campaign.id, **change})
    assert response.status_code == 422, response.text
    problem = response.json()
    assert words in problem["detail"]
    if field:
        assert field in {e["field"].split(".")[0] for e in problem["errors"]}


def test_the_delivery_log_shows_each_alert_with_its_attempts(
        client: TestClient, session: Session, actor: Any, world: Campaign,
        ticks: Ticks) -> None:
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["1d"])
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    ticks()
    ticks.at(datetime(2026, 3, 9, 2, 1, tzinfo=UTC))
    page = client.get("/api/v1/alerts/outbox", params={"status": "sent"}).json()
    assert page["total"] == 1
    item = page["items"][0]
    assert (item["channel"], item["occurrence"], item["user_id"]) == (
        "in_app", "-1d", world.lead.id)
    assert item["due_at"].startswith("2026-03-09T02:00:00")
    detail = client.get(f"/api/v1/alerts/outbox/{item['id']}").json()
    assert [a["ok"] for a in detail["attempts_log"]] == [True]
    assert client.get("/api/v1/alerts/outbox", params={"status": "failed"}).json()["total"] == 0


def test_notifications_count_unread_and_mark_read(
        client: TestClient, session: Session, actor: Any, admin: Any, world: Campaign,
        ticks: Ticks) -> None:
    # The signed-in user was made before the test's clock was set; bring it into the test's
    # world so alerts from its time on reach it.
    me = session.merge(admin)
    me.created_at = me.updated_at = START
    session.add(me)
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["2d", "1d"],
                              recipients=[f"user:{admin.id}"])
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        title="Renewal", scheduled_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    ticks()
    ticks.at(datetime(2026, 3, 9, 3, 0, tzinfo=UTC) - timedelta(days=1))
    ticks.at(datetime(2026, 3, 9, 3, 0, tzinfo=UTC))
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    listed = client.get("/api/v1/notifications").json()
    assert [n["title"] for n in listed["items"]] == ["Vote tomorrow: Renewal",
                                                     "Vote in 2 days: Renewal"]
    read = client.post(f"/api/v1/notifications/{listed['items'][0]['id']}/read")
    assert read.status_code == 200 and read.json()["read_at"]
    assert client.get("/api/v1/notifications", params={"unread": True}).json()["total"] == 1
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    assert client.post("/api/v1/notifications/987654/read").status_code == 404


def test_follows_over_the_api(client: TestClient, world: Campaign) -> None:
    made = client.post("/api/v1/follows", json={"subject_kind": "campaign",
                                                 "subject_id": world.campaign.id})
    assert made.status_code == 201, made.text
    assert made.json()["label"] == world.campaign.name
    again = client.post("/api/v1/follows", json={"subject_kind": "campaign",
                                                  "subject_id": world.campaign.id})
    assert again.json()["id"] == made.json()["id"]
    missing = client.post("/api/v1/follows", json={"subject_kind": "body",
                                                    "subject_id": 987654})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "subject_id"
    assert len(client.get("/api/v1/follows").json()) == 1
    assert client.delete(f"/api/v1/follows/{made.json()['id']}").status_code == 204
    assert client.get("/api/v1/follows").json() == []


def test_smtp_settings_never_show_the_stored_password(client: TestClient) -> None:
    saved = client.put("/api/v1/alerts/settings", json={
        "smtp_host": "mail.coalition.example", "smtp_port": 2525,
        "smtp_username": "alerts", "smtp_password": "hunter2-correct-horse",
        "smtp_from": "alerts@coalition.example"})
    assert saved.status_code == 200, saved.text
    assert "hunter2" not in saved.text
    shown = client.get("/api/v1/alerts/settings")
    assert "hunter2" not in shown.text
    assert shown.json()["smtp_password_set"] is True
    assert shown.json()["smtp_host"] == "mail.coalition.example"
    # Saving again without a password keeps it; clearing removes it.
    client.put("/api/v1/alerts/settings", json={"smtp_port": 587})
    assert client.get("/api/v1/alerts/settings").json()["smtp_password_set"] is True
    client.put("/api/v1/alerts/settings", json={"clear_smtp_password": True})
    assert client.get("/api/v1/alerts/settings").json()["smtp_password_set"] is False
    assert "hunter2" not in client.get("/audit").text
    bad = client.put("/api/v1/alerts/settings", json={"smtp_host": "mail\x00host"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "smtp_host"


def test_webhook_endpoints_over_the_api_show_the_secret_once(client: TestClient) -> None:
    client.put("/api/v1/alerts/settings", json={"allow_private_webhooks": True})
    made = client.post("/api/v1/alerts/webhooks", json={
        "name": "Coalition Slack", "url": "http://127.0.0.1:9/hook", "flavor": "slack"})
    assert made.status_code == 201, made.text
    assert made.json()["secret"].startswith("whsec_")
    shown = client.get(f"/api/v1/alerts/webhooks/{made.json()['id']}")
    assert "secret" not in shown.json()
    # Nor is it kept in the audit log, which leads read.
    log = client.get("/audit").text
    assert made.json()["secret"] not in log and "[secret]" in log
    assert shown.json()["reads"] == "coalition"
    narrowed = client.patch(f"/api/v1/alerts/webhooks/{made.json()['id']}",
                            json={"reads": "public"})
    assert narrowed.status_code == 200 and narrowed.json()["reads"] == "public"
    # A channel is never told of one organization's own records.
    private = client.post("/api/v1/alerts/webhooks", json={
        "name": "Ours", "url": "http://127.0.0.1:9/hook", "reads": "private"})
    assert private.status_code == 422
    assert private.json()["errors"][0]["field"] == "reads"
    assert "never of one organization's own" in private.text
    client.put("/api/v1/alerts/settings", json={"allow_private_webhooks": False})
    refused = client.post("/api/v1/alerts/webhooks", json={
        "name": "Inside", "url": "http://10.0.0.8/hook"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "url"


def test_only_leads_and_admins_read_a_webhook_address_or_send_it_a_test(
        client: TestClient, client_as: Any) -> None:
    client.put("/api/v1/alerts/settings", json={"allow_private_webhooks": True})
    made = client.post("/api/v1/alerts/webhooks", json={
        "name": "Coalition Slack", "url": "http://127.0.0.1:9/services/T0/B0/s3cr3tpath",
        "flavor": "slack"}).json()
    lead = client_as(Role.lead)
    assert lead.get(f"/api/v1/alerts/webhooks/{made['id']}").json()["url"].endswith("s3cr3tpath")
    assert "s3cr3tpath" in lead.get("/alerts/channels").text
    for role in (Role.partner, Role.viewer):
        other = client_as(role)
        # The path of a Slack or Discord address is its password; which channels the
        # coalition keeps, and where, is its keepers' to know.
        for path in ("/api/v1/alerts/webhooks", f"/api/v1/alerts/webhooks/{made['id']}",
                     f"/api/v1/alerts/webhooks/{made['id']}/secret"):
            refused = other.get(path)
            assert refused.status_code == 403, path
            assert "127.0.0.1" not in refused.text and "Coalition Slack" not in refused.text
        page = other.get("/alerts/channels")
        assert page.status_code == 200
        assert "127.0.0.1" not in page.text and "Coalition Slack" not in page.text
        assert "No webhooks yet" not in page.text
        assert other.post(f"/api/v1/alerts/webhooks/{made['id']}/test").status_code == 403


def test_preferences_over_the_api(client: TestClient) -> None:
    assert client.get("/api/v1/alerts/preferences").json()["email_mode"] == "immediate"
    saved = client.put("/api/v1/alerts/preferences",
                       json={"email_mode": "digest", "digest_hour": 6,
                             "timezone": "America/Chicago"})
    assert saved.json() == {"email_mode": "digest", "in_app": True, "digest_hour": 6,
                            "timezone": "America/Chicago"}
    bad = client.put("/api/v1/alerts/preferences", json={"timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "timezone"


def test_only_leads_and_admins_change_rules_and_only_admins_change_settings(
        session: Session, actor: Any, world: Campaign) -> None:
    partner = factories.make_user("partner", session=session)
    with pytest.raises(Forbidden):
        factories.make_alert_rule(session, partner, world.campaign.id)
    with pytest.raises(Forbidden):
        service.update_channel_settings(session, world.lead, {"smtp_host": "x.example"})
    lead = factories.make_user("lead", session=session)
    assert factories.make_alert_rule(session, lead, world.campaign.id).id


def test_rules_webhooks_and_mail_settings_refuse_no_one(
        session: Session, actor: Any, world: Campaign) -> None:
    """They name the person who keeps them, so code acting as no one is refused, not let
    half-way through to fail on a missing person."""
    with pytest.raises(Forbidden):
        factories.make_alert_rule(session, None, world.campaign.id)
    with pytest.raises(Forbidden):
        service.update_channel_settings(session, None, {"smtp_host": "x.example"})
    with pytest.raises(Forbidden):
        service.send_test_email(session, None, to="someone@example.org")
    assert not permissions.may_organize_alerts(None) and not permissions.may_set_up_mail(None)


def test_the_delivery_log_shows_others_alerts_only_about_what_the_reader_may_read(
        session: Session, actor: Any, world: Campaign, ticks: Ticks, client: TestClient,
        client_as: Any) -> None:
    ours = factories.make_organization(session, actor)
    theirs = factories.make_organization(session, actor)
    member = factories.make_user("partner", session=session, organization_id=ours.id)
    private = factories.make_records_request(
        session, actor, subject="Quiet-request-about-ICE-queries",
        requester_organization_id=ours.id, visibility="private", status="sent",
        sent_on=START.date() - timedelta(days=10), due_on=START.date() + timedelta(days=3))
    session.commit()
    factories.make_alert_rule(session, actor, None, subject="records_request_due", offsets=["1d"],
                              recipients=["assigned_organization", "campaign_leads"])
    ticks()
    lead, other = client_as("lead"), client_as("partner", organization_id=theirs.id)
    for who in (lead, other):
        log = who.get("/api/v1/alerts/outbox")
        assert log.status_code == 200
        assert "Quiet-request-about-ICE-queries" not in log.text
        assert "Quiet-request-about-ICE-queries" not in who.get("/alerts/log").text
    # An administrator sees every row, among them the member's alert about the request.
    rows = client.get("/api/v1/alerts/outbox").json()["items"]
    mine = [r for r in rows if r["user_id"] == member.id]
    assert mine and private.subject in mine[0]["title"]
    detail = lead.get(f"/api/v1/alerts/outbox/{mine[0]['id']}")
    assert detail.status_code == 404


def test_the_audit_log_keeps_a_webhooks_host_but_neither_its_path_nor_its_secret(
        client: TestClient) -> None:
    client.put("/api/v1/alerts/settings", json={"allow_private_webhooks": True})
    made = client.post("/api/v1/alerts/webhooks", json={
        "name": "Coalition Slack", "url": "http://127.0.0.1:9/services/T0/B0/s3cr3tpath",
        "flavor": "slack"}).json()
    client.patch(f"/api/v1/alerts/webhooks/{made['id']}",
                 json={"url": "http://127.0.0.1:9/services/T0/B0/n3wpath"})
    log = client.get("/api/v1/audit", params={"record_kind": "webhook_endpoint",
                                              "record_id": made["id"]})
    assert log.status_code == 200 and "http://127.0.0.1:9/" in log.text
    for secret in ("s3cr3tpath", "n3wpath", made["secret"]):
        assert secret not in log.text
    assert "[secret]" in log.text
