"""A vote's public-comment deadlines in words, as its kit, its page and the reminder say them."""

from api.i18n import formatting
from api.i18n.catalogs import gettext, ngettext
from api.public_pages.service import HowToComment


def comment_words(how: HowToComment | None) -> dict[str, str]:
    """A vote's comment deadlines as the kit says them ("Written comments by 12:00 PM on
    Monday, March 2"), on the wall clock where its body meets."""
    said: dict[str, str] = {}
    if how is None:
        return said
    if how.written_by is not None:
        said["written_by"] = gettext("Written comments by %(time)s on %(day)s") % {
            "time": formatting.format_when(how.written_by, "time"),
            "day": formatting.format_when(how.written_by.date(), "full_month_day")}
    elif how.hours_before:
        said["written_by"] = ngettext(
            "Written comments are due %(n)s hour before the meeting starts; its time is not "
            "announced yet.",
            "Written comments are due %(n)s hours before the meeting starts; its time is not "
            "announced yet.", how.hours_before) % {"n": how.hours_before}
    if how.signup_closes is not None:
        said["signup_closes"] = gettext("Sign-up to speak closes at %(time)s on %(day)s.") % {
            "time": formatting.format_when(how.signup_closes, "time"),
            "day": formatting.format_when(how.signup_closes.date(), "full_month_day")}
    return said
