"""Who can search an agency's, or a jurisdiction's agencies', plate reads: the page of its own
(and the panel alone for htmx), and a sharing link added by hand with its evidence."""

from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from api.agencies import service as agencies
from api.auth.models import User
from api.deps import SessionDep, UserDep
from api.errors import Forbidden, Invalid
from api.i18n.catalogs import N_, gettext
from api.jurisdictions import service as jurisdictions
from api.routing import PathRouter
from api.settings import get_settings
from api.sharing import service as sharing
from api.sharing.models import SharingLinkCreate
from web import exposure_panels, flash, htmx
from web.forms import FORM, Rejected, go_to, submit, validate
from web.ids import RecordId, whole_number
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)
FIELDS = ("kind", "partner_agency_id", "partner_name", "pool", "immigration", "source_kind",
          "source_url", "reported_on", "confidence", "visibility")
# Each problem in the form's own words, beside the field it is about.
SAID = {"partner_agency_id": N_("Choose a partner agency."),
        "reported_on": N_("Write the date as a year, a year and month, or a day: 2019, "
                          "2019-05 or 2019-05-14."),
        "source_url": N_("Give the source's address as it is, starting with https://.")}


@router.get("/agencies/{record_id}/exposure")
def agency_page(record_id: RecordId, request: Request, session: SessionDep,
                actor: UserDep) -> Response:
    user = acting_user(request, actor)
    agency = agencies.crud.get(session, user, record_id)
    return render(request, "sharing/exposure.html",
                  exposure_panels.agency_exposure(session, user, agency), block="exposure")


@router.get("/jurisdictions/{record_id}/exposure")
def jurisdiction_page(record_id: RecordId, request: Request, session: SessionDep,
                      actor: UserDep) -> Response:
    user = acting_user(request, actor)
    place = jurisdictions.crud.get(session, user, record_id)
    return render(request, "sharing/exposure.html",
                  exposure_panels.jurisdiction_exposure(session, user, place), block="exposure")


@router.get("/agencies/{record_id}/sharing-partners")
def partner_choices(record_id: RecordId, request: Request, session: SessionDep,
                    actor: UserDep) -> Response:
    """The form's partner choices for what the search holds, for htmx; opened as a page (a
    bookmark), the agency's panel, whose Find button searches without JavaScript."""
    user = acting_user(request, actor)
    agency = agencies.crud.get(session, user, record_id)
    q = str(request.query_params.get("partner_q") or "")
    chosen = whole_number(request.query_params.get("partner_agency_id"), least=1)
    if not htmx.wants_fragment(request):
        return RedirectResponse(f"/agencies/{record_id}/exposure", status_code=303)
    if not exposure_panels.may_add_link(user, agency):
        raise Forbidden(N_("You may not add sharing links to this agency."))
    return render(request, "sharing/partner_choices.html",
                  {"partners": exposure_panels.agency_choices(
                      session, user, q=q, chosen=chosen, leaving_out=agency.id)},
                  block="choices")


def _values(form: Any, agency_id: int) -> dict[str, Any]:
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FIELDS}
    values["pool"] = values["pool"] == "true"
    # A box left empty says nothing: the mark is then worked out from the partner's name.
    values["immigration"] = True if values["immigration"] == "true" else None
    values["partner_agency_id"] = values["partner_agency_id"] or None
    values["agency_id"] = agency_id
    return values


def _again(request: Request, session: Session, user: User, agency_id: int,
           values: dict[str, Any]) -> Any:
    def again(rejected: Rejected) -> Response:
        agency = agencies.crud.get(session, user, agency_id)
        context = {**exposure_panels.agency_exposure(
                       session, user, agency, q=values.get("partner_q", ""),
                       chosen=whole_number(values.get("partner_agency_id"), least=1)),
                   "record": agency, "sharing_errors": rejected.errors or
                   ({FORM: rejected.message} if rejected.message else {}),
                   "sharing_values": values}
        return render(request, "sharing/exposure.html", context, block="exposure",
                      status=rejected.status)
    return again


@router.post("/agencies/{record_id}/sharing-links")
async def add_link(record_id: RecordId, request: Request, session: SessionDep,
                   actor: UserDep) -> Response:
    """A link found by hand: the partner, the direction, and its source, an address or the
    document itself."""
    user = acting_user(request, actor)
    agencies.crud.get(session, user, record_id)
    form = await request.form()
    values = _values(form, record_id)
    again = _again(request, session, user, record_id,
                   {**values, "partner_q": str(form.get("partner_q") or "")})
    if form.get("partner_search"):
        # The partner search without JavaScript: the form again, with what it finds.
        return again(Rejected({}, status=200))
    checked, errors = validate(SharingLinkCreate, values,
                               said={k: gettext(v) for k, v in SAID.items()})
    upload = form.get("file")
    sent = upload if isinstance(upload, UploadFile) and upload.filename else None
    limit = get_settings().max_upload_bytes
    content = await sent.read(limit + 1) if sent is not None and not errors else b""

    def write(data: SharingLinkCreate) -> Any:
        if len(content) > limit:
            raise Invalid(N_("The file is larger than the upload limit."), field="file")
        evidence = (str(sent.filename), content) if sent is not None else None
        return sharing.add(session, user, data, evidence=evidence)

    def done(_: Any) -> Response:
        message = flash.success(gettext("The sharing link was added."))
        if not htmx.wants_fragment(request):
            return go_to(request, f"/agencies/{record_id}#exposure", message)
        agency = agencies.crud.get(session, user, record_id)
        return render(request, "sharing/exposure.html",
                      {**exposure_panels.agency_exposure(session, user, agency)},
                      block="exposure", message=message)

    return submit(session, (checked, errors), write, done=done,
                  again=again,
                  fields=[*FIELDS, "file"], page_refusals=True)
