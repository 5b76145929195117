"""Merging two agencies that are one, from the agency's page or the import preview that names
the pair: the form choosing the agency to fold in, and its answer."""

from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session

from api.agencies import merging
from api.agencies import service as agencies
from api.agencies.models import Agency, AgencyMerge
from api.auth import permissions
from api.auth.models import User
from api.deps import SessionDep, UserDep
from api.i18n.catalogs import gettext
from api.routing import PathRouter
from web import flash
from web.forms import Rejected, infer, parse, see_other, submit, validate
from web.ids import RecordId, whole_number
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)

TEMPLATE = "agencies/merge.html"
FIELDS = [infer(AgencyMerge, "fold_id")]
# The choices of the form: the agencies of the kept one's state, as many as a list can show.
CHOICES_AT_MOST = 1000


def _choices(session: Session, kept: Agency, chosen: int | None) -> list[Any]:
    """Agencies the reader may read that could be the same one: those of the same state (all
    when it has none), and the one the import preview named, wherever it is."""
    near = Agency.state_code == kept.state_code if kept.state_code else sa.true()
    if chosen is not None:
        near = sa.or_(near, Agency.id == chosen)
    return list(session.execute(
        sa.select(Agency.id, Agency.name, Agency.state_code, Agency.ori)
        .where(Agency.id != kept.id, near).order_by(Agency.name, Agency.id)
        .limit(CHOICES_AT_MOST)).all())


def _page(request: Request, session: Session, user: User, kept: Agency, *,
          chosen: int | None, errors: dict[str, str], status: int = 200) -> Response:
    choices = _choices(session, kept, chosen)
    refused = None
    if chosen is not None and not errors and any(c.id == chosen for c in choices):
        refused = merging.refusal(session, kept, agencies.crud.get(session, user, chosen))
    context = {"record": kept, "user": user, "choices": choices, "chosen": chosen,
               "errors": errors, "refused": refused.message if refused else None,
               "may_merge": permissions.may_merge_into(user, kept)}
    return render(request, TEMPLATE, context, block="merge", status=status)


@router.get("/agencies/{record_id}/merge")
def merge_form(record_id: RecordId, request: Request, session: SessionDep, actor: UserDep,
               fold: str | None = None) -> Response:
    """The form: which agency to fold into this one, the one the preview named chosen (a
    malformed choice is no choice)."""
    user = acting_user(request, actor)
    kept = agencies.crud.get(session, user, record_id)
    chosen = whole_number(fold, least=1) if fold is not None else None
    return _page(request, session, user, kept, chosen=chosen, errors={})


@router.post("/agencies/{record_id}/merge")
async def merge(record_id: RecordId, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    user = acting_user(request, actor)
    agencies.crud.get(session, user, record_id)
    form = await request.form()
    values = parse(FIELDS, form)

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        kept = agencies.crud.get(session, user, record_id)
        chosen = values.get("fold_id") if isinstance(values.get("fold_id"), int) else None
        return _page(request, session, user, kept, chosen=chosen, errors=rejected.errors,
                     status=rejected.status)

    def write(data: AgencyMerge) -> merging.Merged:
        return merging.merge(session, user, keep_id=record_id, fold_id=data.fold_id)

    def done(merged: merging.Merged) -> Response:
        return see_other(f"/agencies/{record_id}", flash.success(gettext(
            "Merged: “{folded}” is now part of “{kept}”, with its contracts, requests and "
            "sources.").format(folded=merged.folded_name, kept=merged.kept.name)))

    said = {"fold_id": gettext("Choose the agency to fold into this one.")}
    return submit(session, validate(AgencyMerge, values, said=said), write, done=done, again=again,
                  fields=FIELDS, page_refusals=True)
