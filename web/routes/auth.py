"""Sign-in and sign-out, password reset by emailed link, and accepting an invitation."""

from typing import Annotated

from fastapi import BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import public_url
from api.accounts import emails, mail
from api.accounts import service as accounts
from api.alerts import service as alerts
from api.alerts.channels.email import SmtpConfig
from api.auth import devices, sessions
from api.auth.client_address import client_address
from api.auth.cookies import (
    SESSION_COOKIE,
    clear_session_cookie,
    cookie_name,
    device_cookie,
    is_secure,
    set_device_cookie,
    set_session_cookie,
)
from api.auth.models import User
from api.deps import SessionDep
from api.i18n import catalogs
from api.i18n.catalogs import N_, gettext
from api.routing import PathRouter
from web.forms import Rejected, save_or_show
from web.templating import templates

router = PathRouter(include_in_schema=False)

ShortField = Annotated[str, Form(max_length=320)]
PasswordField = Annotated[str, Form(max_length=1024)]
RESET_SENT = N_("If an account uses that address, a link to set a new password is on its way. "
              "It works once, within an hour.")
# Said before and after a request alike, and for any address, so it tells nothing about who
# has an account here.
NO_MAIL_SERVER = N_("This instance has no mail server, so no email will be sent. Ask an "
                  "administrator of this instance to reset your password.")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host, so the sign-in page is no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    return templates.TemplateResponse(request, template, context, status_code=status)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:  # noqa: A002
    if request.state.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _page(request, "auth/login.html", next=safe_next(next), email="")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, session: SessionDep, email: ShortField, password: PasswordField,
          code: Annotated[str, Form(max_length=20)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:  # noqa: A002
    secure = is_secure(request.scope)

    def write() -> accounts.SignedIn:
        signed_in = accounts.sign_in(session, email=email, password=password, code=code,
                                     address=client_address(request.scope),
                                     device=device_cookie(request.cookies, secure=secure),
                                     user_agent=request.headers.get("user-agent", ""))
        # Rotation at sign-in: whatever session this browser had before ends now.
        previous = request.cookies.get(cookie_name(SESSION_COOKIE, secure))
        if previous:
            sessions.end(session, previous)
        return signed_in

    def again(rejected: Rejected) -> Response:
        response = _page(request, "auth/login.html", status=rejected.status,
                         error=rejected.message, email=email, next=safe_next(next))
        if isinstance(rejected.refusal, accounts.SignInThrottled):
            response.headers["Retry-After"] = str(rejected.refusal.retry_after)
        return response

    # Kept when refused: the failure counts toward throttling.
    return save_or_show(session, write, done=lambda signed_in: _signed_in(
        request, signed_in, next, secure), again=again, keep_refused=True, status=None)


def _signed_in(request: Request, signed_in: accounts.SignedIn, next: str, secure: bool  # noqa: A002
               ) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, signed_in.token, secure=secure)
    set_device_cookie(response, signed_in.device, secure=secure)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    secure = is_secure(request.scope)
    raw = request.cookies.get(cookie_name(SESSION_COOKIE, secure))
    if raw:
        sessions.end(session, raw)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, secure=secure)
    return response


def _send_reset(email: str, message: emails.Email, server: SmtpConfig) -> None:
    mail.send(server=server, to=email, subject=message.subject, body=message.body)


@router.get("/password-reset", response_class=HTMLResponse)
def reset_request_page(request: Request, session: SessionDep) -> Response:
    mail_server = alerts.mail_server_configured(session)
    return _page(request, "auth/reset_request.html", mail_server=mail_server,
                 notice="" if mail_server else gettext(NO_MAIL_SERVER))


@router.post("/password-reset", response_class=HTMLResponse)
def reset_request(request: Request, session: SessionDep, background: BackgroundTasks,
                  email: ShortField) -> Response:
    server = alerts.smtp_config(session)

    def done(found: tuple[User, str] | None) -> Response:
        if found is not None:
            user, raw = found
            link = f"{public_url.base_url()}/password-reset/{raw}"
            # Sent after the answer, so how long sending takes tells nothing about the address.
            # Without a mail server it lands in the data directory, where an administrator who
            # is asked can find the link.
            reset = accounts.open_reset(session, raw)
            assert reset is not None  # made just now
            # In the account's language; one that never chose, in the language of this page.
            message = emails.password_reset(link=link, expires_at=reset.expires_at,
                                            language=user.language or catalogs.current())
            background.add_task(_send_reset, user.email, message, server)
        return _page(request, "auth/reset_request.html", mail_server=server.configured,
                     notice=gettext(RESET_SENT if server.configured else NO_MAIL_SERVER))

    return save_or_show(session, lambda: accounts.request_reset(session, email), done=done,
                        again=lambda rejected: _page(
                            request, "auth/reset_request.html", mail_server=server.configured,
                            notice=rejected.message, status=rejected.status))


@router.get("/password-reset/{token}", response_class=HTMLResponse)
def reset_page(request: Request, session: SessionDep, token: str) -> Response:
    valid = accounts.open_reset(session, token) is not None
    return _page(request, "auth/reset.html", valid=valid, token=token,
                 status=200 if valid else 404)


@router.post("/password-reset/{token}", response_class=HTMLResponse)
def reset(request: Request, session: SessionDep, token: str,
          password: PasswordField) -> Response:

    def write() -> str:
        user = accounts.reset_password(session, token, password)
        # Only the owner's mailbox had the link. While others guess at the account, this is how
        # its owner gets in from a browser the account does not know yet.
        return devices.issue(user)

    def done(device: str) -> Response:
        response = RedirectResponse("/login?reset=done", status_code=303)
        set_device_cookie(response, device, secure=is_secure(request.scope))
        return response

    def again(rejected: Rejected) -> Response:
        valid = accounts.open_reset(session, token) is not None
        return _page(request, "auth/reset.html", status=rejected.status, valid=valid,
                     token=token, error=rejected.message)

    return save_or_show(session, write, done=done, again=again, status=None)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, session: SessionDep, token: str) -> Response:
    invitation = accounts.open_invitation(session, token)
    return _page(request, "auth/invite.html", invitation=invitation, token=token,
                 status=200 if invitation else 404)


@router.post("/invite/{token}", response_class=HTMLResponse)
def accept_invitation(request: Request, session: SessionDep, token: str,
                      name: Annotated[str, Form(max_length=200)],
                      password: PasswordField) -> Response:

    def again(rejected: Rejected) -> Response:
        invitation = accounts.open_invitation(session, token)
        return _page(request, "auth/invite.html", status=rejected.status,
                     invitation=invitation, token=token, error=rejected.message, name=name)

    return save_or_show(
        session, lambda: accounts.accept_invitation(session, token, name=name, password=password),
        done=lambda _: RedirectResponse("/login?welcome=1", status_code=303), again=again,
        status=None)
