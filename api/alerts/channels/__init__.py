"""What every channel shares: the outcome of a send and the words an alert is told in."""

from dataclasses import dataclass
from datetime import datetime

from api import clock
from api.alerts.models import SAVED_SEARCH, AlertOutbox, SubjectKind
from api.alerts.subjects import title_in_words
from api.i18n import formatting
from api.i18n.catalogs import N_, gettext


@dataclass(frozen=True)
class Outcome:
    """How one send went. A permanent failure is not retried."""

    ok: bool
    error: str = ""
    status_code: int | None = None
    permanent: bool = False
    disable_endpoint: bool = False


@dataclass(frozen=True)
class Told:
    """An alert in words: a headline, when it happens in local time, where, and a link."""

    headline: str
    when: str
    relative: str
    place: str
    link: str
    kind: str


def local_when(row: AlertOutbox) -> str:
    """The event's date (and time, with the zone's abbreviation) where it happens, in the
    language in force (the recipient's)."""
    if row.event_at is None:
        return ""
    local = row.event_at.astimezone(clock.zone_named(row.zone))
    if row.all_day:
        day = formatting.format_when(local.date(), "weekday_date")
        # A vote is at an hour; on a whole day, the hour is not announced yet.
        return gettext("{day}, time not announced").format(day=day) \
            if row.subject_kind == SubjectKind.vote.value else day
    return f"{formatting.format_when(local, 'weekday_date time')} {local.tzname()}"


def relative_day(row: AlertOutbox, now: datetime) -> str:
    """'today', 'tomorrow', 'in 7 days' or '3 days ago', counted in local calendar days."""
    if row.event_at is None:
        return ""
    zone = clock.zone_named(row.zone)
    days = (row.event_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    return formatting.countdown(days)


# The kind of each alert, for a webhook's text and the delivery log; translated where shown.
KIND_WORDS = {
    SubjectKind.vote.value: N_("Vote"),
    SubjectKind.notice_deadline.value: N_("Notice deadline"),
    SubjectKind.contract_end.value: N_("Contract end"),
    SubjectKind.records_request_due.value: N_("Records request"),
    SubjectKind.task_due.value: N_("Task"),
    SubjectKind.undecided_escalation.value: N_("Escalation"),
    "test": N_("Test"),
    "digest": N_("Digest"),
    SAVED_SEARCH: N_("Saved search"),
}


def tell(row: AlertOutbox, *, now: datetime, base_url: str) -> Told:
    """The alert in the words of the language in force: callers set the recipient's."""
    relative = relative_day(row, now)
    title = title_in_words(row.subject_kind, row.title)
    if row.subject_kind == SubjectKind.vote:
        headline = gettext("Vote {relative}: {title}").format(relative=relative, title=title) \
            if relative else gettext("Vote: {title}").format(title=title)
    elif relative:
        headline = gettext("{title} ({relative})").format(title=title, relative=relative)
    else:
        headline = title
    link = f"{base_url.rstrip('/')}{row.link}" if row.link else base_url.rstrip("/") + "/"
    return Told(headline=headline, when=local_when(row), relative=relative, place=row.place,
                link=link, kind=gettext(KIND_WORDS[row.subject_kind])
                if row.subject_kind in KIND_WORDS else row.subject_kind)
