"""Fixtures of the alert tests: a campaign with a lead, the clock in hand, and ticks."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from api import clock
from api.accounts.service import system_user
from api.alerts.dispatcher import Dispatcher, TickReport
from api.alerts.models import AlertOutbox, Notification, OutboxStatus
from api.db import session_scope
from api.settings import get_settings
from tests import factories

# Sunday March 1, 2026, noon in Los Angeles: where every alert test starts unless it says.
START = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def alert_clock(db: None) -> Iterator[None]:
    """The clock frozen before anything is made, so records are stamped in the test's world."""
    clock.freeze(START)
    yield
    clock.set_clock(None)


@pytest.fixture
def actor(session: Session) -> Any:
    # Committed at once: on SQLite an open write transaction would lock the dispatcher out.
    user = system_user(session)
    session.commit()
    return user


# The campaign every alert test works in: a council, a lead organization and one of its members.
Campaign = factories.CampaignGround


@pytest.fixture
def make_campaign(session: Session, actor: Any) -> Callable[..., Campaign]:
    def make(timezone: str = "America/Los_Angeles", *, defaults: bool = False) -> Campaign:
        return factories.make_campaign_ground(session, actor, timezone, defaults=defaults,
                                              installed_at=START)
    return make


@pytest.fixture
def world(make_campaign: Callable[..., Campaign]) -> Campaign:
    return make_campaign()


class Ticks:
    """Ticks one dispatcher, as the scheduler would, at the time the test sets."""

    def __init__(self, **settings: Any) -> None:
        self.dispatcher = Dispatcher(settings=get_settings().model_copy(update=settings))

    def at(self, when: datetime) -> TickReport:
        clock.freeze(when)
        return self.dispatcher.tick()

    def __call__(self) -> TickReport:
        return self.dispatcher.tick()

    def close(self) -> None:
        self.dispatcher.close()


def tick_once() -> TickReport:
    """One tick of a dispatcher of its own, closed after: what the scheduler's next run does."""
    ticks = Ticks()
    try:
        return ticks()
    finally:
        ticks.close()


@pytest.fixture
def ticks(db: None) -> Iterator[Ticks]:
    found = Ticks()
    yield found
    found.close()


def outbox(**where: Any) -> list[AlertOutbox]:
    """Outbox rows, read in a session of their own, by due time."""
    with session_scope(read_only=True) as s:
        stmt = select(AlertOutbox)
        for name, value in where.items():
            stmt = stmt.where(getattr(AlertOutbox, name) == value)
        return list(s.exec(stmt.order_by(AlertOutbox.due_at, AlertOutbox.id)).all())


def pending() -> list[AlertOutbox]:
    return outbox(status=OutboxStatus.pending)


def notifications(user_id: int) -> list[Notification]:
    with session_scope(read_only=True) as s:
        return list(s.exec(select(Notification).where(Notification.user_id == user_id)
                           .order_by(Notification.id)).all())
