"""One letter to many agencies: choose the letter, the subject and the agencies, read the letter
as one agency will get it, then make one request per agency, each tracked on its own."""

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.datastructures import FormData, ImmutableMultiDict

from api.agencies.models import Agency
from api.auth import permissions
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid
from api.fields import MAX_INT
from api.records_requests import letters
from api.records_requests import service as records
from api.records_requests.models import BatchCreate, RecordsRequest, RequestMethod
from web import flash, htmx
from web.concepts import SPECS, ref_options
from web.forms import domain_message, infer, parse, validate
from web.records import ListRequest, list_rows
from web.routes.records import go_to
from web.templating import acting_user, render

router = APIRouter(include_in_schema=False)

TEMPLATE = "records_requests/batch.html"
FIELDS = [infer(BatchCreate, name) for name in (
    "subject", "template", "requester_organization_id", "requester_name", "requester_email",
    "requester_address", "campaign_id", "method", "sent_on", "notes")]
NAMES = [f.name for f in FIELDS]
MATCHES = 40
# More than a coalition sends in one go; keeps a form (and the page after it) a sane size.
MAX_AGENCIES = 500


def _ids(values: list[str]) -> list[int]:
    try:
        ids = [int(v) for v in values if v.strip()]
    except ValueError as exc:
        raise Invalid("Choose agencies from the list.", field="agency_ids") from exc
    if any(not 1 <= i <= MAX_INT for i in ids):
        raise Invalid("Choose agencies from the list.", field="agency_ids")
    return list(dict.fromkeys(ids))[:MAX_AGENCIES]


def _letter_problems(values: dict[str, Any]) -> dict[str, str]:
    """What the letter needs before it can be read or sent, named by field."""
    errors = {}
    keys = {t.key for t in letters.templates() if t.kind == letters.LetterKind.initial}
    if values.get("template") not in keys:
        errors["template"] = "Choose a letter from the list."
    if not str(values.get("subject") or "").strip():
        errors["subject"] = "Give the subject of the request."
    return errors


def _chosen(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """The chosen agencies in the order chosen, with the state whose law each falls under."""
    if not ids:
        return []
    found = {a.id: a for a in session.exec(
        sa.select(Agency).where(Agency.id.in_(ids))).scalars()}  # type: ignore[call-overload,union-attr]
    return [{"id": a.id, "name": a.name, "state": records.agency_state(session, a)}
            for a in (found.get(i) for i in ids) if a is not None]


def _matches(session: Session, actor: Any, q: str, state: str,
             chosen: list[int]) -> list[dict[str, Any]]:
    filters = {"state_code": state} if state else {}
    result = list_rows(session, actor, SPECS["agencies"], ListRequest(q=q, filters=filters),
                       limit=MATCHES + len(chosen))
    return [row for row in result.rows if row["id"] not in chosen][:MATCHES]


def _values(params: FormData | ImmutableMultiDict[str, Any], actor: Any) -> dict[str, Any]:
    values = {name: str(params.get(name) or "") for name in NAMES}
    if not params.get("requester_name") and not params.get("subject"):
        # A fresh form: the letter is signed by whoever sends it, for their organization.
        values["requester_name"] = getattr(actor, "name", "")
        values["requester_email"] = getattr(actor, "email", "")
        org = getattr(actor, "organization_id", None)
        values["requester_organization_id"] = str(org) if org else ""
        values["method"] = RequestMethod.email.value
    values["template"] = values["template"] or "alpr_all"
    return values


def _context(session: Session, actor: Any, values: dict[str, Any], ids: list[int], *,
             q: str = "", state: str = "") -> dict[str, Any]:
    states = sorted({s for s in session.exec(
        sa.select(Agency.state_code).distinct()).scalars() if s})  # type: ignore[call-overload]
    return {
        "values": values, "chosen": _chosen(session, ids),
        "matches": _matches(session, actor, q, state, ids), "q": q, "state": state,
        "states": states,
        "templates": [t.as_dict() for t in letters.templates()
                      if t.kind == letters.LetterKind.initial],
        "organizations": ref_options(session, "organization"),
        "campaigns": ref_options(session, "campaign"),
        "methods": [m.value for m in RequestMethod],
        "errors": {}, "preview": None, "preview_agency_id": None,
        "may_create": permissions.can_write(actor, RecordsRequest(
            requester_organization_id=getattr(actor, "organization_id", None),
            visibility="coalition"), model=RecordsRequest),
    }


@router.get("/records-requests/batch")
def batch_form(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = acting_user(request, actor)
    params = request.query_params
    ids = _ids(params.getlist("agency_ids"))
    context = _context(session, user, _values(params, user), ids,
                       q=str(params.get("q") or "")[:200], state=_state(params))
    return render(request, TEMPLATE, context)


def _state(params: Any) -> str:
    state = str(params.get("state") or "").strip().upper()
    return state if len(state) == 2 and state.isalpha() else ""


@router.get("/records-requests/batch/agencies")
def agency_choices(request: Request, session: SessionDep, actor: UserDep,
                   q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """The agency picker: those chosen stay chosen, the search finds more."""
    user = acting_user(request, actor)
    params = request.query_params
    ids = _ids(params.getlist("agency_ids"))
    context = _context(session, user, _values(params, user), ids, q=q, state=_state(params))
    return render(request, TEMPLATE, context, block="agencies")


async def _submitted(request: Request, session: Session,
                     user: Any) -> tuple[FormData, list[int], dict[str, Any], dict[str, str]]:
    form = await request.form()
    errors: dict[str, str] = {}
    try:
        ids = _ids([str(v) for v in form.getlist("agency_ids")])
    except Invalid as exc:
        ids, errors = [], {"agency_ids": exc.message}
    context = _context(session, user, _values(form, user), ids,
                       q=str(form.get("q") or "")[:200], state=_state(form))
    return form, ids, context, errors


@router.post("/records-requests/batch/preview")
async def batch_preview(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The letter as one of the chosen agencies will get it."""
    user = acting_user(request, actor)
    form, ids, context, errors = await _submitted(request, session, user)
    values = parse(FIELDS, form)
    if not ids:
        errors["agency_ids"] = "Choose at least one agency."
    errors.update(_letter_problems(values))
    try:
        wanted = int(str(form.get("preview_agency_id") or 0))
    except ValueError:
        wanted = 0
    agency_id = wanted if wanted in ids else (ids[0] if ids else None)
    context["preview_agency_id"] = agency_id
    if not errors and agency_id is not None:
        try:
            org = values.get("requester_organization_id")
            context["preview"] = records.preview(
                session, user, template_key=str(values.get("template") or ""),
                agency_id=agency_id, subject=str(values["subject"]),
                requester_organization_id=int(org) if org else None,
                requester=records.Requester(name=str(values.get("requester_name") or ""),
                                            email=str(values.get("requester_email") or ""),
                                            address=str(values.get("requester_address") or "")))
        except DomainError as exc:
            errors = domain_message(exc, FIELDS)
        except ValueError:
            errors["requester_organization_id"] = "Choose an organization from the list."
    context["errors"] = errors
    status = 422 if errors else 200
    if htmx.wants_fragment(request):
        return render(request, TEMPLATE, context, block="preview", status=status)
    return render(request, TEMPLATE, context, status=status)


@router.post("/records-requests/batch")
async def batch_create(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """One request per chosen agency, each under its own state's law."""
    user = acting_user(request, actor)
    form, ids, context, errors = await _submitted(request, session, user)
    values = parse(FIELDS, form)
    errors.update(_letter_problems(values))
    status = 422
    if not errors:
        data, errors = validate(BatchCreate, {**values, "agency_ids": ids})
        if data is not None:
            try:
                created = records.create_batch(session, user, data)  # type: ignore[arg-type]
                session.commit()
            except DomainError as exc:
                session.rollback()
                errors = domain_message(exc, [*FIELDS, infer(BatchCreate, "agency_ids")])
                status = exc.status
    if errors:
        context["errors"] = errors
        return render(request, TEMPLATE, context, status=status)
    count = len(created)
    message = flash.success(
        f"Created {count} records request{'' if count == 1 else 's'}, one per agency, each "
        f"with its own law and due date.")
    url = "/records-requests/batch/done?" + "&".join(f"id={r.id}" for r in created)
    return go_to(request, url, message)


@router.get("/records-requests/batch/done")
def batch_done(request: Request, session: SessionDep, actor: UserDep,
               id: Annotated[list[int], Query()] = []) -> Response:  # noqa: A002, B006
    """The requests just made, each with a link to its own page."""
    user = acting_user(request, actor)
    ids = [i for i in id if 1 <= i <= MAX_INT][:MAX_AGENCIES]
    spec = SPECS["records-requests"]
    result = list_rows(session, user, spec, ListRequest(sort="id"),
                       where=[RecordsRequest.id.in_(ids)],  # type: ignore[attr-defined]
                       limit=MAX_AGENCIES)
    return render(request, "records_requests/batch_done.html",
                  {"spec": spec, "result": result})
