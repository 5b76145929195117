"""A real SMTP server (aiosmtpd) set as the instance's own, for the supporters' mail."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from api.alerts import service as alerts
from tests.alerts.servers import Received, smtp_server


@contextmanager
def instance_mail(session: Session, actor: Any, **server: Any) -> Iterator[list[Received]]:
    """`server` goes to smtp_server (refuse the first messages, no SMTPUTF8, a hook)."""
    with smtp_server(**server) as (port, received):
        alerts.update_channel_settings(session, actor, {
            "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False,
            "smtp_from": "campaign@coalition.example"})
        session.commit()
        yield received
