"""Agencies, contracts, votes, reporters and press are shared by choice on their pages, like
the other kinds with a visibility: the form asks in plain words, the record page says it, and a
record kept to one organization is no other's to find."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f

NOUNS = ["agencies", "contracts", "votes", "media-contacts", "press"]


@pytest.mark.parametrize("noun", NOUNS)
def test_each_new_form_asks_who_can_see_it_in_plain_words(
        noun: str, client_as: Callable[..., TestClient], session: Session, actor: Any) -> None:
    ours = f.make_organization(session, actor, name="Lakeside Rights")
    session.commit()
    form = client_as("partner", organization_id=ours.id).get(f"/{noun}/new")
    assert form.status_code == 200
    assert 'name="visibility"' in form.text
    assert "Who can see this" in form.text and "Our organization only" in form.text


def test_a_vote_kept_to_the_organization_is_no_one_elses_to_find(
        client_as: Callable[..., TestClient], session: Session, actor: Any,
        frozen_now: datetime) -> None:
    ours = f.make_organization(session, actor, name="Lakeside Rights")
    theirs = f.make_organization(session, actor, name="Lakeside Faith")
    body = f.make_body(session, actor, name="Lakeside Council")
    session.commit()
    partner = client_as("partner", organization_id=ours.id)
    made = partner.post("/votes", data={
        "title": "Quiet-renewal-vote", "body_id": str(body.id), "kind": "renewal",
        "scheduled_at": "2026-04-02T18:00", "status": "scheduled", "outcome": "pending",
        "visibility": "private"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = made.headers["location"]
    shown = partner.get(page)
    assert shown.status_code == 200 and "Our organization only" in shown.text
    for other in (client_as("partner", organization_id=theirs.id), client_as("lead")):
        assert other.get(page).status_code == 404
        assert "Quiet-renewal-vote" not in other.get("/votes").text
        assert "Quiet-renewal-vote" not in other.get(f"/bodies/{body.id}").text
    # Shared with the coalition from its page, it reaches everyone signed in.
    slug = "who-can-see-this"
    saved = partner.post(f"{page}/sections/{slug}", data={"visibility": "coalition"},
                         follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert client_as("lead").get(page).status_code == 200
