"""One cell of a list's table, as HTML: a record's title as its link, a day in the reader's
language, a deadline with the days left, a reference as a link to what it names.

Written in Python rather than as a template macro: a list page draws a cell for every column of
every row, and Jinja's machinery for one macro call cost more than the cell itself.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from markupsafe import Markup, escape

from api.i18n import formatting
from api.i18n.catalogs import gettext
from web.times import countdown, days_until, local_time, money, short_date, vote_time
from web.words import humanize, sharing_words

# What a task, contract or request can be in once its deadline no longer matters.
CLOSED = ("done", "cancelled", "expired", "terminated")
# An excerpt's length, and how far past it a text may run before it is cut (Jinja's rule).
EXCERPT, LEEWAY, ELLIPSIS = 110, 5, "..."


class Column(Protocol):
    key: str
    kind: str
    zone: str | None
    href: tuple[str, str] | None


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT + LEEWAY:
        return text
    return text[:EXCERPT - len(ELLIPSIS)].rsplit(" ", 1)[0] + ELLIPSIS


def _time(value: Any, words: str) -> Markup:
    return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), words)


def _deadline(column: Column, row: Mapping[str, Any], value: Any) -> Markup:
    days = days_until(value, row.get(column.zone) if column.zone else None)
    shown = _time(value, short_date(value))
    status = row.get("status")
    # A task done or a contract ended has no deadline left to miss.
    if getattr(status, "value", status) in CLOSED or days is None:
        return shown
    tone = "overdue" if days < 0 else ("soon-text" if days <= 14 else "muted")
    words = (escape(gettext("overdue, %(when)s")) % {"when": countdown(days)} if days < 0
             else escape(countdown(days)))
    return shown + Markup('\n  <span class="%s">%s</span>') % (tone, words)


def cell(column: Column, row: Mapping[str, Any], noun: str) -> Markup:
    value = row.get(column.key)
    kind = column.kind
    if kind == "title":
        name = value or (escape(gettext("Unnamed (#%(id)s)")) % {"id": row.get("id")})
        return Markup('<a href="/%s/%s">%s</a>') % (noun, row.get("id"), name)
    if kind == "datetime-title":
        return Markup('<a href="/%s/%s">%s</a>') % (
            noun, row.get("id"),
            _time(value, local_time(value, row.get(column.zone) if column.zone else None)))
    if value is None or value == "":
        return Markup('<span class="none" aria-label="%s">—</span>') % gettext("none")
    if kind == "ref" and column.href and row.get(column.href[1]):
        return Markup('<a href="/%s/%s">%s</a>') % (column.href[0], row.get(column.href[1]),
                                                     value)
    if kind == "enum":
        return escape(humanize(value, noun))
    if kind == "timezone":
        return escape(formatting.zone_name(value))
    if kind == "sharing":
        return escape(row.get("sharing_said") or sharing_words(value))
    if kind == "bool":
        return escape(gettext("Yes") if value else gettext("No"))
    if kind == "date":
        return _time(value, short_date(value))
    if kind == "deadline":
        return _deadline(column, row, value)
    if kind == "countdown":
        return Markup('<span class="%s">%s</span>') % (value.tone, value.text)
    if kind == "datetime":
        not_announced = column.key == "scheduled_at" and row.get("time_not_announced")
        return _time(value, vote_time(value, row.get(column.zone) if column.zone else None,
                                      not_announced))
    if kind == "money":
        return escape(money(value))
    if kind == "email":
        return Markup('<a href="mailto:%s" hx-boost="false">%s</a>') % (value, value)
    if kind == "url":
        to = escape(gettext("to %(what)s")) % {"what": row.get("title") or value}
        return Markup('<a href="%s" rel="noopener noreferrer" hx-boost="false">%s'
                      '<span class="visually-hidden"> %s</span></a>') % (value, gettext("link"), to)
    if kind == "excerpt":
        return escape(_excerpt(value))
    return escape(value)
