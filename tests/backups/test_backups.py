"""Backups on the suite's database: back up, wipe, restore, and every row of every table and
every document file comes back; a wrong key, a damaged archive and a non-empty instance are
refused with one line and leave the instance as it was."""

import io
import json
import shutil
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

import api.models  # noqa: F401  (every table on the metadata)
from api import demo, migrations, upkeep
from api.accounts.service import system_user
from api.backups import database, keys, status
from api.backups import service as backups
from api.cli import main
from api.db import get_engine
from api.documents.models import AttachedTo
from api.people.models import Person
from api.settings import Settings, get_settings
from tests.databases import app_bound_to, fresh_database, is_postgres
from tests.factories import make_document, make_person

IDENTITY = pyrage.x25519.Identity.generate()
RECIPIENT = str(IDENTITY.to_public())
# Every byte value, so nothing on the way treats a document as text.
BINARY = b"%PDF-1.4\n" + bytes(range(256)) * 64


@contextmanager
def instance(folder: Path) -> Iterator[Path]:
    """A new, migrated instance (database and data folder) the app is bound to; yields the
    data folder."""
    folder.mkdir()
    data = folder / "data"
    with fresh_database(folder) as url, app_bound_to(url, data_dir=str(data)):
        migrations.upgrade(url)
        with Session(get_engine()) as session:
            system_user(session)
            session.commit()
        yield data


def fill(*, with_demo: bool) -> str:
    """Records and documents; returns a person's email, to look for in the archive."""
    with Session(get_engine(), expire_on_commit=False) as session:
        actor = system_user(session)
        session.commit()
        if with_demo:
            demo.load(session)
            session.commit()
        person = make_person(session, actor, name="Rosa Backup",
                             email="rosa.backup@example.org", phone="555-0101")
        make_document(session, actor, content=BINARY, filename="scan.pdf",
                      attached_kind=AttachedTo.person, attached_id=person.id)
        make_document(session, actor)
        return person.email


def every_row() -> dict[str, list[tuple[Any, ...]]]:
    engine = get_engine()
    found = {}
    with engine.connect() as conn:
        for name in sorted(sa.inspect(engine).get_table_names()):
            rows = conn.execute(sa.text(f'SELECT * FROM "{name}"')).all()  # noqa: S608
            found[name] = sorted((tuple(row) for row in rows), key=repr)
    return found


def every_file(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def wipe(data: Path) -> None:
    """Removes the database's content and the data folder, as a lost server would."""
    engine = get_engine()
    url = engine.url
    engine.dispose()
    if is_postgres():
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    else:
        # Never another instance's file: the suite's own database sits elsewhere.
        assert Path(str(url.database)).parent == data.parent, url
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(data)


def identity_file(folder: Path, identity: Any = IDENTITY) -> Path:
    path = folder / "identity.txt"
    path.write_text(f"# a test key\n{identity}\n")
    return path


def test_back_up_wipe_and_restore_gives_back_every_row_and_every_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "backup.tar.age"
    with instance(tmp_path / "site") as data:
        email = fill(with_demo=True)
        before = every_row()
        files = every_file(get_settings().documents_dir)
        assert len(files) == 2
        assert BINARY in files.values()

        assert main(["backup", "--recipient", RECIPIENT, "--output", str(archive)]) == 0
        assert "encrypted to 1 recipient" in capsys.readouterr().out
        sealed = archive.read_bytes()
        # Encrypted: neither a person's details nor a document can be read in it.
        assert sealed.startswith(b"age-encryption.org/v1")
        assert email.encode() not in sealed
        assert b"Rosa Backup" not in sealed
        assert BINARY[:200] not in sealed
        # No plaintext copy is left behind.
        assert not list(data.glob(".oversight-*"))
        assert status.read(get_settings()).file == archive.name  # type: ignore[union-attr]

        wipe(data)
        assert main(["migrate"]) == 0
        assert main(["restore", str(archive), "--identity",
                     str(identity_file(tmp_path))]) == 0
        assert "and 2 documents" in capsys.readouterr().out

        after = every_row()
        # The data version moves past the restored one, so no kept page is given again.
        assert after.pop("change_count")[0][1] > before.pop("change_count")[0][1]
        assert set(after) == set(before)
        for table in before:
            assert after[table] == before[table], table
        assert every_file(get_settings().documents_dir) == files
        assert not list(data.glob(".oversight-*"))

        # The restored instance goes on working: new rows get new ids.
        with Session(get_engine()) as session:
            person = make_person(session, system_user(session), name="After the restore")
            assert person.id is not None


@pytest.fixture
def sealed(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A backup of a small instance, and a new empty instance to restore it into (bound);
    yields the archive and the empty instance's data folder."""
    archive = tmp_path / "small.tar.age"
    with instance(tmp_path / "source"):
        fill(with_demo=False)
        backups.make_backup(recipients=[RECIPIENT], output=archive)
    with instance(tmp_path / "target") as data:
        yield archive, data


def _rebuilt(archive: Path, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The archive decrypted, its files changed, and encrypted again to the same key: damage
    that the encryption cannot see, only the manifest."""
    plain = pyrage.decrypt(archive.read_bytes(), [IDENTITY])
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        for member in tar:
            stream = tar.extractfile(member)
            assert stream is not None
            files[member.name] = stream.read()
    change(files)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return pyrage.encrypt(out.getvalue(), [pyrage.x25519.Recipient.from_str(RECIPIENT)])


def _a_document_changed(files: dict[str, bytes]) -> None:
    name = next(n for n in files if n.startswith("documents/"))
    content = bytearray(files[name])
    content[len(content) // 2] ^= 0x01
    files[name] = bytes(content)


def _database_replaced(files: dict[str, bytes]) -> None:
    # Garbage in place of the database, with a manifest that vouches for it: the load itself
    # fails, part way through.
    manifest = json.loads(files["manifest.json"])
    name = manifest["database"]["file"]
    files[name] = files[name][: len(files[name]) // 2][::-1]
    for entry in manifest["files"]:
        if entry["name"] == name:
            import hashlib  # noqa: PLC0415

            entry["size"] = len(files[name])
            entry["sha256"] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()


def _flipped(data: bytes) -> bytes:
    damaged = bytearray(data)
    damaged[len(damaged) // 2] ^= 0x01
    return bytes(damaged)


DAMAGE = {
    "wrong identity": (None, "No key in the identity file opens"),
    "flipped byte": (lambda archive: _flipped(archive.read_bytes()),
                     "is damaged or incomplete (it does not decrypt whole)"),
    "truncated": (lambda archive: archive.read_bytes()[: archive.stat().st_size * 2 // 3],
                  "is damaged or incomplete (it does not decrypt whole)"),
    "bad checksum": (lambda archive: _rebuilt(archive, _a_document_changed),
                     "does not match"),
    "database unloadable": (lambda archive: _rebuilt(archive, _database_replaced),
                            "Nothing was restored."),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_wrong_key_or_a_damaged_archive_is_refused_and_nothing_is_restored(
        sealed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        damage: str) -> None:
    archive, data = sealed
    make, message = DAMAGE[damage]
    identity: Any = IDENTITY
    if make is None:
        identity = pyrage.x25519.Identity.generate()
    else:
        damaged = tmp_path / "damaged.tar.age"
        damaged.write_bytes(make(archive))
        archive = damaged
    capsys.readouterr()

    code = main(["restore", str(archive), "--identity", str(identity_file(tmp_path, identity))])

    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert err.startswith("oversight restore: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    # The instance is as empty as it was: no table, no document, no plaintext left.
    assert database.holdings(get_engine()) == []
    assert every_file(get_settings().documents_dir) == {}
    assert not list(data.glob(".oversight-*"))


def test_restore_into_an_instance_that_holds_data_is_refused(
        sealed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive, _ = sealed
    with Session(get_engine()) as session:
        make_person(session, system_user(session), name="Already here")
    before = every_row()
    capsys.readouterr()

    code = main(["restore", str(archive), "--identity", str(identity_file(tmp_path))])

    err = capsys.readouterr().err
    assert code == 1
    assert "already holds data (in person)" in err
    assert err.count("\n") == 1
    assert every_row() == before
    with Session(get_engine()) as session:
        assert list(session.exec(select(Person.name)).all()) == ["Already here"]


def test_backup_needs_a_public_key_and_never_takes_a_private_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with instance(tmp_path / "site") as data:
        assert main(["backup"]) == 1
        assert "No one was named to encrypt the backup for" in capsys.readouterr().err
        assert main(["backup", "--recipient", str(IDENTITY)]) == 1
        err = capsys.readouterr().err
        assert "private key" in err
        assert str(IDENTITY) not in err
        # The failure is what administrators are shown.
        last = status.read(get_settings())
        assert last is not None and last.failing and "private key" in last.error
        assert not (data / "backups").exists() or not any((data / "backups").iterdir())


def test_recipients_setting_takes_comma_separated_public_keys(
        monkeypatch: pytest.MonkeyPatch) -> None:
    other = str(pyrage.x25519.Identity.generate().to_public())
    monkeypatch.setenv("OVERSIGHT_BACKUP_RECIPIENTS", f"{RECIPIENT}, {other}")
    assert Settings(_env_file=None).backup_recipients == [RECIPIENT, other]  # type: ignore[call-arg]
    monkeypatch.setenv("OVERSIGHT_BACKUP_RECIPIENTS", f"{RECIPIENT},age1notakey")
    with pytest.raises(ValueError, match="not an age public key"):
        Settings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("OVERSIGHT_BACKUP_RECIPIENTS", str(IDENTITY))
    with pytest.raises(ValueError, match="private key") as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert str(IDENTITY) not in str(refused.value)
    monkeypatch.delenv("OVERSIGHT_BACKUP_RECIPIENTS")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.backup_recipients == []
    assert settings.backups_dir == settings.data_dir / "backups"


def test_backup_key_makes_an_identity_file_and_prints_its_public_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "backup-key.txt"
    assert main(["backup-key", "--output", str(path)]) == 0
    public = capsys.readouterr().err.strip().removeprefix("Public key: ")
    assert path.stat().st_mode & 0o777 == 0o600
    [identity] = keys.read_identities(str(path))
    assert str(identity.to_public()) == public
    assert main(["backup-key", "--output", str(path)]) == 1

    assert main(["backup-key"]) == 0
    printed = capsys.readouterr()
    assert "AGE-SECRET-KEY-1" in printed.out
    assert "AGE-SECRET-KEY" not in printed.err


def test_the_scheduled_backup_writes_to_the_backup_folder_and_keeps_the_newest(
        tmp_path: Path) -> None:
    with instance(tmp_path / "site") as data, pytest.MonkeyPatch.context() as patch:
        patch.setenv("OVERSIGHT_BACKUP_RECIPIENTS", RECIPIENT)
        patch.setenv("OVERSIGHT_BACKUP_EVERY_HOURS", "24")
        patch.setenv("OVERSIGHT_BACKUP_KEEP", "2")
        get_settings.cache_clear()
        settings = get_settings()
        jobs = {job.name: job for job in upkeep.upkeep_jobs(settings)}
        assert jobs["backups.make"].seconds == 24 * 3600
        folder = data / "backups"
        folder.mkdir(parents=True)
        for day in (1, 2):
            old = backups.archive_name(datetime(2026, 1, day, tzinfo=UTC))
            (folder / old).write_bytes(b"an older backup")
        (folder / "keep-me.txt").write_text("not a backup")

        jobs["backups.make"].run()

        names = sorted(p.name for p in folder.iterdir())
        assert "keep-me.txt" in names
        assert backups.archive_name(datetime(2026, 1, 1, tzinfo=UTC)) not in names
        assert len([n for n in names if n.endswith(".tar.age")]) == 2
        last = status.read(settings)
        assert last is not None and not last.failing and last.file in names
    get_settings.cache_clear()
    assert "backups.make" not in {job.name for job in upkeep.upkeep_jobs(get_settings())}


def test_the_backup_commands_speak_the_organizers_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "es")
    archive = tmp_path / "respaldo.tar.age"
    with instance(tmp_path / "site"):
        fill(with_demo=False)
        assert main(["backup"]) == 1
        assert capsys.readouterr().err.startswith(
            "oversight backup: No se indicó para quién cifrar la copia de seguridad: use "
            "--recipient age1… o configure OVERSIGHT_BACKUP_RECIPIENTS.")
        assert main(["backup", "--recipient", RECIPIENT, "--output", str(archive)]) == 0
        out = capsys.readouterr().out
        assert out.startswith(f"Copia de seguridad guardada en {archive} (") and \
            "cifrada para 1 destinatario." in out and "documento" in out
        assert main(["backup", "--recipient", RECIPIENT, "--output", str(archive)]) == 1
        assert f"{archive} ya existe." in capsys.readouterr().err
        key = tmp_path / "clave.txt"
        assert main(["backup-key", "--output", str(key)]) == 0
        assert capsys.readouterr().err.startswith("Clave pública: age1")
        assert main(["backup-key", "--output", str(key)]) == 1
        assert capsys.readouterr().err == f"oversight backup-key: {key} ya existe.\n"
    damaged = tmp_path / "dañado.tar.age"
    damaged.write_bytes(archive.read_bytes()[:-40])
    with instance(tmp_path / "empty"):
        assert main(["restore", str(damaged), "--identity", str(identity_file(tmp_path))]) == 1
        assert "está dañada o incompleta (no se descifra completo); no se restauró nada." in \
            capsys.readouterr().err


def test_a_backup_with_no_one_to_encrypt_for_says_how_to_name_someone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_LANGUAGE", "en")
    with instance(tmp_path / "site"):
        fill(with_demo=False)
        assert main(["backup"]) == 1
        assert capsys.readouterr().err == (
            "oversight backup: No one was named to encrypt the backup for: give --recipient "
            "age1… or set OVERSIGHT_BACKUP_RECIPIENTS.\n")
