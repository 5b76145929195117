"""A records request's own page: its deadline and where it comes from, the status history and
the form that moves it on, a lead's override, documents received and the letters to send."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session, select
from starlette.datastructures import UploadFile

from api import clock
from api.auth import permissions
from api.auth.models import User
from api.contracts.models import Contract
from api.deps import SessionDep, UserDep
from api.errors import Invalid
from api.fields import stored_id
from api.i18n import locales
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import format_number
from api.records_requests import letters
from api.records_requests import service as records
from api.records_requests.models import (
    RecordsRequest,
    RecordsRequestUpdate,
    RequestDocumentLinks,
    StatusChangeCreate,
)
from api.routing import PathRouter
from api.settings import get_settings
from web import flash, htmx
from web.concepts import SPECS, ref_labels, ref_options
from web.deadlines import countdown_words
from web.forms import (
    FORM,
    FormField,
    Rejected,
    infer,
    parse,
    save_or_show,
    see_other,
    submit,
    typed_text,
    validate,
)
from web.ids import RecordId
from web.routes.concept_pages import DetailExtra, pages_of
from web.templating import acting_user, render
from web.words import humanize

router = PathRouter(include_in_schema=False)

TEMPLATE = "records_requests/detail.html"
STATUS_FIELDS = [infer(StatusChangeCreate, name) for name in
                 ("status", "on", "note", "extension_days")]
LINK_FIELDS = [infer(RequestDocumentLinks, name) for name in
               ("received_on", "agency_id", "contract_id", "target_id")]
OVERRIDE_FIELDS = [infer(RecordsRequestUpdate, "due_on_override")]
LETTER_FIELDS = [FormField("template", N_("Letter")), FormField("requester_name", N_("Your name")),
                 FormField("text", N_("Letter text"))]
FILE_FIELD = FormField("file", N_("File"))
# What a received document may concern: its column, the table it names, pages and words.
CONCERNS = {"agency_id": ("agency", "agencies", N_("agency")),
            "contract_id": ("contract", "contracts", N_("contract")),
            "target_id": ("target", "targets", N_("decision-maker"))}
# A letter someone edited is plain text of a page or two; this is far more than any needs.
MAX_LETTER = 100_000
DEFAULT_LETTER = "alpr_all"


def _status(record: RecordsRequest) -> str:
    return str(getattr(record.status, "value", record.status))


def progress_context(session: Session, actor: User, record: RecordsRequest) -> dict[str, Any]:
    """The deadline panel, the status history and the status form."""
    deadline = records.deadlines_of(session, [record])[stored_id(record)]
    history = records.history(session, actor, stored_id(record))
    who = ref_labels(session, "app_user",
                     sorted({r.changed_by_id for r in history if r.changed_by_id}))
    may_change = permissions.can_write(actor, record)
    spec = SPECS["records-requests"]
    return {
        # Dates recorded in the history read on the request's own local clock.
        "zone": spec.zone(session, record) if spec.zone else clock.home_zone().key,
        "record": record, "deadline": deadline,
        "countdown": countdown_words(deadline, _status(record)),
        "history": history, "changed_by": who,
        "next_statuses": [s.value for s in records.next_statuses(record.status)],
        "today": records.local_today(session, record),
        "may_change": may_change,
        "may_override": may_change and permissions.may_override_due_date(actor),
        "status_errors": {}, "status_values": {}, "override_errors": {},
        "override_value": record.due_on_override,
    }


def documents_context(session: Session, actor: User, record: RecordsRequest) -> dict[str, Any]:
    """Documents received, what each concerns, and the choices for linking them."""
    documents = records.request_documents(session, actor, stored_id(record))
    contracts = list(session.exec(select(Contract.id, Contract.title)
                                  .where(Contract.agency_id == record.agency_id)
                                  .order_by(Contract.title)).all())
    names = {key: ref_labels(session, table, [ref for d in documents if (ref := getattr(d, key))])
             for key, (table, _, _) in CONCERNS.items()}
    # The page's rows: each document, and what it concerns named and linked.
    received = [{**doc.model_dump(),
                 "concerns": [(gettext(label), f"/{noun}/{ref}", names[key].get(ref, ref))
                              for key, (_, noun, label) in CONCERNS.items()
                              if (ref := getattr(doc, key))]}
                for doc in documents]
    return {
        "record": record, "received": received, "open_doc": None,
        "doc_options": {"agency_id": ref_options(session, "agency"),
                        "contract_id": contracts,
                        "target_id": ref_options(session, "target")},
        "doc_errors": {}, "may_change": permissions.can_write(actor, record),
    }


def letters_context(session: Session, actor: User, record: RecordsRequest) -> dict[str, Any]:
    options = records.letter_options(session, actor, stored_id(record))
    chosen = next((o.key for o in options if o.available and o.key == DEFAULT_LETTER),
                  next((o.key for o in options if o.available), ""))
    return {
        "record": record, "letter_options": options, "letter": None, "letter_errors": {},
        "letter_values": {"template": chosen, "requester_name": getattr(actor, "name", ""),
                          "requester_email": getattr(actor, "email", ""),
                          "language": letters.DEFAULT_LANGUAGE},
        # Each letter language named in itself (web/templates/letters/language_choice.html).
        "letter_languages": [(code, locales.NAMES[code]) for code in letters.LANGUAGES],
        "may_change": permissions.can_write(actor, record),
    }


def request_extras(session: Session, actor: User, record: RecordsRequest) -> dict[str, Any]:
    return {**progress_context(session, actor, record),
            **documents_context(session, actor, record),
            **letters_context(session, actor, record)}


# The further parts of a request's page, handed to the page registry by web.app.
DETAIL_EXTRAS: dict[str, list[DetailExtra]] = {"records-requests": [request_extras]}


def _page(request: Request, session: Session, user: User, record: RecordsRequest, *,
          status: int = 200, extra: dict[str, Any] | None = None) -> Response:
    context = pages_of(request, "records-requests").detail_context(session, user, record)
    context.update(extra or {})
    return render(request, TEMPLATE, context, status=status)


def _answer(request: Request, session: Session, user: User, record: RecordsRequest, *,
            block: str, context: dict[str, Any], anchor: str, message: flash.Message | None,
            status: int = 200) -> Response:
    """After a form on the page: its block for htmx, else back to the page (or the page with
    the errors, answered with their status)."""
    if htmx.wants_fragment(request):
        return render(request, TEMPLATE, context, block=block, status=status, message=message)
    if status < 400:
        return see_other(f"/records-requests/{record.id}#{anchor}", message)
    return _page(request, session, user, record, status=status, extra=context)


@dataclass
class _Section:
    """A part of the page a form writes to, and the two answers to that form: the part shown
    again with what was wrong, or, saved, with a message; each as the database has the request
    now. Its block and its anchor share a name."""

    request: Request
    session: Session
    user: User
    record_id: int
    block: str
    context_of: Callable[[Session, User, RecordsRequest], dict[str, Any]]

    def again(self, shown: Callable[[dict[str, Any], Rejected, RecordsRequest], None]
              ) -> Callable[[Rejected], Response]:
        """The part with the form's problems, which `shown` puts into its context."""
        def answer(rejected: Rejected) -> Response:
            record = _reloaded(self.session, self.user, self.record_id)
            context = self.context_of(self.session, self.user, record)
            shown(context, rejected, record)
            return self._answer(record, context, None, rejected.status)
        return answer

    def done(self, saying: str | Callable[[RecordsRequest], str]
             ) -> Callable[[object], Response]:
        """The part saved, with `saying` (or what it says of the request as saved)."""
        def answer(_: object) -> Response:
            record = _reloaded(self.session, self.user, self.record_id)
            text = saying if isinstance(saying, str) else saying(record)
            return self._answer(record, self.context_of(self.session, self.user, record),
                                flash.success(text), 200)
        return answer

    def _answer(self, record: RecordsRequest, context: dict[str, Any],
                message: flash.Message | None, status: int) -> Response:
        return _answer(self.request, self.session, self.user, record, block=self.block,
                       context=context, anchor=self.block, message=message, status=status)


# ---- status and deadline -----------------------------------------------------------------

@router.post("/records-requests/{record_id}/status")
async def change_status(record_id: RecordId, request: Request, session: SessionDep,
                        actor: UserDep) -> Response:
    """Moves the request on, dated the day it happened, with who and why in the history."""
    user = acting_user(request, actor)
    records.crud.get(session, user, record_id)
    form = await request.form()
    section = _Section(request, session, user, record_id, "progress", progress_context)

    def shown(context: dict[str, Any], rejected: Rejected, _: RecordsRequest) -> None:
        errors = dict(rejected.errors)
        if "extension_days" in errors and "extended" not in context["next_statuses"]:
            # No box for the days added is shown for this status: told at the top instead.
            errors.setdefault(FORM, errors.pop("extension_days"))
        context["status_errors"] = errors
        context["status_values"] = {f.name: str(form.get(f.name) or "") for f in STATUS_FIELDS}

    return submit(session, validate(StatusChangeCreate, parse(STATUS_FIELDS, form)),
                  lambda change: records.change_status(session, user, request_id=record_id,
                                                       change=change),
                  done=lambda _: _status_changed(request, session, user, record_id),
                  again=section.again(shown), fields=STATUS_FIELDS, page_refusals=True)


def _reloaded(session: Session, user: User, record_id: int) -> RecordsRequest:
    """The request as the database has it now, after a form's write or its rollback."""
    session.expire_all()
    return records.crud.get(session, user, record_id)


def _status_changed(request: Request, session: Session, user: User,
                    record_id: int) -> Response:
    record = _reloaded(session, user, record_id)
    context = progress_context(session, user, record)
    message = flash.success(gettext("The request is now {status}. {countdown}.").format(
        status=humanize(_status(record)), countdown=context["countdown"].text))
    if htmx.wants_fragment(request):
        # The request's status and due date show elsewhere on the page too: those parts go
        # along, so the page never shows the old status beside the new one.
        pages = pages_of(request, "records-requests")
        page = pages.detail_context(session, user, record)
        page.update(context)
        page["section"] = pages.spec.section("progress")
        return render(request, TEMPLATE, page, block="progress", message=message,
                      also=(("concept_pages/detail.html", "section"),
                            ("concept_pages/detail.html", "timeline")))
    return _answer(request, session, user, record, block="progress", context=context,
                   anchor="progress", message=message)


@router.post("/records-requests/{record_id}/override")
async def set_override(record_id: RecordId, request: Request, session: SessionDep,
                       actor: UserDep) -> Response:
    """A lead's own due date for the request, or back to the law's when cleared."""
    user = acting_user(request, actor)
    records.crud.get(session, user, record_id)
    form = await request.form()
    values = parse(OVERRIDE_FIELDS, form)
    if form.get("clear"):
        values["due_on_override"] = None
    section = _Section(request, session, user, record_id, "progress", progress_context)

    def shown(context: dict[str, Any], rejected: Rejected, _: RecordsRequest) -> None:
        context["override_errors"] = rejected.errors
        context["override_value"] = str(form.get("due_on_override") or "")

    def saying(record: RecordsRequest) -> str:
        return (gettext("Due date set by a lead.") if record.due_on_override
                else gettext("The due date follows the law again."))

    return submit(session, validate(RecordsRequestUpdate, values),
                  lambda data: records.crud.update(session, user, record_id, data),
                  done=section.done(saying), again=section.again(shown),
                  fields=OVERRIDE_FIELDS, page_refusals=True)


# ---- letters -----------------------------------------------------------------------------

@router.get("/records-requests/{record_id}/letter")
def show_letter(record_id: RecordId, request: Request, session: SessionDep, actor: UserDep,
                template: Annotated[str, Query(max_length=100)] = "",
                requester_name: Annotated[str, Query(max_length=200)] = "",
                requester_email: Annotated[str, Query(max_length=200)] = "",
                language: Annotated[str, Query(max_length=10)] = "") -> Response:
    """A letter for the request, rendered into an editable box, in the language chosen
    (English when none is: agencies answer in English)."""
    user = acting_user(request, actor)
    record = records.crud.get(session, user, record_id)
    context = letters_context(session, user, record)

    def shown(status: int) -> Response:
        if htmx.wants_fragment(request):
            return render(request, TEMPLATE, context, block="letters", status=status)
        return _page(request, session, user, record, status=status, extra=context)

    if not request.query_params:
        # Opened by its address or reloaded: the form as the page offers it, with nothing
        # wrong until someone asks for a letter.
        return shown(200)
    language = language or letters.DEFAULT_LANGUAGE
    context["letter_values"] = {"template": template, "requester_name": requester_name,
                                "requester_email": requester_email, "language": language}

    def done(letter: letters.LetterRead) -> Response:
        context["letter"] = letter
        return shown(200)

    def again(rejected: Rejected) -> Response:
        context["letter_errors"] = rejected.errors
        return shown(rejected.status)

    # Nothing is written: the letter is made, or the form says why not.
    return save_or_show(session, lambda: records.letter(
        session, user, request_id=record_id, template_key=template,
        requester=records.Requester(name=requester_name, email=requester_email),
        language=language), done=done, again=again, fields=LETTER_FIELDS, page_refusals=True,
        errors=None if template else {"template": gettext("Choose a letter.")})


def _letter_size() -> str:
    return gettext("The letter must hold between 1 and {count} characters.").format(
        count=format_number(MAX_LETTER))


def _filename(subject: str, kind: str, record_id: int) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:60] or "request"
    return f"{kind}-{record_id}-{stem}.txt"


@router.post("/records-requests/{record_id}/letter.txt")
async def download_letter(record_id: RecordId, request: Request, session: SessionDep,
                          actor: UserDep) -> Response:
    """The letter as the user left it in the box, as a plain-text file."""
    user = acting_user(request, actor)
    record = records.crud.get(session, user, record_id)
    form = await request.form()
    body = typed_text(form, "text")
    template = letters.template(str(form.get("template") or DEFAULT_LETTER)[:100])
    if not body.strip() or len(body) > MAX_LETTER:
        raise Invalid(_letter_size(), field="text")
    name = _filename(record.subject, template.kind.value.replace("_", "-"), record_id)
    return Response(body, media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/records-requests/{record_id}/letter/save")
async def save_letter(record_id: RecordId, request: Request, session: SessionDep,
                      actor: UserDep) -> Response:
    """Keeps an edited first-request letter as the request's own text."""
    user = acting_user(request, actor)
    records.crud.get(session, user, record_id)
    form = await request.form()
    text = typed_text(form, "text")
    template = letters.template(str(form.get("template") or DEFAULT_LETTER)[:100])
    errors: dict[str, str] = {}
    if template.kind != letters.LetterKind.initial:
        errors["text"] = gettext("Only a first request is the request's own text; download "
                                 "a follow-up or an appeal instead.")
    elif not text.strip() or len(text) > MAX_LETTER:
        errors["text"] = _letter_size()
    section = _Section(request, session, user, record_id, "letters", letters_context)

    def shown(context: dict[str, Any], rejected: Rejected, record: RecordsRequest) -> None:
        context["letter"] = letters.LetterRead(template=template.read(),
                                               subject=record.subject, text=text)
        context["letter_values"]["template"] = template.key
        context["letter_errors"] = rejected.errors

    return save_or_show(
        session, lambda: records.crud.update(session, user, record_id,
                                             RecordsRequestUpdate(text=text)),
        done=section.done(gettext("Saved the letter as this request's text.")),
        again=section.again(shown), fields=LETTER_FIELDS, errors=errors, page_refusals=True)


# ---- documents received ------------------------------------------------------------------

@router.post("/records-requests/{record_id}/received")
async def attach_received(record_id: RecordId, request: Request, session: SessionDep,
                          actor: UserDep) -> Response:
    """A document the agency sent, stored with what it concerns."""
    user = acting_user(request, actor)
    records.crud.get(session, user, record_id)
    form = await request.form()
    upload = form.get("file")
    links, errors = validate(RequestDocumentLinks, parse(LINK_FIELDS, form))
    sent = upload if isinstance(upload, UploadFile) and upload.filename else None
    if sent is None:
        errors["file"] = gettext("Choose a file to upload.")
    limit = get_settings().max_upload_bytes
    content = await sent.read(limit + 1) if sent is not None and links is not None \
        and not errors else b""

    def write(valid: RequestDocumentLinks) -> None:
        if len(content) > limit:
            raise Invalid(gettext("The file is larger than the {megabytes} MB limit.").format(
                megabytes=format_number(limit // (1024 * 1024))), field="file")
        records.attach_document(
            session, user, request_id=record_id, filename=str(sent and sent.filename),
            content=content, description=str(form.get("description") or "")[:20_000],
            links=valid)

    section = _Section(request, session, user, record_id, "documents", documents_context)

    def shown(context: dict[str, Any], rejected: Rejected, _: RecordsRequest) -> None:
        if rejected.errors:
            context["doc_errors"] = rejected.errors

    return submit(session, (links, errors), write,
                  done=section.done(gettext("The document was added.")),
                  again=section.again(shown), fields=[*LINK_FIELDS, FILE_FIELD],
                  page_refusals=True)


@router.post("/records-requests/{record_id}/received/{document_id}")
async def link_received(record_id: RecordId, document_id: RecordId, request: Request,
                        session: SessionDep, actor: UserDep) -> Response:
    """Changes what a received document concerns."""
    user = acting_user(request, actor)
    records.crud.get(session, user, record_id)
    form = await request.form()
    section = _Section(request, session, user, record_id, "documents", documents_context)

    def shown(context: dict[str, Any], rejected: Rejected, _: RecordsRequest) -> None:
        context["doc_errors"] = {f"{document_id}-{k}": v for k, v in rejected.errors.items()}
        context["open_doc"] = document_id

    return submit(session, validate(RequestDocumentLinks, parse(LINK_FIELDS, form)),
                  lambda links: records.link_document(session, user, request_id=record_id,
                                                      document_id=document_id, links=links),
                  done=section.done(gettext("Saved what the document concerns.")),
                  again=section.again(shown), fields=LINK_FIELDS, page_refusals=True)
