"""Importing outcomes known elsewhere from a CSV file: upload, a preview of every row (its
problems in plain words, the rows already known), then the whole file written or nothing."""

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.auth.models import User, Visibility
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid
from api.i18n.catalogs import gettext, ngettext
from api.known_outcomes import csv_import
from api.routing import PathRouter
from api.settings import get_settings
from api.sources import uploads
from web import flash
from web.forms import Rejected, go_to, save_or_show, shown
from web.routes.imports import leads_only
from web.templating import render
from web.words import SHARING_WORDS

router = PathRouter(include_in_schema=False)

# A lead's import is the coalition's (no organization owns it): shared at least with its leads.
SHARED_WITH = ("coalition", "leads", "public")


def _visibility(value: Any) -> Visibility:
    text = str(value or "coalition")
    if text not in SHARED_WITH:
        raise Invalid(gettext("Choose who may read the outcomes."), field="visibility")
    return Visibility(text)


def _context(user: User, **values: Any) -> dict[str, Any]:
    return {"user": user, "errors": {}, "plan": None, "content": "", "visibility": "coalition",
            "sharing": [(v, SHARING_WORDS[v]) for v in SHARED_WITH],
            "limit_mb": get_settings().max_upload_bytes / (1024 * 1024), **values}


@router.get("/outcome-imports")
def upload_form(request: Request, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    return render(request, "known_outcomes/import.html", _context(user), block="step")


@router.post("/outcome-imports")
async def preview(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    form = await request.form()
    sent = form.get("file")
    try:
        visibility = _visibility(form.get("visibility"))
        if not isinstance(sent, UploadFile) or not sent.filename:
            raise Invalid(gettext("Choose a CSV file to upload."), field="file")
        content = uploads.checked(await sent.read(get_settings().max_upload_bytes + 1))
        plan = await run_in_threadpool(csv_import.preview, session, content)
    except DomainError as exc:
        context = _context(user, errors={exc.field or "file": exc.message})
        return shown(lambda status: render(request, "known_outcomes/import.html", context,
                                           block="step", status=status), exc.message)
    context = _context(user, plan=plan, content=content.decode("utf-8-sig"),
                       visibility=visibility.value)
    return shown(lambda status: render(request, "known_outcomes/import.html", context,
                                       block="step", status=status), plan.bad)


@router.post("/outcome-imports/commit")
async def commit(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    form = await request.form()
    text = str(form.get("content") or "").replace("\r\n", "\n")
    content = text.encode()

    def write() -> int:
        return csv_import.commit(session, user, content,
                                 visibility=_visibility(form.get("visibility")))

    def done(added: int) -> Response:
        return go_to(request, "/outcomes-elsewhere", flash.success(ngettext(
            "{count} outcome imported.", "{count} outcomes imported.", added).format(
                count=added)), status=200)

    def again(rejected: Rejected) -> Response:
        try:
            plan = csv_import.preview(session, content)
        except DomainError:
            plan = None
        # The preview step says only the file's message: a choice it sent hidden (who may read
        # them) is told there too, or the refusal would say nothing.
        said = rejected.refusal.message if rejected.refusal else ""
        errors = {"file": said or " ".join(str(m) for m in (rejected.errors or {}).values())}
        context = _context(user, plan=plan, content=text, errors=errors)
        return render(request, "known_outcomes/import.html", context, block="step",
                      status=rejected.status)

    return save_or_show(session, write, done=done, again=again, fields=["file", "visibility"])
