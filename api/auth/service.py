"""Accounts: users, sign-in with throttling and two-factor codes, API tokens, invitations,
password resets and the instance's security settings."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
import sqlalchemy as sa
from sqlmodel import Session, select

from api import clock
from api.auth import passwords, permissions, sessions, tokens
from api.auth.models import (
    ApiToken,
    InstanceSetting,
    Invitation,
    LoginAttempt,
    PasswordReset,
    Role,
    TokenScope,
    User,
    UserCreate,
    UserRead,
    UserUpdate,
)
from api.auth.scoping import as_system
from api.crud import Crud
from api.errors import DomainError, Forbidden, Invalid, NotFound


def _end_sessions_of_disabled(session: Session, actor: Any, user: User,
                              values: dict[str, Any]) -> None:
    if not user.is_active:
        sessions.end_all(session, user.id)  # type: ignore[arg-type]
        session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id))


crud = Crud(
    User, create=UserCreate, update=UserUpdate, read=UserRead, label="user",
    search=("name", "email"), filters=("role", "organization_id", "is_active"),
    sort=("name", "email", "role"), default_sort="name", after_save=_end_sessions_of_disabled,
)

SYSTEM_EMAIL = "system@oversight.invalid"

# Sign-in throttling: failures counted over a sliding minute.
THROTTLE_WINDOW = timedelta(minutes=1)
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)

WRONG_CREDENTIALS = "The email address or password is not right."
THROTTLED = ("Too many sign-in attempts for this account or from this address. "
             "Wait a minute, then try again.")
CODE_NEEDED = "Enter the six-digit code from your authenticator app."


class SignInRefused(DomainError):
    status = 401


class SignInThrottled(DomainError):
    status = 429


def system_user(session: Session) -> User:
    """The account that command-line and scheduled work acts as; it has no password."""
    found = session.exec(select(User).where(User.email == SYSTEM_EMAIL)).first()
    if found is None:
        found = User(email=SYSTEM_EMAIL, name="Oversight", role=Role.admin)
        session.add(found)
        session.flush()
    return found


def normalized(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(sa.func.lower(User.email) == normalized(email))).first()


# ---- sign-in -------------------------------------------------------------------------------


@dataclass
class SignedIn:
    user: User
    token: str


def _keys(email: str, address: str) -> tuple[str, str]:
    return (f"account:{tokens.digest(normalized(email))}",
            f"address:{tokens.digest(address or 'unknown')}")


def _failures(session: Session, key: str) -> int:
    since = clock.now() - THROTTLE_WINDOW
    stmt = select(sa.func.count()).select_from(LoginAttempt).where(LoginAttempt.key == key,
                                                                    LoginAttempt.at > since)
    return int(session.exec(stmt).one())


def _failed(session: Session, keys: tuple[str, ...],
            message: str = WRONG_CREDENTIALS) -> SignInRefused:
    now = clock.now()
    for key in keys:
        session.add(LoginAttempt(key=key, at=now))
    session.flush()
    return SignInRefused(message)


def sign_in(session: Session, *, email: str, password: str, code: str = "",
            address: str = "", user_agent: str = "") -> SignedIn:
    """Checks the credentials and starts a session. Every refusal reads the same and costs the
    same whether or not the account exists; the caller commits even when this raises, so
    failures are counted."""
    account_key, address_key = _keys(email, address)
    if (_failures(session, account_key) >= FAILURES_PER_ACCOUNT
            or _failures(session, address_key) >= FAILURES_PER_ADDRESS):
        raise SignInThrottled(THROTTLED)
    user = find_by_email(session, email)
    usable = user is not None and user.is_active and user.email != SYSTEM_EMAIL
    ok, new_hash = passwords.verify(password[:passwords.MAX_LENGTH],
                                    user.password_hash if usable and user else None)
    if not ok or user is None:
        raise _failed(session, (account_key, address_key))
    if user.totp_enabled:
        if not code.strip():
            raise SignInRefused(CODE_NEEDED)
        if not check_code(user, code):
            raise _failed(session, (account_key, address_key), CODE_NEEDED)
    # Nobody is signed in yet: the checks above are what lets these writes through.
    with as_system(session):
        if new_hash:
            user.password_hash = new_hash
        user.last_login_at = clock.now()
        session.add(user)
        session.execute(sa.delete(LoginAttempt).where(LoginAttempt.key == account_key))
        raw = sessions.start(session, user, user_agent=user_agent, address=address)
    return SignedIn(user, raw)


def forget_old_attempts(session: Session) -> int:
    stmt = sa.delete(LoginAttempt).where(LoginAttempt.at <= clock.now() - THROTTLE_WINDOW)
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def set_password(session: Session, user: User, password: str) -> None:
    passwords.check_new(password, email=user.email)
    user.password_hash = passwords.hash_password(password)
    user.updated_at = clock.now()
    session.add(user)
    session.flush()


def change_password(session: Session, user: User, *, current: str, new: str,
                    keep_session_id: int | None) -> None:
    """Changes the password and signs out every other session."""
    ok, _ = passwords.verify(current, user.password_hash)
    if not ok:
        raise Invalid("Your current password is not right.", field="current_password")
    set_password(session, user, new)
    sessions.end_all(session, user.id, keep_id=keep_session_id)  # type: ignore[arg-type]


# ---- two-factor codes ----------------------------------------------------------------------


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret or "")


def check_code(user: User, code: str) -> bool:
    """A current code (one step of clock drift allowed) not used before."""
    if not user.totp_secret:
        return False
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = _totp(user)
    now = clock.now()
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        if tokens.same(code, totp.at(now, counter_offset=offset)):
            used = step + offset
            if user.totp_last_step is not None and used <= user.totp_last_step:
                return False
            user.totp_last_step = used
            return True
    return False


def begin_two_factor(session: Session, user: User) -> str:
    """A new secret to scan; two-factor is on only once a code from it is confirmed."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.totp_last_step = None
    session.add(user)
    session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return _totp(user).provisioning_uri(name=user.email, issuer_name="Oversight")


def confirm_two_factor(session: Session, user: User, code: str) -> None:
    if not check_code(user, code):
        raise Invalid("That code is not right; check your device's clock and try again.",
                      field="code")
    user.totp_enabled = True
    session.add(user)
    session.flush()


def disable_two_factor(session: Session, user: User, *, password: str) -> None:
    if two_factor_required(session, user):
        raise Forbidden("Two-factor sign-in is required for your role on this instance.")
    ok, _ = passwords.verify(password, user.password_hash)
    if not ok:
        raise Invalid("Your password is not right.", field="password")
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    session.add(user)
    session.flush()


def instance_settings(session: Session) -> InstanceSetting:
    found = session.exec(select(InstanceSetting).order_by(InstanceSetting.id)).first()
    return found or InstanceSetting(require_totp_for_leads=False)


def set_require_two_factor(session: Session, actor: Any, required: bool) -> InstanceSetting:
    if not permissions.can_administer(actor):
        raise Forbidden("Only an administrator can change instance security settings.")
    found = session.exec(select(InstanceSetting).order_by(InstanceSetting.id)).first()
    if found is None:
        found = InstanceSetting()
    found.require_totp_for_leads = required
    session.add(found)
    session.flush()
    return found


def two_factor_required(session: Session, user: User) -> bool:
    """Whether the instance requires two-factor sign-in of the user (api.auth.credentials
    decides the same at the door, from the rule read with the session)."""
    return user.role == Role.lead and instance_settings(session).require_totp_for_leads


# ---- API tokens ----------------------------------------------------------------------------


def create_token(session: Session, user: User, *, name: str, scope: TokenScope,
                 days: int | None = None) -> tuple[ApiToken, str]:
    """A new personal API token; the returned secret is shown once and never stored."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise Invalid("Give the token a name of up to 100 characters.", field="name")
    if days is not None and not 1 <= days <= 3650:
        raise Invalid("A token lasts between 1 and 3650 days.", field="days")
    raw = tokens.new_api_token()
    now = clock.now()
    token = ApiToken(user_id=user.id, name=name, prefix=raw[:10],  # type: ignore[arg-type]
                     token_hash=tokens.digest(raw), scope=scope, created_at=now,
                     expires_at=now + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    return token, raw


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.exec(stmt.order_by(ApiToken.created_at.desc())).all())  # type: ignore[attr-defined]


def revoke_token(session: Session, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(f"No token with id {token_id}.")
    session.delete(token)
    session.flush()


# ---- invitations and resets ----------------------------------------------------------------


def invite(session: Session, actor: Any, *, email: str, organization_id: int | None,
           role: Role) -> tuple[Invitation, str]:
    """An invitation link for the address; the token is returned once, for the email."""
    if not permissions.can_invite(actor, role):
        raise Forbidden("Your role cannot invite people with that role.")
    email = normalized(email)
    if "@" not in email or len(email) > 254:
        raise Invalid("Enter an email address.", field="email")
    if role in (Role.partner, Role.viewer) and organization_id is None:
        raise Invalid("Partner members and viewers belong to an organization; choose one.",
                      field="organization_id")
    if organization_id is not None:
        from api.organizations.models import Organization  # noqa: PLC0415

        if session.get(Organization, organization_id) is None:
            raise Invalid(f"No organization with id {organization_id}.", field="organization_id")
    raw = tokens.new_token()
    now = clock.now()
    invitation = Invitation(email=email, organization_id=organization_id, role=role,
                            token_hash=tokens.digest(raw), invited_by_id=getattr(actor, "id", None),
                            created_at=now, expires_at=now + INVITATION_LIFETIME)
    session.add(invitation)
    session.flush()
    return invitation, raw


def open_invitation(session: Session, raw: str) -> Invitation | None:
    found = session.exec(select(Invitation).where(
        Invitation.token_hash == tokens.digest(raw))).first()
    if found is None or found.accepted_at is not None or found.expires_at <= clock.now():
        return None
    return found


def accept_invitation(session: Session, raw: str, *, name: str, password: str) -> User:
    """Creates the invited account; the link works once."""
    invitation = open_invitation(session, raw)
    if invitation is None:
        raise Invalid("This invitation link has expired or was already used. Ask for a new one.")
    if find_by_email(session, invitation.email) is not None:
        raise Invalid("An account already exists for this address: sign in, or reset your "
                      "password from the sign-in page.")
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise Invalid("Enter your name.", field="name")
    passwords.check_new(password, email=invitation.email)
    with as_system(session):
        user = User(email=invitation.email, name=name, role=invitation.role,
                    organization_id=invitation.organization_id,
                    password_hash=passwords.hash_password(password))
        session.add(user)
        invitation.accepted_at = clock.now()
        session.add(invitation)
        session.flush()
    return user


def pending_invitations(session: Session, actor: Any) -> list[Invitation]:
    if not permissions.can_invite(actor, Role.viewer):
        raise Forbidden("Only leads and administrators manage invitations.")
    stmt = select(Invitation).where(Invitation.accepted_at.is_(None),  # type: ignore[union-attr]
                                    Invitation.expires_at > clock.now())
    return list(session.exec(stmt.order_by(Invitation.created_at.desc())).all())  # type: ignore[attr-defined]


def revoke_invitation(session: Session, actor: Any, invitation_id: int) -> None:
    if not permissions.can_invite(actor, Role.viewer):
        raise Forbidden("Only leads and administrators manage invitations.")
    found = session.get(Invitation, invitation_id)
    if found is None:
        raise NotFound(f"No invitation with id {invitation_id}.")
    session.delete(found)
    session.flush()


def request_reset(session: Session, email: str) -> tuple[User, str] | None:
    """A reset token for an active account with this address, or None; the caller answers the
    same either way."""
    user = find_by_email(session, email)
    if user is None or not user.is_active or user.email == SYSTEM_EMAIL:
        return None
    raw = tokens.new_token()
    now = clock.now()
    session.add(PasswordReset(user_id=user.id, token_hash=tokens.digest(raw), created_at=now,  # type: ignore[arg-type]
                              expires_at=now + RESET_LIFETIME))
    session.flush()
    return user, raw


def open_reset(session: Session, raw: str) -> PasswordReset | None:
    found = session.exec(select(PasswordReset).where(
        PasswordReset.token_hash == tokens.digest(raw))).first()
    if found is None or found.used_at is not None or found.expires_at <= clock.now():
        return None
    return found


def reset_password(session: Session, raw: str, password: str) -> User:
    """Sets a new password with a reset token, once, and signs the account out everywhere."""
    reset = open_reset(session, raw)
    user = session.get(User, reset.user_id) if reset else None
    if reset is None or user is None or not user.is_active:
        raise Invalid("This reset link has expired or was already used. Ask for a new one.")
    with as_system(session):
        set_password(session, user, password)
        reset.used_at = clock.now()
        session.add(reset)
        session.execute(sa.delete(PasswordReset).where(PasswordReset.user_id == user.id,
                                                       PasswordReset.id != reset.id))
        sessions.end_all(session, user.id)  # type: ignore[arg-type]
        session.flush()
    return user


def create_admin(session: Session, *, email: str, name: str, password: str) -> User:
    """The first administrator, from the command line; there is no default password."""
    if find_by_email(session, email) is not None:
        raise Invalid(f"An account with the address {normalized(email)} already exists.",
                      field="email")
    validated = UserCreate.model_validate({"email": normalized(email), "name": name,
                                           "role": Role.admin})
    passwords.check_new(password, email=validated.email)
    user = User(email=validated.email, name=validated.name, role=Role.admin,
                password_hash=passwords.hash_password(password))
    session.add(user)
    session.flush()
    return user
