"""Stored choices read as words on pages and in exports: acronyms in capitals, hyphens and
apostrophes where the words have them."""

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
