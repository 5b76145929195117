"""A webhook endpoint deleted while the planner runs: the tick plans on without it."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session

from api.alerts import planner, service
from api.alerts.models import Channel, WebhookEndpoint
from api.db import session_scope
from tests import factories
from tests.alerts.conftest import Campaign, Ticks, outbox

VOTE_AT = datetime(2026, 4, 3, 1, 0, tzinfo=UTC)


def test_an_endpoint_deleted_between_the_planners_read_and_write(
        session: Session, actor: Any, world: Campaign, ticks: Ticks,
        monkeypatch: pytest.MonkeyPatch) -> None:
    service.update_channel_settings(session, actor, {"allow_private_webhooks": True})
    endpoint = service.create_endpoint(session, actor, {"name": "Coalition hook",
                                                        "url": "http://127.0.0.1:9/hook"})
    session.commit()
    factories.make_alert_rule(session, actor, world.campaign.id, offsets=["7d"],
                              channels=["webhook", "in_app"])
    factories.make_vote(session, actor, body_id=world.body.id, campaign_id=world.campaign.id,
                        scheduled_at=VOTE_AT)
    gather = planner.gather

    def gather_then_delete(reading: Session, **kwargs: Any) -> Any:
        # The planner has read the endpoint; someone deletes it before the planner writes.
        work = gather(reading, **kwargs)
        with session_scope() as other:
            if other.get(WebhookEndpoint, endpoint.id) is not None:
                service.delete_endpoint(other, actor, endpoint.id)  # type: ignore[arg-type]
        return work

    monkeypatch.setattr(planner, "gather", gather_then_delete)
    ticks()

    # The tick wrote the rest of its plan: the lead's reminder, and nothing for the endpoint.
    assert outbox(channel=Channel.webhook) == []
    [reminder] = outbox(channel=Channel.in_app)
    assert reminder.user_id == world.lead.id
    monkeypatch.undo()
    ticks()
    assert [r.id for r in outbox()] == [reminder.id]
