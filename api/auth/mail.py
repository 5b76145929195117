"""Account email (invitations, password resets): sent over SMTP when configured, otherwise
dropped as files in the data directory for the administrator to pass on."""

import logging
import smtplib
from email.message import EmailMessage
from pathlib import Path

from api import clock
from api.auth import tokens
from api.settings import get_settings

log = logging.getLogger(__name__)


def maildrop() -> Path:
    return get_settings().data_dir / "mail"


def send(*, to: str, subject: str, body: str) -> None:
    settings = get_settings()
    message = EmailMessage()
    # The SMTP settings are the instance's outgoing mail settings, shared with alerts.
    sender = getattr(settings, "smtp_from", "") or "oversight@localhost"
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    host = getattr(settings, "smtp_host", "")
    if host:
        port = int(getattr(settings, "smtp_port", 587))
        with smtplib.SMTP(host, port, timeout=float(getattr(settings, "smtp_timeout_seconds",
                                                            20.0))) as smtp:
            if getattr(settings, "smtp_starttls", True):
                smtp.starttls()
            username = getattr(settings, "smtp_username", "")
            if username:
                smtp.login(username, getattr(settings, "smtp_password", ""))
            smtp.send_message(message)
        return
    folder = maildrop()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{clock.now():%Y%m%dT%H%M%S}-{tokens.new_token()[:8]}.eml"
    path = folder / name
    path.touch(mode=0o600)
    path.write_bytes(bytes(message))
    log.warning("No SMTP server is configured; the message to %s was written to %s", to, path)
