"""The one clock: deadline and alert code asks it for the time so tests can move time."""

from collections.abc import Callable
from datetime import UTC, date, datetime

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _source()


def today() -> date:
    return now().date()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the time source (tests); None restores the real clock."""
    global _source
    _source = source if source is not None else (lambda: datetime.now(UTC))


def freeze(at: datetime) -> None:
    if at.tzinfo is None:
        raise ValueError("freeze() needs a timezone-aware datetime")
    set_clock(lambda: at)
