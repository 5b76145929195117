"""A reminder worker that stops mid-send (killed as a crash kills it, in a process of its own,
against a real SMTP server) never has its reminder sent twice: one stopped after handing the
mail over is not sent again; one stopped before is, once."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from api import clock
from api.auth.models import Role
from api.public_pages.models import ShownKind
from api.supporters import reminders
from api.supporters.models import ReminderStatus, Supporter, SupporterReminder, SupporterState
from api.votes.models import Vote
from tests.alerts.servers import Received
from tests.factories.public_pages import Ground, make_ground, publish
from tests.supporters.mail import instance_mail

SLUG = "riverbend-worker"
ROOT = Path(__file__).resolve().parents[2]
# The worker's sending, as the scheduler runs it, in a process the mail server can kill.
WORKER = """
import sys
from datetime import datetime
from sqlmodel import Session
from api import clock
from api.db import get_engine
from api.supporters import reminders
clock.freeze(datetime.fromisoformat(sys.argv[1]))
with Session(get_engine()) as session:
    reminders.send_due(session)
"""


class Killer:
    """Kills the worker the moment the mail server has its message, before it answers."""

    def __init__(self) -> None:
        self.worker: subprocess.Popen[bytes] | None = None

    def __call__(self) -> None:
        if self.worker is not None:
            os.kill(self.worker.pid, signal.SIGKILL)


@pytest.fixture
def killer() -> Killer:
    return Killer()


@pytest.fixture
def inbox(session: Session, actor: Any, killer: Killer) -> Iterator[list[Received]]:
    with instance_mail(session, actor, then=killer) as received:
        yield received


@pytest.fixture
def due_at(session: Session, actor: Any, frozen_now: datetime, client_as: Any) -> datetime:
    """A published page with one confirmed supporter; when their reminder is due."""
    ground: Ground = make_ground(session, actor)
    publish(client_as(Role.lead), ground, SLUG)
    session.add(Supporter(campaign_id=ground.campaign.id, email="fan@example.org",
                          state=SupporterState.confirmed, confirmed_at=clock.now()))
    session.commit()
    reminders.plan(session)
    session.commit()
    vote = session.get(Vote, ground.public[ShownKind.vote][0])
    assert vote is not None
    # Ends the read: on SQLite an open transaction holds the write lock the worker needs.
    session.commit()
    return vote.scheduled_at.replace(tzinfo=UTC) - reminders.BEFORE


def _row(session: Session) -> SupporterReminder:
    session.expire_all()
    row = session.exec(select(SupporterReminder)).one()
    session.commit()
    return row


def _settle(inbox: list[Received]) -> None:
    # Long enough for a second message to arrive, if one were sent.
    time.sleep(1.0)


def test_a_worker_killed_after_handing_the_mail_over_never_sends_it_again(
        session: Session, inbox: list[Received], killer: Killer, due_at: datetime) -> None:
    at = due_at + timedelta(minutes=1)
    killer.worker = subprocess.Popen([sys.executable, "-c", WORKER, at.isoformat()], cwd=ROOT)
    assert killer.worker.wait(timeout=120) == -signal.SIGKILL
    assert len(inbox) == 1
    assert _row(session).status == ReminderStatus.sending
    killer.worker = None
    # The lease runs out; the next ticks find the mark and leave the reminder be.
    clock.freeze(at + reminders.LEASE + timedelta(minutes=1))
    assert reminders.tick(lambda: session) == 0
    clock.freeze(at + timedelta(hours=1))
    assert reminders.tick(lambda: session) == 0
    _settle(inbox)
    assert len(inbox) == 1
    row = _row(session)
    assert row.status == ReminderStatus.failed and row.sent_at is not None
    assert row.last_error == reminders.UNKNOWN


def test_a_worker_stopped_before_handing_it_over_leaves_it_to_the_next_once(
        session: Session, inbox: list[Received], due_at: datetime) -> None:
    at = due_at + timedelta(minutes=1)
    clock.freeze(at)
    # Claimed, and the worker gone before it reached the mail server.
    assert reminders._claim(session, at)
    session.commit()
    assert reminders.send_due(session) == 0, "claimed: no other worker takes it meanwhile"
    clock.freeze(at + reminders.LEASE + timedelta(minutes=1))
    assert reminders.tick(lambda: session) == 1
    assert reminders.tick(lambda: session) == 0
    _settle(inbox)
    assert len(inbox) == 1
    assert _row(session).status == ReminderStatus.sent
