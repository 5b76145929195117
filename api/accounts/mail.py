"""Account email (invitations, password resets): sent over SMTP when configured, otherwise
dropped as files in the data directory for the administrator to pass on."""

import logging
from email.message import EmailMessage
from pathlib import Path

from api import clock
from api.alerts.channels.email import SmtpConfig, deliver, transfer_encoding
from api.auth import tokens
from api.settings import get_settings

log = logging.getLogger(__name__)


def maildrop() -> Path:
    return get_settings().data_dir / "mail"


def message_of(*, sender: str, to: str, subject: str, body: str,
               eight_bit: bool = True) -> EmailMessage:
    """The message as sent; with eight_bit false, for a server that takes only 7-bit text."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body, cte=transfer_encoding(body, eight_bit=eight_bit))
    return message


def send(*, to: str, subject: str, body: str, server: SmtpConfig | None = None) -> None:
    """Sends through `server`, the mail settings in force (api.alerts.service.smtp_config);
    without it, through the OVERSIGHT_SMTP_* environment."""
    settings = get_settings()
    # The SMTP settings are the instance's outgoing mail settings, shared with alerts.
    server = server or SmtpConfig.from_settings(settings)
    sender = server.sender or "oversight@localhost"
    if server.configured:
        deliver(server, lambda eight_bit: message_of(sender=sender, to=to, subject=subject,
                                                     body=body, eight_bit=eight_bit))
        return
    message = message_of(sender=sender, to=to, subject=subject, body=body)
    folder = maildrop()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{clock.now():%Y%m%dT%H%M%S}-{tokens.new_token()[:8]}.eml"
    path = folder / name
    path.touch(mode=0o600)
    path.write_bytes(bytes(message))
    log.warning("No SMTP server is configured; the message to %s was written to %s", to, path)
