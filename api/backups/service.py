"""Backups made and restored: database and documents in one tar, checksummed, age-encrypted."""

import hashlib
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

import pyrage
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from api import clock, migrations
from api.backups import database, keys, status
from api.db import get_engine
from api.errors import Conflict, DomainError, Invalid, Term
from api.i18n.catalogs import N_, gettext
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)

FORMAT = "oversight-backup"
VERSION = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents"
SUFFIX = ".tar.age"
# Only archives named this way are ever pruned: nothing else in the folder is touched.
SCHEDULED_NAME = re.compile(r"^oversight-\d{8}T\d{6}Z\.tar\.age$")
STAGING_PREFIX = ".oversight-backup-"
RESTORE_PREFIX = ".oversight-restore-"
# A staging folder this old was left by a process that died; it holds a plaintext copy.
STALE_STAGING_SECONDS = 24 * 3600
# Each part of a member's path; document files are named by the app (a random hex name).
SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    documents: int
    recipients: int
    kind: str
    revision: str


@dataclass(frozen=True)
class Restored:
    documents: int
    kind: str
    revision: str
    migrated_to: str


@dataclass(frozen=True)
class FileEntry:
    """One file in an archive, as its manifest lists it and as it was found on unpacking."""
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a backup says it holds, once every file in it was checked against the list."""
    kind: str
    database_file: str
    revision: str
    files: tuple[FileEntry, ...]


def archive_name(at: datetime) -> str:
    return f"oversight-{at:%Y%m%dT%H%M%SZ}{SUFFIX}"


# ---- making ----------------------------------------------------------------------------------


def make_backup(*, recipients: Sequence[str] = (), output: Path | None = None,
                settings: Settings | None = None) -> Made:
    """Writes an encrypted archive of the database and the documents; records the outcome for
    the administrators' dashboard."""
    settings = settings or get_settings()
    try:
        made = _make(recipients=recipients, output=output, settings=settings)
    except Exception as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc) or type(exc).__name__
        status.record_failure(settings, at=clock.now(), error=message[:500])
        raise
    status.record_success(settings, at=clock.now(), file=made.path.name)
    return made


def _make(*, recipients: Sequence[str], output: Path | None, settings: Settings) -> Made:
    given = list(recipients) or settings.backup_recipients
    if not given:
        raise Invalid(N_("No one was named to encrypt the backup for: give --recipient age1… "
                         "or set OVERSIGHT_BACKUP_RECIPIENTS."))
    to = keys.recipients(given)
    target = output or settings.backups_dir / archive_name(clock.now())
    if target.exists():
        raise Conflict(N_("{target} already exists."), target=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(settings.data_dir, STAGING_PREFIX)
    # Staged beside the live data, never beside the archive: the copy is plaintext, and the
    # archive's folder may be a mounted disk that leaves the building.
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=settings.data_dir) as staging:
        snap = database.snapshot(settings.database_url, Path(staging))
        partial = target.with_name(target.name + ".partial")
        try:
            documents = _write_encrypted(partial, to, snap, settings.documents_dir)
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return Made(path=target, size=target.stat().st_size, documents=documents,
                recipients=len(to), kind=snap.kind, revision=snap.revision)


def _remove_stale_staging(folder: Path, prefix: str) -> None:
    cutoff = time.time() - STALE_STAGING_SECONDS
    for left in folder.glob(f"{prefix}*"):
        try:
            if left.is_dir() and left.stat().st_mtime < cutoff:
                shutil.rmtree(left, ignore_errors=True)
        except OSError:
            continue


def _document_files(folder: Path) -> Iterator[tuple[str, Path]]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        # Links are not followed: nothing outside the documents folder goes in.
        if path.is_file() and not path.is_symlink():
            yield f"{DOCUMENTS}/{path.relative_to(folder).as_posix()}", path


class _Hashing:
    """Reads a file for tarfile while digesting it, so each file is read once."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, path: Path, at: float) -> FileEntry | None:
    """Adds the file with its digest; None when it was removed since it was listed (a document
    erased meanwhile), which is not an error."""
    try:
        opened = path.open("rb")
    except FileNotFoundError:
        return None
    with opened as stream:
        size = os.fstat(stream.fileno()).st_size
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(at), 0o600
        reader = _Hashing(stream)
        tar.addfile(info, reader)
    return FileEntry(name=name, size=size, sha256=reader.digest.hexdigest())


def _write_encrypted(partial: Path, to: list[Any], snap: database.Snapshot,
                     documents_dir: Path) -> int:
    """Streams the tar through age into the file: no plaintext archive is ever written."""
    at = clock.now()
    counted = {"documents": 0}
    failure: list[BaseException] = []
    read_end, write_end = os.pipe()

    def produce() -> None:
        try:
            with os.fdopen(write_end, "wb") as pipe, \
                    tarfile.open(fileobj=pipe, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                added = _add_file(tar, snap.path.name, snap.path, at.timestamp())
                if added is None:
                    raise FileNotFoundError(snap.path)
                files = [added]
                # After the snapshot: a document uploaded meanwhile comes along unreferenced,
                # which is harmless, and every file the snapshot's rows name is already written.
                for name, path in _document_files(documents_dir):
                    added = _add_file(tar, name, path, at.timestamp())
                    if added is not None:
                        files.append(added)
                        counted["documents"] += 1
                manifest = json.dumps({
                    "format": FORMAT, "version": VERSION, "created_at": at.isoformat(),
                    "database": {"kind": snap.kind, "revision": snap.revision,
                                 "file": snap.path.name},
                    "files": [asdict(f) for f in files]}, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(manifest), int(at.timestamp()), 0o600
                tar.addfile(info, _Bytes(manifest))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    producer = threading.Thread(target=produce, name="backup-tar", daemon=True)
    producer.start()
    try:
        # Closing the reading end, however encryption ends, lets the producer finish.
        with os.fdopen(read_end, "rb") as pipe, os.fdopen(descriptor, "wb") as out:
            pyrage.encrypt_io(pipe, out, to)
            out.flush()
            os.fsync(out.fileno())
    finally:
        producer.join()
    if failure:
        raise failure[0]
    return counted["documents"]


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at:end], min(end, len(self.data))
        return chunk


def prune(settings: Settings | None = None) -> list[Path]:
    """Removes the oldest scheduled archives past OVERSIGHT_BACKUP_KEEP; returns them."""
    settings = settings or get_settings()
    if settings.backup_keep == 0 or not settings.backups_dir.is_dir():
        return []
    archives = sorted(p for p in settings.backups_dir.iterdir()
                      if SCHEDULED_NAME.match(p.name) and p.is_file())
    removed = archives[:-settings.backup_keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def scheduled_backup(settings: Settings | None = None) -> None:
    """The scheduler's job: a backup to OVERSIGHT_BACKUP_DIR, then the oldest pruned."""
    settings = settings or get_settings()
    made = make_backup(settings=settings)
    removed = prune(settings)
    log.info("backup written: %s (%d bytes, %d documents); %d older removed", made.path.name,
             made.size, made.documents, len(removed))


# ---- restoring -------------------------------------------------------------------------------


def restore(archive: Path, *, identity_file: str, settings: Settings | None = None) -> Restored:
    """Restores an archive into an empty instance. Everything is decrypted and checked before
    anything is written; the database is replaced in one transaction."""
    settings = settings or get_settings()
    identities = keys.read_identities(identity_file)
    kind = database.kind_of(settings.database_url)
    if not archive.is_file():
        raise Invalid(N_("There is no backup at {archive}."), archive=archive)
    engine = get_engine()
    held = database.holdings(engine)
    if held:
        # The tables by their names in the database, which the administrator may look into.
        shown = ", ".join(held) if len(held) <= 4 else gettext("{tables} and {count} more").format(
            tables=", ".join(held[:4]), count=len(held) - 4)
        raise Conflict(N_("This instance already holds data (in {shown}): restore only into "
                          "an empty instance, a new database with no accounts but the "
                          "system's."), shown=shown)
    documents_dir = settings.documents_dir
    if documents_dir.is_dir() and any(documents_dir.iterdir()):
        raise Conflict(N_("The documents folder {documents_dir} is not empty: restore only "
                          "into an empty instance."), documents_dir=documents_dir)
    version_before = database.version_of(engine)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(settings.data_dir, RESTORE_PREFIX)
    with tempfile.TemporaryDirectory(prefix=RESTORE_PREFIX, dir=settings.data_dir) as staging:
        unpacked = Path(staging) / "unpacked"
        manifest = _open(archive, identities, Path(staging) / "archive.tar", unpacked)
        made_on = manifest.kind
        if made_on != kind:
            raise Invalid(N_("This backup holds a {made_on} database and this instance uses "
                             "{kind}: restore it into an instance of the same kind."),
                          made_on=made_on, kind=kind)
        revision = manifest.revision
        head = _known_revision(revision)
        staged_documents = unpacked / DOCUMENTS
        count = sum(1 for f in manifest.files if f.name.startswith(f"{DOCUMENTS}/"))
        engine.dispose()
        placed = _place_documents(staged_documents, documents_dir)
        try:
            database.load(unpacked / manifest.database_file, kind,
                          settings.database_url)
        except BaseException as exc:
            if placed:
                shutil.rmtree(documents_dir, ignore_errors=True)
                documents_dir.mkdir(parents=True, exist_ok=True)
            if isinstance(exc, DomainError):
                raise Invalid(N_("{value}. Nothing was restored."),
                              value=exc.message.rstrip('.')) from None
            raise
    engine.dispose()
    if revision != head:
        migrations.upgrade(settings.database_url)
    database.move_version_past(engine, version_before)
    engine.dispose()
    return Restored(documents=count, kind=kind, revision=revision, migrated_to=head)


def _known_revision(revision: str) -> str:
    """The code's head revision, after checking the backup's is one this code knows."""
    script = ScriptDirectory.from_config(migrations.alembic_config())
    try:
        found = script.get_revision(revision)
    except CommandError:
        found = None
    if found is None:
        raise Invalid(N_("This backup's schema (revision {revision}) is newer than this "
                         "version of Oversight knows: upgrade Oversight, then restore."),
                      revision=revision)
    return str(script.get_current_head())


def _place_documents(staged: Path, documents_dir: Path) -> bool:
    if not staged.is_dir():
        return False
    documents_dir.parent.mkdir(parents=True, exist_ok=True)
    if documents_dir.is_dir():
        documents_dir.rmdir()  # checked empty above
    # One rename on the same disk: all the files appear at once or none do.
    os.replace(staged, documents_dir)
    return True


def _damaged(archive: Path, why: str, detail: object = None) -> Invalid:
    """`why` is marked N_ where it is said; `detail` is the archive's or a library's own."""
    if detail is not None:
        return Invalid(N_("The backup {name} is damaged or incomplete ({why}: {detail}); "
                          "nothing was restored."), name=archive.name, why=Term(why),
                       detail=detail)
    return Invalid(N_("The backup {name} is damaged or incomplete ({why}); nothing was "
                      "restored."), name=archive.name, why=Term(why))


def _open(archive: Path, identities: list[Any], plain: Path, into: Path) -> Manifest:
    """Decrypts and unpacks the archive into `into`, checking every file against the manifest;
    returns the manifest."""
    try:
        with archive.open("rb") as source, plain.open("wb") as out:
            pyrage.decrypt_io(source, out, identities)
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            raise Invalid(N_("No key in the identity file opens {name}: it was encrypted to "
                             "other recipients (or its header is damaged); nothing was "
                             "restored."), name=archive.name) from None
        raise _damaged(archive, N_("age could not decrypt it"), exc) from None
    except OSError as exc:
        if exc.errno is not None:
            raise Invalid(N_("Cannot decrypt {name}: {strerror}."),
                          name=archive.name, strerror=exc.strerror) from None
        # The age library reports a failed authentication tag or a cut-off stream this way.
        raise _damaged(archive, N_("it does not decrypt whole")) from None
    try:
        members = _unpack(plain, into)
    except (tarfile.TarError, EOFError) as exc:
        raise _damaged(archive, N_("not a readable archive"), exc) from None
    finally:
        plain.unlink(missing_ok=True)
    return _checked(archive, members, into)


def _member_path(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or not all(SAFE_PART.match(p) for p in path.parts):
        return None
    if path.parts[0] == DOCUMENTS and len(path.parts) > 1:
        return path
    if len(path.parts) == 1 and (name == MANIFEST or name in database.FILES.values()):
        return path
    return None


def _unpack(plain: Path, into: Path) -> dict[str, FileEntry]:
    """Writes out each regular file of the archive, refusing anything else (links, devices,
    paths leaving the folder); returns each file's size and digest."""
    into.mkdir()
    found: dict[str, FileEntry] = {}
    with tarfile.open(plain, mode="r:") as tar:
        for member in tar:
            path = _member_path(member.name)
            if path is None or not member.isreg() or member.name in found:
                raise tarfile.TarError(f"unexpected entry {member.name[:80]!r}")
            target = into.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            stream = tar.extractfile(member)
            if stream is None:
                raise tarfile.TarError(f"unreadable entry {member.name[:80]!r}")
            digest, size = hashlib.sha256(), 0
            with stream, target.open("xb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            found[member.name] = FileEntry(name=member.name, size=size,
                                           sha256=digest.hexdigest())
    return found


def _checked(archive: Path, members: dict[str, FileEntry], into: Path) -> Manifest:
    if MANIFEST not in members:
        raise _damaged(archive, N_("it has no manifest"))
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise Invalid(N_("{name} is not an Oversight backup."), name=archive.name)
        if manifest.get("version") != VERSION:
            raise Invalid(N_("{name} was made by another version of Oversight (backup format "
                             "{value}); nothing was restored."),
                          name=archive.name, value=manifest.get('version'))
        listed = {f["name"]: f for f in manifest["files"]}
        database_file = manifest["database"]["file"]
        kind = manifest["database"]["kind"]
        revision = str(manifest["database"]["revision"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _damaged(archive, N_("its manifest is unreadable")) from None
    if kind not in database.FILES or database.FILES[kind] != database_file:
        raise _damaged(archive, N_("its manifest names no database"))
    held = {name: facts for name, facts in members.items() if name != MANIFEST}
    if set(held) != set(listed) or database_file not in held:
        raise _damaged(archive, N_("its files differ from its manifest"))
    for name, facts in held.items():
        if facts.size != listed[name].get("size") or \
                facts.sha256 != listed[name].get("sha256"):
            raise _damaged(archive, N_("a file's checksum does not match"), name)
    return Manifest(kind=kind, database_file=database_file, revision=revision,
                    files=tuple(held.values()))
