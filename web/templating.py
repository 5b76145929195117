"""The Jinja2 environment of the pages, and rendering: a whole page, or for htmx one named block."""

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, overload

from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2_fragments import render_block
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from api.alerts.rules import offset_in_words, offsets_in_words
from api.alerts.service import rule_title
from api.auth import permissions
from api.auth.models import User
from api.i18n import catalogs, formatting, locales
from api.targets.stance_words import group_stance, one_stance, our_stance
from web import audit_words, cells, flash, htmx, whip_bar
from web.none_choice import none_choice
from web.script_words import script_words_block
from web.times import (
    countdown,
    days_until,
    local_date,
    local_input,
    local_time,
    money,
    partial_date,
    short_date,
    vote_time,
)
from web.words import humanize, sharing_words

TEMPLATES_DIR = Path(__file__).parent / "templates"

templates = Jinja2Blocks(directory=str(TEMPLATES_DIR))
# Templates are read and compiled once per process; checking each one's file for changes on
# every render costs a stat call per template per page. A changed template needs a restart.
templates.env.auto_reload = False
# Installed once: the callables read the language in force (api.i18n.catalogs), which the
# identity middleware sets for each request, so concurrent pages in different languages never
# share one installed catalog.
templates.env.add_extension("jinja2.ext.i18n")
# The i18n extension adds this method to the environment when it is added, unseen by mypy.
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    catalogs.gettext, catalogs.ngettext, newstyle=True, pgettext=catalogs.pgettext)


def after_colon(sentence: str) -> str:
    """A sentence set after a colon ("Not now: the deadline has not come yet"): English and
    Spanish go on in lower case; a first word in capitals throughout (ICE) keeps them."""
    first = sentence.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]


def zone_choices(current: str | None) -> list[str]:
    """The zones a place's form offers: the United States' zones, and the one it has now when
    that is another (set through the API), so saving the form keeps it."""
    zones = list(formatting.US_ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return zones


@pass_context
def csrf_token(context: Context) -> str:
    """The token the sign-in layer puts on the request; every form and htmx request sends it."""
    request = context.get("request")
    state = getattr(request, "state", None)
    return str(getattr(state, "csrf_token", "") or "")


def at_render(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A filter Jinja calls as each page is made. Jinja works out a filter given a constant
    (`{{ '7d' | offset_words }}`) once, when it compiles the template, in whatever language and
    on whatever day that first page had; these filters depend on both."""
    # Only a filter given the render's context is never worked out at compile time.
    @pass_context
    def each_time(_context: Context, *args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)
    return each_time


FILTERS: dict[str, Callable[..., Any]] = {
    "local_time": local_time,
    "local_input": local_input,
    "local_date": local_date,
    "vote_time": vote_time,
    "logged_value": audit_words.logged_value,
    "logged_rule_name": audit_words.logged_rule_name,
    "logged_offsets": audit_words.logged_offsets,
    "logged_merge": audit_words.logged_merge,
    "audit_what": audit_words.what,
    "audit_field": audit_words.field_words,
    "audit_actor": audit_words.actor_words,
    "days_until": days_until,
    "countdown": countdown,
    "after_colon": after_colon,
    "humanize": humanize,
    "zone_name": formatting.zone_name,
    "one_stance": one_stance,
    "our_stance": our_stance,
    "group_stance": group_stance,
    # Our own words held in a variable (a constant marked with N_), translated and, unlike `_()`,
    # escaped like any other value.
    "translated": catalogs.gettext,
    "sharing_words": sharing_words,
    "rule_title": rule_title,
    "offset_words": offset_in_words,
    "offsets_words": offsets_in_words,
    "short_date": short_date,
    "money": money,
    "partial_date": partial_date,
    "number": formatting.format_number,
    "join_words": formatting.format_list,
}
templates.env.filters.update({name: at_render(fn) for name, fn in FILTERS.items()})


def current_locale() -> str:
    """The language of the page being made, for <html lang> and the language switch."""
    return catalogs.current()


def is_lead(user: User | None) -> bool:
    """For links to leads' pages: a signed-in lead or administrator (None is nobody here)."""
    return permissions.is_coalition_lead(user)


templates.env.globals["csrf_token"] = csrf_token
templates.env.globals["zone_choices"] = zone_choices
templates.env.globals["none_choice"] = none_choice
templates.env.globals["is_lead"] = is_lead
templates.env.globals["current_locale"] = current_locale
templates.env.globals["languages"] = locales.NAMES
templates.env.globals["script_words_block"] = script_words_block
templates.env.globals["cell"] = cells.cell
templates.env.globals["whip_bar"] = whip_bar.bar


MACROS = {"m": "concept_pages/macros.html"}


@overload
def acting_user(request: Request, fallback: User) -> User: ...
@overload
def acting_user(request: Request, fallback: User | None = None) -> User | None: ...
def acting_user(request: Request, fallback: User | None = None) -> User | None:
    """The signed-in user when the sign-in layer set one, else who the page was given."""
    found: User | None = getattr(request.state, "user", None)
    return found or fallback


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           block: str | None = None, status: int = 200, message: flash.Message | None = None,
           fragment_template: str | None = None,
           also: tuple[tuple[str, str], ...] = ()) -> Response:
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
        response: Response = HTMLResponse(content, status_code=status)
        return response
    pending = flash.read(request)
    messages = [*pending, *([message] if message else [])]
    values["messages"] = messages
    response = templates.TemplateResponse(request, template, values, status_code=status)
    if pending:
        flash.clear(response)
    return response
