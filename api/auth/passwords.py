"""Password hashing with argon2id, and the rules a new password must meet."""

from functools import cache

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

from api.errors import Invalid
from api.i18n.catalogs import gettext

# OWASP's minimum for argon2id: 19 MiB of memory, two passes, one lane.
MEMORY_KIB = 19 * 1024
TIME_COST = 2
PARALLELISM = 1

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=TIME_COST, memory_cost=MEMORY_KIB,
                                      parallelism=PARALLELISM),))


@cache
def _decoy() -> str:
    # Checked against when no account matches, so a wrong address costs as long as a wrong
    # password and the answer's timing does not tell which accounts exist.
    return _hasher().hash("no account has this password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password: str, stored: str | None) -> tuple[bool, str | None]:
    """Whether the password matches, and a new hash when the stored one uses older parameters.
    A missing hash is checked against a decoy, so it takes the same time and never matches."""
    if len(password) > MAX_LENGTH:
        password = password[:MAX_LENGTH]
    if not stored:
        _hasher().verify(password, _decoy())
        return False, None
    try:
        return _hasher().verify_and_update(password, stored)
    except UnknownHashError:
        # An unreadable hash is a wrong password, not a crash.
        return False, None


def check_new(password: str, *, email: str = "") -> None:
    """A new password long enough to resist guessing; length beats composition rules."""
    if len(password) < MIN_LENGTH:
        raise Invalid(gettext("Use at least {count} characters.").format(count=MIN_LENGTH),
                      field="password")
    if len(password) > MAX_LENGTH:
        raise Invalid(gettext("Use at most {count} characters.").format(count=MAX_LENGTH),
                      field="password")
    if email and password.strip().lower() == email.strip().lower():
        raise Invalid(gettext("Your password must not be your email address."),
                      field="password")
    if len(set(password)) < 4:
        raise Invalid(gettext("Use a password with more variety than that."), field="password")
