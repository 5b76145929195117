"""Pages offer a user only what the server would accept from them: a partner sees no "Add",
"Edit", "Delete", "Mark won" or "Move" that their role or organization would be refused, and
is refused up front when they open such a form by its address."""

from typing import Any

import pytest
from sqlmodel import Session

from api.auth.models import Role
from tests import factories as f
from tests.web.html import plain

SHARED = {"visibility": "coalition"}


@pytest.fixture
def coalition(session: Session, actor: Any) -> dict[str, Any]:
    ours = f.make_organization(session, actor, name="Our Alliance")
    theirs = f.make_organization(session, actor, name="Their Alliance")
    place = f.make_jurisdiction(session, actor, name="Riverbend")
    body = f.make_body(session, actor, name="Riverbend Council", jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras",
                               jurisdiction_id=place.id,
                               policy_asks=[{"ask": "retention_limit"}])
    values = {"campaign_id": campaign.id, "status": "planned", **SHARED}
    our_action = f.make_action(session, actor, title="Our call-in day",
                               owner_organization_id=ours.id, **values)
    their_action = f.make_action(session, actor, title="Their rally",
                                 owner_organization_id=theirs.id, **values)
    our_target = f.make_target(session, actor, name="Ann Ours", body_id=body.id,
                               owner_organization_id=ours.id, **SHARED)
    their_target = f.make_target(session, actor, name="Tom Theirs", body_id=body.id,
                                 owner_organization_id=theirs.id, **SHARED)
    vote = f.make_vote(session, actor, title="Camera renewal", body_id=body.id,
                       campaign_id=campaign.id)
    session.commit()
    return {"ours": ours, "theirs": theirs, "campaign": campaign, "our_action": our_action,
            "their_action": their_action, "our_target": our_target,
            "their_target": their_target, "vote": vote}


@pytest.fixture
def partner(client_as: Any, coalition: dict[str, Any]) -> Any:
    return client_as(Role.partner, organization_id=coalition["ours"].id)


@pytest.fixture
def lead(client_as: Any, coalition: dict[str, Any]) -> Any:
    return client_as(Role.lead, organization_id=coalition["ours"].id)


def test_lists_offer_add_only_to_who_may_add(partner: Any, lead: Any) -> None:
    assert 'href="/campaigns/new"' not in partner.get("/campaigns").text
    assert 'href="/organizations/new"' not in partner.get("/organizations").text
    assert 'href="/targets/new"' in partner.get("/targets").text
    assert 'href="/campaigns/new"' in lead.get("/campaigns").text
    assert 'href="/organizations/new"' in lead.get("/organizations").text


def test_a_form_the_user_may_not_send_is_refused_when_opened(
        partner: Any, coalition: dict[str, Any]) -> None:
    refused = partner.get("/campaigns/new")
    assert refused.status_code == 403
    assert "Your role cannot add campaigns." in plain(refused.text)
    campaign = coalition["campaign"]
    edit = partner.get(f"/campaigns/{campaign.id}/sections/campaign/edit")
    assert edit.status_code == 403
    assert "Your role cannot change this campaign." in plain(edit.text)
    asks = partner.get(f"/campaigns/{campaign.id}/asks/edit")
    assert asks.status_code == 403
    assert "policy asks" in plain(asks.text)
    theirs = partner.get(f"/targets/{coalition['their_target'].id}/sections/seat/edit")
    assert theirs.status_code == 403


def test_a_partner_on_the_campaign_page_moves_only_their_own_actions(
        partner: Any, lead: Any, coalition: dict[str, Any]) -> None:
    campaign = coalition["campaign"]
    ours, theirs = coalition["our_action"], coalition["their_action"]
    page = partner.get(f"/campaigns/{campaign.id}").text
    text = plain(page)
    assert "Retention limit" in text and "Mark won" not in text
    assert "Edit policy asks" not in text and "The campaign's leads choose them" not in text
    assert f"/campaigns/{campaign.id}/sections/" not in page
    assert "Delete this campaign" not in text
    assert f'action="/campaigns/{campaign.id}/actions/{ours.id}"' in page
    assert f'action="/campaigns/{campaign.id}/actions/{theirs.id}"' not in page
    assert "Their rally" in text
    # What the page no longer offers is still refused when sent anyway.
    forged = partner.post(f"/campaigns/{campaign.id}/actions/{theirs.id}",
                          data={"status": "done"})
    assert forged.status_code == 403
    assert "This action belongs to another organization" in plain(forged.text)

    led = lead.get(f"/campaigns/{campaign.id}").text
    assert "Mark won" in plain(led) and "Edit policy asks" in plain(led)
    assert f'action="/campaigns/{campaign.id}/actions/{theirs.id}"' in led
    assert "Delete this campaign" in plain(led)


def test_detail_pages_offer_edit_and_delete_by_owner_and_role(
        partner: Any, coalition: dict[str, Any]) -> None:
    ours, theirs = coalition["our_target"], coalition["their_target"]
    own = partner.get(f"/targets/{ours.id}").text
    assert f"/targets/{ours.id}/sections/seat/edit" in own
    assert "Delete this target" in plain(own)
    other = partner.get(f"/targets/{theirs.id}").text
    assert "Tom Theirs" in plain(other)
    assert "/sections/" not in other and "Delete this target" not in plain(other)
    # A vote no organization owns is the coalition's: its leads change and delete it.
    vote = partner.get(f"/votes/{coalition['vote'].id}").text
    assert "Renewal vote" in plain(vote) or coalition["vote"].title in plain(vote)
    assert f"/votes/{coalition['vote'].id}/sections/vote/edit" not in vote
    assert "Delete this vote" not in plain(vote)


def test_related_lists_offer_add_only_where_the_new_record_would_be_allowed(
        partner: Any, coalition: dict[str, Any]) -> None:
    theirs = coalition["theirs"]
    page = partner.get(f"/organizations/{theirs.id}").text
    assert f"/targets/new?owner_organization_id={theirs.id}" not in page
    assert f"/meetings/new?organization_id={theirs.id}" not in page
    assert "Edit" not in plain(page)
    own = partner.get(f"/organizations/{coalition['ours'].id}").text
    assert f"/targets/new?owner_organization_id={coalition['ours'].id}" in own


def test_the_dashboard_offers_playbooks_to_leads_and_closes_only_closable_tasks(
        session: Session, actor: Any, partner: Any, lead: Any,
        coalition: dict[str, Any]) -> None:
    ours = coalition["ours"].id
    mine = f.make_task(session, actor, title="Our own task", owner_organization_id=ours,
                       assignee_organization_id=ours, **SHARED)
    given = f.make_task(session, actor, title="A task the leads gave us",
                        assignee_organization_id=ours, **SHARED)
    session.commit()
    page = partner.get("/").text
    assert "New campaign from a playbook" not in plain(page)
    assert "Our own task" in plain(page) and "A task the leads gave us" in plain(page)
    assert f'action="/tasks/{mine.id}/done"' in page
    assert f'action="/tasks/{given.id}/done"' not in page
    led = lead.get("/").text
    assert "New campaign from a playbook" in plain(led)
    assert f'action="/tasks/{given.id}/done"' in led


def test_only_leads_are_offered_a_records_request_due_date_of_their_own(
        partner: Any, lead: Any, session: Session, actor: Any,
        coalition: dict[str, Any]) -> None:
    assert 'name="due_on_override"' not in partner.get("/records-requests/new").text
    assert 'name="due_on_override"' in lead.get("/records-requests/new").text
    request = f.make_records_request(session, actor, requester_organization_id=coalition[
        "ours"].id, **SHARED)
    session.commit()
    form = partner.get(f"/records-requests/{request.id}/sections/progress/edit").text
    assert 'name="tracking_number"' in form and 'name="due_on_override"' not in form


def test_alert_pages_offer_rules_and_channels_to_who_may_change_them(
        session: Session, partner: Any, lead: Any, coalition: dict[str, Any]) -> None:
    campaign = coalition["campaign"].id
    made = lead.post("/alerts/defaults", data={"campaign_id": str(campaign)})
    assert made.status_code in (200, 303)
    rules = partner.get(f"/alerts?campaign_id={campaign}").text
    assert "days before each vote" in plain(rules)
    assert "Add a rule" not in plain(rules) and "/alerts/rules/" not in rules
    assert "The coalition's leads set these rules" in plain(rules)
    led = lead.get(f"/alerts?campaign_id={campaign}").text
    assert "Add a rule" in plain(led) and "/alerts/rules/" in led
    rule_id = led.split('href="/alerts/rules/')[1].split('"')[0]
    assert partner.get(f"/alerts/rules/{rule_id}").status_code == 403

    channels = partner.get("/alerts/channels").text
    assert 'action="/alerts/channels/smtp"' not in channels
    assert 'action="/alerts/webhooks"' not in channels
    assert "The coalition's leads add webhooks." in plain(channels)
    led_channels = lead.get("/alerts/channels").text
    # Email settings are an administrator's, even for leads.
    assert 'action="/alerts/channels/smtp"' not in led_channels
    assert "mail server an administrator of this instance sets up" in plain(led_channels)
    assert 'action="/alerts/webhooks"' in led_channels


def test_documents_offer_delete_only_to_who_may_delete_them(
        session: Session, actor: Any, partner: Any, coalition: dict[str, Any]) -> None:
    target = coalition["our_target"]
    theirs = f.make_document(session, actor, filename="theirs.csv", attached_kind="target",
                             attached_id=target.id,
                             owner_organization_id=coalition["theirs"].id, **SHARED)
    own = f.make_document(session, actor, filename="ours.csv", attached_kind="target",
                          attached_id=target.id, owner_organization_id=coalition["ours"].id,
                          **SHARED)
    page = partner.get(f"/targets/{target.id}").text
    assert "theirs.csv" in page and "ours.csv" in page
    assert f"/documents/{own.id}/delete" in page
    assert f"/documents/{theirs.id}/delete" not in page
    assert 'name="file"' in page
