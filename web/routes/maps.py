"""The state map and a state's county map: outlines drawn on the server as inline SVG, with a
table of the same facts beside each for those who do not see the map."""

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from api.atlas.outlines import AtlasMissing
from api.deps import SessionDep, UserDep
from api.errors import Invalid
from api.maps import service as maps
from api.routing import PathRouter
from web.forms import shown
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)
TEMPLATE = "maps/map.html"


def _legend() -> list[tuple[int, int, int | None]]:
    """(shade, from, to) of each step of the camera shading; the last has no upper end."""
    steps = maps.STEPS
    return [(i, low, steps[i + 1] - 1 if i + 1 < len(steps) else None)
            for i, low in enumerate(steps)]


def _page(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    return render(request, TEMPLATE, {"legend": _legend(), **context}, block="map",
                  status=status)


@router.get("/maps")
def state_map(request: Request, session: SessionDep, actor: UserDep) -> Response:
    user = acting_user(request, actor)
    try:
        drawn = maps.state_map(session, user)
        choices = maps.state_choices()
    except AtlasMissing:
        return _page(request, {"user": user, "missing": True}, status=503)
    return _page(request, {"user": user, "drawn": drawn, "choices": choices, "level": "states"})


@router.get("/maps/counties")
def county_map(request: Request, session: SessionDep, actor: UserDep,
               state: Annotated[str, Query(max_length=40)] = "") -> Response:
    user = acting_user(request, actor)
    try:
        choices = maps.state_choices()
        if not state.strip():
            return _page(request, {"user": user, "choices": choices, "level": "counties"})
        drawn = maps.county_map(session, user, state)
    except AtlasMissing:
        return _page(request, {"user": user, "missing": True}, status=503)
    except Invalid as exc:
        errors = {"state": exc.message}
        return shown(lambda status: _page(request, {
            "user": user, "choices": choices, "level": "counties", "errors": errors,
            "chosen": state}, status=status), errors)
    return _page(request, {"user": user, "drawn": drawn, "choices": choices,
                           "level": "counties", "chosen": drawn.state_code})
