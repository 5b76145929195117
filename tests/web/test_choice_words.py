"""Stored choices and fields read as words on pages and in exports: acronyms in capitals,
hyphens and apostrophes where the words have them, a meeting's fields as the log asks them."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import plain


def test_choices_in_forms_and_filters_read_as_words(client: TestClient) -> None:
    campaign_form = client.get("/campaigns/new").text
    assert '<option value="ban_alpr">ban ALPR</option>' in campaign_form
    assert '<option value="end_ice_sharing">end ICE sharing</option>' in campaign_form
    assert '<option value="co_lead">co-lead</option>' in client.get("/organizations/new").text
    bodies = client.get("/bodies").text
    assert '<option value="sheriffs_office">sheriff&#39;s office</option>' in bodies
    assert "call-in day" in plain(client.get("/actions").text)


def test_choices_in_lists_pages_and_exports_read_as_words(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_body(session, actor, name="Alder County Sheriff's Office", kind="sheriffs_office")
    action = f.make_action(session, actor, title="Op-ed on the cameras", kind="op_ed")
    session.commit()
    assert "sheriff's office" in plain(client.get("/bodies").text)
    assert "op-ed" in plain(client.get(f"/actions/{action.id}").text)
    exported = client.get("/actions.csv").text
    assert "Op-ed on the cameras,op-ed," in exported


def test_a_meeting_page_uses_the_words_of_the_meeting_log(
        client: TestClient, session: Session, actor: Any) -> None:
    meeting = f.make_meeting(session, actor, asks="Pull the renewal", commitments="Will ask")
    session.commit()
    text = plain(client.get(f"/meetings/{meeting.id}").text)
    assert "What we asked for Pull the renewal" in text
    assert "What they committed to Will ask" in text
    # Free notes, apart from the follow-up tasks listed below them.
    assert "Next steps (notes)" in text and "Follow-up tasks (0)" in text
    assert "Follow ups" not in text


def test_a_stance_is_chosen_in_the_campaigns_terms(
        client: TestClient, session: Session, actor: Any) -> None:
    """On an item the coalition wants voted down, "yes" would say the opposite of "with us":
    the pickers speak of the campaign, not of the roll call."""
    place = f.make_jurisdiction(session, actor, name="Riverbend")
    body = f.make_body(session, actor, name="Riverbend Council", jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, name="Riverbend: No Cameras",
                               jurisdiction_id=place.id)
    f.make_vote(session, actor, body_id=body.id, campaign_id=campaign.id,
                our_position="against", title="Second amendment to the camera agreement")
    f.make_target(session, actor, name="Ann Okafor", body_id=body.id)
    session.commit()
    board = client.get(f"/campaigns/{campaign.id}/whip").text
    assert '<option value="champion">with us</option>' in board
    assert '<option value="leaning_yes">leaning with us</option>' in board
    assert '<option value="opposed">against us</option>' in board
    assert '<option value="unknown" selected>not known</option>' in board
    assert "yes (champion)" not in board and "no (opposed)" not in board
    log = client.get(f"/meetings/new?campaign_id={campaign.id}").text
    assert '<option value="champion">with us</option>' in log
    assert "yes (champion)" not in log
