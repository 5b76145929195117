"""Accounts: users, sign-in with throttling and two-factor codes, API tokens, invitations,
password resets and the instance's security settings."""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv6Address, ip_address, ip_network
from typing import Any

import pyotp
import sqlalchemy as sa
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError
from sqlmodel import Session, select

from api import clock
from api.auth import devices, passwords, permissions, sessions, table_access, tokens
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
from api.db import rows_changed
from api.errors import NO_SUCH, DomainError, Forbidden, Invalid, NotFound, Term
from api.fields import stored_id
from api.i18n import locales
from api.i18n.catalogs import N_, gettext, ngettext
from api.i18n.validation_words import email_words


def _end_sessions_of_disabled(session: Session, actor: User, user: User,
                              values: dict[str, Any]) -> None:
    if not user.is_active:
        sessions.end_everywhere(session, stored_id(user))


crud = Crud(
    User, create=UserCreate, update=UserUpdate, read=UserRead, label="user",
    search=("name", "email"), filters=("role", "organization_id", "is_active"),
    sort=("name", "email", "role"), default_sort="name", after_save=_end_sessions_of_disabled,
)

SYSTEM_EMAIL = "system@oversight.invalid"

# Sign-in throttling. A browser that signed in to an account before holds a signed device
# cookie naming it (api.auth.devices); its attempts at that account are held back only by its
# own failures, so nobody guessing elsewhere can lock the owner out, even after a typo. Every
# other attempt (a new browser, an expired or forged cookie, one for another account) is held
# back both by its address's failures, across accounts, and by every such failure at the
# account, from whatever address: rotating addresses buys no more guesses. IPv6 addresses count
# by their /64, which one client commonly holds whole. Past a few free failures each further
# one doubles the wait before the next try, up to a bound; failures are forgotten after a day.
# A success forgets the failures of the same browser (its device's, or its address's at that
# account), never the account's count of failures from browsers it does not know.
FAILURE_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class Throttle:
    """How failures slow further tries: `free` cost nothing; from then on the wait after the
    latest failure starts at `first_wait` and doubles with each one, up to `longest_wait`."""

    free: int
    first_wait: timedelta
    longest_wait: timedelta

    def wait(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        # Capped before doubling, so a long attack cannot overflow the arithmetic.
        doublings = min(failures - self.free, 32)
        return min(self.first_wait * 2**doublings, self.longest_wait)


# At most 33 guesses in a day at one account from browsers it does not know, wherever they
# come from.
ACCOUNT_THROTTLE = Throttle(free=5, first_wait=timedelta(minutes=1),
                            longest_wait=timedelta(hours=1))
# More free failures: an office or a shelter puts many people's typos behind one address.
ADDRESS_THROTTLE = Throttle(free=20, first_wait=timedelta(minutes=1),
                            longest_wait=timedelta(hours=1))
# A browser the account knows is judged by its own failures alone: its owner's typos, or those
# of whoever took the cookie.
DEVICE_THROTTLE = Throttle(free=5, first_wait=timedelta(minutes=1),
                           longest_wait=timedelta(hours=1))

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=1)

# One answer for an unknown address, a wrong password and a wrong or missing code, so a reply
# never tells which part was right.
WRONG_CREDENTIALS = N_("The email address, password or two-factor code is not right.")
WRONG_CONFIRMATION = N_("Your password or two-factor code is not right.")


class SignInRefused(DomainError):
    status = 401


class SignInThrottled(DomainError):
    status = 429

    def __init__(self, wait: timedelta) -> None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        super().__init__(ngettext(
            "Too many failed sign-in attempts. Try again in %(num)d minute, or ask an "
            "administrator to reset your password.",
            "Too many failed sign-in attempts. Try again in %(num)d minutes, or ask an "
            "administrator to reset your password.", minutes) % {"num": minutes})
        self.retry_after = max(1, math.ceil(wait.total_seconds()))


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
    # The device cookie for the browser that signed in.
    device: str


@dataclass(frozen=True)
class _Keys:
    """Where one attempt's failures are written, and the throttle each key is judged by."""

    checked: tuple[tuple[str, Throttle], ...]
    # Without a device cookie: the address's key, and this address at this account, written so
    # that a success can take its own failures back out of the address's count.
    address: str | None = None
    pair: str | None = None

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.checked) + ((self.pair,) if self.pair else ())


def _address_group(address: str) -> str:
    try:
        parsed = ip_address(address.strip().strip("[]"))
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        # One client is commonly handed a whole /64: all of it is one address to the throttle.
        return str(ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _keys(email: str, address: str, device: str | None) -> _Keys:
    if device is not None:
        return _Keys(checked=((f"device:{tokens.digest(device)}", DEVICE_THROTTLE),))
    account = tokens.digest(normalized(email))
    where = tokens.digest(_address_group(address))
    address_key = f"address:{where}"
    # Halves of each digest keep the pair inside the column's 80 characters.
    return _Keys(checked=((address_key, ADDRESS_THROTTLE),
                          (f"account:{account}", ACCOUNT_THROTTLE)),
                 address=address_key, pair=f"pair:{account[:32]}:{where[:32]}")


def _held_back(session: Session, keys: _Keys) -> timedelta | None:
    """How long this browser must wait before its next try at this account, if at all."""
    now = clock.now()
    throttles = dict(keys.checked)
    stmt = (select(LoginAttempt.key, sa.func.count(), sa.func.max(LoginAttempt.at))
            .where(LoginAttempt.key.in_(tuple(throttles)),
                   LoginAttempt.at > now - FAILURE_MEMORY)
            .group_by(LoginAttempt.key))
    latest = max((last + throttles[key].wait(int(count))
                  for key, count, last in session.exec(stmt).all()), default=now)
    return latest - now if latest > now else None


def _record_failure(session: Session, keys: _Keys) -> None:
    now = clock.now()
    # Only these keys' old rows: an indexed delete, where a sweep of the table would not be.
    session.execute(sa.delete(LoginAttempt).where(
        LoginAttempt.key.in_(keys.written),
        LoginAttempt.at <= now - FAILURE_MEMORY))
    for key in keys.written:
        session.add(LoginAttempt(key=key, at=now))
    session.flush()


def _forget_own_failures(session: Session, keys: _Keys) -> None:
    """After a success: this browser's failures were its owner's typos. A device's go; without
    one, only this address's failures at this account leave the address's count. What others
    tried, and the account's count of failures from browsers it does not know, stay."""
    if keys.pair is None or keys.address is None:
        session.execute(sa.delete(LoginAttempt).where(
            LoginAttempt.key.in_(keys.written)))
        return
    theirs = select(LoginAttempt.at).where(LoginAttempt.key == keys.pair)
    session.execute(sa.delete(LoginAttempt).where(
        LoginAttempt.key == keys.address,
        LoginAttempt.at.in_(theirs)))
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.key == keys.pair))


def _check_credentials(session: Session, *, email: str, password: str, code: str,
                       address: str, device: str) -> tuple[User, str | None]:
    """The account whose password (and code, when it uses two-factor) these are, with a new
    hash when the stored one uses older parameters. Each refusal is counted, reads the same and
    costs one password hash whatever was wrong; the caller commits even when this raises."""
    user = find_by_email(session, email)
    usable = user is not None and user.is_active and user.email != SYSTEM_EMAIL
    keys = _keys(email, address, devices.nonce_of(user if usable else None, device))
    wait = _held_back(session, keys)
    if wait is not None:
        # Not counted: an attacker kept waiting must not lengthen the wait for free.
        raise SignInThrottled(wait)
    ok, new_hash = passwords.verify(password[:passwords.MAX_LENGTH],
                                    user.password_hash if usable and user else None)
    if ok and user is not None and user.totp_enabled:
        ok = check_code(user, code)
    if not ok or user is None:
        _record_failure(session, keys)
        raise SignInRefused(gettext(WRONG_CREDENTIALS))
    with as_system(session):
        _forget_own_failures(session, keys)
    return user, new_hash


def sign_in(session: Session, *, email: str, password: str, code: str = "",
            address: str = "", device: str = "", user_agent: str = "") -> SignedIn:
    """Checks the credentials, counting and throttling failures, and starts a session. `device`
    is the browser's device cookie, if it has one."""
    user, new_hash = _check_credentials(session, email=email, password=password, code=code,
                                        address=address, device=device)
    # Nobody is signed in yet: the checks above are what lets these writes through.
    with as_system(session):
        if new_hash:
            user.password_hash = new_hash
        user.last_login_at = clock.now()
        session.add(user)
        raw = sessions.start(session, user, user_agent=user_agent, address=address)
    # Made after any rehash: the cookie is signed with the hash stored from now on.
    return SignedIn(user, raw, devices.issue(user))


def confirm_identity(session: Session, user: User, *, password: str, code: str,
                     address: str, device: str = "") -> None:
    """For a change a stolen session alone must not make: the password, and a current code
    when two-factor is on, counted and throttled as at sign-in."""
    try:
        _check_credentials(session, email=user.email, password=password, code=code,
                           address=address, device=device)
    except SignInRefused:
        raise Invalid(gettext(WRONG_CONFIRMATION), field="password") from None


def forget_old_attempts(session: Session) -> int:
    stmt = sa.delete(LoginAttempt).where(LoginAttempt.at <= clock.now() - FAILURE_MEMORY)
    return rows_changed(session, stmt)


def set_password(session: Session, user: User, password: str) -> None:
    passwords.check_new(password, email=user.email)
    user.password_hash = passwords.hash_password(password)
    user.updated_at = clock.now()
    session.add(user)
    session.flush()


def change_password(session: Session, user: User, *, current: str, new: str,
                    keep_session_id: int | None, address: str = "", device: str = "") -> str:
    """Changes the password, signs out every other session and ends the API tokens. A wrong
    current password counts like a failed sign-in, so a stolen session cannot guess it at
    leisure; the caller commits even when this raises. Returns this browser's new device cookie:
    the new password withdraws every earlier one."""
    keys = _keys(user.email, address, devices.nonce_of(user, device))
    wait = _held_back(session, keys)
    if wait is not None:
        raise SignInThrottled(wait)
    ok, _ = passwords.verify(current[:passwords.MAX_LENGTH], user.password_hash)
    if not ok:
        _record_failure(session, keys)
        raise Invalid(gettext("Your current password is not right."), field="current_password")
    _forget_own_failures(session, keys)
    set_password(session, user, new)
    sessions.end_everywhere(session, stored_id(user), keep_id=keep_session_id)
    return devices.issue(user)


# ---- two-factor codes ----------------------------------------------------------------------

# How long the key shown when setting up two-factor may be confirmed.
PENDING_LIFETIME = timedelta(minutes=15)


def _totp(secret: str | None) -> pyotp.TOTP:
    return pyotp.TOTP(secret or "")


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The 30-second step a current code belongs to (one step of clock drift allowed), unless it
    is no code of the secret's or its step was used before."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = _totp(secret)
    now = clock.now()
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        if tokens.same(code, totp.at(now, counter_offset=offset)):
            used = step + offset
            return None if last_step is not None and used <= last_step else used
    return None


def check_code(user: User, code: str) -> bool:
    """A current code (one step of clock drift allowed) not used before."""
    if not user.totp_secret:
        return False
    used = _matching_step(user.totp_secret, code, user.totp_last_step)
    if used is None:
        return False
    user.totp_last_step = used
    return True


@dataclass(frozen=True)
class PendingTwoFactor:
    """A new key to add to an authenticator app. Nothing is stored until a code from it is
    confirmed; `proof` lets only this browser session of this account, with the password and
    codes as they are now, confirm it, and only for a while."""

    secret: str
    proof: str
    uri: str


def _proof(user: User, *, secret: str, bound_to: str, expires: int) -> str:
    # Keyed by what only the server holds and what confirming changes: the password hash and
    # the current two-factor state. A stolen cookie cannot make one, and one is used up once
    # its key is confirmed.
    key = hashlib.sha256("\x00".join((user.password_hash or "", user.totp_secret or "",
                                      str(user.totp_last_step))).encode()).digest()
    message = "\x00".join(("two-factor", str(user.id), bound_to, secret, str(expires)))
    return f"{expires}.{hmac.new(key, message.encode(), hashlib.sha256).hexdigest()}"


def provisioning_uri(user: User, secret: str) -> str:
    return _totp(secret).provisioning_uri(name=user.email, issuer_name="Oversight")


def pending_two_factor(user: User, *, secret: str, proof: str,
                       bound_to: str) -> PendingTwoFactor | None:
    """The key being set up, if its proof is this session's and still good."""
    expires_text, _, _ = proof.partition(".")
    expires = tokens.expiry(expires_text)
    if expires is None or expires < clock.now().timestamp():
        return None
    expected = _proof(user, secret=secret, bound_to=bound_to, expires=expires)
    if not tokens.same(proof, expected):
        return None
    return PendingTwoFactor(secret, proof, provisioning_uri(user, secret))


def begin_two_factor(session: Session, user: User, *, password: str, code: str = "",
                     address: str, bound_to: str, device: str = "") -> PendingTwoFactor:
    """A new key to scan, after the password (and a current code, when two-factor is on). Until
    a code from the new key is confirmed, sign-in works as before."""
    confirm_identity(session, user, password=password, code=code, address=address,
                     device=device)
    secret = pyotp.random_base32()
    expires = int((clock.now() + PENDING_LIFETIME).timestamp())
    proof = _proof(user, secret=secret, bound_to=bound_to, expires=expires)
    return PendingTwoFactor(secret, proof, provisioning_uri(user, secret))


def confirm_two_factor(session: Session, user: User, *, secret: str, proof: str, code: str,
                       bound_to: str, revoke_tokens: bool) -> int:
    """Turns two-factor on with the new key (or moves it there), once a code from it is right.
    With `revoke_tokens` every API token of the account ends (a script's token asks for no
    code, so one made with the password alone would go on working without the second factor);
    returns how many did."""
    if pending_two_factor(user, secret=secret, proof=proof, bound_to=bound_to) is None:
        raise Invalid(gettext("Setting up took too long, or was started elsewhere: start again."))
    used = _matching_step(secret, code, None)
    if used is None:
        raise Invalid(gettext("That code is not right; check your device's clock and try again."),
                      field="code")
    user.totp_secret = secret
    user.totp_enabled = True
    # The code just used cannot sign in.
    user.totp_last_step = used
    session.add(user)
    revoked = 0
    if revoke_tokens:
        stmt = sa.delete(ApiToken).where(ApiToken.user_id == user.id)
        revoked = rows_changed(session, stmt)
    session.flush()
    return revoked


def disable_two_factor(session: Session, user: User, *, password: str, code: str,
                       address: str, device: str = "") -> None:
    if two_factor_required(session, user):
        raise Forbidden(gettext("Two-factor sign-in is required for your role on this instance."))
    confirm_identity(session, user, password=password, code=code, address=address,
                     device=device)
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    session.add(user)
    session.flush()


def instance_settings(session: Session) -> InstanceSetting:
    found = session.exec(select(InstanceSetting).order_by(InstanceSetting.id)).first()
    return found or InstanceSetting(require_totp_for_leads=False)


def set_require_two_factor(session: Session, actor: User, required: bool) -> InstanceSetting:
    if not permissions.can_administer(actor):
        raise Forbidden(N_("Only an administrator can change instance security settings."))
    found = session.exec(select(InstanceSetting).order_by(InstanceSetting.id)).first()
    if found is None:
        found = InstanceSetting()
    found.require_totp_for_leads = required
    session.add(found)
    session.flush()
    return found


def two_factor_required(session: Session, user: User) -> bool:
    """Whether the instance requires two-factor sign-in of the user (api.auth.credentials
    decides the same in the identity check, from the rule read with the session)."""
    return permissions.is_lead(user) and instance_settings(session).require_totp_for_leads


# ---- API tokens ----------------------------------------------------------------------------


def create_token(session: Session, user: User, *, name: str, scope: TokenScope,
                 days: int | None = None) -> tuple[ApiToken, str]:
    """A new personal API token; the returned secret is shown once and never stored."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise Invalid(gettext("Give the token a name of up to 100 characters."), field="name")
    if days is not None and not 1 <= days <= 3650:
        raise Invalid(gettext("A token lasts between 1 and 3650 days."), field="days")
    raw = tokens.new_api_token()
    now = clock.now()
    token = ApiToken(user_id=stored_id(user), name=name, prefix=raw[:10],
                     token_hash=tokens.digest(raw), scope=scope, created_at=now,
                     expires_at=now + timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    return token, raw


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(session.exec(stmt.order_by(ApiToken.created_at.desc())).all())


def revoke_token(session: Session, user: User, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(NO_SUCH, noun=Term(N_("token")), id=token_id)
    session.delete(token)
    session.flush()


# ---- invitations and resets ----------------------------------------------------------------


def invite(session: Session, actor: User, *, email: str, organization_id: int | None,
           role: Role) -> tuple[Invitation, str]:
    """An invitation link for the address; the token is returned once, for the email."""
    if not permissions.can_invite(actor, role):
        raise Forbidden(N_("Your role cannot invite people with that role."))
    email = normalized(email)
    if "@" not in email or len(email) > 254:
        raise Invalid(gettext("Enter an email address."), field="email")
    try:
        # The address the account will have, checked as its record checks it: an address that
        # cannot take mail is refused here, not found out when the invitation fails to go.
        validate_email(email)
    except PydanticCustomError as exc:
        raise Invalid(email_words(str(exc)), field="email") from exc
    if permissions.needs_organization(role) and organization_id is None:
        raise Invalid(N_("Partner members and viewers belong to an organization; choose one."),
                      field="organization_id")
    if organization_id is not None:
        organizations = table_access.mapped_class(table_access.ORGANIZATIONS)
        if session.get(organizations, organization_id) is None:
            raise Invalid(NO_SUCH, noun=Term(N_("organization")), id=organization_id,
                          field="organization_id")
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
        raise Invalid(gettext("This invitation link has expired or was already used. Ask for a "
                              "new one."))
    if find_by_email(session, invitation.email) is not None:
        raise Invalid(N_("An account already exists for this address: sign in, or reset your "
                      "password from the sign-in page."))
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise Invalid(gettext("Enter your name."), field="name")
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


def pending_invitations(session: Session, actor: User) -> list[Invitation]:
    if not permissions.can_invite(actor, Role.viewer):
        raise Forbidden(N_("Only leads and administrators manage invitations."))
    stmt = select(Invitation).where(Invitation.accepted_at.is_(None),
                                    Invitation.expires_at > clock.now())
    return list(session.exec(stmt.order_by(Invitation.created_at.desc())).all())


def revoke_invitation(session: Session, actor: User, invitation_id: int) -> None:
    if not permissions.can_invite(actor, Role.viewer):
        raise Forbidden(N_("Only leads and administrators manage invitations."))
    found = session.get(Invitation, invitation_id)
    if found is None:
        raise NotFound(NO_SUCH, noun=Term(N_("invitation")), id=invitation_id)
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
    session.add(PasswordReset(user_id=stored_id(user), token_hash=tokens.digest(raw),
                              created_at=now, expires_at=now + RESET_LIFETIME))
    session.flush()
    return user, raw


def open_reset(session: Session, raw: str) -> PasswordReset | None:
    found = session.exec(select(PasswordReset).where(
        PasswordReset.token_hash == tokens.digest(raw))).first()
    if found is None or found.used_at is not None or found.expires_at <= clock.now():
        return None
    return found


def reset_password(session: Session, raw: str, password: str) -> User:
    """Sets a new password with a reset token, once, and signs the account out everywhere, its
    API tokens ended too."""
    reset = open_reset(session, raw)
    user = session.get(User, reset.user_id) if reset else None
    if reset is None or user is None or not user.is_active:
        raise Invalid(gettext("This reset link has expired or was already used. Ask for a new "
                              "one."))
    with as_system(session):
        set_password(session, user, password)
        reset.used_at = clock.now()
        session.add(reset)
        session.execute(sa.delete(PasswordReset).where(PasswordReset.user_id == user.id,
                                                       PasswordReset.id != reset.id))
        sessions.end_everywhere(session, stored_id(user))
        session.flush()
    return user


def check_new_admin(session: Session, *, email: str, name: str) -> UserCreate:
    """What can be said of a new administrator before a password is asked for: an address
    that is no address, or is taken, is told before anyone types a password twice."""
    if find_by_email(session, email) is not None:
        raise Invalid(N_("An account with the address {normalized} already exists."),
                      normalized=normalized(email),
                      field="email")
    return UserCreate.model_validate({"email": normalized(email), "name": name,
                                      "role": Role.admin})


def create_admin(session: Session, *, email: str, name: str, password: str) -> User:
    """The first administrator, from the command line; there is no default password."""
    validated = check_new_admin(session, email=email, name=name)
    passwords.check_new(password, email=validated.email)
    user = User(email=validated.email, name=validated.name, role=Role.admin,
                password_hash=passwords.hash_password(password))
    session.add(user)
    session.flush()
    return user


def set_language(session: Session, user: User, language: str | None) -> None:
    """The language of the account's pages and alerts; None follows the browser."""
    if language is not None and not locales.is_supported(language):
        raise Invalid(gettext("Choose one of the languages offered."))
    user.language = language
    user.updated_at = clock.now()
    session.add(user)
