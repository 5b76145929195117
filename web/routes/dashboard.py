"""The home page, "this week": next votes with their whip count, contract deadlines, records
requests coming due, my open tasks and the latest meetings."""


from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from api import clock
from api.alerts import service as alerts
from api.auth import permissions
from api.auth.models import User
from api.backups import status as backup_status
from api.campaigns.models import Campaign
from api.contracts import service as contracts
from api.deps import SessionDep, UserDep
from api.i18n import formatting
from api.i18n.catalogs import gettext
from api.overview import service as overview
from api.page_cache import ReusableRoute, reusable
from api.routing import PathRouter
from api.settings import get_settings
from api.tasks import service as tasks
from api.tasks.models import Task, TaskStatus, TaskUpdate
from api.whip import service as whip
from web import deadlines, flash, htmx
from web.forms import save_or_show, see_other
from web.ids import RecordId
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False, route_class=ReusableRoute)

BLOCKS = {"votes": "votes", "deadlines": "deadlines", "records-due": "records",
          "my-tasks": "tasks", "latest-meetings": "meetings"}


def my_tasks(session: Session, actor: User) -> dict[str, object]:
    """Open tasks given to me or my organization, and which of them I may tick off: a task
    another organization owns is theirs to close."""
    found = overview.open_tasks(session, actor)
    # Each row holds the owner, visibility and assignees the rule reads: no task is loaded.
    return {"tasks": found,
            "closable_tasks": {t.id for t in found
                               if permissions.can_write(actor, t, model=Task)}}


def _records_due(session: Session, actor: User) -> dict[str, object]:
    found = overview.records_due(session, actor)
    return {"records_due": found,
            "countdowns": {r.id: deadlines.countdown_words(r.deadline, r.status) for r in found}}


def week(session: Session, actor: User) -> dict[str, object]:
    votes = overview.next_votes(session, actor, days=120, limit=8)
    return {
        "votes": votes,
        "whip_counts": whip.counts_for_votes(session, actor, votes),
        "deadlines": contracts.upcoming_deadlines(session, actor, days=120),
        **_records_due(session, actor),
        **my_tasks(session, actor),
        "meetings": overview.latest_meetings(session, actor),
        "today": clock.today(),
        # Whose today it is: records with a place of their own count from theirs.
        "today_where": formatting.zone_city(clock.home_zone().key),
        "may_start_campaigns": permissions.can_create(actor, Campaign),
    }


@router.get("/", response_class=HTMLResponse)
@reusable
def dashboard(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = acting_user(request, actor)
    context = {**week(session, user), "user": user}
    # Only an administrator can set up mail, so only they are told it is missing.
    context["no_mail_server"] = (permissions.can_administer(user)
                                 and not htmx.wants_fragment(request)
                                 and not alerts.mail_server_configured(session))
    context["backups"] = backups_notice(user) if not htmx.wants_fragment(request) else None
    block = BLOCKS.get(htmx.target(request) or "", "week")
    return render(request, "dashboard/index.html", context, block=block)


def backups_notice(user: User) -> dict[str, object] | None:
    """How the last backup went, for administrators: only they can set backups up or act on a
    failed one."""
    if not permissions.can_administer(user):
        return None
    settings = get_settings()
    return {"last": backup_status.read(settings),
            "scheduled": settings.backup_every_hours > 0}


@router.post("/tasks/{task_id}/done")
def task_done(task_id: RecordId, request: Request,
              session: SessionDep, actor: UserDep) -> Response:
    """Ticks a task off from the dashboard."""
    user = acting_user(request, actor)
    task = tasks.crud.get(session, user, task_id)

    def answer(message: flash.Message) -> Response:
        if not htmx.wants_fragment(request):
            return see_other("/", message)
        context = {**my_tasks(session, user), "user": user}
        return render(request, "dashboard/index.html", context, block="tasks", message=message)

    # A refusal is told in the list itself, which answers as a list does (200).
    return save_or_show(
        session, lambda: tasks.crud.update(session, user, task_id,
                                           TaskUpdate(status=TaskStatus.done)),
        done=lambda _: answer(flash.success(gettext("Done: {title}.").format(title=task.title))),
        again=lambda rejected: answer(flash.error(rejected.message)))
