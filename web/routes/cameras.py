"""A jurisdiction's "count now": its ALPR cameras mapped in OpenStreetMap, counted by
manufacturer through the same service as the JSON API."""


from fastapi import Request
from fastapi.responses import Response

from api.auth import permissions
from api.db import new_session
from api.deps import SessionDep, UserDep
from api.i18n.catalogs import gettext, ngettext
from api.jurisdictions import service as jurisdictions
from api.routing import PathRouter
from api.sources import overpass
from api.sources.fetching import OutsideError
from web import flash, htmx, source_panels
from web.forms import see_other
from web.ids import RecordId
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)


@router.post("/jurisdictions/{record_id}/camera-count")
def count_now(record_id: RecordId, request: Request,
              session: SessionDep, actor: UserDep) -> Response:
    user = acting_user(request, actor)
    permissions.require_bringing_in(user)
    jurisdictions.crud.get(session, user, record_id)
    # No transaction stays open while Overpass counts, which can take a minute.
    session.commit()
    try:
        found = overpass.refresh(new_session, record_id)
        total = sum(row.count for row in found)
        message = flash.success(ngettext(
            "Counted {count} ALPR camera mapped in OpenStreetMap.",
            "Counted {count} ALPR cameras mapped in OpenStreetMap.", total).format(count=total))
    except OutsideError as exc:
        message = flash.error(gettext("The count failed: {reason}").format(reason=exc.message))
    if not htmx.wants_fragment(request):
        return see_other(f"/jurisdictions/{record_id}#cameras", message)
    place = jurisdictions.crud.get(session, user, record_id)
    context = {"record": place, "user": user, "zone": place.timezone,
               **source_panels.jurisdiction_cameras(session, user, place)}
    return render(request, "jurisdictions/detail.html", context, block="cameras",
                  message=message)
