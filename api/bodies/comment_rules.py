"""A body's public-comment rules as data, and the written-comment deadline they give a
meeting, reckoned on the wall clock where the body meets."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from api import clock
from api.i18n.catalogs import N_

# Longer than any body gives: a month's notice, three weeks of days, eight hours of sign-up.
MOST_HOURS = 720
MOST_DAYS = 21
MOST_MINUTES = 480
CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# Where written comments go, when it is one email address and nothing else ("Clerk, 1 Main
# St." is said as written, not linked).
ONE_ADDRESS = re.compile(r"^[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:]+$")


# A link of any other kind than a web address (javascript:, data:, mailto:…): "Clerk: 1 Main
# St." is words, a space after its colon.
OTHER_LINK = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S")
NOT_WHERE = N_("must be an email address, a web address starting with http:// or https://, or "
               "a mailing address in words")


def where_to_send(value: str | None) -> str | None:
    """Where written comments go, checked: an email address, a web address (http or https),
    or words (a mailing address); a link of any other kind is refused, as kits link to it."""
    if not value:
        return value
    if value.lower().startswith(("http://", "https://")):
        rest = value.split("://", 1)[1]
        if not rest or rest.startswith("/") or any(c.isspace() for c in value):
            raise ValueError(NOT_WHERE)
        return value
    if OTHER_LINK.match(value):
        raise ValueError(NOT_WHERE)
    return value


class CommentDeadline(StrEnum):
    """How a body sets the deadline for written comment on an item of one of its meetings."""

    not_set = "not_set"
    # So many hours before the meeting starts ("48 hours before the meeting").
    hours_before = "hours_before"
    # By a time of day, so many days before the meeting's day ("by noon the day before").
    time_days_before = "time_days_before"


def clock_time(text: str) -> time | None:
    """A time of day as written in the rules, 24-hour "12:00" or "9:30"; None if not one."""
    found = CLOCK_TIME.match(text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def problem(*, rule: Any, hours: int, days: int, at: str,
            closes: int | None) -> tuple[str, str] | None:
    """The field to correct and why, when the rules cannot give a deadline; None when they can."""
    if at and clock_time(at) is None:
        return "comment_due_time", N_("Write the time of day on the 24-hour clock, e.g. 12:00 "
                                      "for noon or 17:30 for half past five in the evening.")
    if rule == CommentDeadline.hours_before and not 1 <= hours <= MOST_HOURS:
        return "comment_hours_before", N_("Say how many hours before the meeting written "
                                          "comments are due: 1 to 720.")
    if rule == CommentDeadline.time_days_before:
        if not at:
            return "comment_due_time", N_("Say by what time of day written comments are due, "
                                          "e.g. 12:00 for noon.")
        if days > MOST_DAYS:
            return "comment_days_before", N_("Written comments can be due at most 21 days "
                                             "before the meeting (0: on its day).")
    if closes is not None and closes > MOST_MINUTES:
        return "speaker_signup_closes", N_("Sign-up to speak closes at most 480 minutes (eight "
                                           "hours) after the meeting starts.")
    return None


@dataclass(frozen=True)
class CommentTimes:
    """When written comments are due and sign-up to speak closes for one meeting, on the wall
    clock where the body meets; None where the rules or the meeting's time do not say."""

    written_by: datetime | None
    signup_closes: datetime | None


def comment_times(body: Any, starts_at: datetime, zone: ZoneInfo, *,
                  time_known: bool = True) -> CommentTimes:
    """The deadlines a body's rules give a meeting that starts at an instant (UTC). A meeting
    whose hour is not announced has only its day: rules counted from its start say nothing."""
    local_start = clock.local(starts_at, zone)
    rule = str(getattr(body.comment_deadline, "value", body.comment_deadline))
    written: datetime | None = None
    if rule == CommentDeadline.hours_before and time_known and body.comment_hours_before:
        # Hours that pass, not wall-clock hours: across a clock change the count still holds.
        written = clock.local(starts_at - timedelta(hours=body.comment_hours_before), zone)
    elif rule == CommentDeadline.time_days_before:
        at = clock_time(body.comment_due_time or "")
        if at is not None:
            written = on_wall_clock(local_start.date() - timedelta(days=body.comment_days_before),
                                    at, zone)
    closes = None
    if time_known and body.speaker_signup_closes is not None:
        closes = clock.local(starts_at + timedelta(minutes=body.speaker_signup_closes), zone)
    return CommentTimes(written_by=written, signup_closes=closes)


def on_wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A day's time of day where the body meets; an hour skipped by a clock change is read as
    the clock read it an hour later, as the clerk's office would."""
    wall = datetime.combine(day, at, tzinfo=zone)
    return clock.local(wall.astimezone(ZoneInfo("UTC")), zone)


def send_to_link(send_to: str) -> str:
    """Where written comments go, as a link to follow (a mailto: link for an email address,
    the address itself for a web form); empty when it is said in words, as a street address."""
    where = send_to.strip()
    if ONE_ADDRESS.match(where):
        return "mailto:" + quote(where, safe="@+'!*$")
    if where.startswith(("https://", "http://")) and not any(c.isspace() for c in where):
        return where
    return ""
