"""What the account emails say (an invitation, a password reset), in the recipient's language,
with the moment the link stops working written on the coalition's clock as that language
writes it."""

from dataclasses import dataclass
from datetime import datetime

from api import clock
from api.i18n.catalogs import gettext, use_locale
from api.i18n.formatting import format_when


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def _until(at: datetime) -> str:
    local = clock.local(at)
    return f"{format_when(local, 'weekday_date time')} {local.tzname()}"


def invitation(*, inviter: str, link: str, expires_at: datetime, language: str) -> Email:
    with use_locale(language):
        return Email(
            subject=gettext("You are invited to Oversight"),
            body=gettext("{inviter} invited you to your coalition's Oversight.\n\n"
                         "Open this link before {until} to create your account (it works "
                         "once):\n{link}\n").format(inviter=inviter, until=_until(expires_at),
                                                   link=link))


def password_reset(*, link: str, expires_at: datetime, language: str) -> Email:
    with use_locale(language):
        return Email(
            subject=gettext("Set a new Oversight password"),
            body=gettext("Someone asked to set a new password for your Oversight account.\n\n"
                         "Open this link before {until} to choose one (it works once):\n"
                         "{link}\n\n"
                         "If it was not you, ignore this message; your password stays as it "
                         "is.\n").format(until=_until(expires_at), link=link))
