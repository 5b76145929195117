"""Dates and times written in each language, and kept once written: what is kept must never
be given for another day, clock or language."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from api.i18n.catalogs import use_locale
from api.i18n.formatting import format_when


def test_one_instant_reads_as_each_zones_wall_clock() -> None:
    instant = datetime(2026, 12, 6, 2, 30, tzinfo=UTC)
    pacific = instant.astimezone(ZoneInfo("America/Los_Angeles"))
    eastern = instant.astimezone(ZoneInfo("America/New_York"))
    assert pacific == eastern  # one instant: equal, and alike to a cache keyed on the value
    with use_locale("en"):
        assert format_when(pacific, "weekday_date time") == "Sat Dec 5, 2026 6:30 PM"
        assert format_when(eastern, "weekday_date time") == "Sat Dec 5, 2026 9:30 PM"
        assert format_when(instant, "weekday_date time") == "Sun Dec 6, 2026 2:30 AM"


def test_a_day_in_each_language_and_shape() -> None:
    day = date(2026, 12, 5)
    with use_locale("en"):
        assert format_when(day) == "Dec 5, 2026"
        assert format_when(datetime(2026, 12, 5), "date") == "Dec 5, 2026"
        assert format_when(day, "long_date") == "December 5, 2026"
    with use_locale("es"):
        assert format_when(day) == "5 dic 2026"
        assert format_when(day, "long_date") == "5 de diciembre de 2026"
    with use_locale("en"):
        assert format_when(day) == "Dec 5, 2026"
