"""One letter to many agencies: find and tick the agencies, edit the letter with its
placeholders, read it as one agency will get it, then make one request per agency, each tracked
on its own. The agency search is a plain GET form, and the letter a plain POST form; htmx only
spares the reloads."""

from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import FormData, ImmutableMultiDict

from api.agencies.models import Agency
from api.auth import permissions
from api.auth.models import User, Visibility
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Invalid
from api.fields import MAX_INT
from api.i18n.catalogs import N_, gettext, ngettext
from api.i18n.formatting import format_number
from api.records_requests import letter_source, letters
from api.records_requests import service as records
from api.records_requests.models import BatchCreate, RecordsRequest, RequestMethod
from api.routing import PathRouter
from web import flash, htmx
from web.concept_pages import ListRequest, list_rows
from web.concepts import SPECS, ref_options
from web.forms import (
    Rejected,
    domain_message,
    go_to,
    infer,
    parse,
    shown,
    submit,
    typed_text,
    validate,
)
from web.ids import distinct_ids, given_id, whole_number
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)

TEMPLATE = "records_requests/batch.html"
FIELDS = [infer(BatchCreate, name) for name in (
    "subject", "template", "text", "requester_organization_id", "requester_name",
    "requester_email", "requester_address", "campaign_id", "method", "sent_on", "notes")]
NAMES = [f.name for f in FIELDS]
# Carried through the agency search, so a search without JavaScript keeps what was typed; the
# letter's text is not, as it would make the address longer than servers take.
CARRIED = ("subject", "template", "requester_organization_id", "requester_name",
           "requester_email", "campaign_id", "method", "sent_on")
MATCHES = 50
# More than a coalition sends in one go; keeps a form (and the page after it) a sane size.
MAX_AGENCIES = 500
DEFAULT_LETTER = "alpr_all"


def _ids(values: list[str]) -> list[int]:
    return distinct_ids(values, limit=MAX_AGENCIES,
                        refusal=("agency_ids", gettext("Choose agencies from the list.")))


def _initial_keys() -> set[str]:
    return {t.key for t in letters.templates() if t.kind == letters.LetterKind.initial}


def _chosen(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """The chosen agencies in the order chosen, with the state whose law each falls under."""
    if not ids:
        return []
    found = {a.id: a for a in session.execute(
        sa.select(Agency).where(Agency.id.in_(ids))).scalars()}
    return [{"id": a.id, "name": a.name, "state": records.agency_state(session, a)}
            for a in (found.get(i) for i in ids) if a is not None]


def _page(params: Any) -> int:
    text = str(params.get("page") or 1).strip()
    if not (text.isascii() and text.isdigit()):
        raise Invalid(gettext("The page must be a number."), field="page")
    # Past the last page shows the last one: a page number past any list is no error.
    return max(1, whole_number(text) or MAX_INT)


def _matches(session: Session, actor: User, *, q: str, state: str, page: int,
             chosen: list[int]) -> dict[str, Any]:
    """One page of the agencies the search finds, those already chosen left out, and how many
    there are in all."""
    filters = {"state_code": state} if state else {}
    where = [Agency.id.notin_(chosen)] if chosen else []
    result = list_rows(session, actor, SPECS["agencies"],
                       ListRequest(q=q, filters=filters, page=page), where=where, limit=MATCHES)
    first = (result.page - 1) * MATCHES
    return {"rows": result.rows, "total": result.total, "page": result.page,
            "pages": result.pages, "first": first + 1 if result.rows else 0,
            "last": first + len(result.rows)}


def _state(params: Any) -> str:
    state = str(params.get("state") or "").strip().upper()
    return state if len(state) == 2 and state.isalpha() else ""


def _values(params: FormData | ImmutableMultiDict[str, Any], actor: User) -> dict[str, Any]:
    values = {name: str(params.get(name) or "") for name in NAMES}
    if not params.get("requester_name") and not params.get("subject"):
        # A fresh form: the letter is signed by whoever sends it, for their organization.
        values["requester_name"] = getattr(actor, "name", "")
        values["requester_email"] = getattr(actor, "email", "")
        org = getattr(actor, "organization_id", None)
        values["requester_organization_id"] = str(org) if org else ""
        values["method"] = RequestMethod.email.value
    values["template"] = values["template"] or DEFAULT_LETTER
    values["text"] = typed_text(params, "text")
    values["text_from"] = str(params.get("text_from") or "")
    values["not_editable"] = ""
    return values


def _fill_letter(values: dict[str, Any]) -> None:
    """Puts the chosen template's text in the letter box when the box holds nothing else. A
    template that cannot be edited leaves the box empty, and is sent as it is written."""
    values["text_from"] = values["template"]
    if values["text"].strip():
        return
    try:
        values["text"] = letter_source.source(values["template"])
    except DomainError as exc:
        values["text"], values["not_editable"] = "", exc.message


def _untouched(text: str, key: str) -> bool:
    """The box holds the template's own text, or nothing."""
    if not text.strip():
        return True
    try:
        return text.strip() == letter_source.source(key).strip()
    except DomainError:
        return False


def _letter(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Settles which letter is sent: when another template was chosen since the box was filled,
    its text takes the place of an untouched box; edits are never thrown away unasked."""
    chosen, origin = values["template"], values["text_from"] or values["template"]
    if chosen not in _initial_keys():
        return  # refused as it is
    if chosen != origin:
        if not _untouched(values["text"], origin):
            titles = {t.key: t.title for t in letters.templates()}
            was, now = titles.get(origin, origin), titles[chosen]
            errors["text"] = gettext(
                "The box holds your edits of “{was}”, but “{now}” is chosen. Press “Use this "
                "letter” to replace your text with “{now}”, or choose “{was}” again to keep "
                "your edits.").format(was=was, now=now)
            return
        values["text"] = ""
    _fill_letter(values)


def _context(session: Session, actor: User, values: dict[str, Any], ids: list[int], *,
             q: str = "", state: str = "", page: int = 1) -> dict[str, Any]:
    states = sorted({s for s in session.execute(
        sa.select(Agency.state_code).distinct()).scalars() if s})
    return {
        "values": values, "chosen": _chosen(session, ids),
        "matches": _matches(session, actor, q=q, state=state, page=page, chosen=ids),
        "q": q, "state": state, "states": states, "carried": CARRIED, "page_size": MATCHES,
        "templates": [letters.in_readers_language(t).read() for t in letters.templates()
                      if t.kind == letters.LetterKind.initial],
        "placeholders": PLACEHOLDERS, "user_syntax": gettext(letters.USER_SYNTAX),
        "organizations": ref_options(session, "organization"),
        "campaigns": ref_options(session, "campaign"),
        "methods": [m.value for m in RequestMethod],
        "errors": {}, "preview": None, "preview_agency_id": None, "letter_note": "",
        "may_create": permissions.can_write(actor, RecordsRequest(
            subject="", requester_organization_id=getattr(actor, "organization_id", None),
            visibility=Visibility.coalition), model=RecordsRequest),
    }


# What the help next to the letter box lists; every one is in records.letter_context.
PLACEHOLDERS = (
    ("agency.name", N_("the agency's name")),
    ("agency.jurisdiction", N_("the city or county it serves, where known")),
    ("law_name", N_("the name of its state's records law")),
    ("citation", N_("the law's citation, where known")),
    ("deadline_phrase", N_("what the law asks of the agency and by when, where known")),
    ("subject", N_("the subject above")),
    ("today | longdate", N_("the day the request is made")),
    ("period_start | longdate", N_("the first day of the period asked about")),
    ("requester.name", N_("the name on the letter")),
    ("requester.organization", N_("the requesting organization")),
    ("requester.email", N_("the email for answers")),
    ("requester.address", N_("the postal address")),
)


def _search_params(request: Request) -> tuple[list[int], str, str, int]:
    params = request.query_params
    return (_ids(params.getlist("agency_ids")), str(params.get("q") or "")[:200].strip(),
            _state(params), _page(params))


@router.get("/records-requests/batch")
def batch_form(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The whole page; the agency search submits here, with the agencies ticked so far."""
    user = acting_user(request, actor)
    ids, q, state, page = _search_params(request)
    values = _values(request.query_params, user)
    context = _context(session, user, values, ids, q=q, state=state, page=page)
    _letter(values, context["errors"])
    return render(request, TEMPLATE, context)


@router.get("/records-requests/batch/chosen")
def chosen_agencies(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The agencies the letter goes to, for htmx, as they are ticked."""
    if not htmx.wants_fragment(request):
        # Opened as a page (a bookmark, no JavaScript): the whole form with those agencies.
        query = urlencode([("agency_ids", i) for i in request.query_params.getlist("agency_ids")])
        return RedirectResponse(f"/records-requests/batch?{query}", status_code=303)
    ids = _ids(request.query_params.getlist("agency_ids"))
    return render(request, TEMPLATE, {"chosen": _chosen(session, ids), "user": actor},
                  block="sending")


@router.get("/records-requests/batch/agencies")
def agency_choices(request: Request, session: SessionDep, actor: UserDep,
                   q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """The agency picker alone, for htmx: those ticked stay ticked, the search finds more, and
    the list of agencies the letter goes to follows."""
    user = acting_user(request, actor)
    ids, q, state, page = _search_params(request)
    context = _context(session, user, _values(request.query_params, user), ids, q=q,
                       state=state, page=page)
    context["oob"] = True
    return render(request, TEMPLATE, context, block="agencies")


async def _submitted(request: Request, session: Session,
                     user: User) -> tuple[FormData, list[int], dict[str, Any], dict[str, str]]:
    form = await request.form()
    errors: dict[str, str] = {}
    try:
        ids = _ids([str(v) for v in form.getlist("agency_ids")])
    except Invalid as exc:
        ids, errors = [], {"agency_ids": exc.message}
    context = _context(session, user, _values(form, user), ids)
    return form, ids, context, errors


def _problems(values: dict[str, Any]) -> dict[str, str]:
    """What the letter needs before it can be read or sent, named by field."""
    errors = {}
    if values.get("template") not in _initial_keys():
        errors["template"] = gettext("Choose a letter from the list.")
    if not str(values.get("subject") or "").strip():
        errors["subject"] = gettext("Give the subject of the request.")
    return errors


def _sent_text(values: dict[str, Any]) -> str:
    """The text create_batch gets: none when the box holds the template's own text, so the
    template file itself is rendered, as it always was."""
    return "" if _untouched(values["text"], values["template"]) else values["text"]


@router.post("/records-requests/batch/letter")
async def batch_letter(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The chosen template's text in the letter box: on "Use this letter", always; when the
    choice changes (htmx), only if the box holds no edits."""
    user = acting_user(request, actor)
    form, _, context, errors = await _submitted(request, session, user)
    values = context["values"]
    chosen = values["template"]
    if chosen not in _initial_keys():
        errors["template"] = gettext("Choose a letter from the list.")
    elif form.get("letter_action") == "use" or _untouched(values["text"], values["text_from"]
                                                          or chosen):
        values["text"] = ""
        _fill_letter(values)
    else:
        title = next(t.title for t in context["templates"] if t.key == chosen)
        context["letter_note"] = gettext("Your edits are kept. Press “Use this letter” to "
                                         "replace them with “{title}”.").format(title=title)
    context["errors"] = errors
    return shown(lambda status: render(request, TEMPLATE, context, block="letter",
                                       status=status), errors)


@router.post("/records-requests/batch/preview")
async def batch_preview(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The letter as one of the chosen agencies will get it."""
    user = acting_user(request, actor)
    form, ids, context, errors = await _submitted(request, session, user)
    values = context["values"]
    if not ids:
        errors["agency_ids"] = gettext("Choose at least one agency.")
    errors.update(_problems(values))
    _letter(values, errors)
    wanted = whole_number(form.get("preview_agency_id")) or 0
    agency_id = wanted if wanted in ids else (ids[0] if ids else None)
    context["preview_agency_id"] = agency_id
    if not errors and agency_id is not None:
        parsed = parse(FIELDS, form)
        try:
            org = parsed.get("requester_organization_id")
            org_id = given_id(org, field="requester_organization_id",
                              message=gettext("Choose an organization from the list.")) \
                if org else None
            context["preview"] = records.preview(
                session, user, template_key=values["template"], agency_id=agency_id,
                subject=str(parsed["subject"]), text=_sent_text(values),
                requester_organization_id=org_id,
                requester=records.Requester(name=str(parsed.get("requester_name") or ""),
                                            email=str(parsed.get("requester_email") or ""),
                                            address=str(parsed.get("requester_address") or "")))
        except DomainError as exc:
            errors = domain_message(exc, FIELDS)
    context["errors"] = errors
    if htmx.wants_fragment(request):
        # The letter box comes along, so a problem with the text shows next to it.
        context["oob"] = True
        return shown(lambda status: render(request, TEMPLATE, context, block="preview",
                                           status=status), errors)
    return shown(lambda status: render(request, TEMPLATE, context, status=status), errors)


@router.post("/records-requests/batch")
async def batch_create(request: Request, session: SessionDep, actor: UserDep) -> Response:
    """One request per chosen agency, each under its own state's law."""
    user = acting_user(request, actor)
    form, ids, context, errors = await _submitted(request, session, user)
    values = context["values"]
    errors.update(_problems(values))
    _letter(values, errors)
    data = None
    if not errors:
        parsed = {**parse(FIELDS, form), "text": _sent_text(values)}
        data, errors = validate(BatchCreate, {**parsed, "agency_ids": ids})

    def again(rejected: Rejected) -> Response:
        context["errors"] = rejected.errors
        return render(request, TEMPLATE, context, status=rejected.status)

    return submit(session, (data, errors), lambda valid: records.create_batch(session, user, valid),
                  done=lambda created: _created(request, created), again=again,
                  fields=[*FIELDS, infer(BatchCreate, "agency_ids")], status=None)


def _created(request: Request, created: list[Any]) -> Response:
    count = len(created)
    message = flash.success(
        ngettext("Created {count} records request, one per agency, each with its own law "
                 "and due date.",
                 "Created {count} records requests, one per agency, each with its own law "
                 "and due date.", count).format(count=format_number(count)))
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
                       where=[RecordsRequest.id.in_(ids)],
                       limit=MAX_AGENCIES)
    return render(request, "records_requests/batch_done.html",
                  {"spec": spec, "result": result})
