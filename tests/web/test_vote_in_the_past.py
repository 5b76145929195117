"""A new vote dated in the past is asked about on its form: ticked "It was held", it is saved as
held; otherwise nothing is saved and what was typed stays. Votes ahead are saved at once."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.db import new_session
from api.votes.models import Vote
from tests import factories as f
from tests.web.html import plain


def _votes(session: Session) -> list[Vote]:
    with new_session() as fresh:
        return list(fresh.exec(select(Vote)).all())


def test_a_past_date_asks_before_it_saves_and_then_saves_it_held(
        client: TestClient, session: Session, actor: Any, frozen_now: datetime) -> None:
    body = f.make_body(session, actor, name="Riverton Council")
    session.commit()
    form = {"title": "Flock renewal", "body_id": str(body.id),
            "scheduled_at": "2024-03-12T18:00", "kind": "renewal", "status": "scheduled",
            "our_position": "against", "visibility": "coalition"}
    asked = client.post("/votes", data=form)
    assert asked.status_code == 422
    text = plain(asked.text)
    assert "This date has passed." in text and "It was held" in text
    assert 'id="scheduled_at-error"' in asked.text and 'value="2024-03-12T18:00"' in asked.text
    assert _votes(session) == []

    saved = client.post("/votes", data={**form, "confirm_past": "on"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    [vote] = _votes(session)
    assert (vote.status, vote.title) == ("held", "Flock renewal")

    # A vote still to come is saved as it is, and one given as held is not asked about.
    ahead = client.post("/votes", data={**form, "scheduled_at": "2026-04-14T18:00"},
                        follow_redirects=False)
    held = client.post("/votes", data={**form, "status": "held"}, follow_redirects=False)
    assert (ahead.status_code, held.status_code) == (303, 303)
    assert sorted(v.status for v in _votes(session)) == ["held", "held", "scheduled"]

    # Held, but still ahead; and a year no vote is in.
    not_yet = client.post("/votes", data={**form, "scheduled_at": "2026-04-14T18:00",
                                          "status": "held"})
    assert not_yet.status_code == 422
    assert "A vote still ahead cannot have been held yet" in plain(not_yet.text)
    slipped = client.post("/votes", data={**form, "scheduled_at": "0001-01-01T00:00",
                                          "confirm_past": "on"})
    assert slipped.status_code == 422
    assert "Enter a date between 2016 and 2036." in plain(slipped.text)
    assert len(_votes(session)) == 3
