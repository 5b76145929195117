"""Secret tokens: made with the system's random source, handed out once, stored as hashes."""

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
API_TOKEN_PREFIX = "ovs_"  # noqa: S105  (a marker that makes leaked tokens easy to scan for)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What the database keeps of a token. The tokens are 256 random bits, so a fast hash is
    enough: there is nothing to guess."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_for(token: str) -> str:
    """The anti-forgery token of a browser session: derived from the session's own secret, so it
    differs per session, needs no storage, and is not the stored digest."""
    raw = hashlib.sha256(b"oversight-csrf\x00" + token.encode()).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def expiry(text: str) -> int | None:
    """The expiry (a Unix time) a signed cookie or proof carries, or None when it is not plain
    ASCII digits of a plausible length: str.isdigit takes "²", and int() refuses thousands."""
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)
