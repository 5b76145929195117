"""A vote's public-comment deadlines in words, as its kit, its page and the reminder say them."""

from datetime import datetime

from api import clock
from api.i18n import formatting
from api.i18n.catalogs import gettext, ngettext
from api.public_pages.service import HowToComment


def comment_words(how: HowToComment | None) -> dict[str, str]:
    """A vote's comment deadlines as the kit says them ("Written comments by 12:00 PM on
    Monday, March 2"), on the wall clock where its body meets. A deadline gone by says so,
    since the vote it leads to may still be ahead; one in another year than this one, where
    the body meets, says its year."""
    said: dict[str, str] = {}
    if how is None:
        return said
    now = clock.now()
    if how.written_by is not None:
        words = gettext("Written comments were due by %(time)s on %(day)s: that deadline has "
                        "passed.") if how.written_by <= now else \
            gettext("Written comments by %(time)s on %(day)s")
        said["written_by"] = words % _time_and_day(how.written_by, now)
    elif how.hours_before:
        said["written_by"] = ngettext(
            "Written comments are due %(n)s hour before the meeting starts; its time is not "
            "announced yet.",
            "Written comments are due %(n)s hours before the meeting starts; its time is not "
            "announced yet.", how.hours_before) % {"n": how.hours_before}
    if how.signup_closes is not None:
        words = gettext("Sign-up to speak closed at %(time)s on %(day)s: that deadline has "
                        "passed.") if how.signup_closes <= now else \
            gettext("Sign-up to speak closes at %(time)s on %(day)s.")
        said["signup_closes"] = words % _time_and_day(how.signup_closes, now)
    return said


def _time_and_day(deadline: datetime, now: datetime) -> dict[str, str]:
    # The deadline is on its body's wall clock: "this year" is the year there.
    this_year = clock.local(now, deadline.tzinfo).year
    shape = "full_month_day" if deadline.year == this_year else "full_date"
    return {"time": formatting.format_when(deadline, "time"),
            "day": formatting.format_when(deadline.date(), shape)}
