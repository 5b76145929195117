"""The calendar: a month grid or an agenda list of votes, meetings, actions and deadlines,
for every campaign or one."""

import calendar as months
from datetime import date, timedelta
from typing import Annotated

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
from web.concepts import ref_options
from web.templating import acting_user, render

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
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    context = {
        "view": view, "first": first, "weeks": weeks, "by_day": by_day, "start": start,
        "day": day,
        "end": end, "today": clock.today(), "campaign_id": campaign_id,
        "campaign_options": ref_options(session, "campaign"),
        "previous": previous.strftime("%Y-%m"), "following": following.strftime("%Y-%m"),
        "previous_label": _month_label(previous, view),
        "following_label": _month_label(following, view),
        "weekdays": _weekdays(), "user": user,
    }
    return render(request, "calendar/index.html", context, block="calendar")
