"""The supporters' tests' mail server: a real SMTP server (aiosmtpd) set as the instance's own."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session

from api.alerts import service as alerts
from tests.alerts.servers import Received, smtp_server


@pytest.fixture
def inbox(session: Session, actor: Any) -> Iterator[list[Received]]:
    with smtp_server() as (port, received):
        alerts.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "campaign@coalition.example"})
        session.commit()
        yield received
