"""What the meeting log refuses and how it says so (an empty meeting, a date from a slip of the
thumb, in words that name the field), whom it offers first (those the organization met lately,
then the campaign's own targets, not a whole board for one stance), and a meeting posted after
the session ended, kept through signing in again and shown back, never saved unseen."""

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api import clock
from api.auth.models import AuthSession, Role
from api.auth.tokens import csrf_for
from api.campaigns.models import CampaignLead
from api.db import get_engine
from api.meetings.models import Meeting
from api.targets import service as targets
from tests import factories as f
from tests.factories import make_user
from tests.web.html import HX, plain

PASSWORD = "correct horse battery staple"
KEY = "q" * 24


@pytest.fixture
def place(session: Session, actor: Any) -> dict[str, Any]:
    ours = f.make_organization(session, actor, name="Riverside Alliance")
    city = f.make_jurisdiction(session, actor, name="Maple Falls")
    council = f.make_body(session, actor, name="Maple Falls Council", jurisdiction_id=city.id)
    county = f.make_body(session, actor, name="Far County Board")
    elsewhere = f.make_body(session, actor, name="Hill Town Council")
    campaign = f.make_campaign(session, actor, name="Maple Falls campaign",
                               jurisdiction_id=city.id)
    session.add(CampaignLead(campaign_id=campaign.id, organization_id=ours.id))
    made = {name: f.make_target(session, actor, name=name, body_id=body.id)
            for name, body in (("Omar Brandt", council), ("Aaron Supervisor", county),
                               ("Abby Supervisor", county), ("Abe Supervisor", county),
                               ("Zed Recent", elsewhere), ("Yul Old", elsewhere))}
    session.commit()
    return {"ours": ours, "campaign": campaign, **made}


def _form(place: dict[str, Any], **more: Any) -> dict[str, Any]:
    omar = place["Omar Brandt"]
    return {"held_at": "2026-03-02T09:30", "campaign_id": str(place["campaign"].id),
            "organization_id": str(place["ours"].id), "target_ids": [str(omar.id)],
            "summary": "Omar wants the audit.", "idempotency_key": KEY, **more}


def test_an_empty_meeting_and_a_slipped_date_are_refused_in_words(
        client_as: Any, client: TestClient, frozen_now: Any, place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    empty = partner.post("/meetings", data=_form(place, target_ids=[], summary="  "))
    assert empty.status_code == 422
    text = plain(empty.text)
    assert 'id="summary-error"' in empty.text
    assert "A meeting needs someone who was there or a summary" in text
    ahead = "A meeting is logged once it has happened: this date is still ahead."
    # Tomorrow where the campaign is (it is 9 AM on March 2 there), and a slipped year.
    for when, said in (("2015-12-31T10:00", "Enter a date between 2016 and 2036."),
                       ("2026-03-03T08:00", ahead), ("2027-03-01T10:00", ahead)):
        answer = partner.post("/meetings", data=_form(place, held_at=when))
        assert answer.status_code == 422 and 'id="held_at-error"' in answer.text
        assert said in plain(answer.text)
    # Later today is still ahead too (23:59, hours after 9 AM), however close to midnight;
    # this morning, or this very minute, was held.
    later = "A meeting is logged once it has happened: this time is still ahead today."
    for when in ("2026-03-02T23:59", "2026-03-02T19:00", "2026-03-02T09:01"):
        answer = partner.post("/meetings", data=_form(place, held_at=when))
        assert answer.status_code == 422 and 'id="held_at-error"' in answer.text, when
        assert later in plain(answer.text)
    for when, key in (("2026-03-02T09:00", "r" * 24), ("2026-03-02T07:30", "s" * 24)):
        assert partner.post("/meetings", data=_form(place, held_at=when, idempotency_key=key),
                            follow_redirects=False).status_code == 303, when

    # The JSON API refuses the same, naming the field.
    api = client.post("/api/v1/meetings", json={"held_at": "2026-03-02T18:00:00Z"})
    assert api.status_code == 422 and "summary" in api.text
    late = client.post("/api/v1/meetings", json={"held_at": "2099-03-02T18:00:00Z",
                                                 "summary": "Typo"})
    assert late.status_code == 422 and ahead in late.text
    soon = client.post("/api/v1/meetings", json={"held_at": "2026-03-02T18:00:00Z",
                                                 "summary": "Coffee"})
    assert soon.status_code == 422 and later in soon.text
    made = client.post("/api/v1/meetings", json={"held_at": "2026-03-02T16:00:00Z",
                                                 "summary": "Coffee"}).json()
    patched = client.patch(f"/api/v1/meetings/{made['id']}", json={"held_at": "1990-01-01T10:00Z"})
    assert patched.status_code == 422 and "Enter a date between 2016 and 2036." in patched.text


def test_problems_with_a_list_name_the_field_not_its_place(
        client_as: Any, place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    omar = place["Omar Brandt"]
    answer = partner.post("/meetings", data=_form(
        place, target_ids=[str(omar.id)], attendee_ids=["99999999999"],
        **{f"stance_{omar.id}": "thrilled"}))
    assert answer.status_code == 422
    text = plain(answer.text)
    assert "stance after the meeting is not one of the options" in text
    assert not re.search(r"\b0( level)?:", text), text
    assert "2147483647" not in text and "Choose one of the options" not in text


def test_unticking_someone_drops_the_stance_set_for_them(
        client_as: Any, session: Session, place: dict[str, Any]) -> None:
    partner = client_as("partner", place["ours"].id)
    omar, zed = place["Omar Brandt"], place["Zed Recent"]
    saved = partner.post("/meetings", data=_form(
        place, **{f"stance_{omar.id}": "leaning_yes", f"stance_{zed.id}": "opposed"}),
        follow_redirects=False)
    assert saved.status_code == 303, plain(saved.text)
    [meeting] = session.exec(select(Meeting)).all()
    assert [(s["target_id"], s["level"]) for s in meeting.stances_observed] == [
        (omar.id, "leaning_yes")]


def test_those_met_lately_come_first_and_one_stance_brings_one_member(
        client_as: Any, session: Session, actor: Any, place: dict[str, Any]) -> None:
    now = clock.now()
    ours = place["ours"].id
    zoe = f.make_person(session, actor, name="Zoe Met", visibility="coalition")
    f.make_person(session, actor, name="Ann Ours", owner_organization_id=ours,
                  visibility="private")
    f.make_meeting(session, actor, organization_id=ours, held_at=now - timedelta(days=10),
                   target_ids=[place["Zed Recent"].id], attendee_ids=[zoe.id])
    f.make_meeting(session, actor, organization_id=ours, held_at=now - timedelta(days=90),
                   target_ids=[place["Yul Old"].id])
    # Someone else's meeting says nothing about whom this organization met.
    theirs = f.make_organization(session, actor, name="Hilltop Watch")
    f.make_meeting(session, actor, organization_id=theirs.id, held_at=now - timedelta(days=1),
                   target_ids=[place["Abe Supervisor"].id], visibility="coalition")
    targets.set_stance(session, actor, target_id=place["Aaron Supervisor"].id,
                       campaign_id=place["campaign"].id, level="undecided")
    session.commit()
    partner = client_as("partner", ours)
    offered = partner.get("/meetings/new/who", params={
        "format": "json", "campaign_id": place["campaign"].id}).json()
    names = [row["name"] for row in offered["targets"]]
    assert names[0] == "Zed Recent", names
    # The campaign's own (its council, and the supervisor with a stance on it) come next;
    # the rest of the county board only after them.
    assert names[1:3] == ["Aaron Supervisor", "Omar Brandt"], names
    assert "Yul Old" not in names[:3]
    people = [row["name"] for row in offered["people"]]
    assert people[:2] == ["Zoe Met", "Ann Ours"], people


def _sign_in(client: TestClient, email: str, next_page: str = "/") -> Any:
    client.get("/login")
    token = csrf_for(client.cookies.get("oversight_presession") or "")
    return client.post("/login", data={"email": email, "password": PASSWORD,
                                       "csrf_token": token, "next": next_page},
                       follow_redirects=False)


def _end_sessions(user_id: int) -> None:
    with Session(get_engine()) as s:
        for row in s.exec(select(AuthSession).where(AuthSession.user_id == user_id)):
            row.expires_at = clock.now() - timedelta(minutes=1)
            s.add(row)
        s.commit()


def test_a_meeting_posted_after_the_session_ended_comes_back_after_signing_in(
        app: Any, place: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    user = make_user(Role.partner, organization_id=place["ours"].id, password=PASSWORD,
                     email="rosa@example.org")
    phone = TestClient(app, raise_server_exceptions=False)
    assert _sign_in(phone, user.email).status_code == 303
    page = phone.get("/meetings/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    _end_sessions(user.id)  # type: ignore[arg-type]
    said = "Omar: “yes” if the audit’s out — 100%, <no> conditions."
    typed = _form(place, summary=said, private_notes="Her aide is with us.",
                  task_title_0="Send the audit", task_due_0="", task_assignee_0="me",
                  csrf_token=token)

    # From another site: not kept, and the page says the meeting was not saved.
    forged = phone.post("/meetings", data=typed, headers={"Sec-Fetch-Site": "cross-site"},
                        follow_redirects=False)
    assert forged.status_code == 200 and "was not saved" in plain(forged.text)
    assert "oversight_kept_meeting" not in forged.headers.get("set-cookie", "")

    with caplog.at_level(logging.DEBUG):
        answer = phone.post("/meetings", data=typed, headers={"Sec-Fetch-Site": "same-origin"},
                            follow_redirects=False)
    assert answer.status_code == 200
    text = plain(answer.text)
    assert "Sign in" in text and "signed out before this meeting was saved" in text
    assert 'name="next" value="/meetings/new?kept=1"' in answer.text
    cookies = answer.headers.get_list("set-cookie")
    kept = [c for c in cookies if c.startswith("oversight_kept_meeting_")]
    assert kept and all("Path=/meetings/new" in c and "HttpOnly" in c for c in kept)
    assert not any("audit" in r.getMessage() for r in caplog.records)
    assert _meetings() == []

    signed_in = _sign_in(phone, user.email, "/meetings/new?kept=1")
    assert signed_in.headers["location"] == "/meetings/new?kept=1"
    back = phone.get("/meetings/new?kept=1")
    assert back.status_code == 200
    assert "Here it is as you typed it" in plain(back.text)
    assert "Omar: “yes” if the audit’s out — 100%, &lt;no&gt; conditions." in back.text
    assert 'value="Send the audit"' in back.text and "Her aide is with us." in back.text
    assert f'value="{KEY}"' in back.text
    assert _meetings() == []
    # Shown once: the next visit is a new form.
    assert "Here it is" not in plain(phone.get("/meetings/new").text)


def test_a_kept_meeting_is_shown_only_to_the_account_that_typed_it(
        app: Any, place: dict[str, Any]) -> None:
    rosa = make_user(Role.partner, organization_id=place["ours"].id, password=PASSWORD,
                     email="rosa@example.org")
    make_user(Role.partner, organization_id=place["ours"].id, password=PASSWORD,
              email="sam@example.org")
    phone = TestClient(app, raise_server_exceptions=False)
    _sign_in(phone, rosa.email)
    _end_sessions(rosa.id)  # type: ignore[arg-type]
    phone.post("/meetings", data=_form(place, summary="Rosa's private words"),
               headers={"Sec-Fetch-Site": "same-origin"})
    _sign_in(phone, "sam@example.org")
    assert "Rosa's private words" not in phone.get("/meetings/new?kept=1").text


def test_a_meeting_posted_by_the_script_after_the_session_ended_is_told_so(
        anon_client: TestClient, place: dict[str, Any]) -> None:
    answer = anon_client.post("/meetings", data=_form(place),
                              headers={**HX, "Accept": "application/json"})
    assert answer.status_code == 401 and answer.headers["hx-redirect"].startswith("/login")


def _meetings() -> list[Meeting]:
    with Session(get_engine()) as s:
        return list(s.exec(select(Meeting)).all())
