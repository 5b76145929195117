"""The pages every concept has, built from its Spec: list (search, filters, sort, pages, CSV),
detail with inline editing, timeline, documents and related records, create and delete."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel
from sqlmodel import Session
from starlette.datastructures import UploadFile

from api import clock, csv_export
from api.activity import service as activity
from api.auth import permissions
from api.auth.models import User
from api.crud import validated
from api.deps import SessionDep, UserDep
from api.documents import service as documents
from api.documents.models import Document, DocumentMeta
from api.errors import DomainError, Forbidden, Invalid, NotFound
from api.fields import stored_id, stored_values
from api.i18n import formatting
from api.i18n.catalogs import gettext
from api.i18n.formatting import format_number
from api.page_cache import MARK, ReusableRoute, reusable
from api.routing import PathRouter
from api.settings import get_settings
from web import flash, htmx
from web.concept_pages import (
    ListRequest,
    Spec,
    export_rows,
    list_window,
    parse_list_request,
    related_rows,
    said,
)
from web.concepts import SPECS, attached_noun, meeting_title, ref_labels, ref_options
from web.forms import (
    FormField,
    Rejected,
    beside,
    parse,
    save_or_show,
    see_other,
    shown,
    submit,
    validate,
)
from web.ids import RecordId
from web.templating import local_input, render
from web.words import humanize, sharing_words

RELATED_ROWS = 10
# A further part of a concept's detail page: (session, actor, record) -> its template values.
DetailExtra = Callable[[Session, Any, Any], dict[str, Any]]


def list_url(spec: Spec, wanted: ListRequest, **changes: Any) -> str:
    """The list's URL with the current search, filters and sort, changed as given."""
    params: dict[str, Any] = {"q": wanted.q, "sort": wanted.sort, "page": wanted.page,
                              **{k: _param(v) for k, v in wanted.filters.items()},
                              "date_from": wanted.date_from or "", "date_to": wanted.date_to or ""}
    params.update(changes)
    if params.get("page") == 1:
        params.pop("page")
    kept = {k: v for k, v in params.items() if v not in ("", None)}
    return f"/{spec.noun}" + (f"?{urlencode(kept)}" if kept else "")


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def cell_text(column: Any, row: dict[str, Any], noun: str = "") -> str:
    """A cell as plain text, the way the page shows it: for CSV. `noun` is the list's, which
    some choices agree with (Spanish says an active campaign "activa", as its page does)."""
    value = row.get(column.key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        zone = row.get(column.zone) if column.zone else None
        return clock.local(value, zone).strftime("%Y-%m-%d %H:%M %Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Enum):
        value = value.value
    if column.kind == "enum":
        return humanize(value, noun or None)
    if column.kind == "sharing":
        return str(row.get("sharing_said") or sharing_words(value))
    if column.kind == "countdown":
        return value.text
    if column.kind == "timezone":
        return formatting.zone_name(str(value))
    return str(value)


def export_value(column: Any, row: dict[str, Any], noun: str = "") -> Any:
    """A cell for CSV: a number as a number, which a spreadsheet can add up; the rest as text
    the way the page shows it."""
    value = row.get(column.key)
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, int | float) and not isinstance(value, bool | Enum):
        return value
    return cell_text(column, row, noun)


def form_values(session: Session, actor: User, spec: Spec, record: Any,
                fields: list[FormField], zone: str) -> dict[str, Any]:
    """What the inputs of an edit form start with: the record as stored, times on the local
    wall clock, link lists as ids."""
    values: dict[str, Any] = {}
    read: BaseModel | None = None
    for f in fields:
        if f.kind == "refs":
            if read is None:
                read = spec.crud.read(session, actor, record.id)
            values[f.name] = [str(i) for i in getattr(read, f.name, [])]
            continue
        value = getattr(record, f.name, None)
        if isinstance(value, datetime):
            value = local_input(value, zone)
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list) and f.kind in ("tags", "lines"):
            value = (", " if f.kind == "tags" else "\n").join(str(v) for v in value)
        values[f.name] = value
    return values


def submitted_values(form: Any, fields: list[FormField]) -> dict[str, Any]:
    """What the user typed, to show again with the errors."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.kind == "refs":
            values[f.name] = [str(v) for v in form.getlist(f.name)]
        elif f.kind == "bool":
            values[f.name] = form.get(f.name) in ("on", "true", "1", "yes")
        else:
            values[f.name] = form.get(f.name, "")
    return values


def field_options(session: Session, fields: list[FormField]) -> dict[str, list[tuple[int, str]]]:
    return {f.name: ref_options(session, f.ref) for f in fields
            if f.kind in ("ref", "refs") and f.ref}


def display_labels(session: Session, spec: Spec, record: Any,
                   fields: list[FormField]) -> dict[str, Any]:
    """Names of the records the fields refer to, keyed by field then id."""
    labels: dict[str, Any] = {}
    # The record's link lists as the reader may read them: the page has the record already,
    # read under the reader's criteria, so its rows are not made into an answer again.
    read: dict[str, Any] | None = None
    for f in fields:
        if f.kind == "ref" and f.ref:
            value = getattr(record, f.name)
            labels[f.name] = ref_labels(session, f.ref, [value] if value else [])
        elif f.kind == "refs" and f.ref:
            if read is None:
                read = spec.crud.read_rows(session, [record])[0]
            labels[f.name] = ref_labels(session, f.ref, read.get(f.name, []))
            labels[f.name + "__ids"] = read.get(f.name, [])
    return labels


def record_title(spec: Spec, record: Any, zone: str) -> str:
    value = getattr(record, spec.title_key)
    if isinstance(value, datetime):
        return meeting_title(clock.local(value, zone))
    # A record whose naming field may be empty (a sharing link to an agency kept here).
    return str(value) or f"{gettext(spec.nouns.singular if spec.nouns else spec.singular)} " \
        f"{record.id}"


def may(actor: User, record: Any) -> dict[str, bool]:
    """What the actor may do to the record, so a page offers only what it would accept."""
    return {"may_change": permissions.can_write(actor, record),
            "may_delete": permissions.can_write(actor, record, deleting=True),
            "may_upload": (permissions.can_create(actor, Document)
                           and permissions.can_write(actor, record))}


def deletable(actor: User, docs: list[Any]) -> set[int]:
    return {d.id for d in docs if permissions.can_write(actor, d, deleting=True)}


def refuse_unless(allowed: bool, message: str) -> None:
    """A form the actor may not send is refused when asked for, not after it is filled in."""
    if not allowed:
        raise Forbidden(message)


def related_records(session: Session, actor: User, spec: Spec,
                    record: Any) -> list[dict[str, Any]]:
    """The first records of each related concept, with where to add one and see them all."""
    related = []
    for rel in spec.related:
        other = SPECS[rel.noun]
        result = related_rows(session, actor, other, rel, record, limit=RELATED_ROWS)
        prefill = ""
        if rel.fk and not rel.value_from and permissions.can_create(
                actor, other.model, **{rel.fk: record.id}):
            prefill = f"/{other.noun}/new?{rel.fk}={record.id}"
        more = ""
        if rel.fk and not rel.value_from and rel.fk in other.crud.filters:
            more = f"/{other.noun}?{rel.fk}={record.id}"
        related.append({"title": rel.title, "spec": other, "result": result,
                        "add_url": prefill, "more_url": more})
    return related


def _no_section(spec: Spec, slug: str) -> str:
    return _capitalized(gettext("{this} has no section '{slug}'.").format(
        this=spec.words.this, slug=slug))


def _capitalized(text: str) -> str:
    """A sentence that starts with a phrase ("this campaign") starts with a capital."""
    return text[:1].upper() + text[1:]


class ConceptPages:
    """The list, CSV, new, create, detail, section, delete and document pages of one concept,
    one method each. A concept with a page of its own subclasses this, overrides the page's
    method by name, and is handed to the registry (`build_concept_pages`) under its noun;
    `extras` are the detail page's further parts, merged in the order given."""

    def __init__(self, spec: Spec, extras: Sequence[DetailExtra] = ()) -> None:
        self.spec = spec
        self.extras = tuple(extras)
        self.base = f"/{spec.noun}"

    # ---- what the pages share -------------------------------------------------------------

    def zone_of(self, session: Session, record: Any) -> str:
        return self.spec.zone(session, record) if self.spec.zone else clock.home_zone().key

    def filter_options(self, session: Session) -> dict[str, list[tuple[int, str]]]:
        return {f.name: ref_options(session, f.ref) for f in self.spec.filters
                if f.kind == "ref" and f.ref}

    def page_template(self) -> str:
        return self.spec.detail_template or "concept_pages/detail.html"

    def detail_context(self, session: Session, actor: User, record: Any, *,
                       editing: str | None = None) -> dict[str, Any]:
        """Everything the detail page shows: sections, related records, timeline, documents,
        and the concept's own parts."""
        spec = self.spec
        zone = self.zone_of(session, record)
        sections = spec.readable_sections(actor, record)
        all_fields = [f for _, _, fields in sections for f in fields]
        context: dict[str, Any] = {
            "spec": spec, "record": record, "zone": zone, "sections": sections,
            "title": record_title(spec, record, zone),
            "labels": display_labels(session, spec, record, all_fields),
            "editing": editing, "values": {}, "errors": {}, "options": {},
            "related": related_records(session, actor, spec, record), "user": actor,
            "documents": documents.attached(session, actor, kind=spec.attached,
                                            record_id=record.id) if spec.attached else [],
            **may(actor, record), "withheld": spec.withheld_from(actor),
        }
        context["deletable_documents"] = deletable(actor, context["documents"])
        if editing:
            found = spec.readable_section(actor, record, editing)
            if found is None:
                raise NotFound(_no_section(spec, editing))
            context["values"] = form_values(session, actor, spec, record, found[2], zone)
            context["options"] = field_options(session, found[2])
        extras: dict[str, Any] = {}
        declared = [spec.detail_context] if spec.detail_context else []
        for extra in (*declared, *self.extras, *spec.panels):
            extras.update(extra(session, actor, record))
        # A page with a timeline of its own (a campaign's) does not gather the generic one too.
        if "timeline" not in extras:
            context["timeline"] = activity.for_record(
                session, actor, kind=spec.attached,
                record_id=record.id) if spec.attached else []
        context.update(extras)
        return context

    def section_context(self, session: Session, actor: User, record: Any,
                        slug: str) -> dict[str, Any]:
        spec = self.spec
        found = spec.readable_section(actor, record, slug)
        if found is None:
            raise NotFound(_no_section(spec, slug))
        return {"spec": spec, "record": record, "zone": self.zone_of(session, record),
                "section": found,
                "labels": display_labels(session, spec, record, found[2]),
                "values": {}, "errors": {}, "options": {}, "editing": None, "user": actor,
                **may(actor, record), "withheld": spec.withheld_from(actor)}

    def documents_context(self, session: Session, actor: User, record: Any) -> dict[str, Any]:
        kind = self.spec.attached
        docs = (documents.attached(session, actor, kind=kind, record_id=record.id)
                if kind is not None else [])
        return {"spec": self.spec, "record": record, "user": actor, "errors": {},
                "documents": docs, "deletable_documents": deletable(actor, docs),
                **may(actor, record)}

    # ---- the list -------------------------------------------------------------------------

    @reusable
    def list_page(self, request: Request, session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        context = {"spec": spec, "list_url": list_url, "user": actor,
                   "filter_options": self.filter_options(session),
                   "may_add": permissions.can_create(actor, spec.model)}
        try:
            wanted = parse_list_request(spec, request.query_params)
        except DomainError as exc:
            context.update(wanted=ListRequest(), result=None, problem=exc.message)
            return shown(lambda status: render(request, "concept_pages/list.html", context,
                                               block="rows", status=status), exc.message)
        try:
            result = list_window(session, actor, spec, wanted)
        except DomainError as exc:
            # A damaged or foreign page link: the message, with the list's first page a click
            # away.
            context.update(wanted=wanted, result=None, problem=exc.message,
                           restart=list_url(spec, wanted, page=1))
            return shown(lambda status: render(request, "concept_pages/list.html", context,
                                               block="rows", status=status), exc.message)
        wanted.page = result.page
        context.update(wanted=wanted, result=result)
        return render(request, "concept_pages/list.html", context, block="rows")

    def export(self, request: Request, session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        wanted = parse_list_request(spec, request.query_params)
        rows = export_rows(session, actor, spec, wanted)
        shown = [c for c in spec.columns if c.kind != "hidden"]
        body = csv_export.document(
            [gettext(c.label) for c in shown],
            ([export_value(c, row, spec.noun) for c in shown] for row in rows))
        name = f"{spec.noun}.csv"
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    # ---- a new record ---------------------------------------------------------------------

    def new_form(self, request: Request, session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        refuse_unless(permissions.can_create(actor, spec.model),
                      gettext("Your role cannot add {things}.").format(
                          things=spec.words.plural))
        fields = spec.fields_for(actor, spec.form_fields())
        values = {f.name: f.default for f in fields}
        for f in fields:
            given = request.query_params.getlist(f.name)
            if given:
                values[f.name] = given if f.kind == "refs" else given[0]
        context = {"spec": spec, "fields": fields, "values": values, "errors": {},
                   "options": field_options(session, fields), "user": actor}
        return render(request, "concept_pages/new.html", context, block="form")

    def confirm_save(self, session: Session, data: BaseModel, form: Any,
                     existing: Any = None) -> tuple[BaseModel | None, dict[str, str],
                                                    list[FormField]]:
        """A concept's own question about a new record (`existing` None) or a change to one
        before it is saved: the data to save (None to ask first), the problems, and further
        fields to show with them."""
        return data, {}, []

    @staticmethod
    def proposed(data: BaseModel, existing: Any, new: type[BaseModel],
                 kept: type[Any]) -> tuple[dict[str, Any], Any] | None:
        """A record's values as they would be saved (a new one's, or a kept one's with the
        change over them) and the kept record (None for a new one); None for a change to a
        record of another kind."""
        if isinstance(data, new):
            return data.model_dump(), None
        if isinstance(existing, kept):
            return {**stored_values(existing), **data.model_dump(exclude_unset=True)}, existing
        return None

    @staticmethod
    def saved_once_confirmed(form: Any, confirm: FormField, *, confirmed: BaseModel,
                             problems: dict[str, str]) -> tuple[BaseModel | None,
                                                                dict[str, str],
                                                                list[FormField]]:
        """A save that a date gone by holds back: with `confirm` ticked, the data to save as
        confirmed; otherwise the problems, and the box to tick shown with them."""
        if parse([confirm], form).get(confirm.name):
            return confirmed, {}, []
        return None, problems, [said(replace(confirm))]

    async def create(self, request: Request, session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        form = await request.form()
        fields = spec.fields_for(actor, spec.form_fields())
        data, errors = validate(spec.create_schema, parse(fields, form))
        asked: list[FormField] = []
        if data is not None:
            data, errors, asked = self.confirm_save(session, data, form)

        def done(record: Any) -> Response:
            return see_other(f"{self.base}/{record.id}",
                             flash.success(_capitalized(gettext("{the} was added.").format(
                                 the=spec.words.the))))

        def again(rejected: Rejected) -> Response:
            shown = [*fields, *asked]
            context = {"spec": spec, "fields": shown, "values": submitted_values(form, shown),
                       "errors": rejected.errors, "options": field_options(session, fields),
                       "user": actor}
            return render(request, "concept_pages/new.html", context, block="form",
                          status=rejected.status)

        return submit(session, (data, errors),
                      lambda valid: spec.crud.create(session, actor, valid),
                      done=done, again=again, fields=fields, page_refusals=True)

    # ---- a record's page and its sections -------------------------------------------------

    @reusable
    def detail(self, record_id: RecordId, request: Request, session: SessionDep,
               actor: UserDep) -> Response:
        record = self.spec.crud.get(session, actor, record_id)
        return render(request, self.page_template(),
                      self.detail_context(session, actor, record))

    def section_view(self, record_id: RecordId, slug: str, request: Request,
                     session: SessionDep, actor: UserDep) -> Response:
        record = self.spec.crud.get(session, actor, record_id)
        if not htmx.wants_fragment(request):
            return see_other(f"{self.base}/{record_id}")
        context = self.section_context(session, actor, record, slug)
        return render(request, "concept_pages/detail.html", context, block="section")

    def section_edit(self, record_id: RecordId, slug: str, request: Request,
                     session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        record = spec.crud.get(session, actor, record_id)
        refuse_unless(permissions.can_write(actor, record),
                      gettext("Your role cannot change {this}.").format(
                          this=spec.words.this))
        if not htmx.wants_fragment(request):
            context = self.detail_context(session, actor, record, editing=slug)
            return render(request, self.page_template(), context)
        context = self.section_context(session, actor, record, slug)
        context["editing"] = slug
        context["values"] = form_values(session, actor, spec, record, context["section"][2],
                                        context["zone"])
        context["options"] = field_options(session, context["section"][2])
        return render(request, "concept_pages/detail.html", context, block="section")

    async def section_save(self, record_id: RecordId, slug: str, request: Request,
                           session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        record = spec.crud.get(session, actor, record_id)
        found = spec.readable_section(actor, record, slug)
        if found is None:
            raise NotFound(_no_section(spec, slug))
        fields = spec.fields_for(actor, found[2])
        form = await request.form()
        values = parse(fields, form)
        data, errors = validate(spec.crud.update_schema, values)
        if errors:
            # The record's own rules (an end before its start) told beside the fields'
            # problems, not after they are fixed.
            errors = {**errors, **beside(spec.crud.create_schema, record, values, errors, fields)}
        asked: list[FormField] = []
        if data is not None:
            data, errors, asked = self.confirm_save(session, data, form, record)

        def again(rejected: Rejected) -> Response:
            session.expire_all()
            shown = spec.crud.get(session, actor, record_id)
            fragment = htmx.wants_fragment(request)
            context = self.section_context(session, actor, shown, slug) if fragment \
                else self.detail_context(session, actor, shown)
            context.update({"editing": slug, "values": submitted_values(form, [*fields, *asked]),
                            "errors": rejected.errors, "options": field_options(session, fields),
                            "asked": asked})
            if fragment:
                return render(request, "concept_pages/detail.html", context, block="section",
                              status=rejected.status)
            context["section"] = found
            return render(request, self.page_template(), context, status=rejected.status)

        return submit(session, (data, errors),
                      lambda valid: spec.crud.update(session, actor, record_id, valid),
                      done=lambda _: self._section_saved(request, session, actor, record_id,
                                                         found[1], slug),
                      again=again, fields=fields, page_refusals=True)

    def _section_saved(self, request: Request, session: Session, actor: User, record_id: int,
                       title: str, slug: str) -> Response:
        message = flash.success(gettext("Saved {section}.").format(section=title.lower()))
        if not htmx.wants_fragment(request):
            return see_other(f"{self.base}/{record_id}", message)
        record = self.spec.crud.get(session, actor, record_id)
        context = self.section_context(session, actor, record, slug)
        context["just_saved"] = True
        return render(request, "concept_pages/detail.html", context, block="section",
                      message=message)

    def delete(self, record_id: RecordId, request: Request, session: SessionDep,
               actor: UserDep) -> Response:
        spec = self.spec
        record = spec.crud.get(session, actor, record_id)
        title = record_title(spec, record, self.zone_of(session, record))

        def again(rejected: Rejected) -> Response:
            shown = spec.crud.get(session, actor, record_id)
            context = self.detail_context(session, actor, shown)
            return render(request, self.page_template(), context, status=rejected.status,
                          message=flash.error(rejected.message))

        return save_or_show(session, lambda: spec.crud.delete(session, actor, record_id),
                            done=lambda _: see_other(self.base, flash.success(
                                gettext("Deleted “{title}”.").format(title=title))),
                            again=again, status=None)

    # ---- documents attached to a record ---------------------------------------------------

    async def upload(self, record_id: RecordId, request: Request, session: SessionDep,
                     actor: UserDep) -> Response:
        record = self.spec.crud.get(session, actor, record_id)
        form = await request.form()
        given = form.get("file")
        sent = given if isinstance(given, UploadFile) and given.filename else None
        limit = get_settings().max_upload_bytes
        content = await sent.read(limit + 1) if sent is not None else b""

        def write() -> None:
            if len(content) > limit:
                raise Invalid(gettext("The file is larger than the {megabytes} MB limit.").format(
                    megabytes=format_number(limit // (1024 * 1024))), field="file")
            meta = validated(DocumentMeta, {
                "attached_kind": self.spec.attached, "attached_id": record.id,
                "description": str(form.get("description") or "")[:20_000],
                "visibility": str(form.get("visibility") or "") or None})
            documents.upload(session, actor, meta=meta, filename=str(sent and sent.filename),
                             content=content)

        return save_or_show(session, write, done=lambda _: self._documents_changed(
                                request, session, actor, record,
                                gettext("The document was uploaded.")),
                            again=lambda rejected: self._documents_refused(
                                request, session, actor, record, rejected),
                            errors=None if sent else
                            {"file": gettext("Choose a file to upload.")})

    def delete_document(self, record_id: RecordId, document_id: RecordId, request: Request,
                        session: SessionDep, actor: UserDep) -> Response:
        spec = self.spec
        record = spec.crud.get(session, actor, record_id)
        doc = documents.crud.get(session, actor, document_id)
        if doc.attached_kind != spec.attached or doc.attached_id != record.id:
            raise NotFound(gettext("No document with id {id} on {this}.").format(
                id=document_id, this=spec.words.this))
        filename = doc.filename
        return save_or_show(session, lambda: documents.delete(session, actor, document_id),
                            done=lambda _: self._documents_changed(
                                request, session, actor, record,
                                gettext("Deleted {name}.").format(name=filename)),
                            again=lambda rejected: self._documents_refused(
                                request, session, actor, record, rejected),
                            page_refusals=True)

    def _documents_changed(self, request: Request, session: Session, actor: User, record: Any,
                           said: str) -> Response:
        message = flash.success(said)
        if not htmx.wants_fragment(request):
            return see_other(f"{self.base}/{stored_id(record)}#documents", message)
        return render(request, "concept_pages/detail.html",
                      self.documents_context(session, actor, record), block="documents",
                      message=message)

    def _documents_refused(self, request: Request, session: Session, actor: User, record: Any,
                           rejected: Rejected) -> Response:
        # A refused upload or delete is told where the documents are listed.
        if not htmx.wants_fragment(request):
            context = self.detail_context(session, actor, record)
            context["errors"] = {"file": rejected.message}
            return render(request, self.page_template(), context, status=rejected.status)
        context = self.documents_context(session, actor, record)
        context["errors"] = {"file": rejected.message}
        return render(request, "concept_pages/detail.html", context, block="documents",
                      status=rejected.status)

    # ---- the routes -----------------------------------------------------------------------

    def router(self) -> APIRouter:
        """The routes of every page method, under the concept's noun: a router of its own, so
        a path is tried only against its own concept's routes."""
        router = PathRouter(include_in_schema=False, route_class=ReusableRoute)
        name = self.spec.noun.replace("-", "_")
        routes = [*PAGE_ROUTES, *(DOCUMENT_ROUTES if self.spec.attached is not None else ())]
        for path, method, page, suffix in routes:
            router.add_api_route(self.base + path, getattr(self, page), methods=[method],
                                 name=f"{name}_{suffix}")
        return router


# A record's id is digits: a page of its own beside the concept's (/campaigns/new-from-playbook,
# /records-requests/batch) is then never taken for a record, whichever router is tried first.
RECORD = "/{record_id:int}"
# (path after the noun, HTTP method, page method, route name after the noun)
PAGE_ROUTES = (
    ("", "GET", "list_page", "list"),
    (".csv", "GET", "export", "csv"),
    ("/new", "GET", "new_form", "new"),
    ("", "POST", "create", "create"),
    (RECORD, "GET", "detail", "detail"),
    (RECORD + "/sections/{slug}", "GET", "section_view", "section"),
    (RECORD + "/sections/{slug}/edit", "GET", "section_edit", "section_edit"),
    (RECORD + "/sections/{slug}", "POST", "section_save", "section_save"),
    (RECORD + "/delete", "POST", "delete", "delete"),
)
DOCUMENT_ROUTES = (
    (RECORD + "/documents", "POST", "upload", "upload"),
    (RECORD + "/documents/{document_id}/delete", "POST", "delete_document",
     "document_delete"),
)


def download(document_id: RecordId, session: SessionDep, actor: UserDep) -> FileResponse:
    doc, path = documents.content(session, actor, document_id)
    # Always an attachment, never shown inline: an uploaded file must not run in our origin.
    return FileResponse(path, media_type=doc.content_type, filename=doc.filename,
                        content_disposition_type="attachment")


def document_home(document_id: RecordId, session: SessionDep, actor: UserDep) -> Response:
    """A document's page is the record it is attached to."""
    doc = documents.crud.get(session, actor, document_id)
    noun = attached_noun(doc.attached_kind)
    return see_other(f"/{noun}/{doc.attached_id}#documents" if noun else "/")


def documents_router() -> APIRouter:
    """Document downloads, and a document's page (the record it belongs to)."""
    router = PathRouter(include_in_schema=False)
    router.add_api_route("/documents/{document_id}/download", download, methods=["GET"])
    router.add_api_route("/documents/{document_id}", document_home, methods=["GET"])
    return router


def unmarked_reusable_overrides(pages: type[ConceptPages]) -> list[str]:
    """The pages of a subclass that replace one of ConceptPages marked @reusable (the page
    cache keeps its answers and sends them again) with one not marked: the cache would
    silently stop reusing them, so the registry refuses them at startup."""
    return [name for name, base in vars(ConceptPages).items()
            if getattr(base, MARK, False) and getattr(pages, name) is not base
            and not getattr(getattr(pages, name), MARK, False)]


def build_concept_pages(specs: Mapping[str, Spec], *,
                custom: Mapping[str, type[ConceptPages]] | None = None,
                extras: Sequence[Mapping[str, Sequence[DetailExtra]]] = ()
                ) -> dict[str, ConceptPages]:
    """Each concept's pages: the generic ones or its own subclass, with the further parts of
    its detail page gathered from `extras` in the order given."""
    custom = custom or {}
    unknown = (set(custom) | {noun for given in extras for noun in given}) - set(specs)
    if unknown:
        raise ValueError(f"Pages given for concepts that do not exist: {sorted(unknown)}")
    unmarked = sorted(f"{pages.__name__}.{name}" for pages in custom.values()
                      for name in unmarked_reusable_overrides(pages))
    if unmarked:
        raise ValueError(f"Pages that override a reusable page without saying whether theirs is "
                         f"reusable (mark it @reusable): {unmarked}")
    return {noun: custom.get(noun, ConceptPages)(
                spec, [extra for given in extras for extra in given.get(noun, ())])
            for noun, spec in specs.items()}


def pages_of(request: Request, noun: str) -> ConceptPages:
    """A concept's pages as this application was built with them: a page of its own that shows
    the record's page (after a failed form) shows it whole, with every part."""
    pages: dict[str, ConceptPages] = request.app.state.concept_pages
    return pages[noun]
