"""What every channel shares: the outcome of a send and the words an alert is told in."""

from dataclasses import dataclass
from datetime import datetime

from api import clock
from api.alerts.models import SAVED_SEARCH, AlertOutbox, SubjectKind


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
    """The event's date (and time, with the zone's abbreviation) where it happens."""
    if row.event_at is None:
        return ""
    local = row.event_at.astimezone(clock.zone_named(row.zone))
    if row.all_day:
        return local.strftime("%a %b %-d, %Y")
    return f"{local.strftime('%a %b %-d, %Y %-I:%M %p')} {local.tzname()}"


def relative_day(row: AlertOutbox, now: datetime) -> str:
    """'today', 'tomorrow', 'in 7 days' or '3 days ago', counted in local calendar days."""
    if row.event_at is None:
        return ""
    zone = clock.zone_named(row.zone)
    days = (row.event_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


KIND_WORDS = {
    SubjectKind.vote.value: "Vote",
    SubjectKind.notice_deadline.value: "Notice deadline",
    SubjectKind.contract_end.value: "Contract end",
    SubjectKind.records_request_due.value: "Records request",
    SubjectKind.task_due.value: "Task",
    SubjectKind.undecided_escalation.value: "Escalation",
    "test": "Test",
    "digest": "Digest",
    SAVED_SEARCH: "Saved search",
}


def tell(row: AlertOutbox, *, now: datetime, base_url: str) -> Told:
    relative = relative_day(row, now)
    if row.subject_kind == SubjectKind.vote:
        headline = f"Vote {relative}: {row.title}" if relative else f"Vote: {row.title}"
    elif relative:
        headline = f"{row.title} ({relative})"
    else:
        headline = row.title
    link = f"{base_url.rstrip('/')}{row.link}" if row.link else base_url.rstrip("/") + "/"
    return Told(headline=headline, when=local_when(row), relative=relative, place=row.place,
                link=link, kind=KIND_WORDS.get(row.subject_kind, row.subject_kind))
