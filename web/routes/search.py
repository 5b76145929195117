"""Global search: every concept at once, from the box in the header or as you type here."""

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from api.deps import SessionDep, UserDep
from api.page_cache import ReusableRoute, reusable
from api.routing import PathRouter
from api.search import service as search
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False, route_class=ReusableRoute)


@router.get("/search")
@reusable
def search_page(request: Request, session: SessionDep, actor: UserDep,
                q: Annotated[str, Query(max_length=200)] = "") -> Response:
    user = acting_user(request, actor)
    groups = search.search(session, user, q)
    context = {"q": q.strip(), "groups": groups, "user": user,
               "total": sum(len(g.items) for g in groups)}
    return render(request, "search/index.html", context, block="results")
