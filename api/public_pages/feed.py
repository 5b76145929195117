"""The supporters' calendar of a published page: its public votes ahead, the very ones the page
lists, each linking to its public-comment kit, and those of them cancelled lately, marked so.
Nothing else of the campaign is in it."""

from datetime import UTC, datetime
from urllib.parse import urlsplit

from api import public_url
from api.alerts.feeds import Dated, calendar_named, event_of
from api.alerts.rules import When
from api.fields import stored_id
from api.i18n.catalogs import gettext
from api.public_pages.service import PublicView
from api.votes.models import Vote, VoteStatus


def address(view: PublicView) -> str:
    """The feed's path, beside the page's own."""
    return f"/p/{view.page.slug}.ics"


def webcal(view: PublicView, lang: str) -> str:
    """The subscribe link calendar apps open: the feed's address under the webcal scheme."""
    base = urlsplit(public_url.base_url())
    return f"webcal://{base.netloc}{base.path}{address(view)}?lang={lang}"


def calendar_bytes(view: PublicView) -> bytes:
    """The page's votes ahead as text/calendar bytes, in the language in use, and its votes
    cancelled lately marked so (same UID, a higher SEQUENCE), so a calendar app that took the
    vote before takes it off. Stamped with the latest change it shows, not the hour asked: the
    same feed is the same bytes, which a reverse proxy and a calendar app's If-None-Match may
    keep."""
    votes = [(shown.record, False) for shown in view.votes] + \
        [(vote, True) for vote in view.cancelled]
    stamps: list[datetime] = [vote.updated_at for vote, _ in votes]
    stamps += [view.page.published_at] if view.page.published_at else []
    now = max(stamps, default=datetime(2020, 1, 1, tzinfo=UTC))
    base_url = public_url.base_url()
    host = urlsplit(base_url).hostname or "oversight"
    cal = calendar_named(view.campaign.name)
    for vote, cancelled in sorted(votes, key=lambda v: (v[0].scheduled_at, stored_id(v[0]))):
        cal.add_component(event_of(_dated(view, vote, cancelled=cancelled), host=host,
                                   base_url=base_url, now=now))
    return bytes(cal.to_ical())


def _dated(view: PublicView, vote: Vote, *, cancelled: bool) -> Dated:
    if vote.time_not_announced:
        when = When.of_day(vote.scheduled_at.astimezone(view.zone).date(), view.zone)
        summary = gettext("Vote: {title} (time not announced)").format(title=vote.title)
    else:
        when = When.of_instant(vote.scheduled_at, view.zone)
        summary = gettext("Vote: {title}").format(title=vote.title)
    # A cancelled vote has no comment kit any more: its event leads to the page.
    link = f"/p/{view.page.slug}"
    if cancelled:
        summary = gettext("Cancelled vote: {title}").format(title=vote.title)
    else:
        link += f"/votes/{stored_id(vote)}"
    # A postponed vote keeps its old date until rescheduled: not to be counted on.
    postponed = str(getattr(vote.status, "value", vote.status)) == VoteStatus.postponed
    return Dated("public-vote", stored_id(vote), summary, when, vote.updated_at,
                 vote.location or "", link, postponed, cancelled=cancelled)
