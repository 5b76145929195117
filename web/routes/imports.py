"""Bringing files in through the pages: the list of imports, the upload step every import
shares, and EFF's agency datasets (Atlas of Surveillance, Data Driven) previewed and confirmed.
Spreadsheets of organizations, people and targets go on in web/routes/sheet_imports.py."""

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Annotated, Any, TypeVar

from fastapi import Path, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid
from api.i18n.catalogs import N_, gettext, ngettext
from api.routing import PathRouter
from api.settings import get_settings
from api.sources import atlas, data_driven, sharing_links, spreadsheets, uploads
from api.sources.sharing_links import ReportSource
from web import flash
from web import sharing_imports as sharing
from web.forms import Rejected, domain_message, go_to, save_or_show, shown
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)


@dataclass(frozen=True)
class Dataset:
    module: ModuleType
    title: str
    about: str


DATASETS = {
    "atlas": Dataset(atlas, N_("Atlas of Surveillance"),
                     N_("EFF's Atlas of Surveillance CSV export. Its rows about automated "
                        "license plate readers become agencies with their vendor and sources; "
                        "rows about other technologies are left alone.")),
    "data-driven": Dataset(data_driven, N_("EFF Data Driven ALPR dataset"),
                           N_("EFF's \"Data Driven\" CSV (agencies on Vigilant's LEARN, "
                              "2016-2017): sharing partners, national pool, detections, hits "
                              "and each agency's sharing report.")),
}
# Files of who shares plate reads with whom: links between agencies, made with the agencies.
SHARING = {
    sharing.DATA_DRIVEN: (N_("Sharing links from EFF's Data Driven dataset"),
                          N_("EFF's \"Data Driven\" CSV read for data sharing: how many agencies "
                             "each agency shares its plate reads with, and whether it is in "
                             "Vigilant's national pool. Agencies not kept yet are added.")),
    sharing.REPORT: (N_("Vigilant data sharing report"),
                     N_("One agency's Vigilant \"agency data sharing report\", written out as a "
                        "CSV with the columns Agency and State (ORI and Direction if known). "
                        "Each row is an agency it shares its reads with, or whose reads it can "
                        "query.")),
}
SHEETS = tuple(spreadsheets.CONCEPTS)
KIND = "^(" + "|".join([*SHEETS, *DATASETS, *SHARING]) + ")$"
# The kinds previewed and confirmed in one step, without matching columns: files of a known
# shape, read as CSV only.
ONE_STEP_KINDS = frozenset((*DATASETS, *SHARING))
ONE_STEP = "^(" + "|".join(sorted(ONE_STEP_KINDS)) + ")$"
Kind = Annotated[str, Path(pattern=KIND)]
UploadId = Annotated[str, Path(max_length=64)]
# How many rows of each kind a preview lists before saying how many more there are.
SHOWN_ROWS = 200
AGENCY_FIELDS = {"vendor_id": N_("Vendor"), "atlas_id": N_("Atlas ID"), "ori": N_("ORI"),
                 "jurisdiction_id": N_("Jurisdiction (id)"), "national_pool": N_("National pool"),
                 "data_sharing_report_url": N_("Data sharing report"),
                 "detections_period": N_("Detections period")}
# Each spreadsheet import, as the list of imports and its pages name it.
SHEET_LINKS = {"organizations": N_("Import organizations"), "people": N_("Import people"),
               "targets": N_("Import targets")}
# The plural nouns the import pages name spreadsheets by (each concept's name).
SHEET_NOUNS = (N_("organizations"), N_("people"), N_("targets"))
SHEET_TITLES = {"organizations": N_("Spreadsheet of organizations"),
                "people": N_("Spreadsheet of people"), "targets": N_("Spreadsheet of targets")}


def title_of(kind: str) -> str:
    if kind in DATASETS:
        return gettext(DATASETS[kind].title)
    if kind in SHARING:
        return gettext(SHARING[kind][0])
    return gettext(SHEET_TITLES[kind]) if kind in SHEET_TITLES else kind


def leads_only(request: Request, actor: User) -> Any:
    """The acting user, when they may import; the refusal is the API's own rule."""
    user = acting_user(request, actor)
    permissions.require_bringing_in(user)
    return user


Written = TypeVar("Written")


def import_once(request: Request, session: Session, kept: uploads.Upload,
                write: Callable[[], Written], *, done: Callable[[Written], Response],
                taken_to: str, again: Callable[[], tuple[str, dict[str, Any]]]) -> Response:
    """Writes an upload's records and commits them while holding the upload, so a double-click
    imports it once; `done` answers with what `write` returned. Otherwise nothing was written:
    `taken_to`'s page when another request holds the upload, else the step `again` names (its
    template and context, read after the rollback) with why."""
    database_refusal = gettext("the database refused a row (a record it refers to may have "
                               "changed since the preview). Check the preview and try again.")

    def held() -> Written:
        with uploads.claimed(kept):
            written = write()
            session.commit()
        return written

    def refused(rejected: Rejected) -> Response:
        if isinstance(rejected.refusal, uploads.Taken):
            return go_to(request, taken_to, flash.error(rejected.message), status=200)
        why = gettext("Nothing was imported: %(why)s") % {"why": rejected.message}
        template, context = again()
        return render(request, template, context, block="step", status=rejected.status,
                      message=flash.error(why))

    return save_or_show(session, held, done=done, again=refused, status=None,
                        database_refusal=database_refusal)


@router.get("/imports")
def index(request: Request, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    context = {"user": user, "sheets": [spreadsheets.CONCEPTS[k] for k in SHEETS],
               "datasets": DATASETS, "sharing": SHARING, "sheet_links": SHEET_LINKS}
    return render(request, "imports/index.html", context, block="kinds")


def _upload_context(session: Session, user: User, kind: str,
                    errors: dict[str, str] | None = None,
                    values: Any = None, agency_q: str = "") -> dict[str, Any]:
    about = DATASETS[kind].about if kind in DATASETS else \
        SHARING[kind][1] if kind in SHARING else ""
    kept = {name: str((values or {}).get(name) or "") for name in sharing.REPORT_FIELDS}
    return {"user": user, "kind": kind, "title": title_of(kind), "errors": errors or {},
            "dataset": kind in ONE_STEP_KINDS, "about": about,
            "concept": spreadsheets.CONCEPTS.get(kind),
            "limit_mb": get_settings().max_upload_bytes / (1024 * 1024),
            "report_agencies": sharing.report_agencies(session, user, q=agency_q,
                                                       chosen=kept["agency_id"])
            if kind == sharing.REPORT else None,
            "values": kept}


@router.get("/imports/{kind}")
def upload_form(kind: Kind, request: Request, session: SessionDep, actor: UserDep,
                agency_id: str = "",
                agency_q: str = "") -> Response:
    user = leads_only(request, actor)
    # A report's page may be opened from its agency, which is then chosen already; its
    # agency is otherwise found by name, with the search form above the upload.
    context = _upload_context(session, user, kind, values={"agency_id": agency_id[:12]},
                              agency_q=agency_q)
    return render(request, "imports/upload.html", context, block="step")


def _keep_if_readable(user: User, kind: str, content: bytes, filename: str,
                      source: ReportSource | None) -> uploads.Upload:
    """Keeps the file for the next steps; refuses one its import could not read, before
    anything is kept."""
    if kind in DATASETS:
        DATASETS[kind].module.read(content)
    elif kind in SHARING:
        sharing.check_readable(kind, content, source)
    else:
        spreadsheets.read_sheet(content, filename)
    return uploads.keep(user, kind=kind, filename=filename, content=content)


@router.post("/imports/{kind}")
async def upload(kind: Kind, request: Request, session: SessionDep,
                 actor: UserDep) -> Response:
    user = leads_only(request, actor)
    form = await request.form()
    sent = form.get("file")
    source = None
    try:
        if kind == sharing.REPORT:
            source = sharing.source_of(session, user, form)
        if not isinstance(sent, UploadFile) or not sent.filename:
            raise Invalid(gettext("Choose a CSV file to upload.") if kind in ONE_STEP_KINDS
                          else gettext("Choose a CSV or XLSX file to upload."), field="file")
        content = uploads.checked(await sent.read(get_settings().max_upload_bytes + 1))
        # Reading a large file takes seconds: in a worker thread, so the server answers other
        # requests meanwhile.
        kept = await run_in_threadpool(_keep_if_readable, user, kind, content, sent.filename,
                                       source)
    except DomainError as exc:
        errors = domain_message(exc, ("file", *sharing.REPORT_FIELDS))
        context = _upload_context(session, user, kind, errors, form)
        return shown(lambda status: render(request, "imports/upload.html", context, block="step",
                                           status=status), exc.message)
    step = "preview" if kind in ONE_STEP_KINDS else "columns"
    return go_to(request, f"/imports/{kind}/{kept.id}/{step}{sharing.query_of(source)}",
                 status=200)


@router.post("/imports/{kind}/{upload_id}/cancel")
def cancel(kind: Kind, upload_id: UploadId, request: Request, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    uploads.discard(uploads.find(user, kind=kind, upload_id=upload_id))
    return go_to(request, f"/imports/{kind}",
                 flash.success(gettext("The upload was removed; nothing was imported.")),
                 status=200)


# ---- agency datasets --------------------------------------------------------------------

def _dataset_context(session: Any, user: User, kind: str, kept: uploads.Upload
                     ) -> dict[str, Any]:
    plan = DATASETS[kind].module.preview(session, kept.content())
    by_action: dict[str, list[Any]] = {"error": [], "create": [], "update": [], "skip": []}
    for row in plan.rows:
        by_action[row.action].append(row)
    return {"user": user, "kind": kind, "title": title_of(kind), "upload": kept, "plan": plan,
            "bad_rows": by_action["error"], "creates": by_action["create"],
            "updates": by_action["update"], "skips": by_action["skip"], "shown": SHOWN_ROWS,
            "field_labels": AGENCY_FIELDS, "errors": {}}


OneStep = Annotated[str, Path(pattern=ONE_STEP)]


@router.get("/imports/{kind}/{upload_id}/preview")
def dataset_preview(kind: OneStep, upload_id: UploadId, request: Request, session: SessionDep,
                    actor: UserDep) -> Response:
    user = leads_only(request, actor)
    kept = uploads.find(user, kind=kind, upload_id=upload_id)
    if kind in SHARING:
        source = sharing.source_of(session, user, request.query_params) \
            if kind == sharing.REPORT else None
        context = _sharing_context(session, user, kind, kept, source)
        return render(request, "imports/sharing.html", context, block="step")
    context = _dataset_context(session, user, kind, kept)
    return render(request, "imports/dataset.html", context, block="step")


@router.post("/imports/{kind}/{upload_id}/confirm")
async def dataset_commit(kind: OneStep, upload_id: UploadId, request: Request,
                         session: SessionDep, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    kept = uploads.find(user, kind=kind, upload_id=upload_id)
    form = await request.form()
    token = str(form.get("token") or "")[:64]
    if kind in SHARING:
        source = sharing.source_of(session, user, form) if kind == sharing.REPORT else None
        return await run_in_threadpool(_sharing_commit, request, session, user, kind, kept,
                                       source, token)
    # Reading and writing a large file takes seconds: in a worker thread, so the server
    # answers other requests meanwhile.
    return await run_in_threadpool(_dataset_commit, request, session, user, kind, kept, token)


def _dataset_commit(request: Request, session: Session, user: User, kind: str,
                    kept: uploads.Upload, token: str) -> Response:
    def write() -> Any:
        return DATASETS[kind].module.commit(session, user, kept.content(), token=token)[1]

    return import_once(request, session, kept, write,
                       done=lambda result: _dataset_done(request, kind, result),
                       taken_to="/agencies", again=lambda: (
                           "imports/dataset.html", _dataset_context(session, user, kind, kept)))


def _dataset_done(request: Request, kind: str, result: Any) -> Response:
    parts = [ngettext("%(num)d agency added", "%(num)d agencies added", result.created)
             % {"num": result.created},
             ngettext("%(num)d updated", "%(num)d updated", result.updated)
             % {"num": result.updated},
             ngettext("%(num)d unchanged", "%(num)d unchanged", result.skipped)
             % {"num": result.skipped}]
    if result.links_added or result.links_updated:
        parts.append(gettext("%(added)s, %(redated)s") % {
            "added": ngettext("%(num)d source added", "%(num)d sources added",
                              result.links_added) % {"num": result.links_added},
            "redated": ngettext("%(num)d re-dated", "%(num)d re-dated", result.links_updated)
            % {"num": result.links_updated}})
    if result.errors:
        parts.append(ngettext("%(num)d bad row left out", "%(num)d bad rows left out",
                              len(result.errors)) % {"num": len(result.errors)})
    message = flash.success(
        gettext("{kind}: {counts}.").format(
            kind=title_of(kind), counts="; ".join([", ".join(parts[:3]), *parts[3:]])),
        link=f"/imports/{kind}", link_text=gettext("Import another file"))
    return go_to(request, "/agencies", message, status=200)


# ---- sharing links ----------------------------------------------------------------------

def _sharing_context(session: Session, user: User, kind: str, kept: uploads.Upload,
                     source: ReportSource | None) -> dict[str, Any]:
    plan = sharing.plan_of(session, user, kind, kept.content(), source)
    subject = session.get(Agency, source.agency_id) if source is not None else None
    return {"user": user, "kind": kind, "title": title_of(kind), "upload": kept,
            "source": source, "subject": subject, "query": sharing.query_of(source),
            **sharing.preview_context(plan)}


def _sharing_commit(request: Request, session: Session, user: User, kind: str,
                    kept: uploads.Upload, source: ReportSource | None, token: str) -> Response:
    def write() -> Any:
        return sharing.commit(session, user, kind, kept.content(), source, token)

    # A report's links are read on its agency's page; the dataset's across the agencies.
    to = f"/agencies/{source.agency_id}" if source is not None else "/agencies"

    def done(result: Any) -> Response:
        message = flash.success(
            gettext("{kind}: {counts}").format(kind=title_of(kind),
                                               counts=sharing_links.result_words(result)),
            link=f"/imports/{kind}", link_text=gettext("Import another file"))
        return go_to(request, to, message, status=200)

    return import_once(request, session, kept, write, done=done, taken_to=to, again=lambda: (
        "imports/sharing.html", _sharing_context(session, user, kind, kept, source)))
