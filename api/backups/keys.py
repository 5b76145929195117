"""age keys for backups: the public recipients to encrypt to, the private identities to restore."""

import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pyrage

from api.errors import Invalid
from api.i18n.catalogs import N_


def recipients(keys: Iterable[str]) -> list[pyrage.x25519.Recipient]:
    """Public keys (age1…) as recipients; refuses a private key given by mistake."""
    found = []
    for key in keys:
        key = key.strip()
        if key.upper().startswith("AGE-SECRET-KEY-"):
            raise Invalid(N_("That is a private key (AGE-SECRET-KEY-…); backups need only the "
                             "public key (age1…), and the private one should never be on the "
                             "server."))
        try:
            found.append(pyrage.x25519.Recipient.from_str(key))
        except pyrage.RecipientError:
            raise Invalid(N_("{key!r} is not an age public key (age1…)."), key=key[:70]) from None
    return found


def read_identities(path: str) -> list[pyrage.x25519.Identity]:
    """The identities in an age identity file (as `age-keygen` or `oversight backup-key` write
    it: comments and one AGE-SECRET-KEY-1… line per key); "-" reads standard input, so the key
    need not be written to the server's disk."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise Invalid(N_("Cannot read the identity file {path}: {value}."),
                      path=path, value=getattr(exc, 'strerror', None) or exc) from None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(pyrage.x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            # The line itself is not repeated: it may be most of a private key.
            raise Invalid(N_("Line {number} of the identity file {path} is not an age "
                             "identity (AGE-SECRET-KEY-1…)."), number=number, path=path) from None
    if not found:
        raise Invalid(N_("The identity file {path} holds no age identity (AGE-SECRET-KEY-1…)."),
                      path=path)
    return found


def new_identity(*, now: datetime) -> tuple[str, str]:
    """A new key pair: the identity file's text (private) and its recipient (public)."""
    identity = pyrage.x25519.Identity.generate()
    public = str(identity.to_public())
    text = (f"# created: {now.replace(microsecond=0).isoformat()}\n"
            f"# public key: {public}\n{identity}\n")
    return text, public
