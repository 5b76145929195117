"""The signed-in user's account (password, two-factor, API tokens, sessions), the people and
access page for leads and administrators, and the audit log."""

from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from api.auth import audit, mail, permissions, sessions
from api.auth import service as accounts
from api.auth.middleware import clear_session_cookie, is_secure
from api.auth.models import Role, TokenScope, User, UserUpdate
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Forbidden
from api.fields import MAX_INT
from api.organizations.models import Organization
from api.routing import PathRouter
from api.settings import get_settings
from web.templating import templates

router = PathRouter(include_in_schema=False)

PasswordField = Annotated[str, Form(max_length=1024)]
MAX_TOKEN_NAME = 100
MAX_TOKEN_DAYS = 3650
NOTICES = {
    "password": "Your password is changed. Every other session was signed out.",
    "two-factor-on": "Two-factor sign-in is on.",
    "two-factor-off": "Two-factor sign-in is off.",
    "token-revoked": "The token is revoked; it no longer works.",
    "session-ended": "That session is signed out.",
    "invitation-revoked": "The invitation is withdrawn; its link no longer works.",
    "user-saved": "The account is saved.",
    "settings-saved": "The security settings are saved.",
}


def _current_session_id(request: Request) -> int | None:
    identity = getattr(request.state, "identity", None)
    return getattr(identity, "session_id", None)


def _account(request: Request, session: Session, user: User, *, status: int = 200,
             **extra: Any) -> HTMLResponse:
    context = {
        "user": user,
        "sessions": sessions.of_user(session, user.id),  # type: ignore[arg-type]
        "current_session_id": _current_session_id(request),
        "tokens": accounts.tokens_of(session, user),
        "two_factor_required": accounts.two_factor_required(session, user),
        "notice": NOTICES.get(request.query_params.get("done", "")),
        "organization": (session.get(Organization, user.organization_id)
                         if user.organization_id else None),
        **extra,
    }
    return templates.TemplateResponse(request, "account/index.html", context,
                                      status_code=status)


def _done(where: str, key: str) -> RedirectResponse:
    return RedirectResponse(f"{where}?done={key}", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    return _account(request, session, user)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, session: SessionDep, user: UserDep,
                    current_password: PasswordField, new_password: PasswordField) -> Response:
    try:
        accounts.change_password(session, user, current=current_password, new=new_password,
                                 keep_session_id=_current_session_id(request))
    except DomainError as exc:
        return _account(request, session, user, status=exc.status, password_error=exc.message)
    session.commit()
    return _done("/account", "password")


@router.post("/account/two-factor/start", response_class=HTMLResponse)
def start_two_factor(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    secret = accounts.begin_two_factor(session, user)
    session.commit()
    return _account(request, session, user, totp_secret=secret,
                    totp_uri=accounts.provisioning_uri(user))


@router.post("/account/two-factor/confirm", response_class=HTMLResponse)
def confirm_two_factor(request: Request, session: SessionDep, user: UserDep,
                       code: Annotated[str, Form(max_length=20)]) -> Response:
    try:
        accounts.confirm_two_factor(session, user, code)
    except DomainError as exc:
        return _account(request, session, user, status=exc.status, totp_error=exc.message,
                        totp_secret=user.totp_secret, totp_uri=accounts.provisioning_uri(user))
    session.commit()
    return _done("/account", "two-factor-on")


@router.post("/account/two-factor/disable", response_class=HTMLResponse)
def disable_two_factor(request: Request, session: SessionDep, user: UserDep,
                       password: PasswordField) -> Response:
    try:
        accounts.disable_two_factor(session, user, password=password)
    except DomainError as exc:
        return _account(request, session, user, status=exc.status, totp_error=exc.message)
    session.commit()
    return _done("/account", "two-factor-off")


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, user: UserDep,
                 name: Annotated[str, Form(max_length=1000)] = "",
                 scope: Annotated[str, Form(max_length=20)] = "",
                 days: Annotated[str, Form(max_length=20)] = "") -> HTMLResponse:
    # Read as text and checked here, so a refused token keeps the account page around it.
    problem = _token_problem(name, scope, days)
    if problem:
        return _account(request, session, user, status=422, token_error=problem)
    try:
        token, raw = accounts.create_token(session, user, name=name.strip(),
                                           scope=TokenScope(scope),
                                           days=int(days) if days.strip() else None)
    except DomainError as exc:
        return _account(request, session, user, status=exc.status, token_error=exc.message)
    session.commit()
    # Shown this once; only its hash is kept.
    return _account(request, session, user, new_token=raw, new_token_name=token.name)


def _token_problem(name: str, scope: str, days: str) -> str:
    if not name.strip():
        return "Give the token a name, such as the script that will use it."
    if len(name.strip()) > MAX_TOKEN_NAME:
        return f"A token's name is at most {MAX_TOKEN_NAME} characters."
    if scope not in {s.value for s in TokenScope}:
        return "Choose what the token may do: read only, or read and write."
    if days.strip() and not (days.strip().isdigit() and 1 <= int(days) <= MAX_TOKEN_DAYS):
        return (f"Expires after: a whole number of days from 1 to {MAX_TOKEN_DAYS}, "
                "or empty for a token that does not expire.")
    return ""


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(session: SessionDep, user: UserDep, token_id: int) -> Response:
    accounts.revoke_token(session, user, token_id)
    session.commit()
    return _done("/account", "token-revoked")


@router.post("/account/sessions/{session_id}/revoke")
def end_session(request: Request, session: SessionDep, user: UserDep,
                session_id: int) -> Response:
    sessions.end_by_id(session, user.id, session_id)  # type: ignore[arg-type]
    session.commit()
    if session_id == _current_session_id(request):
        response = RedirectResponse("/login", status_code=303)
        clear_session_cookie(response, secure=is_secure(request.scope))
        return response
    return _done("/account", "session-ended")


@router.post("/account/sessions/revoke-all")
def end_all_sessions(request: Request, session: SessionDep, user: UserDep) -> Response:
    """Sign out everywhere, this browser included."""
    sessions.end_all(session, user.id)  # type: ignore[arg-type]
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, secure=is_secure(request.scope))
    return response


# ---- people and access --------------------------------------------------------------------


def _require_lead(user: User) -> None:
    if not permissions.can_read_audit(user):
        raise Forbidden("Only leads and administrators can manage access.")


def _admin_page(request: Request, session: Session, user: User, *, status: int = 200,
                **extra: Any) -> HTMLResponse:
    _require_lead(user)
    context = {
        "user": user,
        "users": list(session.exec(select(User).where(User.email != accounts.SYSTEM_EMAIL)
                                   .order_by(User.name)).all()),
        "organizations": list(session.exec(select(Organization)
                                           .order_by(Organization.name)).all()),
        "invitations": accounts.pending_invitations(session, user),
        "settings": accounts.instance_settings(session),
        "roles": [r.value for r in Role],
        "is_admin": permissions.can_administer(user),
        "notice": NOTICES.get(request.query_params.get("done", "")),
        **extra,
    }
    return templates.TemplateResponse(request, "account/admin.html", context,
                                      status_code=status)


def _optional_id(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_INT:
        raise DomainError("Choose an organization from the list.")
    return int(value)


def _send_invitation(email: str, link: str, inviter: str) -> None:
    mail.send(to=email, subject="You are invited to Oversight", body=(
        f"{inviter} invited you to your coalition's Oversight.\n\n"
        f"Open this link within 7 days to create your account (it works once):\n{link}\n"))


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    return _admin_page(request, session, user)


@router.post("/admin/invitations", response_class=HTMLResponse)
def invite(request: Request, session: SessionDep, user: UserDep, background: BackgroundTasks,
           email: Annotated[str, Form(max_length=254)], role: Annotated[Role, Form()],
           organization_id: Annotated[str, Form(max_length=12)] = "") -> HTMLResponse:
    try:
        invitation, raw = accounts.invite(session, user, email=email, role=role,
                                          organization_id=_optional_id(organization_id))
    except DomainError as exc:
        return _admin_page(request, session, user, status=exc.status, invite_error=exc.message)
    session.commit()
    link = f"{get_settings().base_url.rstrip('/')}/invite/{raw}"
    background.add_task(_send_invitation, invitation.email, link, user.name)
    return _admin_page(request, session, user, invite_link=link, invited=invitation.email)


@router.post("/admin/invitations/{invitation_id}/revoke")
def revoke_invitation(session: SessionDep, user: UserDep, invitation_id: int) -> Response:
    accounts.revoke_invitation(session, user, invitation_id)
    session.commit()
    return _done("/admin/users", "invitation-revoked")


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def update_user(request: Request, session: SessionDep, user: UserDep, user_id: int,
                role: Annotated[Role, Form()],
                organization_id: Annotated[str, Form(max_length=12)] = "",
                is_active: Annotated[str, Form(max_length=5)] = "") -> Response:
    try:
        data = UserUpdate(role=role, organization_id=_optional_id(organization_id),
                          is_active=is_active == "on")
        accounts.crud.update(session, user, user_id, data)
    except DomainError as exc:
        return _admin_page(request, session, user, status=exc.status, user_error=exc.message)
    session.commit()
    return _done("/admin/users", "user-saved")


@router.post("/admin/settings")
def update_settings(session: SessionDep, user: UserDep,
                    require_totp_for_leads: Annotated[str, Form(max_length=5)] = "") -> Response:
    accounts.set_require_two_factor(session, user, require_totp_for_leads == "on")
    session.commit()
    return _done("/admin/users", "settings-saved")


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, user: UserDep,
              record_kind: Annotated[str | None, Query(max_length=60,
                                                       pattern=r"^[a-z_]*$")] = None,
              record_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
              organization_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
              offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> HTMLResponse:
    rows, total = audit.entries(session, user, record_kind=record_kind or None,
                                record_id=record_id, organization_id=organization_id,
                                limit=100, offset=offset)
    organizations = {o.id: o.name for o in session.exec(select(Organization)).all()}
    context = {"entries": rows, "total": total, "offset": offset, "record_kind": record_kind,
               "record_id": record_id, "organization_id": organization_id,
               "organizations": organizations}
    return templates.TemplateResponse(request, "account/audit.html", context)
