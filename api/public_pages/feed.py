"""The supporters' calendar of a published page: its public votes ahead, the very ones the page
lists, each linking to its public-comment kit. Nothing else of the campaign is in it."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from api import public_url
from api.alerts.feeds import Dated, calendar_named, event_of
from api.alerts.rules import When
from api.fields import stored_id
from api.i18n.catalogs import gettext
from api.public_pages.service import PublicView
from api.votes.models import VoteStatus


def address(view: PublicView) -> str:
    """The feed's path, beside the page's own."""
    return f"/p/{view.page.slug}.ics"


def webcal(view: PublicView, lang: str) -> str:
    """The subscribe link calendar apps open: the feed's address under the webcal scheme."""
    base = urlsplit(public_url.base_url())
    return f"webcal://{base.netloc}{base.path}{address(view)}?lang={lang}"


def calendar_bytes(view: PublicView) -> bytes:
    """The page's votes ahead as text/calendar bytes, in the language in use. Stamped with the
    latest change it shows, not the hour asked: the same feed is the same bytes, which a
    reverse proxy and a calendar app's If-None-Match may keep."""
    stamps: list[datetime] = [v.record.updated_at for v in view.votes]
    stamps += [view.page.published_at] if view.page.published_at else []
    now = max(stamps, default=datetime(2020, 1, 1, tzinfo=UTC))
    base_url = public_url.base_url()
    host = urlsplit(base_url).hostname or "oversight"
    cal = calendar_named(view.campaign.name)
    for shown in view.votes:
        vote = shown.record
        if vote.time_not_announced:
            when = When.of_day(vote.scheduled_at.astimezone(view.zone).date(), view.zone)
            summary = gettext("Vote: {title} (time not announced)").format(title=vote.title)
        else:
            when = When.of_instant(vote.scheduled_at, view.zone)
            summary = gettext("Vote: {title}").format(title=vote.title)
        # A postponed vote keeps its old date until rescheduled: not to be counted on.
        postponed = str(getattr(vote.status, "value", vote.status)) == VoteStatus.postponed
        item = Dated("public-vote", stored_id(vote), summary, when, vote.updated_at,
                     vote.location or "", f"/p/{view.page.slug}/votes/{stored_id(vote)}",
                     postponed)
        cal.add_component(event_of(item, host=host, base_url=base_url, now=now))
    return bytes(cal.to_ical())
