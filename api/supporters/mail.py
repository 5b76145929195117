"""The emails a supporter gets, in their language: the confirmation of a sign-up and the
reminder before a vote, each with RFC 8058 one-click unsubscribe."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from sqlmodel import Session

from api import clock, public_url
from api.alerts import service as alerts
from api.alerts.channels import Outcome
from api.alerts.channels import email as email_channel
from api.alerts.channels.email import Email
from api.bodies.comment_rules import send_to_link
from api.i18n import catalogs, formatting
from api.i18n.catalogs import gettext
from api.public_pages.comment_words import comment_words
from api.public_pages.service import HowToComment
from api.supporters import service as supporters
from api.supporters.models import Supporter


def links(supporter: Supporter, slug: str) -> tuple[str, str]:
    """The page's address and the supporter's unsubscribe address, whole."""
    base = public_url.base_url()
    return (f"{base}/p/{slug}?lang={supporter.language}",
            f"{base}/p/{slug}/unsubscribe/{supporters.leave_token(supporter)}"
            f"?lang={supporter.language}")


@dataclass(frozen=True)
class Linked:
    """A paragraph that ends in an address: linked in the HTML part, as written in the text."""

    words: str
    shown: str
    link: str

    def __str__(self) -> str:
        return f"{self.words} {self.shown}"


Paragraph = str | Linked


def _html(heading: str, paragraphs: Sequence[Paragraph], language: str) -> str:
    parts = [f"<!doctype html><html lang=\"{escape(language, quote=True)}\"><body>",
             f"<h1 style=\"font-size:1.2em\">{escape(heading)}</h1>"]
    for para in paragraphs:
        if isinstance(para, Linked):
            parts.append(f"<p>{escape(para.words)} <a href=\"{escape(para.link, quote=True)}\">"
                         f"{escape(para.shown)}</a></p>")
        elif para.startswith(("http://", "https://")):
            parts.append(f"<p><a href=\"{escape(para, quote=True)}\">{escape(para)}</a></p>")
        else:
            parts.append(f"<p>{escape(para)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def confirmation(supporter: Supporter, *, slug: str, campaign: str) -> Email:
    """Asks the address's owner to confirm: nothing is sent them again until they do."""
    base = public_url.base_url()
    confirm = (f"{base}/p/{slug}/confirm/{supporters.confirm_token(supporter)}"
               f"?lang={supporter.language}")
    _, leave = links(supporter, slug)
    with catalogs.use_locale(supporter.language):
        heading = gettext("Confirm your reminders for “{campaign}”").format(campaign=campaign)
        paragraphs = [
            gettext("Someone, probably you, asked to be reminded by email before the votes on "
                    "“{campaign}”. To get the reminders, open this link and confirm:")
            .format(campaign=campaign),
            confirm,
            gettext("If you did not ask, do nothing: without confirmation your address is "
                    "deleted within two days."),
        ]
        return _email(supporter, heading, paragraphs, leave)


def reminder(supporter: Supporter, *, slug: str, campaign: str, title: str, when: str,
             body: str, place: str, how: str, vote_id: int,
             comment: HowToComment | None = None) -> Email:
    """What is decided, when and where, how to comment (by when, and where to send written
    comments, as the kit says it), and the vote's comment kit."""
    base = public_url.base_url()
    kit = f"{base}/p/{slug}/votes/{vote_id}?lang={supporter.language}"
    page, leave = links(supporter, slug)
    with catalogs.use_locale(supporter.language):
        heading = gettext("Reminder: {title}, {when}").format(title=title, when=when)
        paragraphs: list[Paragraph] = [
            gettext("A vote you asked to be reminded of is coming up.")]
        paragraphs.append(gettext("When: {when}").format(when=when))
        if body:
            paragraphs.append(gettext("Body: {body}").format(body=body))
        if place:
            paragraphs.append(gettext("Where: {place}").format(place=place))
        said = comment_words(comment)
        if said.get("written_by"):
            paragraphs.append(said["written_by"])
        if comment is not None and comment.send_to:
            words, link = gettext("Send written comments to:"), send_to_link(comment.send_to)
            paragraphs.append(Linked(words, comment.send_to, link) if link
                              else f"{words} {comment.send_to}")
        if said.get("signup_closes"):
            paragraphs.append(said["signup_closes"])
        if how:
            paragraphs += [gettext("How to attend or comment:"), *how.split("\n\n")]
        paragraphs += [gettext("What to say, and a flyer to print:"), kit,
                       gettext("The campaign “{campaign}”:").format(campaign=campaign), page]
        return _email(supporter, heading, paragraphs, leave)


def _email(supporter: Supporter, heading: str, paragraphs: Sequence[Paragraph],
           leave: str) -> Email:
    footer: list[Paragraph] = [gettext("To stop these emails, unsubscribe:"), leave]
    text = "\n\n".join([heading, *map(str, paragraphs), *map(str, footer)]) + "\n"
    # Kept before domains were kept in their ASCII form, an address is converted here too.
    return Email(to=supporters.normalized(supporter.email), subject=heading, text=text,
                 html=_html(heading, [*paragraphs, *footer], supporter.language),
                 message_id="")


def when_words(at: datetime, zone: ZoneInfo, *, time_not_announced: bool) -> str:
    """The vote's day and time where it happens, in the language in force."""
    local = clock.local(at, zone)
    if time_not_announced:
        return gettext("{day}, time not announced").format(
            day=formatting.format_when(local.date(), "weekday_date"))
    return f"{formatting.format_when(local, 'weekday_date time')} {local.tzname()}"


def send(session: Session, email: Email, *, leave: str, message_id: str) -> Outcome:
    """Sends through the instance's mail settings, with the headers that let a mail program
    unsubscribe in one click (RFC 8058): a POST to `leave` needs nothing else."""
    config = alerts.smtp_config(session)
    return email_channel.send(config, replace(
        email, message_id=message_id,
        headers=(("List-Unsubscribe", f"<{leave}>"),
                 ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))), now=clock.now())
