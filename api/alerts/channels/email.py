"""Email over SMTP: one alert or a daily digest, as plain text plus HTML."""

import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

from api.alerts.channels import Outcome, Told
from api.i18n import catalogs
from api.i18n.catalogs import gettext as _
from api.i18n.catalogs import ngettext
from api.settings import Settings

# How an email alert reads when no mail server is set up: held as its note, not as an error.
NO_MAIL_SERVER = "Not sent: no mail server."
# The longest line SMTP carries (RFC 5322); a longer one has to be wrapped in transit.
MAX_LINE_BYTES = 998


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str
    timeout: float

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_settings(cls, settings: Settings) -> "SmtpConfig":
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_username,
                   settings.smtp_password, settings.smtp_starttls, settings.smtp_from,
                   settings.smtp_timeout_seconds)


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    message_id: str
    # Further headers, such as a mailing list's unsubscribe address (RFC 8058).
    headers: tuple[tuple[str, str], ...] = ()


def _language() -> str:
    """The language the message is written in, for the reader's screen reader and spelling:
    the one in force (the recipient's), as HTML names it."""
    return escape(catalogs.current().replace("_", "-"), quote=True)


def alert_email(told: Told, *, to: str, message_id: str, late: bool) -> Email:
    """One alert, in the language in force (the recipient's)."""
    late_note = _("This alert is late: Oversight could not send it when it was due.")
    when, where, open_link = _("When"), _("Where"), _("Open in Oversight")
    lines = [told.headline, ""]
    if told.when:
        lines.append(f"{when}: {told.when}")
    if told.place:
        lines.append(f"{where}: {told.place}")
    if late:
        lines.append(late_note)
    lines += ["", f"{open_link}: {told.link}", "",
              _("You get this because of an alert rule or something you follow in Oversight.")]
    html = [f"<!doctype html><html lang=\"{_language()}\"><body>",
            f"<h1 style=\"font-size:1.2em\">{escape(told.headline)}</h1>", "<table>"]
    for label, value in ((when, told.when), (where, told.place)):
        if value:
            html.append(f"<tr><th align=\"left\">{escape(label)}</th>"
                        f"<td>{escape(value)}</td></tr>")
    html.append("</table>")
    if late:
        html.append(f"<p><em>{escape(late_note)}</em></p>")
    html += [f"<p><a href=\"{escape(told.link, quote=True)}\">{escape(open_link)}</a></p>",
             "</body></html>"]
    return Email(to=to, subject=f"[Oversight] {told.headline}", text="\n".join(lines) + "\n",
                 html="\n".join(html), message_id=message_id)


def digest_email(items: Sequence[Told], *, to: str, day: str, message_id: str) -> Email:
    """The day's alerts in one message, in the language in force (the recipient's). The day
    stays in its ISO form, which reads the same in every language."""
    shown = day
    count = len(items)
    subject = "[Oversight] " + ngettext(
        "Your daily digest for {day}: {count} alert",
        "Your daily digest for {day}: {count} alerts", count).format(day=shown, count=count)
    heading = _("Your Oversight alerts for {day}").format(day=shown)
    lines = [f"{heading}:", ""]
    html = [f"<!doctype html><html lang=\"{_language()}\"><body>",
            f"<h1 style=\"font-size:1.2em\">{escape(heading)}</h1><ul>"]
    for told in items:
        detail = " · ".join(p for p in (told.when, told.place) if p)
        lines += [f"- {told.headline}", f"  {detail}" if detail else "", f"  {told.link}", ""]
        html.append(f"<li><a href=\"{escape(told.link, quote=True)}\">{escape(told.headline)}</a>"
                    f"<br>{escape(detail)}</li>")
    html += ["</ul></body></html>"]
    text = "\n".join(line for line in lines if line is not None)
    return Email(to=to, subject=subject, text=text, html="\n".join(html), message_id=message_id)


def transfer_encoding(body: str, *, eight_bit: bool = True) -> str | None:
    """How a text goes on the wire. Left to itself the email package sends any line longer
    than 78 characters, or any text with an accent, as quoted-printable, which breaks a long
    link across lines with a trailing "="; some mail programs then show the link cut in two.
    Sent as written, each link stays whole on its line: plain ASCII as 7bit, other text as 8bit
    (unless the server takes only 7-bit text). Only a line too long for SMTP itself is left to
    the package to wrap (None)."""
    if any(len(line) > MAX_LINE_BYTES for line in body.encode().splitlines()):
        return None
    if body.isascii():
        return "7bit"
    return "8bit" if eight_bit else None


# Headers folded only past the 998 characters a mail line may hold. Folded at 78, a subject
# whose fold fell between an English word and an accented one ("before Votación") came out with
# two spaces there: Python writes the space before the fold and the fold's own as well.
MESSAGE_POLICY = email_policy.SMTP.clone(max_line_length=998)


def build_message(config: SmtpConfig, email: Email, *, now: datetime,
                  eight_bit: bool = True) -> EmailMessage:
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = config.sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now)
    # The same Message-ID on every retry lets mail systems drop a repeat; a mail never retried
    # under one gets one of its own.
    domain = config.sender.rpartition("@")[2] or "oversight.invalid"
    message["Message-ID"] = f"<{email.message_id}@{domain}>" if email.message_id \
        else make_msgid(domain=domain)
    for name, value in email.headers:
        message[name] = value
    message.set_content(email.text, cte=transfer_encoding(email.text, eight_bit=eight_bit))
    message.add_alternative(email.html, subtype="html",
                            cte=transfer_encoding(email.html, eight_bit=eight_bit))
    return message


def deliver(config: SmtpConfig, build: Callable[[bool], EmailMessage]) -> None:
    """Send the message `build` makes, over the server's TLS, signed in when it has a user.
    Built for 8-bit text first; a server that does not take it gets the message built again
    for 7-bit lines. Raises what smtplib raises."""
    if config.port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(config.host, config.port,
                                                timeout=config.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        if config.starttls and config.port != 465:
            client.starttls(context=ssl.create_default_context())
        if config.username:
            client.login(config.username, config.password)
        message = build(True)
        options: tuple[str, ...] = ()
        if any(part["Content-Transfer-Encoding"] == "8bit" for part in message.walk()):
            client.ehlo_or_helo_if_needed()
            if client.has_extn("8bitmime"):
                options = ("BODY=8BITMIME",)
            else:
                message = build(False)
        client.send_message(message, mail_options=options)


def send(config: SmtpConfig, email: Email, *, now: datetime) -> Outcome:
    if not config.configured:
        return Outcome(False, NO_MAIL_SERVER, permanent=True)
    try:
        deliver(config, lambda eight_bit: build_message(config, email, now=now,
                                                        eight_bit=eight_bit))
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome(False, f"The mail server refused the address: {exc.recipients}",
                       permanent=True)
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}"[:2000])
    return Outcome(True)
