"""A value no select offers (typed into the page's HTML, or sent by a script) is refused with a
clear message next to its field, never stored, in the reader's language."""

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.meetings.models import Meeting
from api.tasks.models import Task
from tests import factories as f
from tests.web.html import HX, plain


@pytest.fixture
def place(session: Session, actor: Any, frozen_now: datetime) -> dict[str, Any]:
    campaign = f.make_campaign(session, actor, name="Lakeside campaign")
    org = f.make_organization(session, actor, name="Lakeside Rights")
    session.commit()
    return {"campaign": campaign, "org": org}


def _meeting(place: dict[str, Any], assignee: str) -> dict[str, Any]:
    return {"held_at": "2026-03-01T09:30", "campaign_id": str(place["campaign"].id),
            "summary": "Coffee", "task_title_0": "Send the audit", "task_due_0": "",
            "task_assignee_0": assignee}


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Choose who does it from the list: you or an organization."),
    ("es", "Elija de la lista quién lo hace: usted o una organización.")])
@pytest.mark.parametrize("forged", ["everyone", "user:1", "org:", "org:x1", "me "])
def test_a_follow_up_for_someone_not_offered_is_refused(
        client: TestClient, session: Session, admin: Any, place: dict[str, Any],
        language: str, words: str, forged: str) -> None:
    accounts.set_language(session, session.merge(admin), language)
    session.commit()
    for headers in ({}, HX):
        refused = client.post("/meetings", data=_meeting(place, forged), headers=headers)
        assert refused.status_code == 422
        assert 'id="task_assignee_0-error"' in refused.text
        assert words in plain(refused.text)
    assert session.exec(select(Meeting)).all() == []
    assert session.exec(select(Task)).all() == []


def test_the_choices_offered_are_still_taken(client: TestClient, session: Session,
                                             place: dict[str, Any]) -> None:
    for assignee in ("me", f"org:{place['org'].id}"):
        saved = client.post("/meetings", data=_meeting(place, assignee),
                            follow_redirects=False)
        assert saved.status_code == 303, saved.text
    assert len(session.exec(select(Task)).all()) == 2


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Title: choose one of the options."), ("es", "Cargo: elija una de las opciones.")])
def test_a_forged_choice_in_a_record_form_is_refused(
        client: TestClient, session: Session, admin: Any, language: str, words: str) -> None:
    accounts.set_language(session, session.merge(admin), language)
    session.commit()
    refused = client.post("/targets", data={"name": "Ann Okafor", "title": "emperor"},
                          headers=HX)
    assert refused.status_code == 422
    assert "emperor" not in refused.text.split('name="title"', 1)[1].split("</select>", 1)[0]
    assert words.split(": ", 1)[1] in plain(refused.text).lower()
