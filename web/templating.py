"""The Jinja2 environment of the pages, and rendering: a whole page, or for htmx one named block."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2_fragments import render_block
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import HTMLResponse

from api import clock
from api.auth import permissions
from web import flash, htmx
from web.words import humanize

TEMPLATES_DIR = Path(__file__).parent / "templates"

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
# Templates are read and compiled once per process; checking each one's file for changes on
# every render costs a stat call per template per page. A changed template needs a restart.
templates.env.auto_reload = False


def local_time(value: datetime | None, zone: str = "UTC",
               fmt: str = "%a %b %-d, %Y %-I:%M %p") -> str:
    """A UTC time shown in the timezone where it happens, with the zone's abbreviation."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone or "UTC"))
    return f"{local.strftime(fmt)} {local.tzname()}"


def local_input(value: datetime | None, zone: str = "UTC") -> str:
    """A UTC time as the value of a datetime-local input, on the wall clock where it happens."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone or "UTC")).strftime("%Y-%m-%dT%H:%M")


def days_until(value: date | datetime | None, zone: str = "UTC") -> int | None:
    """Calendar days from today; a time counts by the calendar where it happens, since 6 PM in
    California is already tomorrow in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        where = ZoneInfo(zone or "UTC")
        return (value.astimezone(where).date() - clock.now().astimezone(where).date()).days
    return (value - clock.today()).days


def countdown(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    if days < 0:
        return f"{-days} days ago"
    return f"in {days} days"


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%b %-d, %Y")


def money(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    return f"${value:,.2f}"


@pass_context
def csrf_token(context: Context) -> str:
    """The token the sign-in layer puts on the request; every form and htmx request sends it."""
    request = context.get("request")
    state = getattr(request, "state", None)
    return str(getattr(state, "csrf_token", "") or "")


templates.env.filters["local_time"] = local_time
templates.env.filters["local_input"] = local_input
templates.env.filters["days_until"] = days_until
templates.env.filters["countdown"] = countdown
templates.env.filters["humanize"] = humanize
templates.env.filters["short_date"] = short_date
templates.env.filters["money"] = money
def is_lead(user: Any) -> bool:
    """For links to leads' pages: a signed-in lead or administrator (None is nobody here)."""
    return getattr(user, "id", None) is not None and \
        getattr(user, "role", None) in permissions.LEADS


templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["is_lead"] = is_lead


MACROS = {"m": "records/macros.html", "whip": "whip/macros.html"}


def acting_user(request: Request, fallback: Any = None) -> Any:
    """The signed-in user when the sign-in layer set one, else who the page was given."""
    return getattr(request.state, "user", None) or fallback


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           block: str | None = None, status: int = 200, message: flash.Message | None = None,
           fragment_template: str | None = None,
           also: tuple[tuple[str, str], ...] = ()) -> HTMLResponse:
    """The whole page; or, when htmx asks for part of one and a block is named, that block
    (taken from fragment_template when the block lives in a parent template). A message goes
    into the flash area: inline on a page, as an out-of-band swap with a fragment. `also`
    names more (template, block) pairs that the change made stale, sent with the fragment to
    swap out of band (each marks its outer element with hx-swap-oob when `oob` is set)."""
    values: dict[str, Any] = dict(context or {})
    values["request"] = request
    values["user"] = acting_user(request, values.get("user"))
    values.setdefault("errors", {})
    # Blocks rendered alone run none of the template's top-level imports, so the shared
    # macros come in with the values, bound to this request (forms need its CSRF token).
    for name, path in MACROS.items():
        values[name] = templates.env.get_template(path).make_module({"request": request})
    if block and htmx.wants_fragment(request):
        content = render_block(templates.env, fragment_template or template, block, values)
        for other_template, other in also:
            content += render_block(templates.env, other_template, other,
                                    {**values, "oob": True})
        if message is not None:
            content += render_block(templates.env, "flash.html", "flash_oob",
                                    {"messages": [message]})
        response = HTMLResponse(content, status_code=status)
        return response
    pending = flash.read(request)
    messages = [*pending, *([message] if message else [])]
    values["messages"] = messages
    response = templates.TemplateResponse(request, template, values, status_code=status)
    if pending:
        flash.clear(response)
    return response
