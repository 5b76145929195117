"""Supporters: the "remind me before the vote" form of a public page, the confirmation and
one-click unsubscribe pages its emails link to, and the leads' counts and export. The public
side reads no session and sets no cookie: the form carries a signed token of its own."""

from typing import Annotated, Any

from fastapi import Path as PathParam
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, EmailStr, StringConstraints
from sqlmodel import Session
from starlette.datastructures import Headers

from api import csv_export
from api.alerts import service as alerts
from api.auth import permissions
from api.auth.client_address import client_address
from api.auth.forgery import own_origins
from api.auth.models import User
from api.campaigns import service as campaigns
from api.deps import SessionDep, UserDep
from api.errors import NotFound
from api.fields import stored_id
from api.i18n import catalogs, locales
from api.i18n.catalogs import N_, gettext
from api.public_pages import service as public_pages
from api.routing import PathRouter
from api.supporters import reminders
from api.supporters import service as supporters
from web.forms import FORM, Rejected, save_or_show, validate
from web.ids import RecordId
from web.public_answers import language, missing, public_error
from web.templating import acting_user, render, templates

router = PathRouter(include_in_schema=False)

NO_EMAIL = N_("Enter your email address, like name@example.org.")
NO_ZIP = N_("A ZIP code is five digits, like 60601, or may be left empty.")
CHECK_INBOX = N_("Check your inbox: if the address can get reminders, an email is on its way "
                 "with a link to confirm. Nothing is sent before you follow it.")
NO_MAIL = N_("Email reminders are not available on this page yet: nothing was kept. Please "
            "check back later.")
HONEYPOT = "website"
FIELDS = ("email", "zip_code")


class SignUp(BaseModel):
    email: Annotated[EmailStr, StringConstraints(max_length=254)]
    zip_code: Annotated[str, StringConstraints(strip_whitespace=True,
                                               pattern=r"^(\d{5}(-\d{4})?)?$")] = ""


def mail_ready(session: Session) -> bool:
    """Whether a sign-up's confirmation can go out: without a mail server none would, and the
    address would wait, pending, for a mail that never comes."""
    return alerts.mail_server_configured(session)


def mail_warning(session: Session, actor: User) -> dict[str, bool]:
    """What the leads' pages need to warn that nobody can sign up until mail is set up."""
    return {"mail_server": mail_ready(session),
            "may_administer": permissions.may_set_up_mail(actor)}


def _page(template: str, *, locale: str, status: int = 200, **values: Any) -> Response:
    with catalogs.use_locale(locale):
        body = templates.env.get_template(f"public_pages/{template}").render(
            locale=locale, **values)
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _from_elsewhere(request: Request) -> bool:
    """A form posted from another site: the page's own form is posted from its own origin."""
    headers = Headers(scope=request.scope)
    if headers.get("sec-fetch-site", "").lower() == "cross-site":
        return True
    origin = headers.get("origin")
    return origin not in (None, "null") and origin.lower() not in own_origins(request.scope)


@router.post("/p/{slug}/remind")
async def sign_up(slug: Annotated[str, PathParam(max_length=100)], request: Request,
                  session: SessionDep) -> Response:
    form = await request.form()
    locale = language(str(form.get("lang") or ""), request.headers.get("accept-language"))
    with catalogs.use_locale(locale):
        try:
            view = public_pages.published(session, slug)
        except NotFound:
            return missing(locale)
        given = {"email": str(form.get("email") or "").strip()[:300],
                 "zip_code": str(form.get("zip_code") or "").strip()[:20]}
        context: dict[str, Any] = {"view": view, "given": given, "address": f"/p/{slug}",
                                   "mail_ready": mail_ready(session)}
        if not context["mail_ready"]:
            # Refused before anything is counted or kept: no confirmation could be sent.
            return _page("remind.html", locale=locale, status=503,
                         errors={FORM: gettext(NO_MAIL)}, **context)

        def again(rejected: Rejected) -> Response:
            return _page("remind.html", locale=locale, status=rejected.status,
                         errors=rejected.errors, **context)

        def done(_: None) -> Response:
            return _page("remind.html", locale=locale, done=True, errors={}, **context)

        token = str(form.get("token") or "")
        campaign_id = stored_id(view.campaign)
        if _from_elsewhere(request) or not supporters.form_token_valid(campaign_id, token):
            return again(Rejected({FORM: gettext(supporters.EXPIRED_FORM)}))
        if form.get(HONEYPOT):
            # Filled in by a program that fills every box: told what anyone is told.
            return done(None)
        checked = validate(SignUp, given, said={"email": gettext(NO_EMAIL),
                                                "zip_code": gettext(NO_ZIP)})
        if checked[0] is None:
            return again(Rejected(dict(checked[1])))
        data = checked[0]
        def go_on(address_within_limit: bool) -> Response:
            if not address_within_limit:
                # Asked for too often today: nothing more is kept or mailed, and the answer is
                # what anyone is told.
                return done(None)
            return save_or_show(session, lambda: supporters.sign_up(
                session, slug=slug, email=data.email, zip_code=data.zip_code,
                language=locale), done=done, again=again, fields=FIELDS, status=None)

        # Counted and kept whatever follows, so refused tries count against the limits too.
        return save_or_show(session, lambda: supporters.count_attempt(
            session, client=client_address(request.scope), email=data.email),
            done=go_on, again=again, fields=FIELDS, status=None, keep_refused=True)


ACTIONS = ("confirm", "unsubscribe")


def _found(request: Request, session: Session, action: str, slug: str, token: str,
           lang: str | None) -> tuple[Any, str, str] | Response:
    """The sign-up a link names, the language to answer in and its campaign's name; a good
    link under another page's address is answered as an unknown address."""
    try:
        found = supporters.confirming(session, slug, token) if action == "confirm" \
            else supporters.leaving(session, slug, token)
    except supporters.ElsewhereLink:
        return missing(language(lang, request.headers.get("accept-language")))
    campaign = supporters.campaign_name(session, found) if found is not None else ""
    return found, _locale(lang, found, request), campaign


def _locale(given: str | None, found: Any, request: Request) -> str:
    # The link carries the supporter's language; failing that, the one they signed up in.
    if given and locales.is_supported(given):
        return given
    if found is not None and locales.is_supported(found.language):
        return str(found.language)
    return language(None, request.headers.get("accept-language"))


def public_get(request: Request, session: Session, slug: str, action: str, token: str,
               lang: str | None) -> Response:
    """The page an emailed link opens: a button that confirms or unsubscribes, as a mail
    program's link checker opening it changes nothing."""
    followed = _found(request, session, action, slug, token, lang)
    if isinstance(followed, Response):
        return followed
    found, locale, campaign = followed
    with catalogs.use_locale(locale):
        return _page("supporter.html", locale=locale, action=action, good=found is not None,
                     done=False, address=request.url.path, campaign=campaign,
                     status=200 if found else 404)


@router.post("/p/{slug}/{action}/{token}")
async def follow_link(slug: Annotated[str, PathParam(max_length=100)],
                      action: Annotated[str, PathParam(max_length=20)],
                      token: Annotated[str, PathParam(max_length=200)], request: Request,
                      session: SessionDep) -> Response:
    """The button of those pages, and RFC 8058's one-click POST a mail program sends to the
    List-Unsubscribe address: the token in the address is all it needs."""
    if action not in ACTIONS:
        return public_error(request, 405, N_("Something went wrong"),
                            N_("That cannot be done here."))
    form = await request.form()
    given = str(form.get("lang") or request.query_params.get("lang") or "")
    followed = _found(request, session, action, slug, token, given)
    if isinstance(followed, Response):
        return followed
    _, locale, campaign = followed

    def write() -> bool:
        if action == "unsubscribe":
            supporters.unsubscribe(session, slug, token)
            return True
        good = supporters.confirm(session, slug, token) is not None
        if good:
            # Planned at once: a vote in less than two days is reminded of at the next tick.
            reminders.plan(session)
        return good

    def answer(good: bool) -> Response:
        return _page("supporter.html", locale=locale, action=action, good=good, done=True,
                     address=request.url.path, campaign=campaign,
                     status=200 if good else 404)

    return save_or_show(session, write, done=answer, again=lambda _: answer(False))


# ---- the leads' side -------------------------------------------------------------------------

@router.get("/campaigns/{campaign_id}/public/supporters")
def supporters_page(campaign_id: RecordId, request: Request, session: SessionDep,
                    actor: UserDep) -> Response:
    user = acting_user(request, actor)
    campaign = campaigns.crud.get(session, user, campaign_id)
    counts = supporters.counts(session, user, campaign_id)
    return render(request, "public_pages/supporters.html",
                  {"campaign": campaign, "counts": counts, **mail_warning(session, user)})


@router.get("/campaigns/{campaign_id}/public/supporters.csv")
def export_supporters(campaign_id: RecordId, request: Request, session: SessionDep,
                      actor: UserDep) -> Response:
    user = acting_user(request, actor)

    def download(rows: list[tuple[str, str, str, str]]) -> Response:
        return Response(csv_export.document(supporters.EXPORT_COLUMNS, rows),
                        media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="supporters-{campaign_id}.csv"',
                                 "Cache-Control": "no-store"})

    # The export is written in the audit log, committed before the file goes out.
    return save_or_show(session, lambda: supporters.export(session, user, campaign_id),
                        done=download, again=lambda _: supporters_page(
                            campaign_id, request, session, actor), page_refusals=True)


def form_token(campaign_id: int) -> str:
    """For the public pages' templates: the sign-up form's token."""
    return supporters.form_token(campaign_id)

