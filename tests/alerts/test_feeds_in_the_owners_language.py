"""A calendar feed speaks its owner's language, whatever language the calendar app asks for:
the same campaign's feed names its vote in Spanish for an owner who reads Spanish."""

from datetime import date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.accounts import service as accounts
from api.auth.models import User
from tests import factories
from tests.alerts.conftest import Campaign
from tests.alerts.test_feeds import _events, _feed


def test_a_feed_is_written_in_its_owners_language(
        client: TestClient, session: Session, actor: Any, world: Campaign,
        admin: User) -> None:
    vote = factories.make_vote(session, actor, title="Renew the Flock contract",
                               body_id=world.body.id, campaign_id=world.campaign.id,
                               scheduled_at=datetime(2026, 4, 2, 18, 0))
    path = _feed(client, "campaign", world.campaign.id)
    uid = f"vote-{vote.id}@127.0.0.1"
    english = _events(client, path)[uid]
    assert english["SUMMARY"] == "Vote: Renew the Flock contract"

    owner = session.get(User, admin.id)
    assert owner is not None
    accounts.set_language(session, owner, "es")
    session.commit()
    spanish = _events(client, path)[uid]
    assert spanish["SUMMARY"] == "Votación: Renew the Flock contract"
    # A kind's words in a stored title are said again in the owner's language.
    task = factories.make_task(session, actor, title="Print flyers", assignee_user_id=admin.id,
                               due_on=date(2026, 3, 20))
    session.commit()
    events = _events(client, _feed(client, "user"))
    assert events[f"task_due-{task.id}@127.0.0.1"]["SUMMARY"] == "Vence la tarea: Print flyers"
    # The calendar app's own Accept-Language does not change it.
    response = client.get(path, headers={"Accept-Language": "en-US"})
    assert "Votación: Renew the Flock contract" in response.text
