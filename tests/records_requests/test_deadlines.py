"""The records-request clock: calendar and business days, state and federal holidays from the
holidays calendars, pauses, extensions, overrides and the countdown."""

from datetime import date, timedelta

import holidays
import pytest

from api.records_requests import deadlines, laws
from api.records_requests.deadlines import Pause, StatusChange
from api.records_requests.laws import DayType, RecordsLaw


def law(code: str) -> RecordsLaw:
    found = laws.law_for(code)
    assert found is not None
    return found


def named_holiday(name: str, *, state: str | None, year: int) -> date:
    """A holiday's date as the holidays package gives it, found by name."""
    calendar = holidays.country_holidays("US", subdiv=state, years=year)
    found = calendar.get_named(name)
    assert len(found) == 1, f"{name} in {state or 'federal'} {year}: {found}"
    return found[0]


def is_federal_holiday(day: date) -> bool:
    return day in holidays.country_holidays("US", years=day.year)


def weekdays_after(start: date, count: int, *, skipping: set[date]) -> date:
    """An independent reference: the date `count` weekdays after `start`, skipping the given
    days (the holidays the test found in the calendar)."""
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in skipping:
            count -= 1
    return day


def holidays_between(state: str | None, start: date, end: date) -> set[date]:
    calendar = holidays.country_holidays("US", subdiv=state, years=range(start.year,
                                                                          end.year + 1))
    return {d for d in calendar if start < d <= end}


# ---- the law table -----------------------------------------------------------------------

def test_the_table_covers_every_state_dc_and_federal_foia() -> None:
    table = laws.all_laws()
    states = {s for s in holidays.country_holidays("US").subdivisions
              if s not in {"AS", "GU", "MP", "PR", "UM", "VI", "DC"}}
    assert len(states) == 50
    assert set(table) == states | {"DC", "US"}
    for entry in table.values():
        assert entry.citation and entry.law and entry.confidence
        assert (entry.days is None) == (entry.day_type is None)


def test_only_entries_the_reference_marked_verified_are_verified() -> None:
    verified = {code for code, entry in laws.all_laws().items() if entry.verified}
    assert verified == {"CA", "NY", "TX"}
    assert law("CO").summary().verify_badge is True
    assert law("CA").summary().verify_badge is False


def test_a_broken_table_names_the_entry_at_fault() -> None:
    text = "laws:\n  - jurisdiction: CA\n    name: California\n    law: CPRA\n    days: 10\n" \
           "    deadline_kind: response\n    confidence: verified\n"
    with pytest.raises(laws.LawTableError, match=r"laws\[0\].*day_type"):
        laws.parse_table(text, source="records_laws.yaml")


# ---- due dates ---------------------------------------------------------------------------

LABOR_DAY = named_holiday("Labor Day", state=None, year=2026)
TOWN_MEETING_DAY = named_holiday("Town Meeting Day", state="VT", year=2026)
MEMORIAL_DAY = named_holiday("Memorial Day", state=None, year=2026)
MLK_DAY = named_holiday("Martin Luther King Jr. Day", state=None, year=2026)
CHAVEZ_DAY = named_holiday("Cesar Chavez Day", state="CA", year=2026)
THANKSGIVING = named_holiday("Thanksgiving Day", state=None, year=2026)


def test_the_holidays_the_cases_rely_on_are_where_the_cases_expect() -> None:
    assert LABOR_DAY.weekday() == 0  # a Monday, so the Friday before starts a long weekend
    assert TOWN_MEETING_DAY.weekday() == 1  # a Tuesday
    assert not is_federal_holiday(TOWN_MEETING_DAY)  # Vermont's own
    assert MEMORIAL_DAY.weekday() == 0
    # No other holiday near the short spans below, so they test only what they say.
    assert holidays_between("CO", LABOR_DAY - timedelta(days=4), LABOR_DAY + timedelta(days=9)) \
        == {LABOR_DAY}
    assert holidays_between("VT", TOWN_MEETING_DAY - timedelta(days=2),
                            TOWN_MEETING_DAY + timedelta(days=9)) == {TOWN_MEETING_DAY}


CASES = [
    # id, law, sent, pauses, extension days, expected due
    ("calendar days run through a weekend (CA)", "CA", date(2026, 1, 2), [], 0,
     date(2026, 1, 12)),
    ("business days skip a weekend (CO)", "CO", date(2026, 3, 5), [], 0, date(2026, 3, 10)),
    ("Friday before a federal holiday weekend, business days (CO)", "CO",
     LABOR_DAY - timedelta(days=3), [], 0, LABOR_DAY + timedelta(days=3)),
    ("Friday before a federal holiday weekend, calendar days (CA)", "CA",
     LABOR_DAY - timedelta(days=3), [], 0, LABOR_DAY + timedelta(days=7)),
    ("a state-only holiday is skipped (VT)", "VT", TOWN_MEETING_DAY - timedelta(days=1), [], 0,
     TOWN_MEETING_DAY + timedelta(days=3)),
    ("a pause stops calendar days, and the last day moves off a holiday (CA)", "CA",
     date(2026, 1, 5), [Pause(date(2026, 1, 8), date(2026, 1, 12))], 0,
     MLK_DAY + timedelta(days=1)),
    ("a pause stops business days (CO)", "CO", date(2026, 3, 9),
     [Pause(date(2026, 3, 10), date(2026, 3, 16))], 0, date(2026, 3, 18)),
    ("an extension adds calendar days after the deadline (CA)", "CA", date(2026, 1, 5), [], 14,
     date(2026, 1, 29)),
    ("a business-day law with a calendar-day extension (PA)", "PA", date(2026, 3, 2), [], 30,
     date(2026, 4, 8)),
    # The law's ten days end on MLK Day; the extension counts on from there, not from the
    # Tuesday the deadline alone would have moved to.
    ("a pause and an extension together (CA)", "CA", date(2026, 1, 5),
     [Pause(date(2026, 1, 8), date(2026, 1, 12))], 14, MLK_DAY + timedelta(days=14)),
]


@pytest.mark.parametrize(("code", "sent", "pauses", "extension", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_due_dates(code: str, sent: date, pauses: list[Pause], extension: int,
                   expected: date) -> None:
    assert deadlines.due_date(law(code), sent_on=sent, pauses=pauses,
                              extension_days=extension) == expected


# ---- a last day in calendar days that is not a business day ------------------------------

def three_calendar_days(code: str) -> RecordsLaw:
    """A made-up short calendar-day law in a real state, so a Friday's count ends on Monday."""
    return law(code).model_copy(update={"days": 3, "day_type": DayType.calendar,
                                        "extension_days": None, "extension_day_type": None})


def test_the_holidays_the_rolling_cases_rely_on_are_where_they_expect() -> None:
    assert MLK_DAY.weekday() == 0
    assert CHAVEZ_DAY.weekday() == 1 and not is_federal_holiday(CHAVEZ_DAY)
    assert THANKSGIVING.weekday() == 3
    day_after = THANKSGIVING + timedelta(days=1)
    assert day_after in holidays.country_holidays("US", subdiv="CA", years=2026)
    assert day_after not in holidays.country_holidays("US", subdiv="IA", years=2026)
    assert not is_federal_holiday(day_after)
    # The business days the cases land on are not holidays themselves.
    for state, day in (("CA", LABOR_DAY + timedelta(days=1)),
                       ("NM", LABOR_DAY + timedelta(days=14)),
                       ("MD", MEMORIAL_DAY + timedelta(days=28)),
                       ("PA", LABOR_DAY + timedelta(days=1)),
                       ("CA", CHAVEZ_DAY + timedelta(days=1)),
                       ("CA", THANKSGIVING + timedelta(days=4))):
        assert day.weekday() < 5
        assert day not in holidays.country_holidays("US", subdiv=state, years=day.year)


FRIDAY_BEFORE_LABOR_DAY = LABOR_DAY - timedelta(days=3)
FRIDAY_BEFORE_MEMORIAL_DAY = MEMORIAL_DAY - timedelta(days=3)

ROLLING = [
    # id, law, sent, extension days, where the count ends, the day it moves to
    ("Friday before a holiday weekend: three calendar days end on the Monday holiday",
     three_calendar_days("CA"), FRIDAY_BEFORE_LABOR_DAY, 0, LABOR_DAY,
     LABOR_DAY + timedelta(days=1)),
    ("Friday before a holiday weekend: fifteen calendar days end on a Saturday (NM)",
     law("NM"), FRIDAY_BEFORE_LABOR_DAY, 0, LABOR_DAY + timedelta(days=12),
     LABOR_DAY + timedelta(days=14)),
    ("Friday before a holiday weekend: thirty calendar days end on a Sunday (MD)",
     law("MD"), FRIDAY_BEFORE_MEMORIAL_DAY, 0, MEMORIAL_DAY + timedelta(days=27),
     MEMORIAL_DAY + timedelta(days=28)),
    ("Friday before a holiday weekend: ten calendar days end on a Monday and stay (CA)",
     law("CA"), FRIDAY_BEFORE_LABOR_DAY, 0, LABOR_DAY + timedelta(days=7),
     LABOR_DAY + timedelta(days=7)),
    ("a Saturday, then Sunday, then the Monday holiday: to Tuesday (CA)",
     law("CA"), LABOR_DAY - timedelta(days=12), 0, LABOR_DAY - timedelta(days=2),
     LABOR_DAY + timedelta(days=1)),
    ("a federal Monday holiday (CA)", law("CA"), MLK_DAY - timedelta(days=10), 0, MLK_DAY,
     MLK_DAY + timedelta(days=1)),
    ("a state-only holiday (CA)", law("CA"), CHAVEZ_DAY - timedelta(days=10), 0, CHAVEZ_DAY,
     CHAVEZ_DAY + timedelta(days=1)),
    ("Thanksgiving and the state's day after, then the weekend (CA)", law("CA"),
     THANKSGIVING - timedelta(days=10), 0, THANKSGIVING, THANKSGIVING + timedelta(days=4)),
    ("Thanksgiving where the day after is a working day (IA)", law("IA"),
     THANKSGIVING - timedelta(days=20), 0, THANKSGIVING, THANKSGIVING + timedelta(days=1)),
    ("a calendar-day extension ending on a holiday (CA)", law("CA"),
     LABOR_DAY - timedelta(days=24), 14, LABOR_DAY, LABOR_DAY + timedelta(days=1)),
    # Five business days from the Monday two weeks before end on the Monday before; a week's
    # extension in calendar days then ends on Labor Day.
    ("a business-day law whose calendar-day extension ends on a holiday (PA)", law("PA"),
     LABOR_DAY - timedelta(days=14), 7, LABOR_DAY, LABOR_DAY + timedelta(days=1)),
]


@pytest.mark.parametrize(("records_law", "sent", "extension", "ends", "moved_to"),
                         [case[1:] for case in ROLLING], ids=[case[0] for case in ROLLING])
def test_a_calendar_count_ending_off_a_business_day_moves_to_the_next_one(
        records_law: RecordsLaw, sent: date, extension: int, ends: date,
        moved_to: date) -> None:
    calendar = holidays.country_holidays("US", subdiv=records_law.jurisdiction,
                                         years=ends.year)
    # The case is what its name says: where the plain count ends, and why it moves or not.
    total = records_law.days + extension  # type: ignore[operator]
    if records_law.day_type == DayType.calendar:
        assert sent + timedelta(days=total) == ends
    moves = ends.weekday() >= 5 or ends in calendar
    assert moves is (moved_to != ends)
    assert all(d.weekday() >= 5 or d in calendar
               for d in (ends + timedelta(days=n) for n in range((moved_to - ends).days)))
    assert deadlines.due_date(records_law, sent_on=sent, extension_days=extension) == moved_to


@pytest.mark.parametrize("code", ["CO", "US", "TX"])
def test_business_day_counts_never_need_to_move(code: str) -> None:
    for sent in (FRIDAY_BEFORE_LABOR_DAY, FRIDAY_BEFORE_MEMORIAL_DAY, THANKSGIVING):
        due = deadlines.due_date(law(code), sent_on=sent)
        assert due is not None and deadlines.is_business_day(due, code)


def test_a_pause_while_the_deadline_is_moving_holds_it_longer() -> None:
    saturday = LABOR_DAY - timedelta(days=2)
    sent = saturday - timedelta(days=10)
    tuesday = LABOR_DAY + timedelta(days=1)
    assert deadlines.due_date(law("CA"), sent_on=sent) == tuesday
    # On the Saturday the ten days ran out the agency asked the requester something, and heard
    # back on the Tuesday the deadline had moved to: the clock runs again on Wednesday.
    assert deadlines.due_date(law("CA"), sent_on=sent, pauses=[Pause(saturday, tuesday)]) \
        == tuesday + timedelta(days=1)
    # Still waiting on the requester: no due date yet.
    assert deadlines.due_date(law("CA"), sent_on=sent, pauses=[Pause(saturday, None)]) is None


def test_federal_foia_skips_federal_holidays_only() -> None:
    sent = MEMORIAL_DAY - timedelta(days=3)  # the Friday before
    due = deadlines.due_date(law("US"), sent_on=sent)
    skipped = holidays_between(None, sent, due)  # type: ignore[arg-type]
    assert MEMORIAL_DAY in skipped  # the span really crosses federal holidays
    assert due == weekdays_after(sent, 20, skipping=skipped)
    # A state-only holiday in the same span does not move a federal deadline.
    state_only = holidays_between("TX", sent, due) - skipped  # type: ignore[arg-type]
    assert not any(is_federal_holiday(d) for d in state_only)


def test_the_same_count_lands_later_under_a_state_that_keeps_its_own_holiday() -> None:
    sent = TOWN_MEETING_DAY - timedelta(days=1)
    vermont = law("VT")
    as_federal = vermont.model_copy(update={"jurisdiction": "US"})
    assert deadlines.due_date(vermont, sent_on=sent) == \
        deadlines.due_date(as_federal, sent_on=sent) + timedelta(days=1)  # type: ignore[operator]


def test_business_days_skip_each_holiday_the_state_calendar_has_in_a_long_span() -> None:
    sent = date(2026, 11, 20)
    texas = law("TX")
    due = deadlines.due_date(texas, sent_on=sent, extension_days=0)
    skipped = holidays_between("TX", sent, due)  # type: ignore[arg-type]
    assert len(skipped) >= 2  # Thanksgiving and the day after, in Texas
    assert due == weekdays_after(sent, 10, skipping=skipped)


def test_an_open_pause_means_no_due_date_until_the_clock_runs_again() -> None:
    assert deadlines.due_date(law("CA"), sent_on=date(2026, 1, 5),
                              pauses=[Pause(date(2026, 1, 8), None)]) is None


def test_a_pause_after_the_deadline_changes_nothing() -> None:
    plain = deadlines.due_date(law("CA"), sent_on=date(2026, 1, 5))
    assert deadlines.due_date(law("CA"), sent_on=date(2026, 1, 5),
                              pauses=[Pause(date(2026, 1, 20), date(2026, 1, 25))]) == plain


def test_a_leads_override_wins() -> None:
    assert deadlines.due_date(law("CA"), sent_on=date(2026, 1, 5),
                              override=date(2026, 3, 1)) == date(2026, 3, 1)
    assert deadlines.due_date(law("AZ"), sent_on=date(2026, 1, 5),
                              override=date(2026, 3, 1)) == date(2026, 3, 1)


@pytest.mark.parametrize("code", ["AZ", "FL", "WI"])
def test_no_fixed_days_means_no_due_date(code: str) -> None:
    assert law(code).days is None
    assert deadlines.due_date(law(code), sent_on=date(2026, 1, 5)) is None


def test_nothing_is_due_before_the_request_is_sent_or_without_a_law() -> None:
    assert deadlines.due_date(law("CA"), sent_on=None) is None
    assert deadlines.due_date(None, sent_on=date(2026, 1, 5)) is None


def test_extension_day_type_defaults_to_the_laws_own() -> None:
    made_up = RecordsLaw(jurisdiction="GA", name="Georgia", law="Open Records Act", days=3,
                         day_type=DayType.business, deadline_kind="response",
                         confidence="recalled-high")
    # Thu + 3 business days = Tue; + 2 more business days = Thu.
    assert deadlines.due_date(made_up, sent_on=date(2026, 3, 5), extension_days=2) == \
        date(2026, 3, 12)


# ---- reading pauses and extensions from the history --------------------------------------

def test_pauses_and_extensions_are_read_from_the_status_history() -> None:
    changes = [
        StatusChange(date(2026, 1, 5), "sent"),
        StatusChange(date(2026, 1, 8), "waiting_on_requester"),
        StatusChange(date(2026, 1, 12), "acknowledged"),
        StatusChange(date(2026, 1, 14), "extended", 14),
        StatusChange(date(2026, 1, 20), "waiting_on_requester"),
    ]
    assert deadlines.pauses_from(changes) == [Pause(date(2026, 1, 8), date(2026, 1, 12)),
                                              Pause(date(2026, 1, 20), None)]
    assert deadlines.extension_total(changes) == 14
    assert deadlines.extension_total([*changes, StatusChange(date(2026, 1, 30), "extended",
                                                             7)]) == 21


# ---- the countdown -----------------------------------------------------------------------

@pytest.mark.parametrize(("status", "code", "due", "clock", "left", "late"), [
    ("sent", "CA", date(2026, 3, 10), "running", 8, None),
    ("acknowledged", "CA", date(2026, 3, 2), "running", 0, None),
    ("extended", "CA", date(2026, 2, 27), "running", None, 3),
    ("draft", "CA", None, "not_started", None, None),
    ("waiting_on_requester", "CA", None, "paused", None, None),
    ("fulfilled", "CA", date(2026, 2, 1), "stopped", None, None),
    ("sent", "AZ", None, "no_fixed_deadline", None, None),
    # New York's deadline is an acknowledgement: once the agency answers, it is met.
    ("acknowledged", "NY", date(2026, 2, 1), "met", None, None),
    ("sent", "NY", date(2026, 2, 27), "running", None, 3),
])
def test_countdown(status: str, code: str, due: date | None, clock: str, left: int | None,
                   late: int | None) -> None:
    state = deadlines.countdown(status=status, due_on=due, today=date(2026, 3, 2), law=law(code))
    assert (state.clock, state.days_left, state.days_overdue) == (clock, left, late)
    assert state.overdue is (late is not None)


def test_an_override_keeps_the_clock_running_after_an_acknowledgement() -> None:
    state = deadlines.countdown(status="acknowledged", due_on=date(2026, 2, 27),
                                today=date(2026, 3, 2), law=law("NY"), overridden=True)
    assert state.clock == "running" and state.days_overdue == 3
