"""The organization's own notes on a meeting, saved from the meeting's page: notes too long
come back in the page (422), kept as typed, with why beside the box, in the reader's
language; notes that fit are saved as before."""

from datetime import datetime
from typing import Any

import pytest
from sqlmodel import Session

from tests import factories as f
from tests.web.html import plain
from web.routes.meetings import MAX_NOTES


@pytest.fixture
def meeting_of(session: Session, actor: Any, client_as: Any, frozen_now: datetime) -> Any:
    ours = f.make_organization(session, actor, name="Lakeside Rights")
    meeting = f.make_meeting(session, actor, organization_id=ours.id)
    session.commit()

    def reader(language: str | None = None) -> Any:
        return client_as("partner", organization_id=ours.id, language=language), meeting.id
    return reader


@pytest.mark.parametrize(("language", "said"), [
    (None, "Notes can be at most 20,000 characters."),
    ("es", "Las notas pueden tener como máximo 20,000 caracteres."),
])
def test_notes_too_long_come_back_beside_the_box(meeting_of: Any, language: str | None,
                                                  said: str) -> None:
    client, meeting_id = meeting_of(language)
    typed = "Ask about the audit. " + "x" * MAX_NOTES
    answer = client.post(f"/meetings/{meeting_id}/private-notes",
                         data={"private_notes": typed}, follow_redirects=False)
    assert answer.status_code == 422
    page = answer.text
    assert 'id="private-notes-error"' in page and 'aria-invalid="true"' in page
    error = page[page.index('id="private-notes-error"'):page.index('id="private-notes"')]
    assert said in plain(error)
    assert typed in page  # kept as typed, to shorten
    assert "Ask about the audit." not in plain(client.get(f"/meetings/{meeting_id}").text)


def test_notes_that_fit_are_saved(meeting_of: Any) -> None:
    client, meeting_id = meeting_of()
    saved = client.post(f"/meetings/{meeting_id}/private-notes",
                        data={"private_notes": "Ask about the audit."}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == f"/meetings/{meeting_id}"
    page = client.get(f"/meetings/{meeting_id}").text
    assert "Ask about the audit." in page and 'id="private-notes-error"' not in page
