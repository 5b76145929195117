"""Days and times as the pages show them: on the wall clock where each record happens (the
coalition's when it has no place), in the reader's language."""

from datetime import date, datetime
from decimal import Decimal

from api import clock
from api.i18n import catalogs, formatting


def local_time(value: datetime | None, zone: str | None = None,
               fmt: str = "weekday_date time") -> str:
    """A UTC instant on the wall clock where it happens (the coalition's clock when no zone is
    given), with the zone's abbreviation, in the reader's language."""
    if value is None:
        return ""
    local = clock.local(value, zone)
    return f"{formatting.format_when(local, fmt)} {local.tzname()}"


def local_date(value: datetime | None, zone: str | None = None, fmt: str = "date") -> str:
    """The local day of a UTC instant, with no zone: a day ("last met") is not a time."""
    if value is None:
        return ""
    return formatting.format_when(clock.local(value, zone).date(), fmt)


def vote_time(value: datetime | None, zone: str | None = None,
              not_announced: object = False) -> str:
    """A vote's day and time where its body meets; a vote whose time is not announced shows
    its day and says so, never midnight or an hour made up for it."""
    if value is None:
        return ""
    if not_announced:
        day = formatting.format_when(clock.local(value, zone).date(), "weekday_date")
        return catalogs.gettext("{day}, time not announced").format(day=day)
    return local_time(value, zone)


def local_input(value: datetime | None, zone: str | None = None) -> str:
    """A UTC time as the value of a datetime-local input, on the wall clock where it happens."""
    if value is None:
        return ""
    return clock.local(value, zone).strftime("%Y-%m-%dT%H:%M")


def days_until(value: date | datetime | None, zone: str | None = None) -> int | None:
    """Calendar days from today where the record is (the coalition's clock when no zone is
    given): 6 PM in California is already tomorrow in UTC, and so is 11 PM's "today"."""
    if value is None:
        return None
    today = clock.today(zone)
    if isinstance(value, datetime):
        return (clock.local(value, zone).date() - today).days
    return (value - today).days


countdown = formatting.countdown


def short_date(value: date | datetime | None, shape: str = "date") -> str:
    """A day in the reader's language ("Dec 5, 2026", "5 dic 2026"); `shape` names another of
    api.i18n.formatting's shapes."""
    if value is None:
        return ""
    return formatting.format_when(value.date() if isinstance(value, datetime) else value, shape)


def partial_date(value: str | None) -> str:
    """A date as precise as its source: "2019", "May 2019" or "May 14, 2019"."""
    if not value:
        return ""
    try:
        if len(value) == 7:
            return short_date(date.fromisoformat(value + "-01"), "month_year")
        if len(value) == 10:
            return short_date(date.fromisoformat(value))
    except ValueError:
        pass
    return value


def money(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    return formatting.format_money(value)
