"""The reminder mail through a real SMTP server (aiosmtpd): where to send written comments is a
mailto link in the HTML part, escaped, and plain in the text part; a written deadline gone by
when the reminder goes out says so."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from api import clock
from api.auth.models import Role
from api.bodies import service as bodies
from api.bodies.models import BodyUpdate
from api.public_pages.models import ShownKind
from api.supporters import reminders
from api.supporters.models import Supporter, SupporterState
from api.votes.models import Vote
from tests.alerts.servers import Received
from tests.factories.public_pages import Ground, publish, with_comment_rules

SLUG = "riverbend-reminders"


@pytest.fixture
def ground(session: Session, actor: Any, frozen_now: datetime, client_as: Any) -> Ground:
    made = with_comment_rules(session, actor)
    publish(client_as(Role.lead), made, SLUG)
    session.add(Supporter(campaign_id=made.campaign.id, email="fan@example.org",
                          state=SupporterState.confirmed, confirmed_at=clock.now()))
    session.commit()
    return made


def _reminder(session: Session, inbox: list[Received], at: datetime) -> Received:
    reminders.plan(session)
    session.commit()
    clock.freeze(at)
    assert reminders.send_due(session) == 1
    deadline = datetime.now(UTC) + timedelta(seconds=5)
    while not inbox and datetime.now(UTC) < deadline:
        pass
    (sent,) = inbox
    return sent


def _vote_at(session: Session, ground: Ground) -> datetime:
    vote = session.get(Vote, ground.public[ShownKind.vote][0])
    assert vote is not None
    return vote.scheduled_at.replace(tzinfo=UTC)


def test_where_to_send_is_a_mailto_link_in_html_and_plain_in_text(
        session: Session, actor: Any, ground: Ground, inbox: list[Received]) -> None:
    address = "o'neil&co@riverbend.example"
    bodies.crud.update(session, actor, ground.body.id, BodyUpdate(comment_send_to=address))
    session.commit()
    sent = _reminder(session, inbox, _vote_at(session, ground) - timedelta(days=2))
    html, text = sent.part("html"), sent.part("plain")
    assert ('Send written comments to: <a href="mailto:o&#x27;neil%26co@riverbend.example">'
            "o&#x27;neil&amp;co@riverbend.example</a>") in html
    assert f"Send written comments to: {address}" in text.splitlines() and "mailto:" not in text
    # Written before the noon deadline the day before: not gone by yet.
    assert "Written comments by 12:00 PM on Wednesday, March 11" in text


def test_words_that_are_not_one_address_stay_words(
        session: Session, actor: Any, ground: Ground, inbox: list[Received]) -> None:
    bodies.crud.update(session, actor, ground.body.id, BodyUpdate(
        comment_send_to="<b>Clerk</b>, 1 Main St."))
    session.commit()
    html = _reminder(session, inbox, _vote_at(session, ground) - timedelta(days=2)).part("html")
    assert "<p>Send written comments to: &lt;b&gt;Clerk&lt;/b&gt;, 1 Main St.</p>" in html


def test_a_reminder_sent_after_the_written_deadline_says_it_has_passed(
        session: Session, ground: Ground, inbox: list[Received]) -> None:
    # A day late (the supporter confirmed late, or the worker was down): 1 PM the day before.
    sent = _reminder(session, inbox, _vote_at(session, ground) - timedelta(hours=29))
    assert ("Written comments were due by 12:00 PM on Wednesday, March 11: that deadline has "
            "passed.") in sent.part("plain")
    assert 'href="mailto:clerk@riverbend.example"' in sent.part("html")
