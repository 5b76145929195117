"""The signed-in user's account (password, two-factor, API tokens, sessions), the people and
access page for leads and administrators, and the audit log."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, select

from api import public_url
from api.accounts import emails, mail
from api.accounts import service as accounts
from api.agencies.models import Agency
from api.alerts import service as alerts
from api.alerts.channels.email import SmtpConfig
from api.auth import audit, instance, permissions, sessions
from api.auth.client_address import client_address
from api.auth.cookies import clear_session_cookie, device_cookie, is_secure, set_device_cookie
from api.auth.models import Role, TokenScope, User, UserUpdate
from api.bodies.models import Body
from api.campaigns.models import Campaign
from api.contracts.models import Contract
from api.deps import SessionDep, UserDep
from api.errors import DomainError, Forbidden
from api.fields import MAX_INT, stored_id
from api.i18n import catalogs, locales
from api.i18n.catalogs import N_, gettext
from api.jurisdictions.models import Jurisdiction
from api.organizations.models import Organization
from api.routing import PathRouter
from api.targets.models import Target
from api.vendors.models import Vendor
from api.votes.models import Vote
from web import htmx
from web.forms import FORM, Rejected, save_or_show
from web.ids import RecordId, whole_number
from web.templating import templates

router = PathRouter(include_in_schema=False)

PasswordField = Annotated[str, Form(max_length=1024)]
CodeField = Annotated[str, Form(max_length=20)]
MAX_TOKEN_NAME = 100
MAX_TOKEN_DAYS = 3650
NOTICES = {
    "password": N_("Your password is changed. Every other session was signed out."),
    "two-factor-on": N_("Two-factor sign-in is on."),
    "two-factor-on-tokens-revoked": N_("Two-factor sign-in is on, and your older API tokens "
                                       "are revoked: make new ones for the scripts that need "
                                       "them."),
    "two-factor-off": N_("Two-factor sign-in is off."),
    "token-revoked": N_("The token is revoked; it no longer works."),
    "session-ended": N_("That session is signed out."),
    "invitation-revoked": N_("The invitation is withdrawn; its link no longer works."),
    "user-saved": N_("The account is saved."),
    "settings-saved": N_("The coalition's settings are saved."),
    "language": N_("Your language is saved."),
}
# Who a new organization's records are shared with until it chooses: "" keeps each kind's own.
NEW_ORGANIZATION_SHARING = {
    "": N_("Each kind's own (a meeting or a person private, a target or an action the "
           "coalition's)"),
    "private": N_("The organization only"),
    "leads": N_("The organization and the coalition's leads"),
    "coalition": N_("The whole coalition"),
    "public": N_("Anyone (public)"),
}


def _notice(done: str) -> str | None:
    return gettext(NOTICES[done]) if done in NOTICES else None


def _current_session_id(request: Request) -> int | None:
    identity = getattr(request.state, "identity", None)
    return getattr(identity, "session_id", None)


def _account(request: Request, session: Session, user: User, *, status: int = 200,
             **extra: Any) -> Response:
    context = {
        "user": user,
        "sessions": sessions.of_user(session, stored_id(user)),
        "current_session_id": _current_session_id(request),
        "tokens": accounts.tokens_of(session, user),
        "two_factor_required": accounts.two_factor_required(session, user),
        "notice": _notice(request.query_params.get("done", "")),
        "organization": (session.get(Organization, user.organization_id)
                         if user.organization_id else None),
        "may_export": (user.organization_id is not None
                       and permissions.may_manage_organization(user, user.organization_id)),
        **extra,
    }
    return templates.TemplateResponse(request, "account/index.html", context,
                                      status_code=status)


def _shown_with(request: Request, session: Session, user: User,
                error: str) -> Callable[[Rejected], Response]:
    """The account page again, with what was wrong by the form it came from (`error`)."""
    return lambda rejected: _account(request, session, user, status=rejected.status,
                                     **{error: rejected.message})


def _admin_with(request: Request, session: Session, user: User,
                error: str) -> Callable[[Rejected], Response]:
    """The users page again, with what was wrong by the form it came from (`error`)."""
    return lambda rejected: _admin_page(request, session, user, status=rejected.status,
                                        **{error: rejected.message})


def _done(where: str, key: str) -> RedirectResponse:
    return RedirectResponse(f"{where}?done={key}", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, session: SessionDep, user: UserDep) -> Response:
    return _account(request, session, user)


def _whole_page_again(request: Request, url: str) -> Response:
    """After a language change: <html lang>, the navigation and the rest of the page speak the
    old language until the whole page loads again, so htmx (a boosted form swaps only the body)
    is told to load it in full; a browser without JavaScript follows the 303."""
    if htmx.is_htmx(request):
        return htmx.redirect(Response(status_code=204), url)
    return RedirectResponse(url, status_code=303)


@router.post("/account/language", response_class=HTMLResponse)
def choose_language(request: Request, session: SessionDep, user: UserDep,
                    language: Annotated[str, Form(max_length=8)] = "") -> Response:
    return save_or_show(session, lambda: accounts.set_language(session, user, language or None),
                        done=lambda _: _whole_page_again(request, "/account?done=language"),
                        again=_shown_with(request, session, user, "language_error"), status=None)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, session: SessionDep, user: UserDep,
                    current_password: PasswordField, new_password: PasswordField) -> Response:
    secure = is_secure(request.scope)

    def done(device: str) -> Response:
        response = _done("/account", "password")
        set_device_cookie(response, device, secure=secure)
        return response

    # Kept when refused: a wrong current password counts toward throttling.
    return save_or_show(session, lambda: accounts.change_password(
        session, user, current=current_password, new=new_password,
        keep_session_id=_current_session_id(request), address=client_address(request.scope),
        device=device_cookie(request.cookies, secure=secure)),
        done=done, again=_shown_with(request, session, user, "password_error"),
        keep_refused=True, status=None)


def _bound_to(request: Request) -> str:
    """What a key being set up is tied to: this browser session."""
    return str(_current_session_id(request))


@router.post("/account/two-factor/start", response_class=HTMLResponse)
def start_two_factor(request: Request, session: SessionDep, user: UserDep,
                     password: PasswordField = "", code: CodeField = "") -> Response:
    # Kept either way: a wrong password or code counts toward throttling, a right code is
    # used up.
    return save_or_show(session, lambda: accounts.begin_two_factor(
        session, user, password=password, code=code, address=client_address(request.scope),
        device=device_cookie(request.cookies, secure=is_secure(request.scope)),
        bound_to=_bound_to(request)),
        done=lambda pending: _account(request, session, user, pending=pending),
        again=_shown_with(request, session, user, "totp_error"), keep_refused=True,
        status=None)


@router.post("/account/two-factor/confirm", response_class=HTMLResponse)
def confirm_two_factor(request: Request, session: SessionDep, user: UserDep,
                       secret: Annotated[str, Form(max_length=64)] = "",
                       proof: Annotated[str, Form(max_length=100)] = "",
                       code: CodeField = "",
                       revoke_tokens: Annotated[str, Form(max_length=5)] = "") -> Response:
    bound_to = _bound_to(request)

    def again(rejected: Rejected) -> Response:
        pending = accounts.pending_two_factor(user, secret=secret, proof=proof,
                                              bound_to=bound_to)
        return _account(request, session, user, status=rejected.status,
                        totp_error=rejected.message, pending=pending)

    return save_or_show(session, lambda: accounts.confirm_two_factor(
        session, user, secret=secret, proof=proof, code=code, bound_to=bound_to,
        revoke_tokens=revoke_tokens == "on"),
        done=lambda revoked: _done("/account", "two-factor-on-tokens-revoked" if revoked
                                   else "two-factor-on"),
        again=again, status=None)


@router.post("/account/two-factor/disable", response_class=HTMLResponse)
def disable_two_factor(request: Request, session: SessionDep, user: UserDep,
                       password: PasswordField = "", code: CodeField = "") -> Response:
    # Kept when refused: a wrong password or code counts toward throttling.
    return save_or_show(session, lambda: accounts.disable_two_factor(
        session, user, password=password, code=code, address=client_address(request.scope),
        device=device_cookie(request.cookies, secure=is_secure(request.scope))),
        done=lambda _: _done("/account", "two-factor-off"),
        again=_shown_with(request, session, user, "totp_error"), keep_refused=True,
        status=None)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: SessionDep, user: UserDep,
                 name: Annotated[str, Form(max_length=1000)] = "",
                 scope: Annotated[str, Form(max_length=20)] = "",
                 days: Annotated[str, Form(max_length=20)] = "",
                 password: PasswordField = "", code: CodeField = "") -> Response:
    # Read as text and checked here, so a refused token keeps the account page around it.
    problem = _token_problem(name, scope, days)

    def write() -> tuple[Any, str]:
        # A token outlives the session it was made in: a stolen session alone must not make
        # one.
        accounts.confirm_identity(
            session, user, password=password, code=code, address=client_address(request.scope),
            device=device_cookie(request.cookies, secure=is_secure(request.scope)))
        return accounts.create_token(session, user, name=name.strip(), scope=TokenScope(scope),
                                     days=int(days) if days.strip() else None)

    def done(made: tuple[Any, str]) -> Response:
        token, raw = made
        # Shown this once; only its hash is kept.
        return _account(request, session, user, new_token=raw, new_token_name=token.name)

    # Kept when refused: a wrong password or code counts toward throttling.
    return save_or_show(session, write, done=done,
                        again=_shown_with(request, session, user, "token_error"),
                        errors={FORM: problem} if problem else None, keep_refused=True,
                        status=None)


def _token_problem(name: str, scope: str, days: str) -> str:
    if not name.strip():
        return gettext("Give the token a name, such as the script that will use it.")
    if len(name.strip()) > MAX_TOKEN_NAME:
        return gettext("A token's name is at most {count} characters.").format(
            count=MAX_TOKEN_NAME)
    if scope not in {s.value for s in TokenScope}:
        return gettext("Choose what the token may do: read only, or read and write.")
    if days.strip() and not 1 <= (whole_number(days) or 0) <= MAX_TOKEN_DAYS:
        return gettext("Expires after: a whole number of days from 1 to {count}, or empty for "
                       "a token that does not expire.").format(count=MAX_TOKEN_DAYS)
    return ""


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(session: SessionDep, user: UserDep, token_id: RecordId) -> Response:
    accounts.revoke_token(session, user, token_id)
    session.commit()
    return _done("/account", "token-revoked")


@router.post("/account/sessions/{session_id}/revoke")
def end_session(request: Request, session: SessionDep, user: UserDep,
                session_id: RecordId) -> Response:
    sessions.end_by_id(session, stored_id(user), session_id)
    session.commit()
    if session_id == _current_session_id(request):
        response = RedirectResponse("/login", status_code=303)
        clear_session_cookie(response, secure=is_secure(request.scope))
        return response
    return _done("/account", "session-ended")


@router.post("/account/sessions/revoke-all")
def end_all_sessions(request: Request, session: SessionDep, user: UserDep) -> Response:
    """Sign out everywhere, this browser included, and end every API token."""
    sessions.end_everywhere(session, stored_id(user))
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response, secure=is_secure(request.scope))
    return response


# ---- people and access --------------------------------------------------------------------


def _require_lead(user: User) -> None:
    if not permissions.can_read_audit(user):
        raise Forbidden(N_("Only leads and administrators can manage access."))


def _admin_page(request: Request, session: Session, user: User, *, status: int = 200,
                **extra: Any) -> Response:
    _require_lead(user)
    context = {
        "user": user,
        "users": list(session.exec(select(User).where(User.email != accounts.SYSTEM_EMAIL)
                                   .order_by(User.name)).all()),
        "organizations": list(session.exec(select(Organization)
                                           .order_by(Organization.name)).all()),
        "invitations": accounts.pending_invitations(session, user),
        "settings": accounts.instance_settings(session),
        "new_organization_sharing": NEW_ORGANIZATION_SHARING,
        "roles": [r.value for r in Role],
        "invite_roles": [r.value for r in permissions.invitable_roles(user)],
        "invite_role": permissions.DEFAULT_INVITED_ROLE.value,
        "languages": locales.NAMES, "language": catalogs.current(),
        "is_admin": permissions.can_administer(user),
        "notice": _notice(request.query_params.get("done", "")),
        **extra,
    }
    return templates.TemplateResponse(request, "account/admin.html", context,
                                      status_code=status)


def _optional_id(value: str) -> int | None:
    if not value.strip():
        return None
    found = whole_number(value, least=1)
    if found is None:
        raise DomainError(N_("Choose an organization from the list."))
    return found


def _send_invitation(email: str, message: emails.Email, server: SmtpConfig) -> None:
    mail.send(server=server, to=email, subject=message.subject, body=message.body)


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, session: SessionDep, user: UserDep) -> Response:
    return _admin_page(request, session, user)


@router.post("/admin/invitations", response_class=HTMLResponse)
def invite(request: Request, session: SessionDep, user: UserDep, background: BackgroundTasks,
           email: Annotated[str, Form(max_length=254)], role: Annotated[Role, Form()],
           organization_id: Annotated[str, Form(max_length=12)] = "",
           language: Annotated[str, Form(max_length=20)] = "") -> Response:
    # The email speaks the language the inviter picked for it, else the inviter's own.
    language = language or catalogs.current()
    unsupported = not locales.is_supported(language)

    def done(made: tuple[Any, str]) -> Response:
        invitation, raw = made
        link = f"{public_url.base_url()}/invite/{raw}"
        message = emails.invitation(inviter=user.name, link=link,
                                    expires_at=invitation.expires_at, language=language)
        background.add_task(_send_invitation, invitation.email, message,
                            alerts.smtp_config(session))
        return _admin_page(request, session, user, invite_link=link, invited=invitation.email)

    return save_or_show(
        session, lambda: accounts.invite(session, user, email=email, role=role,
                                         organization_id=_optional_id(organization_id)),
        done=done, again=_admin_with(request, session, user, "invite_error"),
        errors={FORM: gettext("Choose one of the languages offered.")} if unsupported else None,
        status=None)


@router.post("/admin/invitations/{invitation_id}/revoke")
def revoke_invitation(session: SessionDep, user: UserDep, invitation_id: RecordId) -> Response:
    accounts.revoke_invitation(session, user, invitation_id)
    session.commit()
    return _done("/admin/users", "invitation-revoked")


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def update_user(request: Request, session: SessionDep, user: UserDep, user_id: RecordId,
                role: Annotated[Role, Form()],
                organization_id: Annotated[str, Form(max_length=12)] = "",
                is_active: Annotated[str, Form(max_length=5)] = "") -> Response:

    def write() -> Any:
        data = UserUpdate(role=role, organization_id=_optional_id(organization_id),
                          is_active=is_active == "on")
        return accounts.crud.update(session, user, user_id, data)

    return save_or_show(session, write, done=lambda _: _done("/admin/users", "user-saved"),
                        again=_admin_with(request, session, user, "user_error"), status=None)


@router.post("/admin/settings", response_class=HTMLResponse)
def update_settings(request: Request, session: SessionDep, user: UserDep,
                    require_totp_for_leads: Annotated[str, Form(max_length=5)] = "",
                    default_visibility: Annotated[str | None, Form(max_length=20)] = None,
                    ) -> Response:
    changes: dict[str, Any] = {"require_totp_for_leads": require_totp_for_leads == "on"}
    errors: dict[str, str] = {}
    # A form from before the sharing choice sends none: the coalition's default stays as it is.
    if default_visibility is not None:
        chosen = default_visibility.strip()
        if chosen and chosen not in NEW_ORGANIZATION_SHARING:
            errors[FORM] = gettext("Choose who new organizations share with from the list.")
        changes["default_visibility"] = chosen or None
    return save_or_show(
        session, lambda: instance.update(session, user, instance.InstanceSettingsUpdate(**changes)),
        done=lambda _: _done("/admin/users", "settings-saved"),
        again=_admin_with(request, session, user, "settings_error"), errors=errors, status=None)


# The links a logged change may hold whose records have a name worth showing in its place.
LINKED_MODELS: dict[str, type[Any]] = {
    "agency_id": Agency, "body_id": Body, "campaign_id": Campaign, "contract_id": Contract,
    "jurisdiction_id": Jurisdiction, "organization_id": Organization, "target_id": Target,
    "vendor_id": Vendor, "vote_id": Vote}


def _linked_names(session: Session, user: User, rows: Any) -> dict[str, str]:
    """The name of each record a logged change links to ("Campaign: — → Stop the cameras"),
    where the reader may read that record; others stay a number."""
    names: dict[str, str] = {}
    looked_up: set[str] = set()
    for entry in rows:
        for field, change in (entry.changes or {}).items():
            model = LINKED_MODELS.get(field)
            if model is None or not isinstance(change, list | tuple):
                continue
            for value in change:
                key = f"{field}:{value}"
                if not isinstance(value, int) or isinstance(value, bool) or key in looked_up:
                    continue
                looked_up.add(key)
                record = session.get(model, value)
                if record is not None and permissions.can_read(user, record):
                    said = getattr(record, "name", None) or getattr(record, "title", None)
                    if said:
                        names[key] = str(said)
    return names


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, session: SessionDep, user: UserDep,
              record_kind: Annotated[str | None, Query(max_length=60,
                                                       pattern=r"^[a-z_]*$")] = None,
              record_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
              organization_id: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None,
              offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> Response:
    rows, total = audit.entries(session, user, record_kind=record_kind or None,
                                record_id=record_id, organization_id=organization_id,
                                limit=100, offset=offset)
    organizations = {o.id: o.name for o in session.exec(select(Organization)).all()}
    context = {"entries": rows, "total": total, "offset": offset, "record_kind": record_kind,
               "record_id": record_id, "organization_id": organization_id,
               "organizations": organizations,
               "linked_names": _linked_names(session, user, rows)}
    return templates.TemplateResponse(request, "account/audit.html", context)
