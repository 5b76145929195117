"""The instance's own signing key: made on first use and kept in the data directory, so what the
server hands out and must get back unchanged (a list's page cursor) carries a check nobody
without the key can make."""

import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from api.settings import get_settings

KEY_FILE = "signing.key"
KEY_BYTES = 32


def key() -> bytes:
    """This instance's key, made on first use (every worker of the instance reads the same)."""
    return _key_at(get_settings().data_dir / KEY_FILE)


@cache
def _key_at(path: Path) -> bytes:
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: a worker starting at the same
    # moment never reads a half-written key, and only one key is ever kept.
    staging = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(secrets.token_hex(KEY_BYTES))
    try:
        os.link(staging, path)
    except FileExistsError:
        pass
    finally:
        staging.unlink()
    return _read(path)


def _read(path: Path) -> bytes:
    text = path.read_text().strip()
    try:
        found = bytes.fromhex(text)
    except ValueError:
        found = b""
    if len(found) < KEY_BYTES:
        raise RuntimeError(f"The signing key in {path.name} is damaged; remove the file and a "
                           "new one is made (page links given out before then stop working).")
    return found


def sign(purpose: str, message: str) -> bytes:
    """The key's check of `message` for one `purpose`, so a check made for one use is never
    taken for another."""
    return hmac.new(key(), f"{purpose}\x00{message}".encode(), hashlib.sha256).digest()


def same(given: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(given, expected)
