"""Log a meeting: one phone-sized form for who was there, what was said and asked, stances
observed and follow-up tasks, saved in one step."""

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlmodel import Session

from api import clock
from api.campaigns import service as campaigns
from api.campaigns.models import CampaignStatus
from api.deps import SessionDep, UserDep
from api.errors import DomainError
from api.fields import MAX_INT
from api.meetings import service as meetings
from api.meetings.models import MeetingCreate
from api.routing import PathRouter
from api.targets.models import StanceLevel
from api.tasks.models import TaskCreate
from web import flash, htmx
from web.concepts import SPECS, ref_options
from web.forms import FORM, messages
from web.records import ListRequest, list_rows
from web.routes.records import see_other
from web.templating import acting_user, local_input, render
from web.words import stance_words

router = PathRouter(include_in_schema=False)

FOLLOW_UP_ROWS = 2
MAX_FOLLOW_UPS = 20
STANCES = [(level.value, stance_words(level)) for level in StanceLevel
           if level != StanceLevel.unknown]


def _default_campaign(session: Session, actor: Any) -> int | None:
    active = ListRequest(filters={"status": CampaignStatus.active.value}, sort="-updated_at")
    rows = list_rows(session, actor, SPECS["campaigns"], active, limit=1).rows
    return rows[0]["id"] if rows else None


def _choices(session: Session, actor: Any) -> dict[str, Any]:
    people = list_rows(session, actor, SPECS["people"], ListRequest(), limit=500).rows
    found = list_rows(session, actor, SPECS["targets"], ListRequest(sort="name"), limit=500).rows
    by_body: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(found, key=lambda r: (r["body_name"] or "~", r["name"])):
        by_body.setdefault(row["body_name"] or "No body", []).append(row)
    return {"campaign_options": ref_options(session, "campaign"),
            "org_options": ref_options(session, "organization"),
            "people": people, "targets_by_body": by_body, "stances": STANCES}


def _blank(session: Session, actor: Any, campaign_id: int | None) -> dict[str, Any]:
    zone = campaigns.zone(session, campaign_id).key
    return {"held_at": local_input(clock.now(), zone), "campaign_id": campaign_id,
            "organization_id": getattr(actor, "organization_id", None), "location": "",
            "target_ids": [], "attendee_ids": [], "stance": {}, "summary": "", "asks": "",
            "commitments": "", "follow_ups": [{} for _ in range(FOLLOW_UP_ROWS)]}


@router.get("/meetings/new")
def log_form(request: Request, session: SessionDep, actor: UserDep,
             campaign_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
             target_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> Response:
    user = acting_user(request, actor)
    chosen = campaign_id or _default_campaign(session, user)
    values = _blank(session, user, chosen)
    if target_id:
        values["target_ids"] = [target_id]
    context = {"values": values, "errors": {}, "user": user, **_choices(session, user)}
    return render(request, "meetings/log.html", context, block="form")


@router.get("/meetings/new/follow-up")
def follow_up_row(request: Request, session: SessionDep, actor: UserDep,
                  index: Annotated[int, Query(ge=0, lt=MAX_FOLLOW_UPS)] = 0) -> Response:
    """One more follow-up task row for the form; loaded as a page, it is the whole form."""
    if not htmx.is_htmx(request):
        return see_other("/meetings/new")
    user = acting_user(request, actor)
    context = {"i": index, "task": {}, "errors": {}, "user": user,
               "org_options": ref_options(session, "organization"),
               "next_index": index + 1, "max_follow_ups": MAX_FOLLOW_UPS}
    return render(request, "meetings/log.html", context, block="follow_up_row")


def _read(form: Any) -> dict[str, Any]:
    """The form as entered, to validate and, on a problem, to show again."""
    target_ids = [str(v) for v in form.getlist("target_ids")]
    follow_ups = []
    for i in range(MAX_FOLLOW_UPS):
        if f"task_title_{i}" not in form:
            continue
        follow_ups.append({"index": i, "title": str(form.get(f"task_title_{i}") or ""),
                           "due_on": str(form.get(f"task_due_{i}") or ""),
                           "assignee": str(form.get(f"task_assignee_{i}") or "me")})
    return {
        "held_at": str(form.get("held_at") or ""),
        "campaign_id": str(form.get("campaign_id") or ""),
        "organization_id": str(form.get("organization_id") or ""),
        "location": str(form.get("location") or ""),
        "target_ids": target_ids,
        "attendee_ids": [str(v) for v in form.getlist("attendee_ids")],
        "stance": {key.removeprefix("stance_"): str(value) for key, value in form.multi_items()
                   if key.startswith("stance_") and value},
        "summary": str(form.get("summary") or ""), "asks": str(form.get("asks") or ""),
        "commitments": str(form.get("commitments") or ""), "follow_ups": follow_ups,
    }


def _validate(entered: dict[str, Any], user: Any) -> tuple[MeetingCreate | None,
                                                            list[TaskCreate], dict[str, str]]:
    errors: dict[str, str] = {}
    unmet = [t for t in entered["stance"] if t not in entered["target_ids"]]
    if unmet:
        errors["stances_observed"] = ("A stance was chosen for someone not ticked as met; "
                                      "tick them or clear their stance.")
    observed = [{"target_id": t, "level": level} for t, level in entered["stance"].items()
                if t in entered["target_ids"]]
    meeting = None
    try:
        meeting = MeetingCreate.model_validate({
            "held_at": entered["held_at"], "campaign_id": entered["campaign_id"] or None,
            "organization_id": entered["organization_id"] or None,
            "location": entered["location"], "target_ids": entered["target_ids"],
            "attendee_ids": entered["attendee_ids"], "summary": entered["summary"],
            "asks": entered["asks"], "commitments": entered["commitments"],
            "stances_observed": observed})
    except ValidationError as exc:
        errors.update(messages(exc))
    tasks = []
    for row in entered["follow_ups"]:
        if not row["title"].strip() and not row["due_on"]:
            continue
        values: dict[str, Any] = {"title": row["title"], "due_on": row["due_on"] or None}
        if row["assignee"].startswith("org:"):
            values["assignee_organization_id"] = row["assignee"].removeprefix("org:")
        else:
            values["assignee_user_id"] = getattr(user, "id", None)
        try:
            tasks.append(TaskCreate.model_validate(values))
        except ValidationError as exc:
            for key, text in messages(exc).items():
                errors.setdefault(f"task_{key}_{row['index']}", text)
    return (meeting if not errors else None), tasks, errors


@router.post("/meetings")
async def log_meeting(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = acting_user(request, actor)
    form = await request.form()
    entered = _read(form)
    meeting, follow_ups, errors = _validate(entered, user)
    if meeting is not None:
        try:
            saved = meetings.log(session, user, meeting=meeting, follow_ups=follow_ups)
            session.commit()
            count = len(follow_ups)
            tasks_text = f" with {count} follow-up task{'s' if count != 1 else ''}" if count else ""
            return see_other(f"/meetings/{saved.id}", flash.success(f"Meeting logged{tasks_text}."))
        except DomainError as exc:
            session.rollback()
            where = (exc.field or "").split(".")
            if where[0] == "follow_ups" and len(where) == 3:
                index = entered["follow_ups"][int(where[1])]["index"]
                errors[f"task_{where[2] if where[2] in ('title', 'due_on') else 'title'}"
                       f"_{index}"] = exc.message
            elif where[0] in entered:
                errors[where[0]] = exc.message
            else:
                errors[FORM] = exc.message
    if not entered["follow_ups"]:
        entered["follow_ups"] = [{"index": 0, "title": "", "due_on": "", "assignee": "me"}]
    context = {"values": entered, "errors": errors, "user": user, **_choices(session, user)}
    return render(request, "meetings/log.html", context, block="form", status=422)
