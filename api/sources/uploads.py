"""Import files kept on the server between the preview and the commit: each under a random id,
found again only by the user who uploaded it and for the import it was uploaded for, and
removed after the commit or a day later."""

import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from api import clock
from api.auth.models import User
from api.errors import Conflict, Invalid, NotFound
from api.i18n.catalogs import N_, gettext
from api.settings import get_settings

KEEP_FOR = timedelta(days=1)
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Upload:
    id: str
    kind: str
    filename: str
    user_id: int
    size: int
    sha256: str
    uploaded_at: str

    def content(self) -> bytes:
        data = _path(self.id, ".bin").read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise NotFound(N_("The uploaded file is damaged; upload it again."))
        return data


class Taken(Conflict):
    """Another request is importing this upload, or has imported it."""


def checked(content: bytes) -> bytes:
    """The file's bytes, refused when there are none or more than uploads may hold."""
    limit = get_settings().max_upload_bytes
    if len(content) > limit:
        size = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
        raise Invalid(N_("The file is larger than the limit of {size}."), size=size, field="file")
    if not content.strip():
        raise Invalid(N_("The file is empty."), field="file")
    return content


def _folder() -> Path:
    return get_settings().data_dir / "imports"


def _path(upload_id: str, suffix: str) -> Path:
    return _folder() / f"{upload_id}{suffix}"


def _write(path: Path, data: bytes) -> None:
    # Written aside and renamed, so a reader never sees half a file.
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def keep(actor: User, *, kind: str, filename: str, content: bytes) -> Upload:
    """Stores an uploaded file for its user's next steps."""
    user_id = getattr(actor, "id", None)
    if user_id is None:
        raise Invalid(N_("Only a signed-in user can upload a file to import."))
    checked(content)
    sweep()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = "".join(c for c in os.path.basename(filename.replace("\\", "/"))
                   if c.isprintable())[:200]
    upload = Upload(id=secrets.token_hex(16), kind=kind, filename=name or "upload",
                    user_id=user_id, size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    uploaded_at=clock.now().isoformat())
    _write(_path(upload.id, ".bin"), content)
    _write(_path(upload.id, ".json"), json.dumps(asdict(upload)).encode())
    return upload


def find(actor: User, *, kind: str, upload_id: str) -> Upload:
    """The user's upload for this import; anyone else's, or one gone, is not found."""
    gone = NotFound(gettext("This upload is gone (imported, cancelled or more than a day old); "
                            "upload the file again."))
    if not UPLOAD_ID.match(upload_id):
        raise gone
    if _path(upload_id, ".taken").exists():
        raise Taken("This file is being imported already; see the list in a moment.")
    try:
        upload = Upload(**json.loads(_path(upload_id, ".json").read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise gone from exc
    if upload.user_id != getattr(actor, "id", None) or upload.kind != kind \
            or _expired(upload, clock.now()):
        raise gone
    return upload


def discard(upload: Upload) -> None:
    for suffix in (".bin", ".json", ".taken"):
        _path(upload.id, suffix).unlink(missing_ok=True)


@contextmanager
def claimed(upload: Upload) -> Iterator[Upload]:
    """Holds the upload for one commit at a time, so a double-clicked Import writes the file
    once. It is removed when the commit succeeds and kept for another try when it fails."""
    held = _path(upload.id, ".taken")
    try:
        # A rename is atomic: of two requests, only one moves the description away.
        os.rename(_path(upload.id, ".json"), held)
    except FileNotFoundError as exc:
        raise Taken("This file is being imported already, or was imported; see the list.") \
            from exc
    try:
        yield upload
    except BaseException:
        os.rename(held, _path(upload.id, ".json"))
        raise
    discard(upload)


def _expired(upload: Upload, now: datetime) -> bool:
    try:
        return datetime.fromisoformat(upload.uploaded_at) < now - KEEP_FOR
    except ValueError:
        return True


def sweep() -> int:
    """Removes uploads older than a day; how many went."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    now = clock.now()
    removed = 0
    for meta in folder.glob("*.json"):
        try:
            upload = Upload(**json.loads(meta.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if _expired(upload, now):
            discard(upload)
            removed += 1
    # What a crash left behind: a file without its description, or half written.
    oldest = time.time() - KEEP_FOR.total_seconds()
    for path in folder.iterdir():
        if path.suffix != ".json" and not path.with_suffix(".json").exists() \
                and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
