"""The records-request clock: due dates in business or calendar days, pauses and extensions."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

from api.records_requests.laws import FEDERAL, DayType, RecordsLaw

# Statuses in which the agency owes the requester something and the clock runs.
RUNNING = frozenset({"sent", "acknowledged", "extended", "partially_fulfilled"})
PAUSED = "waiting_on_requester"

# A guard against a runaway count; no records law runs anywhere near this long.
_MAX_SPAN = timedelta(days=3650)


@dataclass(frozen=True)
class Pause:
    """The clock stopped while the agency waited on the requester (a fee, a clarification).

    The day the agency asked still counts; counting resumes the day after the requester
    answered, as if the request had been sent again that day. `end` is None while waiting."""

    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start < day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class StatusChange:
    """One row of a request's history, as the clock needs it."""

    on: date
    to_status: str
    extension_days: int | None = None


@lru_cache(maxsize=512)
def holiday_dates(jurisdiction: str, year: int) -> frozenset[date]:
    """The legal holidays a business-day count skips: the state's calendar, or the federal one
    for FOIA (and for any code the holidays package does not know)."""
    subdivisions = holidays.country_holidays("US").subdivisions
    subdiv = jurisdiction if jurisdiction != FEDERAL and jurisdiction in subdivisions else None
    return frozenset(holidays.country_holidays("US", subdiv=subdiv, years=year))


def is_business_day(day: date, jurisdiction: str) -> bool:
    return day.weekday() < 5 and day not in holiday_dates(jurisdiction, day.year)


def count_forward(start: date, days: int, *, day_type: DayType, jurisdiction: str,
                  pauses: Sequence[Pause] = (), roll_to_business_day: bool = False,
                  ) -> date | None:
    """The date on which `days` countable days after `start` have passed. The start day itself
    never counts. None while an open pause stops the clock before the count is done.
    `roll_to_business_day`: a last day that falls on a weekend or a legal holiday moves to the
    next business day, as most records laws and the courts read a deadline in calendar days."""
    countable: Callable[[date], bool]
    if day_type == DayType.business:
        def countable(day: date) -> bool:
            return is_business_day(day, jurisdiction)
    else:
        def countable(day: date) -> bool:
            return True

    def stopped(day: date) -> list[Pause]:
        if day - start > _MAX_SPAN:
            raise ValueError("the deadline runs more than ten years; check the pauses")
        return [p for p in pauses if p.covers(day)]

    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        paused = stopped(day)
        if any(p.end is None for p in paused):
            return None
        if paused or not countable(day):
            continue
        left -= 1
    held = False
    while roll_to_business_day and (held or not is_business_day(day, jurisdiction)):
        day += timedelta(days=1)
        paused = stopped(day)
        if any(p.end is None for p in paused):
            return None
        held = bool(paused)
    return day


def pauses_from(changes: Iterable[StatusChange]) -> list[Pause]:
    """Pause intervals read from a status history in order: entering waiting_on_requester
    stops the clock, leaving it starts it again."""
    pauses: list[Pause] = []
    started: date | None = None
    for change in changes:
        if change.to_status == PAUSED and started is None:
            started = change.on
        elif change.to_status != PAUSED and started is not None:
            pauses.append(Pause(started, change.on))
            started = None
    if started is not None:
        pauses.append(Pause(started, None))
    return pauses


def extension_total(changes: Iterable[StatusChange]) -> int:
    return sum(c.extension_days or 0 for c in changes if c.to_status == "extended")


def due_date(law: RecordsLaw | None, *, sent_on: date | None, pauses: Sequence[Pause] = (),
             extension_days: int = 0, override: date | None = None) -> date | None:
    """When the agency's answer is due. A lead's override wins; otherwise the law's days are
    counted from the day the request was actually sent, skipping paused days, and an extension
    adds its days after that. None when the law sets no fixed number of days, the request is
    not sent yet, or the clock is paused."""
    if override is not None:
        return override
    if law is None or sent_on is None or law.days is None or law.day_type is None:
        return None
    # An extension lengthens the law's period, so it counts on from the period's own last day;
    # only the date the whole count ends on moves off a weekend or holiday.
    extension_type = law.extension_day_type or law.day_type
    extended = extension_days > 0
    due = count_forward(sent_on, law.days, day_type=law.day_type,
                        jurisdiction=law.jurisdiction, pauses=pauses,
                        roll_to_business_day=not extended and law.day_type == DayType.calendar)
    if due is None or not extended:
        return due
    return count_forward(due, extension_days, day_type=extension_type,
                         jurisdiction=law.jurisdiction, pauses=pauses,
                         roll_to_business_day=extension_type == DayType.calendar)


@dataclass(frozen=True)
class Countdown:
    """Where a request stands against its deadline on a given day."""

    clock: str  # not_started | running | paused | met | stopped | no_fixed_deadline
    due_on: date | None
    days_left: int | None
    days_overdue: int | None

    @property
    def overdue(self) -> bool:
        return bool(self.days_overdue)


def countdown(*, status: str, due_on: date | None, today: date, law: RecordsLaw | None,
              overridden: bool = False) -> Countdown:
    """Days left or days overdue; computed, never stored. A law whose deadline is only an
    acknowledgement is met once the agency has answered in any way, unless a lead set a date."""
    if status == "draft":
        return Countdown("not_started", due_on, None, None)
    if status == PAUSED:
        return Countdown("paused", due_on, None, None)
    if status not in RUNNING:
        return Countdown("stopped", due_on, None, None)
    if (not overridden and status != "sent" and law is not None
            and law.deadline_kind == "acknowledgement"):
        return Countdown("met", due_on, None, None)
    if due_on is None:
        return Countdown("no_fixed_deadline", None, None, None)
    left = (due_on - today).days
    if left >= 0:
        return Countdown("running", due_on, left, None)
    return Countdown("running", due_on, None, -left)
