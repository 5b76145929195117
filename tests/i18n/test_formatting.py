"""Dates and times written in each language, and kept once written: what is kept must never
be given for another day, clock or language."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from api.i18n.catalogs import use_locale
from api.i18n.formatting import format_number, format_when


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


def test_numbers_kept_once_written_read_as_their_own_value() -> None:
    with use_locale("es"):
        # Kept first: a later number equal in value, or of another type, must not be given it
        # unless the two are written alike.
        assert format_number(Decimal("1.50")) == "1.5"
        assert format_number(Decimal("1.5")) == "1.5"
        assert format_number(1234567) == "1,234,567"
        assert format_number(0.5) == "0.5"
        assert format_number(Decimal("2.0006")) == "2.001"
    with use_locale("en"):
        assert format_number(1234567) == "1,234,567"
        assert format_number(2) == "2"
        assert format_number(2.25) == "2.25"
        assert format_number(Decimal("1.5")) == "1.5"
