"""Device cookies: a browser's signed word that it signed in to one account before, so its
sign-in attempts at that account are throttled by its own failures rather than everyone's."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from api import clock
from api.auth import tokens
from api.auth.models import User

DEVICE_LIFETIME = timedelta(days=180)
NONCE_BYTES = 16


def _mac(user: User, *, nonce: str, expires: int) -> str:
    # Keyed by the password hash, which only the server holds, so no browser can make one; a
    # new password (or a rehash with newer parameters) withdraws every browser's standing,
    # stolen cookies included, and the browser that signs in next gets a fresh one.
    key = hashlib.sha256(b"oversight-device\x00" + (user.password_hash or "").encode()).digest()
    account = tokens.digest(user.email.strip().lower())
    message = "\x00".join(("device", str(user.id), account, nonce, str(expires)))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def issue(user: User) -> str:
    """A new cookie value naming the account this browser just signed in to."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    expires = int((clock.now() + DEVICE_LIFETIME).timestamp())
    return f"{expires}.{nonce}.{_mac(user, nonce=nonce, expires=expires)}"


def nonce_of(user: User | None, cookie: str | None) -> str | None:
    """The cookie's nonce when this server gave it to a browser that signed in to this account
    with its current password, and it has not expired; otherwise None, as if there were none."""
    if user is None or not user.password_hash or not cookie:
        return None
    expires_text, _, rest = cookie.partition(".")
    nonce, _, mac = rest.partition(".")
    expires = tokens.expiry(expires_text)
    if expires is None or not nonce or expires < clock.now().timestamp():
        return None
    if not tokens.same(mac, _mac(user, nonce=nonce, expires=expires)):
        return None
    return nonce
