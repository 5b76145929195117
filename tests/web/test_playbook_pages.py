"""A campaign from a playbook in the browser's pages: choosing the playbook, the form and its
422s, the flash with what was made, and moving an anchor date from the campaign's page."""

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.actions.models import Action
from api.auth.models import Role
from api.campaigns.models import Campaign
from api.playbooks import loader
from tests import factories as f
from tests.factories import at_noon
from tests.web.html import HX, form_fields, fragment, is_full_page, plain

START = date(2026, 3, 2)
VOTE = date(2026, 5, 12)
NOTICE = date(2026, 6, 30)
URL = "/campaigns/new-from-playbook"


@pytest.fixture
def place(session: Session, actor: Any) -> Any:
    at_noon(START)
    return f.make_jurisdiction(session, actor, name="Riverton")


def _book(key: str) -> Any:
    return loader.catalog().playbooks[key].playbook


def _campaigns(session: Session) -> list[Campaign]:
    found = list(session.exec(select(Campaign).order_by(Campaign.id)).all())
    session.commit()
    return found


def test_the_page_lists_the_playbooks_and_shows_the_chosen_one(client: TestClient,
                                                               place: Any) -> None:
    page = client.get(URL)
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    for key in ("stop_new_contract", "cancel_renewal", "community_control"):
        assert _book(key).title in text
    assert "Choose a playbook to see its phases" in text

    book = _book("cancel_renewal")
    part = fragment(client, f"{URL}?playbook=cancel_renewal")
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="chosen"')
    text = plain(part.text)
    for phase in book.phases:
        assert phase.title in text
    assert "No use for immigration enforcement" in text  # a policy ask, by its label
    assert "Termination-notice deadline (required unless a contract is chosen)" in text
    assert "Date of the vote" in text and "Campaign start" in text
    fields = dict(form_fields(part.text, URL))
    assert fields["playbook"] == "cancel_renewal"
    assert {"jurisdiction_id", "notice_deadline", "vote_date", "campaign_start"} <= set(fields)
    full = client.get(f"{URL}?playbook=cancel_renewal")
    assert is_full_page(full.text) and 'id="pb-cancel_renewal" name="playbook"' in full.text
    assert client.get(f"{URL}?playbook=no_such_playbook").status_code == 404


def test_it_is_linked_from_the_campaigns_list_and_the_dashboard(client: TestClient) -> None:
    assert f'href="{URL}"' in client.get("/campaigns").text
    assert f'href="{URL}"' in client.get("/").text


def test_making_a_campaign_redirects_to_it_with_what_was_made(
        client: TestClient, session: Session, place: Any) -> None:
    book = _book("stop_new_contract")
    response = client.post(URL, follow_redirects=False, data={
        "playbook": "stop_new_contract", "jurisdiction_id": str(place.id),
        "vote_date": VOTE.isoformat(), "name": ""})
    assert response.status_code == 303, response.text
    [campaign] = _campaigns(session)
    assert response.headers["location"] == f"/campaigns/{campaign.id}"
    assert (campaign.playbook_key, campaign.vote_date, campaign.start_date) == \
        ("stop_new_contract", VOTE, START)
    actions = len(book.actions())
    tasks = sum(len(a.tasks) for _, a in book.actions())
    rules = len(book.alert_rules)
    page = client.get(response.headers["location"])
    text = plain(page.text)
    assert (f"Made “Riverton: {book.title}” from the playbook “{book.title}”: {actions} actions, "
            f"{tasks} tasks and {rules} alert rules.") in text
    assert "Playbook dates" in text
    assert f'value="{VOTE.isoformat()}"' in page.text


def test_a_campaign_whose_vote_is_close_names_the_steps_already_late(
        client: TestClient, session: Session, place: Any) -> None:
    close = START + timedelta(days=10)
    response = client.post(URL, follow_redirects=False, data={
        "playbook": "stop_new_contract", "jurisdiction_id": str(place.id),
        "vote_date": close.isoformat(), "name": ""})
    assert response.status_code == 303, response.text
    [campaign] = _campaigns(session)
    late = session.exec(select(Action).where(Action.campaign_id == campaign.id,
                                             Action.scheduled_on < START)).all()  # type: ignore[operator]
    assert late
    page = client.get(response.headers["location"])
    assert 'class="flash-warning"' in page.text
    text = plain(page.text)
    assert f"{len(late)} actions and " in text and " already late: their dates had passed" in text
    assert f"(the first: “{min(late, key=lambda a: a.id).title}”)" in text
    assert "No reminders are sent for them" in text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"notice_deadline": ""}, "notice_deadline", "is dated from the termination-notice deadline"),
    ({"vote_date": "2026-02-01"}, "vote_date",
     "The date of the vote (February 1, 2026) is before the campaign starts (March 2, 2026)"),
    ({"jurisdiction_id": "999999"}, "jurisdiction_id", "No jurisdiction with id 999999."),
    ({"jurisdiction_id": ""}, "jurisdiction_id", "Choose a jurisdiction."),
    ({"notice_deadline": "2026-13-45"}, "notice_deadline", "Enter a date like 2026-05-12."),
    ({"vote_date": "next week"}, "vote_date", "Enter a date like 2026-05-12."),
    ({"lead_organization_id": "abc"}, "lead_organization_id", "Choose an organization"),
])
def test_bad_input_comes_back_next_to_its_field(
        client: TestClient, session: Session, place: Any, changes: dict[str, str], field: str,
        message: str) -> None:
    data = {"playbook": "cancel_renewal", "jurisdiction_id": str(place.id),
            "notice_deadline": NOTICE.isoformat(), "vote_date": VOTE.isoformat(), **changes}
    response = client.post(URL, data=data)
    assert response.status_code == 422
    assert is_full_page(response.text)
    assert f'id="{field}-error"' in response.text
    assert message in plain(response.text)
    # What was typed is kept.
    for name, value in changes.items():
        if value and name not in ("jurisdiction_id", "lead_organization_id"):
            assert f'value="{value}"' in response.text
    assert _campaigns(session) == []


def test_an_unknown_playbook_is_refused_in_the_form(client: TestClient, session: Session,
                                                    place: Any) -> None:
    response = client.post(URL, data={"playbook": "nope", "jurisdiction_id": str(place.id)})
    assert response.status_code == 422
    assert 'id="playbook-error"' in response.text
    assert "Choose a playbook from the list." in plain(response.text)
    assert _campaigns(session) == []


def test_only_leads_start_campaigns(client_as: Any, session: Session, place: Any) -> None:
    partner = client_as(Role.partner)
    page = partner.get(f"{URL}?playbook=cancel_renewal")
    assert page.status_code == 200
    assert "Only campaign leads can start a campaign." in plain(page.text)
    assert f'method="post" action="{URL}"' not in page.text
    refused = partner.post(URL, data={"playbook": "stop_new_contract",
                                      "jurisdiction_id": str(place.id),
                                      "vote_date": VOTE.isoformat()})
    assert refused.status_code == 403
    assert _campaigns(session) == []
    lead = client_as(Role.lead)
    made = lead.post(URL, follow_redirects=False, data={
        "playbook": "stop_new_contract", "jurisdiction_id": str(place.id),
        "vote_date": VOTE.isoformat()})
    assert made.status_code == 303


# ---- anchors on the campaign page --------------------------------------------------------

@pytest.fixture
def made(client: TestClient, session: Session, place: Any) -> Campaign:
    client.post(URL, data={"playbook": "stop_new_contract", "jurisdiction_id": str(place.id),
                           "vote_date": VOTE.isoformat()})
    [campaign] = _campaigns(session)
    return campaign


def _vote_actions(session: Session, campaign: Campaign) -> dict[int, date | None]:
    found = {a.id: a.scheduled_on for a in session.exec(select(Action).where(
        Action.campaign_id == campaign.id, Action.anchor_kind == "vote"))}
    session.commit()
    return found  # type: ignore[return-value]


def test_moving_the_vote_moves_its_actions_and_says_how_many(
        client: TestClient, session: Session, made: Campaign) -> None:
    before = _vote_actions(session, made)
    later = VOTE + timedelta(days=14)
    response = client.post(f"/campaigns/{made.id}/anchors", follow_redirects=False,
                           data={"campaign_start": START.isoformat(),
                                 "vote_date": later.isoformat()})
    assert response.status_code == 303
    after = _vote_actions(session, made)
    assert all(after[i] == day + timedelta(days=14) for i, day in before.items() if day)
    text = plain(client.get(response.headers["location"]).text)
    book = _book("stop_new_contract")
    tasks = sum(len(a.tasks) for _, a in book.actions() if a.anchor == "vote")
    assert (f"The date of the vote is now May 26, 2026: {len(before)} actions and {tasks} "
            "tasks moved with it.") in text


def test_moving_with_htmx_reloads_the_page_or_shows_the_error_in_the_panel(
        client: TestClient, session: Session, made: Campaign) -> None:
    good = client.post(f"/campaigns/{made.id}/anchors", headers=HX,
                       data={"vote_date": (VOTE + timedelta(days=7)).isoformat()})
    assert good.status_code == 204
    assert good.headers["hx-redirect"] == f"/campaigns/{made.id}"
    assert "moved with it" in plain(client.get(f"/campaigns/{made.id}").text)

    bad = client.post(f"/campaigns/{made.id}/anchors", headers=HX,
                      data={"vote_date": "someday"})
    assert bad.status_code == 422
    assert bad.text.lstrip().startswith('<section class="panel" id="anchors"')
    assert 'id="anchor-vote_date-error"' in bad.text and 'value="someday"' in bad.text
    nothing = client.post(f"/campaigns/{made.id}/anchors", data={"vote_date": ""})
    assert nothing.status_code == 422 and is_full_page(nothing.text)
    assert "Give at least one date to move." in plain(nothing.text)
    late_start = client.post(f"/campaigns/{made.id}/anchors", headers=HX,
                             data={"campaign_start": "2026-12-01"})
    assert late_start.status_code == 422
    assert "The target date is before the start date" in plain(late_start.text)


def test_a_viewer_cannot_move_the_dates(client_as: Any, session: Session,
                                        made: Campaign) -> None:
    before = _vote_actions(session, made)
    viewer = client_as(Role.viewer)
    refused = viewer.post(f"/campaigns/{made.id}/anchors",
                          data={"vote_date": (VOTE + timedelta(days=7)).isoformat()})
    assert refused.status_code == 403
    assert _vote_actions(session, made) == before


def test_a_campaign_not_made_from_a_playbook_has_no_anchor_panel(
        client: TestClient, session: Session, actor: Any) -> None:
    campaign = f.make_campaign(session, actor, name="Hand-made")
    assert "Playbook dates" not in plain(client.get(f"/campaigns/{campaign.id}").text)
