"""A vote whose hour is not known (a form given a day alone, the box ticked, a vote made by a
playbook from a date) shows its day and "time not announced" on its page, in the list, on the
campaign's page and the dashboard, never midnight or a made-up 6:00 PM; in Spanish, "hora por
anunciar". A time given later announces it."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.accounts import service as accounts
from api.auth.models import User
from api.votes.models import Vote
from tests import factories as f
from tests.factories import at_noon
from tests.web.html import plain

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def today(db: None) -> None:
    at_noon(TODAY)


def _no_made_up_hour(text: str) -> None:
    assert "12:00 AM" not in text and "6:00 PM" not in text


def test_a_vote_given_a_day_alone_says_its_time_is_not_announced(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor)
    made = client.post("/votes", data={"title": "Flock renewal", "body_id": str(body.id),
                                       "scheduled_at": "2026-04-14", "kind": "renewal",
                                       "status": "scheduled", "our_position": "against"},
                       follow_redirects=False)
    assert made.status_code == 303, plain(made.text)[:2000]
    [vote] = session.exec(select(Vote)).all()
    assert vote.time_not_announced is True
    session.commit()
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert "Tue Apr 14, 2026, time not announced" in page
    _no_made_up_hour(page)
    listed = plain(client.get("/votes").text)
    assert "Tue Apr 14, 2026, time not announced" in listed
    _no_made_up_hour(listed)
    dashboard = plain(client.get("/").text)
    assert "Tue Apr 14, 2026, time not announced" in dashboard

    # The agenda is out: a time given announces it.
    saved = client.post(f"/votes/{vote.id}/sections/agenda",
                        data={"scheduled_at": "2026-04-14T18:30"}, follow_redirects=False)
    assert saved.status_code == 303, plain(saved.text)[:2000]
    session.expire_all()
    assert session.get(Vote, vote.id).time_not_announced is False  # type: ignore[union-attr]
    session.commit()
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert "6:30 PM" in page and "time not announced" not in page


def test_the_box_ticked_keeps_the_day_and_says_so_in_spanish(
        client: TestClient, session: Session, actor: Any, admin: User) -> None:
    reader = session.merge(admin)
    accounts.set_language(session, reader, "es")
    session.commit()
    body = f.make_body(session, actor)
    made = client.post("/votes", data={"title": "Renovación de Flock", "body_id": str(body.id),
                                       "scheduled_at": "2026-04-14T00:00", "kind": "renewal",
                                       "status": "scheduled", "our_position": "against",
                                       "time_not_announced": "on"}, follow_redirects=False)
    assert made.status_code == 303, plain(made.text)[:2000]
    [vote] = session.exec(select(Vote)).all()
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert "hora por anunciar" in page
    assert "12:00 a.m." not in page and "12:00 AM" not in page


def test_a_vote_a_playbook_made_from_a_date_has_no_made_up_hour(
        client: TestClient, session: Session, actor: Any) -> None:
    place = f.make_jurisdiction(session, actor, name="Riverton")
    body = f.make_body(session, actor, jurisdiction_id=place.id, name="Riverton City Council")
    made = client.post("/campaigns/new-from-playbook", follow_redirects=False, data={
        "playbook": "stop_new_contract", "jurisdiction_id": str(place.id),
        "body_id": str(body.id), "vote_date": "2026-05-12", "name": ""})
    assert made.status_code == 303, plain(made.text)[:2000]
    [vote] = session.exec(select(Vote)).all()
    assert vote.time_not_announced is True
    campaign = plain(client.get(made.headers["location"]).text)
    assert "Tue May 12, 2026, time not announced" in campaign
    _no_made_up_hour(campaign)
    page = plain(client.get(f"/votes/{vote.id}").text)
    assert "Tue May 12, 2026, time not announced" in page
    _no_made_up_hour(page)
