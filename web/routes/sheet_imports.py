"""A spreadsheet of organizations, people or targets, after its upload: match its columns to the
record's fields, preview every row (errors, duplicates and what to do with each), and commit
the whole file in one transaction."""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams

from api.auth.models import User
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid
from api.i18n.catalogs import N_, gettext
from api.routing import PathRouter
from api.sources import spreadsheets, uploads
from api.sources.spreadsheets import Choice, Column, RowResult, SheetPlan
from web import flash
from web.concepts import LABELS, TABLE_LABELS, ref_labels
from web.forms import Rejected, go_to, refused
from web.routes.imports import SHOWN_ROWS, UploadId, import_once, leads_only
from web.templating import render
from web.words import humanize

router = PathRouter(include_in_schema=False)

Sheet = Annotated[str, Path(pattern="^(" + "|".join(spreadsheets.CONCEPTS) + ")$")]
SAMPLE_ROWS = 20
# The table each concept's records live in, to name the records a row duplicates.
TABLES = {"organizations": "organization", "people": "person", "targets": "target"}
HINTS = {"bool": N_("yes or no"), "tags": N_("separated by commas or semicolons"),
         "date": N_("a date such as 2027-01-31"),
         "organization": N_("the name of an organization already here"),
         "body": N_("the name of a body already here")}
SPLIT_NAME_HINT = N_("the whole name, or choose first and last name instead")
def label_of(kind: str, name: str) -> str:
    """A column's field by the label declared with it on the records' own pages, else by its
    name there."""
    return (TABLE_LABELS.get(TABLES[kind], {}).get(name) or LABELS.get(name)
            or spreadsheets.label_of(name))


def _hint(column: Column) -> str:
    if column.kind == "enum" and column.enum is not None:
        # The choices as the reader reads them; a file may hold these words, in either
        # language, or the stored values.
        return gettext("one of: {values}").format(
            values=", ".join(humanize(m.value) for m in column.enum))
    return HINTS.get(column.kind, "")


def _mapping_from(values: FormData | QueryParams) -> dict[str, str]:
    return {key.removeprefix("map-"): str(value) for key, value in values.multi_items()
            if key.startswith("map-")}


def _columns_context(user: User, kind: str, kept: uploads.Upload,
                     mapping: dict[str, str] | None = None,
                     errors: dict[str, str] | None = None) -> dict[str, Any]:
    target = spreadsheets.concept(kind)
    sheet = spreadsheets.read_sheet(kept.content(), kept.filename)
    chosen = spreadsheets.guess_mapping(target, sheet.headers, also=spreadsheets.headings(target)) \
        if mapping is None else mapping
    examples: dict[str, str] = {}
    for _, cells in sheet.rows[:SAMPLE_ROWS]:
        for header, cell in zip(sheet.headers, cells, strict=False):
            if cell and header not in examples:
                examples[header] = cell if len(cell) <= 40 else cell[:39] + "…"
    split_names = {"first_name", "last_name"} <= {c.name for c in target.columns}
    fields = [{"name": c.name, "label": label_of(kind, c.name),
               "hint": SPLIT_NAME_HINT if c.name == "name" and split_names else _hint(c),
               "chosen": chosen.get(c.name, "")} for c in target.columns]
    return {"user": user, "kind": kind, "concept": target, "upload": kept,
            "headers": sheet.headers, "examples": examples, "fields": fields,
            "row_count": len(sheet.rows), "errors": errors or {},
            "unmapped": [h for h in sheet.headers if h not in chosen.values()]}


@router.get("/imports/{kind}/{upload_id}/columns")
def columns(kind: Sheet, upload_id: UploadId, request: Request, actor: UserDep) -> Response:
    user = leads_only(request, actor)
    kept = uploads.find(user, kind=kind, upload_id=upload_id)
    given = _mapping_from(request.query_params) or None
    context = _columns_context(user, kind, kept, given)
    return render(request, "imports/columns.html", context, block="step")


def _choices(form: FormData) -> tuple[Choice, dict[int, Choice]]:
    """What to do with duplicates: for all of them, and row by row where that differs."""
    try:
        on_duplicate = Choice(str(form.get("on_duplicate") or Choice.skip.value))
    except ValueError as exc:
        raise Invalid(gettext("Choose skip, update or create for the duplicates."),
                      field="on_duplicate") from exc
    decisions: dict[int, Choice] = {}
    if form.get("apply_all"):
        return on_duplicate, decisions
    for key, value in form.multi_items():
        if not key.startswith("row-"):
            continue
        try:
            row, choice = int(key.removeprefix("row-")), Choice(str(value))
        except ValueError as exc:
            raise Invalid(gettext("Choose skip, update or create for row %(row)s.")
                          % {"row": key.removeprefix("row-")},
                          field="decisions") from exc
        if choice != on_duplicate:
            decisions[row] = choice
    return on_duplicate, decisions


def _plan(session: Session, user: User, kind: str, kept: uploads.Upload, form: FormData
          ) -> tuple[SheetPlan, Choice, dict[int, Choice]]:
    on_duplicate, decisions = _choices(form)
    plan = spreadsheets.plan(session, concept_name=kind, content=kept.content(),
                             filename=kept.filename, mapping=_mapping_from(form),
                             on_duplicate=on_duplicate, decisions=decisions, actor=user)
    return plan, on_duplicate, decisions


def _preview_context(session: Session, user: User, kind: str, kept: uploads.Upload,
                     plan: SheetPlan, on_duplicate: Choice, decisions: dict[int, Choice],
                     skip_errors: bool = False) -> dict[str, Any]:
    errors = [(row.row, gettext(label_of(kind, e["field"])), e["message"])
              for row in plan.rows for e in row.errors]
    duplicates = [row for row in plan.rows if row.existing_id is not None]
    shown = duplicates[:SHOWN_ROWS]
    names = ref_labels(session, TABLES[kind], [row.existing_id for row in shown
                                               if row.existing_id is not None])
    sample = [row for row in plan.rows if row.action == "create"][:SAMPLE_ROWS]
    return {
        "user": user, "kind": kind, "concept": spreadsheets.concept(kind), "upload": kept,
        "plan": plan, "counts": plan.counts, "errors_list": errors[:SHOWN_ROWS],
        "error_total": len(errors), "bad_rows": plan.counts["error"],
        "duplicates": shown, "duplicate_total": len(duplicates), "existing": names,
        "sample": _as_shown(session, sample),
        "sample_fields": list(dict.fromkeys("name" if f in ("first_name", "last_name") else f
                                            for f in plan.mapping)),
        "on_duplicate": on_duplicate.value,
        "decision": {row.row: decisions.get(row.row, on_duplicate).value for row in shown},
        "label_of": partial(label_of, kind), "errors": {}, "skip_errors": skip_errors,
    }


def _as_shown(session: Session, rows: list[RowResult]) -> list[tuple[int, dict[str, Any]]]:
    """Rows to add as the file named things: organizations and bodies by name again, since
    planning turned them into ids."""
    orgs = ref_labels(session, "organization", sorted(
        {i for r in rows for i in (r.organization_id, r.values.get("owner_organization_id"))
         if i}))
    bodies = ref_labels(session, "body", sorted({r.values["body_id"] for r in rows
                                                 if r.values.get("body_id")}))
    shown = []
    for row in rows:
        values = dict(row.values)
        values["organization"] = orgs.get(row.organization_id, "") if row.organization_id \
            else ""
        values["role"] = row.role
        values["owner_organization"] = orgs.get(values.get("owner_organization_id") or 0, "")
        values["body"] = bodies.get(values.get("body_id") or 0, "")
        shown.append((row.row, values))
    return shown


def _columns_again(request: Request, user: User, kind: str, kept: uploads.Upload,
                   form: FormData, rejected: Rejected) -> Response:
    context = _columns_context(user, kind, kept, _mapping_from(form), rejected.errors)
    return render(request, "imports/columns.html", context, block="step",
                  status=rejected.status)


Planned = tuple[SheetPlan, Choice, dict[int, Choice]]
Step = Callable[[Request, Session, Any, str, uploads.Upload, FormData, Planned], Response]


def _whole_file_route(step: Step) -> Callable[..., Awaitable[Response]]:
    """The route of a step that reads the whole file: reading, checking and writing every row
    of a large one takes seconds, so in a worker thread, and the server answers other requests
    meanwhile."""

    async def route(kind: Sheet, upload_id: UploadId, request: Request, session: SessionDep,
                    actor: UserDep) -> Response:
        user = leads_only(request, actor)
        kept = uploads.find(user, kind=kind, upload_id=upload_id)
        form = await request.form()
        return await run_in_threadpool(_once_planned, step, request, session, user, kind, kept,
                                       form)

    return route


def _once_planned(step: Step, request: Request, session: Session, user: User, kind: str,
                  kept: uploads.Upload, form: FormData) -> Response:
    """The step, with the file planned by the form's columns and choices; the columns again
    when they cannot plan it."""
    try:
        planned = _plan(session, user, kind, kept, form)
    except DomainError as exc:
        return _columns_again(request, user, kind, kept, form,
                              refused(exc, {exc.field or "mapping": exc.message}))
    return step(request, session, user, kind, kept, form, planned)


def _preview(request: Request, session: Session, user: User, kind: str, kept: uploads.Upload,
             form: FormData, planned: Planned) -> Response:
    plan, on_duplicate, decisions = planned
    context = _preview_context(session, user, kind, kept, plan, on_duplicate, decisions,
                               skip_errors=form.get("skip_errors") == "on")
    # Coming from the columns, the reader starts at the top of the new step; changing a
    # choice in the preview keeps them where they were.
    context["focus_heading"] = form.get("step") == "columns"
    return render(request, "imports/preview.html", context, block="step")


def _commit(request: Request, session: Session, user: User, kind: str, kept: uploads.Upload,
            form: FormData, planned: Planned) -> Response:
    plan = planned[0]
    skip_errors = form.get("skip_errors") == "on"

    def write() -> spreadsheets.SheetResult:
        return spreadsheets.commit(session, user, plan, token=str(form.get("token") or ""),
                                   skip_errors=skip_errors)

    def again() -> tuple[str, dict[str, Any]]:
        # Planned again: the failed transaction may have left nothing readable behind.
        plan, on_duplicate, decisions = _plan(session, user, kind, kept, form)
        return "imports/preview.html", _preview_context(
            session, user, kind, kept, plan, on_duplicate, decisions, skip_errors=skip_errors)

    def done(result: spreadsheets.SheetResult) -> Response:
        counts = {"file": kept.filename, "created": result.created, "updated": result.updated,
                  "skipped": result.skipped, "left_out": len(result.left_out)}
        text = (gettext("Imported %(file)s: %(created)d added, %(updated)d updated, "
                        "%(skipped)d skipped; %(left_out)d rows with errors left out.")
                if result.left_out else
                gettext("Imported %(file)s: %(created)d added, %(updated)d updated, "
                        "%(skipped)d skipped.")) % counts
        message = flash.success(text, link=f"/imports/{kind}",
                                link_text=gettext("Import another file"))
        return go_to(request, f"/{kind}", message, status=200)

    return import_once(request, session, kept, write, done=done, taken_to=f"/{kind}",
                       again=again)


router.post("/imports/{kind}/{upload_id}/preview")(_whole_file_route(_preview))
router.post("/imports/{kind}/{upload_id}/commit")(_whole_file_route(_commit))
