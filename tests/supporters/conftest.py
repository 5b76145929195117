"""The supporters' tests' mail server: a real SMTP server (aiosmtpd) set as the instance's own."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from sqlmodel import Session

from api.alerts import service as alerts
from api.auth.models import Role
from tests.alerts.servers import Received, smtp_server
from tests.factories.public_pages import Ground, make_ground, publish


@pytest.fixture
def inbox(session: Session, actor: Any) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        alerts.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "campaign@coalition.example"})
        session.commit()
        yield received


@pytest.fixture
def published_ground(session: Session, actor: Any, frozen_now: datetime, client_as: Any,
                     request: pytest.FixtureRequest) -> Ground:
    """The public ground, its page published at the test module's SLUG."""
    made = make_ground(session, actor)
    publish(client_as(Role.lead), made, request.module.SLUG)
    return made
