"""The home page: upcoming votes and contract deadlines."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import clock
from api.contracts import service as contracts
from api.deps import SessionDep, UserDep
from api.votes import service as votes
from web.templating import templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, actor: UserDep) -> HTMLResponse:
    context = {
        "votes": votes.upcoming(session, actor, days=120),
        "deadlines": contracts.upcoming_deadlines(session, actor, days=120),
        "today": clock.today(),
        "user": actor,
    }
    return templates.TemplateResponse(request, "dashboard/index.html", context)
