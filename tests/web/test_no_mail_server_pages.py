"""With no mail server in force, the alert pages and the administrator's dashboard say so plainly
and point to where one is set up, and the delivery log shows an email alert as not sent for
that reason; once one is set up (here, by an administrator's override), the notices go."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.accounts.service import system_user
from api.alerts import service
from api.alerts.dispatcher import Dispatcher
from api.auth.models import Role
from tests import factories
from tests.web.html import fragment, is_full_page, plain

ALERT_PAGES = ["/alerts", "/alerts/channels", "/alerts/follows", "/alerts/log",
               "/notifications"]
FOR_ADMINS = ("No mail server is set up, so alert emails are not sent: the delivery log shows "
              "them as “not sent: no mail server”, and alerts reach people in the app only.")
FOR_OTHERS = ("No mail server is set up on this instance, so alert emails are not sent; alerts "
              "reach you in the app only. An administrator of this instance can set one up.")
ON_DASHBOARD = ("No mail server is set up, so no email leaves this instance: alert emails are "
                "not sent, and people who forget their password are told to ask an "
                "administrator.")
TO_CHANNELS = '<a href="/alerts/channels#smtp-heading">Set up a mail server</a>'


def full_page(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    assert is_full_page(response.text), path
    return response.text


def set_up_a_mail_server(session: Session) -> None:
    service.update_channel_settings(session, system_user(session), {
        "smtp_host": "mail.coalition.example", "smtp_port": 587})
    session.commit()


def test_the_alert_pages_say_there_is_no_mail_server(
        client: TestClient, client_as: Callable[..., TestClient], session: Session) -> None:
    partner = client_as(Role.partner)
    for path in ALERT_PAGES:
        html = full_page(client, path)
        assert FOR_ADMINS in plain(html) and TO_CHANNELS in html, path
        html = full_page(partner, path)
        assert FOR_OTHERS in plain(html) and TO_CHANNELS not in html, path
    set_up_a_mail_server(session)
    for path in ALERT_PAGES:
        for who in (client, partner):
            assert 'id="no-mail-server"' not in full_page(who, path), path


def test_the_delivery_log_shows_an_email_alert_as_not_sent_for_want_of_a_mail_server(
        client: TestClient, session: Session) -> None:
    actor = system_user(session)
    session.commit()
    clock.freeze(datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    place = factories.make_jurisdiction(session, actor)
    org = factories.make_organization(session, actor)
    campaign = factories.make_campaign(session, actor, jurisdiction_id=place.id,
                                       lead_organization_ids=[org.id])
    body = factories.make_body(session, actor, jurisdiction_id=place.id)
    lead = factories.make_user("partner", session=session, organization_id=org.id, name="Ana Ruiz")
    service.create_rules_from_specs(session, actor, campaign_id=campaign.id, specs=[{
        "subject": "vote", "offsets": ["7d"], "recipients": ["campaign_leads"],
        "channels": ["email"]}])
    session.commit()
    vote_at = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)
    factories.make_vote(session, actor, title="Renew the Flock contract", body_id=body.id,
                        campaign_id=campaign.id, scheduled_at=vote_at)
    dispatcher = Dispatcher()
    try:
        clock.freeze(vote_at - timedelta(days=7, minutes=-1))
        dispatcher.tick()
    finally:
        dispatcher.close()

    html = full_page(client, "/alerts/log?channel=email")
    # The campaign's default rules planned alerts of their own: this is the 7-day one.
    row = next(plain(r.split("</tr>")[0]) for r in html.split('<tr id="alert-')[1:]
               if " 7 days before " in plain(r.split("</tr>")[0]))
    assert "Renew the Flock contract" in row and lead.email in row
    assert row.endswith("skipped Not sent: no mail server.")
    assert FOR_ADMINS in plain(html)


def test_the_administrators_dashboard_says_there_is_no_mail_server(
        client: TestClient, client_as: Callable[..., TestClient], session: Session,
        frozen_now: datetime) -> None:
    html = full_page(client, "/")
    assert ON_DASHBOARD in plain(html) and TO_CHANNELS in html
    # A part of the page asked for by htmx is just that part: the notice stays where it was.
    part = fragment(client, "/", **{"HX-Target": "votes"})
    assert part.status_code == 200 and not is_full_page(part.text)
    assert 'id="no-mail-server"' not in part.text
    # Only an administrator can set up mail; the others are not told about it here.
    for role in (Role.lead, Role.partner, Role.viewer):
        other = full_page(client_as(role), "/")
        assert 'id="no-mail-server"' not in other and "mail server" not in plain(other)
    set_up_a_mail_server(session)
    assert 'id="no-mail-server"' not in full_page(client, "/")
