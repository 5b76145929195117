"""A refused form says what to do in words, next to the field: never pydantic's wording
("String should have at least 1 character") or the stored values of a choice."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import HX, plain

PROGRAMMER_WORDS = ("should have", "Input should", "valid datetime", "greater than or equal",
                    "'draft'", "waiting_on_requester")


def _refused(response: Any) -> str:
    assert response.status_code == 422
    text = plain(response.text)
    for words in PROGRAMMER_WORDS:
        assert words not in text, words
    return text


def test_a_blank_required_field_and_a_number_below_its_floor(
        client: TestClient, session: Session, actor: Any) -> None:
    target = f.make_target(session, actor, name="Ann Okafor")
    body = f.make_body(session, actor, name="Riverbend Council")
    session.commit()
    blank = client.post(f"/targets/{target.id}/sections/seat", headers=HX,
                        data={"name": "", "title": "council_member"})
    assert "Error: This is required." in _refused(blank)
    negative = client.post(f"/bodies/{body.id}/sections/body", headers=HX,
                           data={"name": "Riverbend Council", "kind": "city_council",
                                 "jurisdiction_id": str(body.jurisdiction_id), "seats": "-5",
                                 "majority_needed": "4"})
    assert "Error: Must be 0 or more." in _refused(negative)


def test_a_bad_email_and_a_meeting_without_its_time(
        client: TestClient, session: Session, actor: Any) -> None:
    contact = f.make_media_contact(session, actor, name="Jenna Morales")
    meeting = f.make_meeting(session, actor)
    session.commit()
    email = client.post(f"/media-contacts/{contact.id}/sections/details", headers=HX,
                        data={"name": "Jenna Morales", "email": "not-an-email"})
    assert "An email address needs an @, like name@example.org." in _refused(email)
    when = client.post(f"/meetings/{meeting.id}/sections/meeting", headers=HX,
                       data={"held_at": "", "location": "City Hall"})
    assert "Error: Enter a date and a time." in _refused(when)


def test_a_records_request_status_left_unchosen(
        client: TestClient, session: Session, actor: Any) -> None:
    request = f.make_records_request(session, actor, status="sent", sent_on="2026-03-02")
    session.commit()
    none = client.post(f"/records-requests/{request.id}/status", headers=HX,
                       data={"status": "", "note": ""})
    assert "Choose one of the options." in _refused(none)
    minus = client.post(f"/records-requests/{request.id}/status", headers=HX,
                        data={"status": "extended", "extension_days": "-3"})
    assert "Must be 0 or more." in _refused(minus)
