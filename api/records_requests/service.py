"""Reads and writes of public-records requests: status changes with their history, the due date
from the state's law, letters, requests to many agencies at once, and documents received."""

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.agencies.models import Agency, AgencyKind
from api.auth import permissions, references, scoping
from api.auth.models import User
from api.crud import Crud, Link, validated
from api.documents import service as documents
from api.documents.models import AttachedTo, Document, DocumentMeta
from api.errors import NO_SUCH, Forbidden, Invalid, LongDay, NotFound, Problems, Term
from api.fields import stored_id
from api.i18n.catalogs import N_, gettext, ngettext
from api.i18n.formatting import format_list, format_number
from api.jurisdictions.models import Jurisdiction
from api.organizations.models import Organization
from api.records_requests import deadlines, laws, letters
from api.records_requests.letters import LetterKind
from api.records_requests.models import (
    RECORDS_REQUESTS,
    BatchCreate,
    Deadline,
    RecordsRequest,
    RecordsRequestContract,
    RecordsRequestCreate,
    RecordsRequestRead,
    RecordsRequestTarget,
    RequestDocument,
    RequestDocumentLinks,
    RequestDocumentRead,
    RequestStatus,
    RequestStatusChange,
    StatusChangeCreate,
)

S = RequestStatus
_ANSWERS = frozenset({S.partially_fulfilled, S.fulfilled, S.no_records, S.denied})

# Which status may follow which. A request is never "overdue" by status: that is computed.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.draft: frozenset({S.sent, S.withdrawn}),
    S.sent: frozenset({S.acknowledged, S.extended, S.waiting_on_requester, *_ANSWERS,
                       S.withdrawn}),
    S.acknowledged: frozenset({S.extended, S.waiting_on_requester, *_ANSWERS, S.withdrawn}),
    # A second move to extended is a second extension.
    S.extended: frozenset({S.extended, S.waiting_on_requester, *_ANSWERS, S.withdrawn}),
    # Leaving waiting_on_requester starts the clock again.
    S.waiting_on_requester: frozenset({S.sent, S.acknowledged, S.extended, *_ANSWERS,
                                       S.withdrawn}),
    S.partially_fulfilled: frozenset({S.extended, S.waiting_on_requester, S.fulfilled,
                                      S.no_records, S.denied, S.appealed, S.withdrawn}),
    S.fulfilled: frozenset({S.appealed}),
    S.no_records: frozenset({S.appealed}),
    S.denied: frozenset({S.appealed}),
    S.appealed: frozenset({*_ANSWERS, S.withdrawn}),
    S.withdrawn: frozenset(),
}
APPEALABLE = frozenset({S.denied, S.partially_fulfilled, S.no_records})

# What the law asks of the agency by the deadline, as a letter says it.
_ANSWER_NOUNS_ES = {
    "response": "una respuesta", "determination": "una decisión",
    "acknowledgement": "un acuse de recibo", "production": "los registros",
    "deemed_denial": "una respuesta", "certification": "una respuesta",
    "certification_or_ag_request": "una respuesta", "good_faith_delay_max": "los registros",
}
_DAY_TYPES_ES = {"business": "días hábiles", "calendar": "días calendario"}
_ANSWER_NOUNS = {
    "response": "a response", "determination": "a determination",
    "acknowledgement": "an acknowledgement", "production": "the records",
    "deemed_denial": "a response", "certification": "a response",
    "certification_or_ag_request": "a response", "good_faith_delay_max": "the records",
}


def status_word(status: RequestStatus | str) -> Term:
    """A status as a word of the reader's language, in a refusal that names it."""
    return Term(str(getattr(status, "value", status)).replace("_", " "))


def check_transition(old: RequestStatus | None, new: RequestStatus) -> None:
    if old is None or old == new and new != S.extended:
        return
    if new not in TRANSITIONS[RequestStatus(old)]:
        allowed = [status_word(s) for s in sorted(TRANSITIONS[RequestStatus(old)])] \
            or Term(N_("nothing"))
        raise Invalid(N_("A request that is {old} cannot become {new}; it can become: "
                         "{allowed}."), old=status_word(old), new=status_word(new),
                      allowed=allowed,
                      field="status")


def next_statuses(status: RequestStatus | str) -> list[RequestStatus]:
    """What a request of this status may become, in the order a request usually moves."""
    allowed = TRANSITIONS[RequestStatus(status)]
    return [s for s in RequestStatus if s in allowed]


# ---- places, laws and the clock ----------------------------------------------------------

def agency_state(session: Session, agency: Agency) -> str:
    """Whose records law governs a request to this agency: federal FOIA for a federal agency,
    else the agency's state (or its jurisdiction's)."""
    if agency.kind == AgencyKind.federal:
        return laws.FEDERAL
    if agency.state_code:
        return agency.state_code.upper()
    if agency.jurisdiction_id is not None:
        place = session.get(Jurisdiction, agency.jurisdiction_id)
        if place is not None:
            return place.state_code.upper()
    return ""


def _zones(session: Session, agency_ids: Sequence[int]) -> dict[int, ZoneInfo]:
    if not agency_ids:
        return {}
    stmt = (select(Agency.id, Jurisdiction.timezone)
            .join(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
            .where(Agency.id.in_(set(agency_ids))))
    return {agency_id: ZoneInfo(zone) for agency_id, zone in session.exec(stmt)}


def local_today(session: Session, request: RecordsRequest) -> date:
    """Today where the agency is; deadlines run on the agency's calendar, not on UTC."""
    zone = _zones(session, [request.agency_id]).get(request.agency_id, clock.home_zone())
    return clock.today(zone)


def _changes(session: Session,
             request_ids: Sequence[int]) -> dict[int, list[RequestStatusChange]]:
    found: dict[int, list[RequestStatusChange]] = {i: [] for i in request_ids}
    if request_ids:
        stmt = (select(RequestStatusChange)
                .where(RequestStatusChange.records_request_id.in_(request_ids))
                .order_by(RequestStatusChange.id))
        for row in session.exec(stmt):
            found[row.records_request_id].append(row)
    return found


def _clock_changes(rows: Sequence[RequestStatusChange]) -> list[deadlines.StatusChange]:
    return [deadlines.StatusChange(r.effective_on, r.to_status, r.extension_days) for r in rows]


def compute_due(request: RecordsRequest, rows: Sequence[RequestStatusChange]) -> date | None:
    changes = _clock_changes(rows)
    try:
        return deadlines.due_date(
            laws.law_for(request.state_code), sent_on=request.sent_on,
            pauses=deadlines.pauses_from(changes),
            extension_days=deadlines.extension_total(changes), override=request.due_on_override)
    except ValueError as exc:
        raise Invalid(str(exc), field="status") from exc


def refresh_due(session: Session, request: RecordsRequest) -> None:
    """Store the due date again after anything it depends on changed."""
    request_id = stored_id(request)
    request.due_on = compute_due(request, _changes(session, [request_id])[request_id])
    session.add(request)
    session.flush()


class RequestClock(Protocol):
    """What a request's deadline is reckoned from: the stored request, or a list's row of its
    columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def agency_id(self) -> int: ...
    @property
    def state_code(self) -> str: ...
    @property
    def status(self) -> RequestStatus: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def due_on_override(self) -> date | None: ...


def deadline_for(request: RequestClock, rows: Sequence[RequestStatusChange],
                 today: date) -> Deadline:
    law = laws.law_for(request.state_code)
    overridden = request.due_on_override is not None
    state = deadlines.countdown(status=request.status, due_on=request.due_on, today=today,
                                law=law, overridden=overridden)
    paused_since = None
    if request.status == S.waiting_on_requester:
        paused_since = next((r.effective_on for r in reversed(rows)
                             if r.to_status == S.waiting_on_requester), None)
    source = "override" if overridden else ("law" if request.due_on else "none")
    return Deadline(
        due_on=request.due_on, source=source, clock=state.clock, days_left=state.days_left,
        days_overdue=state.days_overdue, overdue=state.overdue, paused_since=paused_since,
        extension_days=deadlines.extension_total(_clock_changes(rows)),
        verify_badge=law is not None and not law.verified and not overridden,
        law=law.summary() if law else None)


def deadlines_of(session: Session, objs: Sequence[RequestClock]) -> dict[int, Deadline]:
    history = _changes(session, [stored_id(o) for o in objs])
    zones = _zones(session, [o.agency_id for o in objs])
    now = clock.now()
    found: dict[int, Deadline] = {}
    for o in objs:
        request_id = stored_id(o)
        today = now.astimezone(zones.get(o.agency_id, clock.home_zone())).date()
        found[request_id] = deadline_for(o, history[request_id], today)
    return found


def countdowns(session: Session,
               rows: Sequence[Mapping[str, Any]]) -> dict[int, deadlines.Countdown]:
    """Where each listed request stands today, from the columns a list selects (id, agency_id,
    status, due_on, due_on_override, state_code, and timezone when the list read its agency's);
    at most one query for every row's local day."""
    unplaced = [r["agency_id"] for r in rows if "timezone" not in r]
    zones = _zones(session, unplaced)
    now = clock.now()
    found = {}
    for row in rows:
        zone = (clock.zone_named(row["timezone"]) if "timezone" in row
                else zones.get(row["agency_id"], clock.home_zone()))
        today = now.astimezone(zone).date()
        found[row["id"]] = deadlines.countdown(
            status=str(getattr(row["status"], "value", row["status"])), due_on=row["due_on"],
            today=today, law=laws.law_for(row["state_code"]),
            overridden=row["due_on_override"] is not None)
    return found


# ---- the generic reads and writes, with the status and deadline rules hooked in ---------

_PREVIOUS = "records_request.previous_status"


def _prepare(session: Session, actor: User, values: dict[str, Any],
             existing: RecordsRequest | None) -> dict[str, Any]:
    old = existing.status if existing is not None else None
    if existing is not None and values["status"] != old:
        check_transition(old, values["status"])
        session.info.setdefault(_PREVIOUS, {})[existing.id] = old
    if values.get("text"):
        letters.check_rendered(values["text"])
    # The request's own agency, kept as it was, is read whoever writes: a lead may update a
    # partner's shared request whose agency the partner keeps to itself.
    kept = existing is not None and values["agency_id"] == existing.agency_id
    with scoping.as_system(session) if kept else contextlib.nullcontext():
        agency = session.get(Agency, values["agency_id"])
        zones = _zones(session, [stored_id(agency)]) if agency is not None else {}
    if agency is None:
        raise Invalid(NO_SUCH, noun=Term(N_("agency")), id=values['agency_id'], field="agency_id")
    if not values.get("state_code"):
        values["state_code"] = agency_state(session, agency)
    law = laws.law_for(values["state_code"])
    if not values.get("law") and law is not None:
        values["law"] = law.law
    before = existing.due_on_override if existing is not None else None
    if values.get("due_on_override") != before and not permissions.may_override_due_date(actor):
        raise Forbidden(N_("Only a campaign lead can override a request's deadline."))
    sent_on = values.get("sent_on")
    if sent_on is not None:
        zone = zones.get(stored_id(agency), clock.home_zone())
        if sent_on > clock.now().astimezone(zone).date():
            raise Invalid(N_("The day the request was sent cannot be in the future."),
                          field="sent_on")
    return values


def _record_change(session: Session, actor: User, request: RecordsRequest, values: dict[str, Any],
                   ) -> None:
    request_id = stored_id(request)
    previous = session.info.get(_PREVIOUS, {}).pop(request_id, None)
    rows = _changes(session, [request_id])[request_id]
    last = rows[-1].to_status if rows else previous
    if rows and last == request.status:
        refresh_due(session, request)
        return
    if request.status == S.draft:
        on = local_today(session, request)
    elif request.status == S.sent or not rows:
        on = request.sent_on or local_today(session, request)
    else:
        on = local_today(session, request)
    law = laws.law_for(request.state_code)
    extension = law.extension_days if request.status == S.extended and law else None
    session.add(RequestStatusChange(records_request_id=request_id, from_status=last,
                             to_status=request.status, effective_on=on, extension_days=extension,
                             changed_by_id=getattr(actor, "id", None)))
    session.flush()
    refresh_due(session, request)


class RequestCrud(Crud[RecordsRequest, RecordsRequestRead]):
    """The generic machinery, with each read carrying where the request stands today."""

    def read_rows(self, session: Session,
                  objs: Sequence[RecordsRequest | sa.Row[Any]]) -> list[dict[str, Any]]:
        rows = super().read_rows(session, objs)
        states = deadlines_of(session, objs)
        for row, obj in zip(rows, objs, strict=True):
            row["deadline"] = states[stored_id(obj)]
        return rows


crud = RequestCrud(
    **RECORDS_REQUESTS.crud_options(), prepare=_prepare, after_save=_record_change,
    links={"contract_ids": Link(RecordsRequestContract, "records_request_id", "contract_id",
                                "contract", "contract"),
           "target_ids": Link(RecordsRequestTarget, "records_request_id", "target_id", "target",
                              "target")})


# ---- status changes ----------------------------------------------------------------------

def history(session: Session, actor: User, request_id: int) -> list[RequestStatusChange]:
    crud.get(session, actor, request_id)
    return _changes(session, [request_id])[request_id]


def change_status(session: Session, actor: User, *, request_id: int,
                  change: StatusChangeCreate) -> RecordsRequest:
    """Move a request to a new status on the day it happened, recording who, when and why."""
    request = crud.get(session, actor, request_id)
    old, new = RequestStatus(request.status), change.status
    # Every problem of the change at once, each beside its field, rather than one per try.
    problems: list[Invalid] = []
    if old == new and new != S.extended:
        problems.append(Invalid(N_("The request is already {new}."), new=status_word(new),
                                field="status"))
    else:
        try:
            check_transition(old, new)
        except Invalid as exc:
            problems.append(exc)
    today = local_today(session, request)
    rows = _changes(session, [request_id])[request_id]
    on = change.on or (request.sent_on if old == S.draft and request.sent_on else today)
    if on > today:
        problems.append(Invalid(N_("A status change cannot be dated in the future."), field="on"))
    elif old != S.draft and request.sent_on and on < request.sent_on:
        problems.append(Invalid(N_("A status change cannot be dated before the request was "
                                   "sent."), field="on"))
    elif old != S.draft and rows and on < rows[-1].effective_on:
        problems.append(Invalid(N_("A status change cannot be dated before the last change, "
                                   "on {effective_on}."),
                                effective_on=LongDay.of(rows[-1].effective_on), field="on"))
    if change.extension_days is not None and new != S.extended:
        problems.append(Invalid(N_("Only a move to \"extended\" adds days to the deadline."),
                                field="extension_days"))
    if problems:
        raise Problems.of(problems)
    if old == S.draft:
        request.sent_on = on
    extension = None
    if new == S.extended:
        law = laws.law_for(request.state_code)
        extension = change.extension_days if change.extension_days is not None else (
            law.extension_days if law else None)
    session.add(RequestStatusChange(records_request_id=request_id, from_status=old, to_status=new,
                             effective_on=on, extension_days=extension, note=change.note,
                             changed_by_id=getattr(actor, "id", None)))
    request.status = new
    request.updated_at = clock.now()
    session.add(request)
    session.flush()
    refresh_due(session, request)
    return request


def overdue(session: Session, actor: User, *, limit: int = 200) -> list[RecordsRequestRead]:
    """Open requests past their deadline, most overdue first: where follow-up letters go."""
    # A day of slack covers agencies whose local date is behind UTC; the countdown decides.
    cutoff = clock.today() + timedelta(days=1)
    stmt = (select(RecordsRequest)
            .where(RecordsRequest.status.in_(sorted(deadlines.RUNNING)))
            .where(RecordsRequest.due_on < cutoff)
            .order_by(RecordsRequest.due_on, RecordsRequest.id))
    late = [(read.deadline.days_overdue or 0, read)
            for read in crud.to_read(session, list(session.exec(stmt).all()))
            if read.deadline is not None and read.deadline.overdue]
    return [read for _, read in sorted(late, key=lambda pair: -pair[0])][:limit]


# ---- letters -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Requester:
    name: str = ""
    email: str = ""
    address: str = ""
    phone: str = ""


def _requester(session: Session, organization_id: int | None, given: Requester) -> dict[str, str]:
    org = session.get(Organization, organization_id) if organization_id else None
    requester = {
        "name": given.name, "organization": org.name if org else "",
        "email": given.email or (org.email or "" if org else ""),
        "phone": given.phone or (org.phone if org else ""), "address": given.address,
    }
    if not requester["name"] and not requester["organization"]:
        raise Invalid(N_("A letter needs the requester: a requester organization or a name."),
                      field="requester_name")
    return requester


def _place(session: Session, agency: Agency) -> str:
    if agency.jurisdiction_id is None:
        return ""
    place = session.get(Jurisdiction, agency.jurisdiction_id)
    return f"{place.name}, {place.state_code}" if place else ""


def letter_context(session: Session, *, agency: Agency, state_code: str, subject: str,
                   requester: dict[str, str], today: date,
                   request: dict[str, Any] | None = None,
                   language: str = letters.DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Everything a letter template may use, the law's deadline said in the letter's language
    (the law's own name stays as the law gives it)."""
    law = laws.law_for(state_code)
    spanish = language == "es"
    nouns, fallback = (_ANSWER_NOUNS_ES, "una respuesta") if spanish else (
        _ANSWER_NOUNS, "a response")
    noun = nouns.get(law.deadline_kind, fallback) if law else fallback
    phrase = ""
    if law and law.days and law.day_type:
        phrase = (f"{noun} dentro de {law.days} {_DAY_TYPES_ES.get(law.day_type, 'días')}"
                  if spanish else f"{noun} within {law.days} {law.day_type} days")
    return {
        "today": today, "subject": subject, "requester": requester, "request": request or {},
        "agency": {"name": agency.name, "kind": agency.kind, "state_code": state_code,
                   "jurisdiction": _place(session, agency)},
        # A plain mapping: an edited letter reads it in a sandbox, where only values belong.
        "law": law.summary().model_dump() if law else {},
        "law_name": law.law if law else (
            "ley de registros públicos que corresponda" if spanish
            else "applicable public-records law"),
        "citation": law.citation if law else "", "deadline_phrase": phrase,
        "answer_noun": noun,
        "period_start": today.replace(year=today.year - 2, day=1, month=1),
    }


def _request_facts(request: RecordsRequest, rows: Sequence[RequestStatusChange],
                   state: Deadline) -> dict[str, Any]:
    answered = next((r.effective_on for r in reversed(rows) if r.to_status == request.status),
                    None)
    return {"subject": request.subject, "sent_on": request.sent_on, "due_on": request.due_on,
            "tracking_number": request.tracking_number, "status": request.status,
            "days_overdue": state.days_overdue, "answered_on": answered}


def _letter_refusal(found: letters.LetterTemplate, request: RecordsRequest,
                    state: Deadline) -> str | None:
    """Why this letter does not fit the request as it stands, or None when it does."""
    status = gettext(status_word(request.status))
    if found.kind == LetterKind.follow_up:
        if request.status not in deadlines.RUNNING:
            return gettext("A follow-up is for a request awaiting an answer; this one is "
                           "{status}.").format(status=status)
        if state.days_left:
            return ngettext("The deadline has not come yet: {count} day left.",
                            "The deadline has not come yet: {count} days left.",
                            state.days_left).format(count=format_number(state.days_left))
    if found.kind == LetterKind.appeal and request.status not in APPEALABLE:
        return gettext("An appeal follows a denial, a partial release or a no-records answer; "
                       "this request is {status}.").format(status=status)
    if not found.fits(request.state_code):
        return gettext("The letter '{title}' is for agencies in {states} only.").format(
            title=found.title, states=format_list(list(found.states)))
    return None


def letter_options(session: Session, actor: User, request_id: int) -> list[letters.LetterOption]:
    """Every letter template, with whether it fits the request now and why not."""
    request = crud.get(session, actor, request_id)
    rows = _changes(session, [request_id])[request_id]
    state = deadline_for(request, rows, local_today(session, request))
    options = []
    for found in letters.templates():
        refusal = _letter_refusal(found, request, state)
        # Offered by the names the reader reads; the letter itself is written in the language
        # chosen for it.
        said = letters.in_readers_language(found)
        options.append(letters.LetterOption(**said.read().model_dump(),
                                            available=refusal is None, reason=refusal or ""))
    return options


def letter(session: Session, actor: User, *, request_id: int, template_key: str,
           requester: Requester, language: str = letters.DEFAULT_LANGUAGE) -> letters.LetterRead:
    """A letter for one request: the first request, a follow-up at the deadline, or an appeal
    after a denial."""
    request = crud.get(session, actor, request_id)
    found = letters.template(template_key)
    letters.check_language(language)
    rows = _changes(session, [request_id])[request_id]
    today = local_today(session, request)
    state = deadline_for(request, rows, today)
    refusal = _letter_refusal(found, request, state)
    if refusal:
        raise Invalid(refusal, field="template")
    agency = session.get(Agency, request.agency_id)
    if agency is None:
        # Read through the reader's scope: a letter would tell them the agency's name.
        raise Invalid(N_("This request's agency is not shared with you, so its letter cannot be "
                      "written here; ask the organization that made the request."))
    context = letter_context(
        session, agency=agency, state_code=request.state_code,
        subject=request.subject, today=today,
        requester=_requester(session, request.requester_organization_id, requester),
        request=_request_facts(request, rows, state), language=language)
    return letters.LetterRead(template=letters.translated(found, language).read(),
                              subject=request.subject, language=language,
                              text=letters.render(found.key, context, language))


def preview(session: Session, actor: User, *, template_key: str, agency_id: int, subject: str,
            requester_organization_id: int | None, requester: Requester,
            text: str = "", language: str = letters.DEFAULT_LANGUAGE) -> letters.LetterRead:
    """A first letter to one agency before any request exists, to read and edit: the template,
    or the text edited from it (see BatchCreate.text) filled in for this agency."""
    found = letters.template(template_key)
    letters.check_language(language)
    if found.kind != LetterKind.initial:
        raise Invalid(N_("Only a first request can be previewed without a request."),
                      field="template")
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise Invalid(NO_SUCH, noun=Term(N_("agency")), id=agency_id, field="agency_id")
    state = agency_state(session, agency)
    if not found.fits(state):
        raise Invalid(N_("The letter '{title}' is for agencies in {value} only."),
                      title=found.title, value=', '.join(found.states), field="template")
    zone = _zones(session, [agency_id]).get(agency_id, clock.home_zone())
    context = letter_context(session, agency=agency, state_code=state, subject=subject,
                             today=clock.now().astimezone(zone).date(),
                             requester=_requester(session, requester_organization_id, requester),
                             language=language)
    rendered = letters.render_text(text, context) if text.strip() else \
        letters.render(found.key, context, language)
    return letters.LetterRead(template=letters.translated(found, language).read(),
                              subject=subject, language=language, text=rendered)


# ---- one letter to many agencies ---------------------------------------------------------

def create_batch(session: Session, actor: User, data: BatchCreate) -> list[RecordsRequest]:
    """One request per agency, each under its own state's law with its own due date."""
    agencies = {a.id: a for a in session.exec(
        select(Agency).where(Agency.id.in_(data.agency_ids)))}
    missing = [i for i in data.agency_ids if i not in agencies]
    if missing:
        raise Invalid(NO_SUCH, noun=Term(N_("agency")), id=missing[0], field="agency_ids")
    found = letters.template(data.template) if data.template else None
    if found is not None and found.kind != LetterKind.initial:
        raise Invalid(N_("A new request starts from a first-request letter."), field="template")
    given = Requester(name=data.requester_name, email=data.requester_email,
                      address=data.requester_address)
    requester = _requester(session, data.requester_organization_id, given)
    zones = _zones(session, data.agency_ids)
    created = []
    for agency_id in data.agency_ids:
        agency = agencies[agency_id]
        state = agency_state(session, agency)
        if found is not None and not found.fits(state):
            raise Invalid(N_("The letter '{title}' is for agencies in {value} only; {name} is "
                             "not."),
                          title=found.title, value=', '.join(found.states), name=agency.name,
                          field="agency_ids")
        today = clock.now().astimezone(zones.get(agency_id, clock.home_zone())).date()
        context = letter_context(session, agency=agency, state_code=state, subject=data.subject,
                                 requester=requester, today=today)
        # Without text a template was given (BatchCreate checks), so `found` is one.
        text = (letters.render_text(data.text, context) if data.text.strip() or found is None
                else letters.render(found.key, context))
        created.append(crud.create(session, actor, RecordsRequestCreate(
            subject=data.subject, agency_id=agency_id, campaign_id=data.campaign_id,
            requester_organization_id=data.requester_organization_id, state_code=state,
            text=text, sent_on=data.sent_on, method=data.method, notes=data.notes,
            status=S.sent if data.sent_on else S.draft)))
    return created


# ---- documents received ------------------------------------------------------------------

def _document_rows(session: Session, found: Iterable[tuple[Document, RequestDocument | None, int]]
                   ) -> list[RequestDocumentRead]:
    """Each document with what it concerns, as far as the reader may read that."""
    rows = [dict(document_id=doc.id, records_request_id=request_id, filename=doc.filename,
                 content_type=doc.content_type, size_bytes=doc.size_bytes,
                 description=doc.description, uploaded_at=doc.created_at,
                 received_on=link.received_on if link else None,
                 agency_id=link.agency_id if link else None,
                 contract_id=link.contract_id if link else None,
                 target_id=link.target_id if link else None)
            for doc, link, request_id in found]
    references.hide_unreadable(session, RequestDocument, rows)
    return [RequestDocumentRead.model_validate(row) for row in rows]


def _set_links(session: Session, *, request: RecordsRequest, document_id: int,
               links: RequestDocumentLinks) -> RequestDocument:
    values = links.model_dump()
    Crud.check_references(session, RequestDocument, values)
    row = session.exec(select(RequestDocument)
                       .where(RequestDocument.document_id == document_id)).first()
    if row is None:
        row = RequestDocument(records_request_id=stored_id(request), document_id=document_id)
    for name, value in values.items():
        setattr(row, name, value)
    if row.received_on is None:
        row.received_on = local_today(session, request)
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    return row


def attach_document(session: Session, actor: User, *, request_id: int, filename: str,
                    content: bytes, description: str,
                    links: RequestDocumentLinks) -> RequestDocumentRead:
    """A document the agency sent, stored and linked to what it concerns."""
    request = crud.get(session, actor, request_id)
    Crud.check_references(session, RequestDocument, links.model_dump())
    meta = validated(DocumentMeta, {"attached_kind": AttachedTo.records_request,
                                    "attached_id": request_id, "description": description})
    doc = documents.upload(session, actor, meta=meta,
                           filename=filename, content=content)
    link = _set_links(session, request=request, document_id=stored_id(doc), links=links)
    return _document_rows(session, [(doc, link, request_id)])[0]


def link_document(session: Session, actor: User, *, request_id: int, document_id: int,
                  links: RequestDocumentLinks) -> RequestDocumentRead:
    request = crud.get(session, actor, request_id)
    doc = session.get(Document, document_id)
    if doc is None or doc.attached_kind != AttachedTo.records_request \
            or doc.attached_id != request_id:
        raise NotFound(N_("No document with id {document_id} on this records request."),
                       document_id=document_id)
    link = _set_links(session, request=request, document_id=document_id, links=links)
    return _document_rows(session, [(doc, link, request_id)])[0]


def request_documents(session: Session, actor: User,
                      request_id: int) -> list[RequestDocumentRead]:
    crud.get(session, actor, request_id)
    stmt = (select(Document, RequestDocument)
            .outerjoin(RequestDocument, RequestDocument.document_id == Document.id)
            .where(Document.attached_kind == AttachedTo.records_request,
                   Document.attached_id == request_id)
            .order_by(Document.id))
    return _document_rows(session, ((doc, link, request_id) for doc, link in session.exec(stmt)))


def documents_concerning(session: Session, actor: User, *, agency_id: int | None = None,
                         contract_id: int | None = None,
                         target_id: int | None = None) -> list[RequestDocumentRead]:
    """Documents received under any request that concern one agency, contract or target."""
    named = [(column, value) for column, value in (
        (RequestDocument.agency_id, agency_id), (RequestDocument.contract_id, contract_id),
        (RequestDocument.target_id, target_id)) if value is not None]
    if not named:
        raise Invalid(N_("Name an agency_id, a contract_id or a target_id."), field="agency_id")
    scoped = references.scoped_references(RequestDocument)
    # (A target is the link's parent: a link to one the reader may not read is not read.)
    if any(column.key in scoped
           and not references.readable_ids(session, scoped[column.key], [value])
           for column, value in named):
        # What the reader may not read concerns nothing, as if it did not exist.
        return []
    conditions = [column == value for column, value in named]
    stmt = (select(Document, RequestDocument)
            .join(RequestDocument, RequestDocument.document_id == Document.id)
            .where(sa.and_(*conditions)).order_by(Document.id))
    return _document_rows(session, ((doc, link, link.records_request_id)
                                    for doc, link in session.exec(stmt)))

