"""The Jinja2 environment of the pages; htmx requests can get a single named block."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2_fragments.fastapi import Jinja2Blocks

from api import clock

TEMPLATES_DIR = Path(__file__).parent / "templates"

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))


def local_time(value: datetime | None, zone: str = "UTC",
               fmt: str = "%a %b %-d, %Y %-I:%M %p") -> str:
    """A UTC time shown in the timezone where it happens, with the zone's abbreviation."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{local.strftime(fmt)} {local.tzname()}"


def days_until(value: date | datetime | None, zone: str = "UTC") -> int | None:
    """Calendar days from today; a time counts by the calendar where it happens, since 6 PM in
    California is already tomorrow in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        where = ZoneInfo(zone)
        return (value.astimezone(where).date() - clock.now().astimezone(where).date()).days
    return (value - clock.today()).days


def countdown(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 0:
        return f"{-days} days ago"
    return f"in {days} days"


def humanize(value: object) -> str:
    return str(value).replace("_", " ")


@pass_context
def csrf_token(context: Context) -> str:
    """The anti-forgery token of the request's session, for forms and hx-headers."""
    request = context.get("request")
    return str(getattr(getattr(request, "state", None), "csrf_token", "") or "")


templates.env.globals["csrf_token"] = csrf_token
templates.env.filters["local_time"] = local_time
templates.env.filters["days_until"] = days_until
templates.env.filters["countdown"] = countdown
templates.env.filters["humanize"] = humanize
