"""The calendar: a month grid or an agenda list of votes, meetings, actions and deadlines,
for every campaign or one."""

import calendar as months
from datetime import date, timedelta
from typing import Annotated, NamedTuple

from fastapi import Query, Request
from fastapi.responses import Response

from api import clock
from api.calendar import service as agenda
from api.deps import SessionDep, UserDep
from api.errors import Invalid
from api.fields import MAX_INT
from api.i18n import formatting
from api.i18n.catalogs import gettext
from api.page_cache import ReusableRoute, reusable
from api.routing import PathRouter
from web.concepts import record_url, ref_options
from web.templating import acting_user, render
from web.times import local_time, short_date

router = PathRouter(include_in_schema=False, route_class=ReusableRoute)

AGENDA_DAYS = 42
# A month grid shows the days around the month; at the ends of the calendar there are none.
YEARS = range(1900, 2201)
# Entries per day in the agenda before "and N more" (the month grid shows fewer).
AGENDA_PER_DAY = 12


def _month(value: str | None) -> date:
    if not value:
        return clock.today().replace(day=1)
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError as exc:
        raise Invalid(gettext("The month must look like 2026-03."), field="month") from exc
    if first.year not in YEARS:
        raise Invalid(gettext("Choose a month between %(first)s and %(last)s.")
                      % {"first": YEARS[0], "last": YEARS[-1]}, field="month")
    return first


def _month_label(first: date, view: str) -> str:
    """A link to the month before or after; the agenda lists six weeks from a day, so its links
    say where the next list starts."""
    if view == "month":
        return formatting.format_when(first, "month_year")
    return gettext("From %(day)s") % {"day": formatting.format_when(first, "long_date")}


def _weekdays() -> list[str]:
    """The grid's column heads from Sunday, as US calendars start the week in either language."""
    sunday = date(2026, 11, 29)
    return [formatting.format_when(sunday + timedelta(days=n), "weekday") for n in range(7)]


class Shown(NamedTuple):
    """An entry as the page writes it. Worked out here, once an entry: each filter and
    function the template called for an entry (its kind's word, its time, its address) cost
    more than writing the rest of it."""

    kind: str
    label: str
    title: str
    url: str | None
    # The instant, and its wall-clock time where it happens (none for a vote whose hour is
    # not announced).
    at: str | None
    time: str
    untimed: bool


class ShownDay(NamedTuple):
    """A day's entries as written, how many more of each kind, and the day's name for the
    link to them."""

    entries: list[Shown]
    more: dict[str, int]
    hidden: int
    name: str


class Cell(NamedTuple):
    """A day of the month grid: its classes, its name, whether it is today, what it holds."""

    day: date
    classes: str
    name: str
    today: bool
    listed: ShownDay | None


def _shown(by_day: dict[date, agenda.Day]) -> dict[date, ShownDay]:
    words: dict[str, str] = {}
    shown = {}
    for day, listed in by_day.items():
        entries = []
        for e in listed.entries:
            word = words.get(e.what)
            if word is None:
                word = words[e.what] = gettext(e.what)
            timed = e.at is not None and not e.untimed
            entries.append(Shown(
                e.kind, word, e.title, record_url(e.kind, e.record_id),
                e.at.isoformat() if e.at is not None else None,
                local_time(e.at, e.zone, "%-I:%M %p") if timed else "", e.untimed))
        shown[day] = ShownDay(entries, listed.more, listed.hidden,
                              short_date(day, "long_month_day"))
    return shown


def _cells(weeks: list[list[date]], first: date, today: date,
           shown: dict[date, ShownDay]) -> list[list[Cell]]:
    cells = []
    for week in weeks:
        row = []
        for day in week:
            listed = shown.get(day)
            classes = ("other-month" if day.month != first.month else "") + (
                " today" if day == today else "") + (" busy" if listed else "")
            row.append(Cell(day, classes, short_date(day, "weekday_month_day"), day == today,
                            listed))
        cells.append(row)
    return cells


@router.get("/calendar")
@reusable
def calendar_page(request: Request, session: SessionDep, actor: UserDep,
                  month: Annotated[str | None, Query(max_length=7)] = None,
                  view: Annotated[str, Query(pattern="^(month|agenda)$")] = "month",
                  campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
                  day: Annotated[date | None, Query()] = None,
                  on: Annotated[date | None, Query(alias="date")] = None,
                  ) -> Response:
    user = acting_user(request, actor)
    # "date" is what people type for a day: read, and refused when no date, the same way.
    day = day or on
    first = _month(month) if day is None else day.replace(day=1)
    per_day: int | None = agenda.PER_DAY
    if view == "month":
        weeks = months.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
        start, end = weeks[0][0], weeks[-1][-1]
    elif day is not None:
        # One day in full: where "and N more" leads.
        weeks, start, end, per_day = [], day, day, None
    else:
        weeks, per_day = [], AGENDA_PER_DAY
        start = clock.today() if month is None else first
        end = start + timedelta(days=AGENDA_DAYS)
    by_day = agenda.days(session, user, start=start, end=end, campaign_id=campaign_id,
                         per_day=per_day)
    shown = _shown(by_day)
    today = clock.today()
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    context = {
        "view": view, "first": first, "weeks": _cells(weeks, first, today, shown),
        "by_day": shown, "start": start, "day": day,
        "end": end, "today": today, "campaign_id": campaign_id,
        "campaign_options": ref_options(session, "campaign"),
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m"),
        "previous_label": _month_label(previous, view),
        "following_label": _month_label(following, view),
        "weekdays": _weekdays(), "user": user,
    }
    return render(request, "calendar/index.html", context, block="calendar")
