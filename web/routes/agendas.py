"""Agendas on the pages: the suggested votes the agenda watcher found, to confirm (which makes
the vote) or dismiss, and a body's "sync now"."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from api.auth import permissions
from api.auth.models import User
from api.bodies import service as bodies
from api.campaigns import service as campaigns
from api.db import new_session
from api.deps import SessionDep, UserDep
from api.errors import DomainError, NotFound
from api.fields import MAX_INT
from api.i18n.catalogs import N_, gettext, ngettext
from api.routing import PathRouter
from api.sources.agendas import review
from api.sources.agendas import service as agendas
from api.sources.agendas.service import SyncReport
from api.sources.models import KeywordsSet
from web import flash, htmx, source_panels
from web.forms import Rejected, save_or_show, see_other, submit, validate
from web.ids import QueryId, RecordId
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)
TABS = (("suggested", N_("Waiting")), ("confirmed", N_("Confirmed")),
        ("dismissed", N_("Dismissed")))


def _list_url(status: str, body_id: int | None, page: int = 1) -> str:
    params = [f"status={status}"] if status != "suggested" else []
    if body_id:
        params.append(f"body_id={body_id}")
    if page > 1:
        params.append(f"page={page}")
    return "/suggested-votes" + ("?" + "&".join(params) if params else "")


@router.get("/suggested-votes")
def suggested_votes(request: Request, session: SessionDep, actor: UserDep,
                    status: Annotated[str, Query(max_length=20)] = "suggested",
                    body_id: QueryId = None,
                    page: Annotated[int, Query(ge=1, le=MAX_INT)] = 1) -> Response:
    user = acting_user(request, actor)
    wanted = review.status_of(status)
    body_name = bodies.crud.get(session, user, body_id).name if body_id else ""
    found = review.page(session, status=wanted, body_id=body_id, number=page)
    context = {"user": user, "status": wanted.value, "found": found, "tabs": TABS,
               "body_id": body_id, "body_name": body_name, "list_url": _list_url,
               "may_decide": permissions.may_bring_in(user),
               "watched_bodies": review.watched_bodies(session)}
    return render(request, "agendas/suggested.html", context, block="list")


def _decided(request: Request, session: Session, user: User, suggestion_id: int,
             message: flash.Message, status: int = 200) -> Response:
    """Where a decision lands: the list again for a whole page, the card for htmx."""
    if not htmx.wants_fragment(request):
        back = request.query_params.get("back", "")
        return see_other(back if back.startswith("/suggested-votes") else "/suggested-votes",
                         message)
    row = review.one(session, suggestion_id)
    if row is None:
        raise NotFound(gettext("No suggested vote with id %(id)s.") % {"id": suggestion_id})
    context = {"user": user, "row": row, "may_decide": permissions.may_bring_in(user), "back": ""}
    return render(request, "agendas/suggested.html", context, block="card", message=message,
                  status=status)


def _decide(request: Request, session: Session, user: User, suggestion_id: int,
            act: Callable[[], Any], message_of: Callable[[Any], flash.Message]) -> Response:
    """Confirms or dismisses, answering with the suggestion's card and what happened."""
    return save_or_show(
        session, act, page_refusals=True, status=None,
        done=lambda result: _decided(request, session, user, suggestion_id, message_of(result)),
        again=lambda rejected: _decided(request, session, user, suggestion_id,
                                        flash.error(rejected.message), rejected.status))


@router.post("/suggested-votes/{suggestion_id}/confirm")
def confirm(suggestion_id: RecordId, request: Request, session: SessionDep,
            actor: UserDep) -> Response:
    user = acting_user(request, actor)
    return _decide(request, session, user, suggestion_id,
                   lambda: agendas.confirm(session, user, suggestion_id),
                   lambda vote: flash.success(gettext("Vote added: %(title)s.")
                                              % {"title": vote.title},
                                              link=f"/votes/{vote.id}",
                                              link_text=gettext("Open the vote")))


def _dismissed(suggestion: Any) -> flash.Message:
    title = suggestion.title if len(suggestion.title) <= 80 else suggestion.title[:79] + "…"
    return flash.success(gettext("Dismissed: %(title)s. Later syncs keep it dismissed.")
                         % {"title": title})


@router.post("/suggested-votes/{suggestion_id}/dismiss")
def dismiss(suggestion_id: RecordId, request: Request, session: SessionDep,
            actor: UserDep) -> Response:
    user = acting_user(request, actor)
    return _decide(request, session, user, suggestion_id,
                   lambda: agendas.dismiss(session, user, suggestion_id), _dismissed)


def sync_message(report: SyncReport) -> flash.Message:
    """What a sync found, or why it failed, in words."""
    if not report.ok:
        return flash.error(gettext("The agenda sync failed: %(error)s") % {"error": report.error})
    found = {
        "meetings": ngettext("%(num)d meeting", "%(num)d meetings", report.events)
        % {"num": report.events},
        "items": ngettext("%(num)d agenda item", "%(num)d agenda items", report.items)
        % {"num": report.items},
        "created": ngettext("%(num)d new suggestion", "%(num)d new suggestions", report.created)
        % {"num": report.created},
        "updated": ngettext("%(num)d updated", "%(num)d updated", report.updated)
        % {"num": report.updated},
        "moved": ngettext("%(num)d moved", "%(num)d moved", report.moved) % {"num": report.moved}}
    text = (gettext("Agenda synced: found %(meetings)s with %(items)s; %(created)s, %(updated)s, "
                    "%(moved)s.") if report.moved else
            gettext("Agenda synced: found %(meetings)s with %(items)s; %(created)s, "
                    "%(updated)s.")) % found
    return flash.success(text, link=f"/suggested-votes?body_id={report.body_id}",
                         link_text=gettext("Review the suggestions"))


@router.post("/bodies/{record_id}/agenda-sync")
def sync_now(record_id: RecordId, request: Request, session: SessionDep,
             actor: UserDep) -> Response:
    """Fetches the body's agenda now, through the same service as the JSON API and the
    scheduler; a failure is kept on the body and shown, never raised."""
    user = acting_user(request, actor)
    permissions.require_bringing_in(user)
    bodies.crud.get(session, user, record_id)
    # No transaction stays open while the agenda platform is asked.
    session.commit()
    try:
        message = sync_message(agendas.sync_body(new_session, record_id))
    except DomainError as exc:
        message = flash.error(exc.message)
    if not htmx.wants_fragment(request):
        return see_other(f"/bodies/{record_id}#agenda-source", message)
    record = bodies.crud.get(session, user, record_id)
    context = {"record": record, "user": user, "zone": bodies.zone(session, record_id).key,
               **source_panels.body_agenda(session, user, record)}
    return render(request, "bodies/detail.html", context, block="agenda_panel",
                  message=message)


# ---- a campaign's agenda keywords --------------------------------------------------------

KEYWORDS_PAGE = "agendas/keywords.html"


def _keywords_context(session: Session, user: User, campaign_id: int) -> dict[str, Any]:
    campaign = campaigns.crud.get(session, user, campaign_id)
    words, defaults = agendas.keywords(session, campaign_id)
    return {"user": user, "campaign": campaign, "keywords": words, "uses_defaults": defaults,
            "may_change": permissions.may_bring_in(user), "typed": "\n".join(
                [] if defaults else words)}


@router.get("/campaigns/{record_id}/agenda-keywords")
def keywords_panel(record_id: RecordId, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:
    """The words the agenda watcher looks for on the agendas of the campaign's place."""
    user = acting_user(request, actor)
    return render(request, KEYWORDS_PAGE, _keywords_context(session, user, record_id),
                  block="panel")


@router.post("/campaigns/{record_id}/agenda-keywords")
async def set_keywords(record_id: RecordId, request: Request, session: SessionDep,
                       actor: UserDep) -> Response:
    user = acting_user(request, actor)
    form = await request.form()
    typed = str(form.get("keywords") or "")
    lines = [line for line in typed.splitlines() if line.strip()]
    wanted, errors = validate(KeywordsSet, {"keywords": lines},
                              words=lambda exc: {"keywords": _keyword_problem(exc, lines)})

    def again(rejected: Rejected) -> Response:
        context = _keywords_context(session, user, record_id)
        # Whatever the service names, the panel has one field to show it by.
        context.update(errors={"keywords": rejected.message}, typed=typed)
        return render(request, KEYWORDS_PAGE, context, block="panel", status=rejected.status)

    def done(_: object) -> Response:
        context = _keywords_context(session, user, record_id)
        message = flash.success(gettext("Agenda keywords saved.") if lines else
                                gettext("The campaign looks for the default keywords again."))
        if not htmx.wants_fragment(request):
            return see_other(f"/campaigns/{record_id}#agenda-keywords", message)
        return render(request, KEYWORDS_PAGE, context, block="panel", message=message)

    return submit(session, (wanted, errors),
                  lambda valid: agendas.set_keywords(session, user, campaign_id=record_id,
                                                     phrases=valid.keywords),
                  done=done, again=again, page_refusals=True)


def _keyword_problem(exc: ValidationError, lines: list[str]) -> str:
    """The first problem with the typed keywords, naming the line it is on."""
    for error in exc.errors():
        where = error.get("loc", ())
        if len(where) >= 2 and isinstance(where[1], int):
            line = lines[where[1]].strip()
            if len(line) < 2:
                return gettext("“%(line)s” is too short: a keyword has at least 2 characters.") \
                    % {"line": line}
            return gettext("“%(line)s…” is too long: a keyword has at most 100 characters.") \
                % {"line": line[:40]}
    return gettext("Give at most 100 keywords, one a line.")
