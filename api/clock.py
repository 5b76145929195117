"""The one clock: time and "today" come from here so tests can move time, and every "today" is
a local day, in the record's timezone or the coalition's."""

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from api.settings import get_settings

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _source()


@lru_cache(maxsize=64)
def _zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def home_zone() -> ZoneInfo:
    """The coalition's timezone (OVERSIGHT_TIMEZONE): for records with no place of their own."""
    return _zone_named(get_settings().timezone)


def zone_named(name: str | None) -> ZoneInfo:
    """A timezone by its IANA name; the coalition's when there is none."""
    return _zone_named(name) if name else home_zone()


def today(zone: tzinfo | str | None = None) -> date:
    """The calendar day it is now where the zone is (the coalition's when none is given).
    Never the UTC day: at 10 PM in California it is already tomorrow in UTC."""
    where = zone_named(zone) if zone is None or isinstance(zone, str) else zone
    return now().astimezone(where).date()


def local(at: datetime, zone: tzinfo | str | None = None) -> datetime:
    """An instant on the wall clock of the zone (the coalition's when none is given)."""
    where = zone_named(zone) if zone is None or isinstance(zone, str) else zone
    return at.astimezone(where)


def source() -> Callable[[], datetime]:
    """The time source in use (tests put it back after moving time for a while)."""
    return _source


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the time source (tests); None restores the real clock."""
    global _source
    _source = source if source is not None else (lambda: datetime.now(UTC))


def freeze(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    # Kept in UTC as the real clock gives it, so code that takes .date() of it is caught.
    in_utc = at.astimezone(UTC)
    set_clock(lambda: in_utc)
