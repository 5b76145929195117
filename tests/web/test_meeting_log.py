"""The phone-first meeting log: one form saves the meeting, who was there, stances observed
and follow-up tasks; problems come back next to their fields."""

from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.meetings.models import Meeting
from api.targets import service as targets
from api.tasks.models import Task
from tests import factories as f
from tests.web.html import HX, fragment, is_full_page, plain


@pytest.fixture
def setting(session: Session, actor: Any, frozen_now: datetime) -> dict[str, Any]:
    place = f.make_jurisdiction(session, actor, name="Lakeside", timezone="America/Chicago")
    body = f.make_body(session, actor, name="Lakeside Council", jurisdiction_id=place.id)
    campaign = f.make_campaign(session, actor, name="Lakeside campaign", jurisdiction_id=place.id)
    org = f.make_organization(session, actor, name="Lakeside Rights")
    ana = f.make_target(session, actor, name="Ana Lake", body_id=body.id)
    bo = f.make_target(session, actor, name="Bo Shore", body_id=body.id)
    pat = f.make_person(session, actor, name="Pat Organizer")
    return {"campaign": campaign, "org": org, "ana": ana, "bo": bo, "pat": pat, "body": body}


def test_the_form_offers_targets_by_body_people_and_a_local_time(
        client: TestClient, setting: dict[str, Any]) -> None:
    page = client.get(f"/meetings/new?campaign_id={setting['campaign'].id}")
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    assert "Lakeside Council" in text and "Ana Lake" in text and "Pat Organizer" in text
    # 17:00 UTC on Mar 2 is 11:00 in Chicago.
    assert 'value="2026-03-02T11:00"' in page.text
    assert 'name="task_title_0"' in page.text and 'name="task_title_1"' in page.text
    part = fragment(client, "/meetings/new")
    assert part.text.lstrip().startswith('<form id="log-meeting"')
    row = fragment(client, "/meetings/new/follow-up?index=2")
    assert 'name="task_title_2"' in row.text
    assert 'hx-get="/meetings/new/follow-up?index=3"' in row.text
    assert 'hx-swap-oob="true"' in row.text
    assert fragment(client, "/meetings/new/follow-up?index=99").status_code == 422
    # Loaded as a page (no htmx), the row's address leads to the whole form.
    page_load = client.get("/meetings/new/follow-up", follow_redirects=False)
    assert (page_load.status_code, page_load.headers["location"]) == (303, "/meetings/new")


def test_logging_saves_meeting_stance_and_follow_ups_in_one_step(
        client: TestClient, session: Session, actor: Any, admin: Any,
        setting: dict[str, Any]) -> None:
    ana, campaign = setting["ana"], setting["campaign"]
    form = {
        "held_at": "2026-03-02T09:30", "campaign_id": str(campaign.id),
        "organization_id": str(setting["org"].id), "location": "Her office",
        "target_ids": [str(ana.id)], "attendee_ids": [str(setting["pat"].id)],
        f"stance_{ana.id}": "leaning_yes", "summary": "She read our memo.",
        "asks": "Vote no.", "commitments": "Will read the audit.",
        "task_title_0": "Send the audit", "task_due_0": "2026-03-05", "task_assignee_0": "me",
        "task_title_1": "Call her scheduler", "task_due_1": "",
        "task_assignee_1": f"org:{setting['org'].id}",
    }
    response = client.post("/meetings", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"])
    text = plain(page.text)
    assert "Meeting logged with 2 follow-up tasks." in text
    assert "Mon Mar 2, 2026 9:30 AM CST" in text
    assert "She read our memo." in text and "Ana Lake" in text and "Pat Organizer" in text
    assert "Send the audit" in text and "Call her scheduler" in text

    meeting = session.exec(select(Meeting)).one()
    tasks = session.exec(select(Task).order_by(Task.title)).all()
    assert [(t.title, t.meeting_id, t.campaign_id) for t in tasks] == [
        ("Call her scheduler", meeting.id, campaign.id),
        ("Send the audit", meeting.id, campaign.id)]
    # "Me" on the form is the signed-in user.
    assert tasks[1].assignee_user_id == admin.id and tasks[1].due_on == date(2026, 3, 5)
    assert tasks[0].assignee_organization_id == setting["org"].id
    stance = targets.stances(session, actor, target_id=ana.id, campaign_id=campaign.id)
    assert stance[0].level == "leaning_yes"
    session.commit()

    home = plain(client.get("/").text)
    assert "Send the audit" in home  # my open task
    assert "with Ana Lake" in home  # the latest meetings


def test_problems_come_back_next_to_their_fields(client: TestClient,
                                                 setting: dict[str, Any]) -> None:
    ana, bo = setting["ana"], setting["bo"]
    response = client.post("/meetings", data={
        "held_at": "", "campaign_id": str(setting["campaign"].id),
        "target_ids": [str(ana.id)], f"stance_{bo.id}": "opposed",
        "task_title_0": "", "task_due_0": "2026-03-09", "task_assignee_0": "me",
    })
    assert response.status_code == 422 and is_full_page(response.text)
    html = response.text
    assert 'id="held_at-error"' in html
    # A stance left on someone unticked went with them: its picker was hidden, nothing to fix.
    assert 'id="stances_observed-error"' not in html
    assert 'id="task_title_0-error"' in html
    # What was entered is still there.
    assert f'value="{ana.id}" checked' in html
    assert 'value="2026-03-09"' in html


def test_stances_need_a_campaign(client: TestClient, setting: dict[str, Any]) -> None:
    ana = setting["ana"]
    response = client.post("/meetings", data={
        "held_at": "2026-03-01T09:30", "target_ids": [str(ana.id)],
        f"stance_{ana.id}": "champion"}, headers=HX)
    assert response.status_code == 422
    assert 'id="campaign_id-error"' in response.text
    assert "needs the campaign" in plain(response.text)
