"""Dates, times, numbers, money and lists written as the reader's language writes them (Babel's
locale data). One place for every shape a page, an alert or a feed shows."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel import dates, lists, numbers

from api.i18n.catalogs import current, ngettext
from api.i18n.catalogs import gettext as _
from api.i18n.locales import DEFAULT

# Each shape in each language, as CLDR patterns: English keeps the shapes the pages always had
# ("Sat Dec 5, 2026 6:00 PM"); Spanish writes the day first ("sáb 5 dic 2026 6:00 p.m.").
PATTERNS: dict[str, dict[str, str]] = {
    "en": {"date": "MMM d, y", "weekday_date": "EEE MMM d, y", "month_day": "MMM d",
           "weekday_month_day": "EEE MMM d", "month_day_at": "MMM d,",
           "weekday_month_day_at": "EEE MMM d,", "month_year": "MMMM y", "time": "h:mm a",
           "long_date": "MMMM d, y", "full_date": "EEEE, MMMM d, y", "weekday": "EEE",
           "long_month_day": "MMMM d", "full_month_day": "EEEE, MMMM d"},
    "es": {"date": "d MMM y", "weekday_date": "EEE d MMM y", "month_day": "d MMM",
           "weekday_month_day": "EEE d MMM", "month_day_at": "d MMM,",
           "weekday_month_day_at": "EEE d MMM,", "month_year": "MMMM 'de' y", "time": "h:mm a",
           "long_date": "d 'de' MMMM 'de' y", "full_date": "EEEE, d 'de' MMMM 'de' y",
           "weekday": "EEE", "long_month_day": "d 'de' MMMM",
           "full_month_day": "EEEE, d 'de' MMMM"},
}
# The coalitions are in the United States: Spanish with US numbers ("$1,234.50") and the
# 12-hour clock, as the Spanish-language notices of US city halls write them.
BABEL_LOCALES = {"en": "en_US", "es": "es_US"}
# Machine shapes, the same in every language (form values, ids in links).
FIXED = {"iso": "yyyy-MM-dd", "input": "yyyy-MM-dd'T'HH:mm"}
# The strftime formats templates were written with, and the shape each one means.
STRFTIME = {
    "%a %b %-d, %Y %-I:%M %p": "weekday_date time",
    "%b %-d, %Y %-I:%M %p": "date time",
    "%b %-d, %-I:%M %p": "month_day_at time",
    "%a %b %-d, %-I:%M %p": "weekday_month_day_at time",
    "%-I:%M %p": "time",
    "%b %-d, %Y": "date",
    "%a %b %-d, %Y": "weekday_date",
    "%B %Y": "month_year",
    "%Y-%m-%d": "iso",
    "%Y-%m-%dT%H:%M": "input",
}


def pattern(shape: str, locale: str | None = None) -> str:
    """The CLDR pattern of a shape ("date time" is two shapes side by side) in a language."""
    table = PATTERNS.get(locale or current(), PATTERNS[DEFAULT])
    shape = STRFTIME.get(shape, shape)
    return " ".join(FIXED.get(part) or table.get(part) or PATTERNS[DEFAULT][part]
                    for part in shape.split())


def babel_locale(locale: str | None = None) -> str:
    code = locale or current()
    return BABEL_LOCALES.get(code, code)


def format_when(value: date | datetime | None, shape: str = "date") -> str:
    """A day, or a wall-clock time already in its zone, in one of the shapes above."""
    if value is None:
        return ""
    locale = current()
    # No shape names a zone, so the wall clock is all that is written; it is also the key,
    # since aware times at one instant in two zones are equal (and would share an entry).
    wall = value.replace(tzinfo=None) if isinstance(value, datetime) else value
    return _formatted(wall, pattern(shape, locale), babel_locale(locale))


@lru_cache(maxsize=8192, typed=True)
def _formatted(value: date, cldr_pattern: str, locale: str) -> str:
    """Babel takes longer to write a date than a page takes to show it, and a page shows the
    same few days many times (a board's due dates, a timeline's days)."""
    if isinstance(value, datetime):
        return dates.format_datetime(value, cldr_pattern, locale=locale)
    return dates.format_date(value, cldr_pattern, locale=locale)


def format_number(value: int | float | Decimal) -> str:
    return _number(value, babel_locale())


@lru_cache(maxsize=8192, typed=True)
def _number(value: int | float | Decimal, locale: str) -> str:
    """Babel reads its pattern afresh for each number, and a page writes the same few counts
    many times. Numbers equal in value are written alike under the default pattern (1.50 and
    1.5 both as "1.5"), so they may share an entry; typed keeps 1 and 1.0 apart."""
    return numbers.format_decimal(value, locale=locale)


def format_money(value: Decimal | float | int, currency: str = "USD") -> str:
    return numbers.format_currency(value, currency, locale=babel_locale())


def format_list(items: Sequence[str]) -> str:
    """"a, b, and c" / "a, b y c"."""
    return lists.format_list(list(items), locale=babel_locale())


def zone_city(zone: str) -> str:
    """A time zone by its city, as the language writes it ("Los Ángeles", "Nueva York")."""
    try:
        return dates.get_timezone_location(zone, locale=babel_locale(), return_city=True)
    except (LookupError, ValueError):
        return zone.split("/")[-1].replace("_", " ")


# The zones a coalition in the United States chooses from, west to east, then Puerto Rico;
# another zone (set through the API) is still shown and kept.
US_ZONES = ("Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Phoenix",
            "America/Denver", "America/Chicago", "America/New_York", "America/Puerto_Rico")


def zone_name(zone: str) -> str:
    """A time zone by the name people use and its city, as the language says them ("Pacific
    Time (Los Angeles)", "Hora del Pacífico (Los Ángeles)"), not as the IANA database keys it."""
    city = zone_city(zone)
    try:
        name = dates.get_timezone_name(zone, "long", zone_variant="generic",
                                       locale=babel_locale())
    except (LookupError, ValueError):
        return city
    if "(" in name or "/" in city:
        # A zone Babel has no common name for ("United States (Indiana/Indianapolis) Time").
        return zone.split("/")[-1].replace("_", " ")
    return f"{name[:1].upper()}{name[1:]} ({city})"


def format_choices(items: Sequence[str]) -> str:
    """"a, b, or c" / "a, b o c": one of them."""
    return lists.format_list(list(items), style="or", locale=babel_locale())


def countdown(days: int | None) -> str:
    """Calendar days from today, in words."""
    if days is None:
        return ""
    if days == 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days == -1:
        return _("yesterday")
    if days < 0:
        return ngettext("%(num)d day ago", "%(num)d days ago", -days) % {"num": -days}
    return ngettext("in %(num)d day", "in %(num)d days", days) % {"num": days}
