"""One's own saved searches: the page that lists them (run one, turn its alerts on or off,
delete it) and saves a new one from the search page or a list page."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from api.auth.models import User
from api.crud_routes import RecordId
from api.deps import SessionDep, UserDep
from api.i18n.catalogs import gettext
from api.routing import PathRouter
from api.search import saved
from api.search.models import SavedSearchCreate, SavedSearchUpdate
from web import flash
from web.forms import FormField, parse, save_or_show, see_other
from web.saved_search_words import filter_words
from web.templating import render

router = PathRouter(include_in_schema=False)
# Hidden fields of the save form that carry a list page's filters: "filter.status" and so on.
FILTER_PREFIX = "filter."
# Parameters of a list's URL that are not its filters (a saved search keeps no date range).
# The alerts form: one box, ticked for alerts ("on"), else none.
ALERT_FIELDS = [FormField("alert", "alert", kind="bool")]
SKIPPED_PARAMS = {"q", "kind", "sort", "page", "name", "alert", "csrf_token", "date_from",
                  "date_to"}


def _page(request: Request, session: Session, user: User, *, status: int = 200,
          form: dict[str, Any] | None = None, problem: str = "") -> Response:
    form = form or {}
    searches = [saved.to_read(s) for s in saved.listed(session, user)]
    context = {"user": user, "searches": searches,
               "kinds": {kind: label for kind, (label, _) in saved.KINDS.items()},
               "form": form, "problem": problem,
               "form_filters": filter_words(session, form.get("kind") or "",
                                            form.get("filters") or {}),
               "filters_of": {s.id: filter_words(session, s.kind or "", s.filters)
                              for s in searches}}
    return render(request, "search/saved.html", context, status=status)


@router.get("/saved-searches")
def saved_searches(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The list; query parameters (q, kind and a list's filters) fill in the form to save the
    search they describe."""
    params = request.query_params
    kind = params.get("kind", "")[:40]
    filters = {name: value[:200] for name, value in list(params.items())[:20]
               if name not in SKIPPED_PARAMS and value} if kind else {}
    form = {"query": params.get("q", "")[:200], "kind": kind, "filters": filters}
    return _page(request, session, user, form=form)


@router.post("/saved-searches")
async def save_search(request: Request, session: SessionDep, user: UserDep) -> Response:
    submitted = await request.form()
    filters = {str(k)[len(FILTER_PREFIX):]: str(v) for k, v in list(submitted.items())[:40]
               if str(k).startswith(FILTER_PREFIX) and str(v)}
    data = SavedSearchCreate(name=str(submitted.get("name") or "")[:1000],
                             query=str(submitted.get("q") or "")[:1000],
                             kind=str(submitted.get("kind") or "")[:40],
                             filters=dict(filters), alert=bool(submitted.get("alert")))
    form = {"name": data.name, "query": data.query, "kind": data.kind, "filters": filters,
            "alert": data.alert}

    def done(made: Any) -> Response:
        said = (gettext("Saved “%(name)s”. You will be told of new matches.") if made.alert
                else gettext("Saved “%(name)s”."))
        return see_other("/saved-searches", flash.success(said % {"name": made.name}))

    return save_or_show(session, lambda: saved.create(session, user, data), done=done,
                        again=lambda rejected: _page(request, session, user,
                                                     status=rejected.status, form=form,
                                                     problem=rejected.message))


@router.get("/saved-searches/{saved_id}")
def run_saved(saved_id: RecordId, session: SessionDep, user: UserDep) -> Response:
    """A saved search, run again."""
    return see_other(saved.url_of(saved.get(session, user, saved_id)))


@router.post("/saved-searches/{saved_id}/alert")
async def set_alert(saved_id: RecordId, request: Request, session: SessionDep,
                    user: UserDep) -> Response:
    """Turns a saved search's alerts on (the box ticked) or off."""
    alert = parse(ALERT_FIELDS, await request.form())["alert"]

    def done(found: Any) -> Response:
        said = (gettext("You will be told of new matches of “%(name)s”.") if found.alert
                else gettext("No more alerts for “%(name)s”."))
        return see_other("/saved-searches", flash.success(said % {"name": found.name}))

    return save_or_show(
        session, lambda: saved.update(session, user, saved_id, SavedSearchUpdate(alert=alert)),
        done=done, again=lambda rejected: _page(request, session, user, status=rejected.status,
                                                problem=rejected.message),
        page_refusals=True)


@router.post("/saved-searches/{saved_id}/delete")
def delete_saved(saved_id: RecordId, request: Request, session: SessionDep,
                 user: UserDep) -> Response:
    return save_or_show(
        session, lambda: saved.delete(session, user, saved_id),
        done=lambda _: see_other("/saved-searches",
                                 flash.success(gettext("The saved search is deleted."))),
        again=lambda rejected: _page(request, session, user, status=rejected.status,
                                     problem=rejected.message),
        page_refusals=True)
