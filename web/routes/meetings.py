"""Log a meeting: one phone-sized form for who was there, what was said and asked, stances
observed and follow-up tasks, saved in one step; sent twice (a retry, a queue sent once the
connection is back), it is logged once."""

import re
import secrets
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.auth import permissions
from api.auth.models import User
from api.campaigns import service as campaigns
from api.deps import SessionDep, UserDep
from api.errors import NO_SUCH, Conflict, DomainError, NotFound, Term
from api.fields import MAX_INT, stored_id
from api.i18n.catalogs import N_, gettext, ngettext
from api.i18n.formatting import format_number
from api.meetings import service as meetings
from api.meetings.models import Meeting, MeetingCreate
from api.routing import PathRouter
from api.targets.models import StanceLevel
from api.tasks.models import TaskCreate
from web import flash, htmx, meeting_choices, refusals
from web.concepts import ref_options
from web.forms import (
    FORM,
    FormField,
    Rejected,
    messages,
    parse,
    save_or_show,
    see_other,
    submit,
    typed_text,
    validate,
)
from web.ids import RecordId, distinct_ids, whole_number
from web.routes.concept_pages import ConceptPages, pages_of, refuse_unless
from web.templating import acting_user, local_input, render
from web.words import SHARING_WORDS, stance_words

router = PathRouter(include_in_schema=False)

FOLLOW_UP_ROWS = 2
MAX_FOLLOW_UPS = 20
MAX_NOTES = 20_000
KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
# The longest summary (and asks, commitments, notes): the phone checks it before saving.
TEXT_LIMIT = next(rule.max_length for rule in MeetingCreate.model_fields["summary"].metadata
                  if getattr(rule, "max_length", None))
# The texts of a meeting, as compared when a form comes back with a key already used.
TEXTS = ("summary", "asks", "commitments", "location")
# pydantic names an item of a list by its place ("target_ids.0", "stances_observed.0.level");
# the form says which field, in words.
ITEM_WORDS = {
    "target_ids": N_("A decision-maker ticked as met cannot be chosen; untick them and find "
                     "them again."),
    "attendee_ids": N_("Someone ticked as there cannot be chosen; untick them and find them "
                       "again."),
    "stances_observed": N_("A stance after the meeting is not one of the options; choose it "
                           "again."),
}
KEPT_BACK = N_("You were signed out before this meeting was saved. Here it is as you typed "
               "it: check it, then press Save.")
KEY_TAKEN = N_("A different meeting was already saved from this form. What you typed is kept "
             "here as a new meeting: check it and save it again.")
SERVICE_WORKER = FilePath(__file__).parent.parent / "static" / "js" / "service-worker.js"


def stances() -> list[tuple[str, str]]:
    """The stances a decision-maker may be seen to take, in the reader's language."""
    return [(level.value, stance_words(level)) for level in StanceLevel
            if level != StanceLevel.unknown]


def new_key() -> str:
    """The form's idempotency key: one per meeting typed, kept with its draft on the phone."""
    return secrets.token_urlsafe(18)


def _choices(session: Session, actor: User, values: dict[str, Any], q: str = "") -> dict[str, Any]:
    who = meeting_choices.who(session, actor, campaign_id=whole_number(values.get("campaign_id")),
                              q=q, target_ids=distinct_ids(values["target_ids"]),
                              attendee_ids=distinct_ids(values["attendee_ids"]))
    return {"campaign_options": ref_options(session, "campaign"),
            "org_options": meeting_choices.organizations_for(session, actor),
            "task_org_options": ref_options(session, "organization"),
            "stances": stances(), "sharing_choices": [(value, gettext(words)) for value, words
                                                      in SHARING_WORDS.items()],
            "max_follow_ups": MAX_FOLLOW_UPS, "text_limit": TEXT_LIMIT, **who}


def _blank(session: Session, actor: User, campaign_id: int | None) -> dict[str, Any]:
    zone = campaigns.zone(session, campaign_id).key
    return {"held_at": local_input(clock.now(), zone), "campaign_id": campaign_id,
            "organization_id": getattr(actor, "organization_id", None), "location": "",
            "target_ids": [], "attendee_ids": [], "stance": {}, "summary": "", "asks": "",
            "commitments": "", "follow_ups": [{} for _ in range(FOLLOW_UP_ROWS)],
            "visibility": (permissions.default_visibility(session, actor)
                           or MeetingCreate.model_fields["visibility"].default).value,
            "private_notes": "", "idempotency_key": new_key()}


def _rendered_at() -> int:
    """When the form was made, in milliseconds: a copy opened later without a connection
    moves its time on by as long as it was kept."""
    return int(clock.now().timestamp() * 1000)


# The meeting pages serve this as their form for a new meeting (MeetingPages, below).
def log_form(request: Request, session: SessionDep, actor: UserDep,
             campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
             target_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> Response:
    user = acting_user(request, actor)
    # Offered only to who may save it: the form would be typed for nothing.
    refuse_unless(permissions.can_create(user, Meeting),
                  gettext("Your role cannot add {things}.").format(
                      things=pages_of(request, "meetings").spec.words.plural))
    kept = refusals.kept_meeting(request, user)
    if kept is not None:
        # Shown, never saved: the person checks it and presses Save themselves.
        response = _form_again(request, session, user, _read(kept), {}, status=200,
                               notice=gettext(KEPT_BACK))
    else:
        chosen = campaign_id or meeting_choices.current_campaign(session, user)
        values = _blank(session, user, chosen)
        if target_id:
            values["target_ids"] = [target_id]
        context = {"values": values, "errors": {}, "user": user,
                   "rendered_at": _rendered_at(), **_choices(session, user, values)}
        response = render(request, "meetings/log.html", context, block="form")
    refusals.forget_kept_meeting(request, response)
    return response


@router.get("/meetings/new/who")
def who_was_there(request: Request, session: SessionDep, actor: UserDep,
                  who_q: Annotated[str, Query(max_length=200)] = "",
                  campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
                  target_ids: Annotated[list[int], Query(max_length=200)] = [],  # noqa: B006
                  attendee_ids: Annotated[list[int], Query(max_length=200)] = [],  # noqa: B006
                  format: str = "html") -> Response:  # noqa: A002
    """Who matches what was typed, as rows of the form (or JSON, kept on the phone for
    picking offline); those already chosen are left out. Loaded as a page, the whole form."""
    user = acting_user(request, actor)
    values = {"campaign_id": campaign_id, "target_ids": target_ids, "attendee_ids": attendee_ids}
    context = _choices(session, user, values, who_q)
    if format == "json":
        def rows(kind: str, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{"kind": kind, "id": r["id"], "name": r["name"],
                     "detail": _detail(r) if kind == "target" else ""} for r in found]
        return JSONResponse({"targets": rows("target", context["found_targets"]),
                             "people": rows("person", context["found_people"])})
    if not htmx.is_htmx(request):
        return see_other(f"/meetings/new?campaign_id={campaign_id}" if campaign_id
                         else "/meetings/new")
    context.update(user=user, values={**values, "stance": {}})
    return render(request, "meetings/log.html", context, block="who_found")


def _detail(row: dict[str, Any]) -> str:
    return " · ".join(str(part) for part in (row.get("body_name"), row.get("district")) if part)


@router.get("/meetings/new/follow-up")
def follow_up_row(request: Request, session: SessionDep, actor: UserDep,
                  index: Annotated[int, Query(ge=0, lt=MAX_FOLLOW_UPS)] = 0) -> Response:
    """One more follow-up task row for the form; loaded as a page, it is the whole form."""
    if not htmx.is_htmx(request):
        return see_other("/meetings/new")
    user = acting_user(request, actor)
    context = {"i": index, "task": {}, "errors": {}, "user": user,
               "task_org_options": ref_options(session, "organization"),
               "next_index": index + 1, "max_follow_ups": MAX_FOLLOW_UPS}
    return render(request, "meetings/log.html", context, block="follow_up_row")


@router.get("/meetings/new/session")
def form_session(request: Request, actor: UserDep) -> Response:
    """Who is signed in and the anti-forgery token of their session: the form asks after
    signing in again in place, and before sending meetings queued while offline."""
    user = acting_user(request, actor)
    return JSONResponse({"user_id": getattr(user, "id", None),
                         "csrf_token": getattr(request.state, "csrf_token", "")})


@router.get("/sw.js")
def service_worker() -> Response:
    """The app's own service worker, from the root so that it may answer for every page."""
    return Response(SERVICE_WORKER.read_text(), media_type="text/javascript",
                    headers={"Service-Worker-Allowed": "/"})


def _field(name: str, kind: str = "text") -> FormField:
    return FormField(name, name, kind=kind)


# What the log form sends: the meeting's own fields, the people ticked, up to MAX_FOLLOW_UPS
# task rows (task_title_0, task_due_0, task_assignee_0, ...), and the form's own steps. A
# stance is sent per decision-maker ticked (stance_<id>).
LOG_FORM = [*(_field(name) for name in (
    "held_at", "campaign_id", "organization_id", "location", "summary", "asks", "commitments",
    "visibility", "private_notes", "idempotency_key", "step", "who_q")),
    _field("target_ids", "refs"), _field("attendee_ids", "refs"),
    *(_field(f"task_{part}_{i}") for i in range(MAX_FOLLOW_UPS)
      for part in ("title", "due", "assignee"))]
NOTES_FORM = [_field("private_notes")]


def _read(form: Any) -> dict[str, Any]:
    """The form as entered, to validate and, on a problem, to show again."""
    given = parse(LOG_FORM, form)

    def text(name: str) -> str:
        return str(given.get(name) or "")

    follow_ups = [{"index": i, "title": text(f"task_title_{i}"), "due_on": text(f"task_due_{i}"),
                   "assignee": text(f"task_assignee_{i}") or "me"}
                  for i in range(MAX_FOLLOW_UPS) if f"task_title_{i}" in given]
    return {
        "held_at": text("held_at"), "campaign_id": text("campaign_id"),
        "organization_id": text("organization_id"), "location": typed_text(given, "location"),
        "target_ids": given["target_ids"], "attendee_ids": given["attendee_ids"],
        "stance": {key.removeprefix("stance_"): str(value) for key, value in form.multi_items()
                   if key.startswith("stance_") and value},
        "summary": typed_text(given, "summary"), "asks": typed_text(given, "asks"),
        "commitments": typed_text(given, "commitments"), "follow_ups": follow_ups,
        "visibility": text("visibility"), "private_notes": typed_text(given, "private_notes"),
        "idempotency_key": text("idempotency_key"),
        # The form's steps, never saved.
        "step": text("step") or "save", "who_q": text("who_q"),
    }


# The choices of a follow-up's "Who": the person logging the meeting, or an organization.
ASSIGNEE = re.compile(r"^(?:me|org:(?P<org>\d{1,10}))$")


def _validate(entered: dict[str, Any], user: User) -> tuple[MeetingCreate | None,
                                                            list[TaskCreate], dict[str, str]]:
    errors: dict[str, str] = {}
    # A stance left on someone unticked goes with them: their stance picker is hidden once the
    # box is cleared, so it cannot be what the person meant to record.
    observed = [{"target_id": t, "level": level} for t, level in entered["stance"].items()
                if t in entered["target_ids"]]
    meeting, problems = validate(MeetingCreate, {
            "held_at": entered["held_at"], "campaign_id": entered["campaign_id"] or None,
            "organization_id": entered["organization_id"] or None,
            "location": entered["location"], "target_ids": entered["target_ids"],
            "attendee_ids": entered["attendee_ids"], "summary": entered["summary"],
            "asks": entered["asks"], "commitments": entered["commitments"],
            "stances_observed": observed, "private_notes": entered["private_notes"],
            **({"visibility": entered["visibility"]} if entered["visibility"] else {})},
        words=_messages)
    errors.update(problems)
    tasks = []
    for row in entered["follow_ups"]:
        if not row["title"].strip() and not row["due_on"]:
            continue
        values: dict[str, Any] = {"title": row["title"], "due_on": row["due_on"] or None}
        assignee = ASSIGNEE.match(row["assignee"])
        if assignee is None:
            # Only "me" or an organization is offered: anything else was never a choice.
            errors[f"task_assignee_{row['index']}"] = gettext(
                "Choose who does it from the list: you or an organization.")
            continue
        if assignee["org"]:
            values["assignee_organization_id"] = assignee["org"]
        else:
            values["assignee_user_id"] = getattr(user, "id", None)
        task, problems = validate(TaskCreate, values)
        if task is not None:
            tasks.append(task)
        for key, text in problems.items():
            errors.setdefault(f"task_{key}_{row['index']}", text)
    return (meeting if not errors else None), tasks, errors


def _messages(exc: ValidationError) -> dict[str, str]:
    found = messages(exc)
    for err in exc.errors():
        where = [str(part) for part in err.get("loc", ())]
        if len(where) > 1 and where[0] in ITEM_WORDS:
            found[where[0]] = gettext(ITEM_WORDS[where[0]])
    return found


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _saved(request: Request, meeting_id: int, text: str, *, already: bool = False) -> Response:
    """Off to the meeting; the form's own script asks for JSON, to tell a save from a
    redirect to the sign-in page."""
    message = flash.success(text)
    if not _wants_json(request):
        return see_other(f"/meetings/{meeting_id}", message)
    response = JSONResponse({"id": meeting_id, "url": f"/meetings/{meeting_id}",
                             "already": already})
    flash.keep(response, message)
    return response


def _same_meeting(session: Session, user: User, first: Meeting, entered: dict[str, Any]) -> bool:
    """Whether a form sent with a key already used says what the meeting saved with it says:
    the same form sent again, not a new meeting typed over an old key."""
    try:
        saved = meetings.crud.read(session, user, stored_id(first))
    except DomainError:
        return False

    def words(text: Any) -> str:
        return " ".join(str(text or "").split())

    return (all(words(getattr(saved, name)) == words(entered[name]) for name in TEXTS)
            and sorted(saved.target_ids) == sorted(distinct_ids(entered["target_ids"]))
            and sorted(saved.attendee_ids) == sorted(distinct_ids(entered["attendee_ids"])))


def _sent_again(request: Request, session: SessionDep, user: User, first: Meeting,
                entered: dict[str, Any]) -> Response:
    """A key already used: the meeting it saved when the form says the same; otherwise what
    was typed comes back under a new key, for the person to save as the new meeting it is."""
    if _same_meeting(session, user, first, entered):
        return _saved(request, stored_id(first), gettext("This meeting was already saved."),
                      already=True)
    if _wants_json(request):
        return JSONResponse({"taken": True, "message": gettext(KEY_TAKEN)}, status_code=409)
    return _form_again(request, session, user, {**entered, "idempotency_key": new_key()},
                       {FORM: gettext(KEY_TAKEN)}, status=409)


def _form_again(request: Request, session: SessionDep, user: User, entered: dict[str, Any],
                errors: dict[str, str], *, status: int, q: str = "",
                notice: str = "") -> Response:
    if not entered["follow_ups"]:
        entered["follow_ups"] = [{"index": 0, "title": "", "due_on": "", "assignee": "me"}]
    context = {"values": entered, "errors": errors, "user": user, "notice": notice,
               "rendered_at": _rendered_at(), **_choices(session, user, entered, q)}
    return render(request, "meetings/log.html", context, block="form", status=status)


# The meeting pages save a new meeting with this (MeetingPages, below).
async def log_meeting(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = acting_user(request, actor)
    form = await request.form()
    entered = _read(form)
    step = entered.pop("step")
    who_q = entered.pop("who_q")
    if step in ("find", "task"):
        # Without a script, finding someone and adding a task are a trip to the server and
        # back with everything typed so far.
        if step == "task" and len(entered["follow_ups"]) < MAX_FOLLOW_UPS:
            used = [row["index"] for row in entered["follow_ups"]]
            entered["follow_ups"].append({"index": max(used, default=-1) + 1, "title": "",
                                          "due_on": "", "assignee": "me"})
        return _form_again(request, session, user, entered, {}, q=who_q, status=200)
    key = entered["idempotency_key"] or None

    def again(rejected: Rejected) -> Response:
        exc = rejected.refusal
        if isinstance(exc, Conflict) and key is not None \
                and (first := meetings.logged_with(session, key)) is not None:
            return _sent_again(request, session, user, first, entered)
        shown = _refusal_by_field(exc, entered) if exc is not None else rejected.errors
        return _form_again(request, session, user, entered, shown, status=rejected.status)

    if key is not None and not KEY.fullmatch(key):
        # A new key with the form, so saving it again is not refused the same way.
        entered["idempotency_key"] = new_key()
        return again(Rejected({FORM: gettext("This form was damaged on the way; check it and "
                                             "save again.")}))
    if key is not None and (first := meetings.logged_with(session, key)) is not None:
        return _sent_again(request, session, user, first, entered)
    meeting, follow_ups, errors = _validate(entered, user)

    def done(logged: Meeting) -> Response:
        count = len(follow_ups)
        text = ngettext("Meeting logged with %(num)d follow-up task.",
                        "Meeting logged with %(num)d follow-up tasks.", count) % {
            "num": count} if count else gettext("Meeting logged.")
        return _saved(request, stored_id(logged), text)

    return submit(session, (meeting, errors),
                  lambda valid: meetings.log(session, user, meeting=valid,
                                             follow_ups=follow_ups, key=key),
                  done=done, again=again)


def _refusal_by_field(exc: DomainError, entered: dict[str, Any]) -> dict[str, str]:
    """The service's refusal beside what it names: a follow-up task's title or date by its
    row, a field of the meeting by that field, else at the top of the form."""
    where = (exc.field or "").split(".")
    if where[0] == "follow_ups" and len(where) == 3:
        index = entered["follow_ups"][int(where[1])]["index"]
        return {f"task_{where[2] if where[2] in ('title', 'due_on') else 'title'}"
                f"_{index}": exc.message}
    if where[0] in entered and where[0] != "idempotency_key":
        return {where[0]: exc.message}
    return {FORM: exc.message}


@router.post("/meetings/{meeting_id}/private-notes")
async def save_private_notes(meeting_id: RecordId,
                             request: Request, session: SessionDep, actor: UserDep) -> Response:
    """The organization's own notes on its meeting, saved apart from the shared record; notes
    too long come back in the page, kept as typed, with why beside them."""
    user = acting_user(request, actor)
    text = str(parse(NOTES_FORM, await request.form()).get("private_notes") or "")
    meeting = meetings.crud.get(session, user, meeting_id)
    if meetings.private_notes(session, meeting_id) is None:
        raise NotFound(NO_SUCH, noun=Term(N_("meeting")), id=meeting_id)
    too_long = {"private_notes": gettext("Notes can be at most {limit} characters.").format(
        limit=format_number(MAX_NOTES))} if len(text) > MAX_NOTES else None

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        pages = pages_of(request, "meetings")
        shown = meetings.crud.get(session, user, meeting_id)
        context = pages.detail_context(session, user, shown)
        # Every problem of this one-box form is about the box.
        context.update(private_notes=text, notes_error=rejected.message)
        return render(request, pages.page_template(), context, status=rejected.status)

    return save_or_show(session, lambda: meetings.save_private_notes(session, user, meeting, text),
                        done=lambda _: see_other(f"/meetings/{meeting_id}", flash.success(
                            gettext("Saved your organization's notes."))),
                        again=again, errors=too_long, fields=["private_notes"],
                        page_refusals=True)


class MeetingPages(ConceptPages):
    """A meeting is added with the meeting log, one form for all of it, not the generic form."""

    new_form = staticmethod(log_form)
    create = staticmethod(log_meeting)
