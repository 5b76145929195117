"""The `oversight` command: help, and migrate on a fresh database, in process and as installed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import api.models  # noqa: F401  (every table on the metadata)
from api import migrations, public_url
from api.accounts.service import SYSTEM_EMAIL
from api.cli import main
from tests.databases import app_bound_to, fresh_database, sqlite_url
from tests.serving import served

APPLICATION_TABLES = {table.name for table in SQLModel.metadata.sorted_tables}
COMMANDS = ("serve", "migrate", "demo")


def _head() -> str:
    head = ScriptDirectory.from_config(migrations.alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _state(url: str) -> tuple[set[str], list[str], list[tuple[str, str]]]:
    """Tables, Alembic version and the system account(s) in the database at url."""
    engine = sa.create_engine(url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            version = [row[0] for row in conn.exec_driver_sql(
                "SELECT version_num FROM alembic_version")]
            system = [(row[0], row[1]) for row in conn.exec_driver_sql(
                "SELECT email, role FROM app_user WHERE email = ?", (SYSTEM_EMAIL,))]
    finally:
        engine.dispose()
    return tables, version, system


def _assert_migrated(url: str) -> None:
    tables, version, system = _state(url)
    assert tables >= APPLICATION_TABLES
    assert version == [_head()]
    assert len(system) == 1
    assert system[0][0] == SYSTEM_EMAIL
    assert system[0][1].lower() == "admin"


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([])
    assert exit_.value.code == 2
    assert "required" in capsys.readouterr().err


def test_migrate_creates_the_schema_and_the_system_user_and_is_idempotent(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = sqlite_url(tmp_path / "cli.db")
    with app_bound_to(url):
        assert main(["migrate"]) == 0
        _assert_migrated(url)
        assert main(["migrate"]) == 0
        _assert_migrated(url)
    assert "up to date" in capsys.readouterr().out


def _installed_command() -> Path:
    # The console script sits next to the interpreter running the tests (the project's venv).
    return Path(sys.executable).parent / "oversight"


def test_installed_console_script_migrates_a_fresh_database(tmp_path: Path) -> None:
    command = _installed_command()
    assert command.is_file()
    assert os.access(command, os.X_OK)

    url = sqlite_url(tmp_path / "installed.db")
    env = {**os.environ, "OVERSIGHT_DATABASE_URL": url, "OVERSIGHT_DATA_DIR": str(tmp_path)}
    env.pop("OVERSIGHT_TEST_DATABASE_URL", None)
    for _ in range(2):
        # Run from elsewhere: the command must not depend on the working directory.
        done = subprocess.run([str(command), "migrate"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert "Database is up to date." in done.stdout
        _assert_migrated(url)
    # In a process of its own, the command loads every table an account refers to.
    made = subprocess.run([str(command), "create-admin", "--email", "first@example.org",
                           "--password-stdin"], input="a long enough passphrase\n",
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert made.returncode == 0, made.stderr
    assert "Created the administrator first@example.org" in made.stdout


def test_installed_console_script_help(tmp_path: Path) -> None:
    done = subprocess.run([str(_installed_command()), "--help"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    for command in COMMANDS:
        assert command in done.stdout


def test_create_admin_reads_the_password_and_refuses_a_short_one(
        db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from sqlmodel import Session, select

    from api.auth import passwords
    from api.auth.models import User
    from api.db import get_engine

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-admin", "--email", "root@example.org", "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    assert main(["create-admin", "--email", "Root@Example.org", "--password-stdin"]) == 0
    with Session(get_engine()) as s:
        user = s.exec(select(User).where(User.email == "root@example.org")).one()
        assert user.role == "admin" and user.password_hash
        assert passwords.verify("a long enough passphrase", user.password_hash)[0]


@pytest.mark.parametrize(("argv", "stdin", "said"), [
    (["--email", "someone@oversight.invalid", "--password-stdin"], "a long enough passphrase\n",
     "oversight create-admin: --email: The part after the @ is a reserved name that receives "
     "no email; give a real address."),
    (["--email", "not an address", "--password-stdin"], "a long enough passphrase\n",
     "oversight create-admin: --email: An email address needs an @, like name@example.org."),
    (["--email", "root@example.org"], "",
     "oversight create-admin: no password was typed; with no terminal, give it on standard "
     "input with --password-stdin."),
    # The address is told before any password is asked for: no terminal here, and still the
    # address is what is said to be wrong, not the password missing.
    (["--email", "not an address"], "",
     "oversight create-admin: --email: An email address needs an @, like name@example.org."),
])
def test_create_admin_says_what_is_wrong_in_one_line(
        db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str], stdin: str, said: str) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["create-admin", *argv]) in (1, 2)
    printed = capsys.readouterr().err
    assert printed.startswith(said), printed
    assert "Traceback" not in printed and len(printed.strip().splitlines()) == 1


def test_a_command_on_a_database_never_migrated_says_to_migrate_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    with fresh_database(tmp_path) as url, app_bound_to(url, data_dir=str(tmp_path / "data")):
        code = main(["create-admin", "--email", "first@example.org", "--password-stdin"])
    printed = capsys.readouterr().err
    assert code == 1
    assert printed.startswith("oversight create-admin: the database is not set up"), printed
    assert "run `oversight migrate` first." in printed
    assert "Traceback" not in printed and len(printed.strip().splitlines()) == 1


def test_a_database_out_of_reach_is_named_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    # Nothing listens on port 1: the connection is refused at once.
    with app_bound_to("postgresql+psycopg://oversight@127.0.0.1:1/oversight",
                      data_dir=str(tmp_path)):
        code = main(["create-admin", "--email", "first@example.org", "--password-stdin"])
    printed = capsys.readouterr().err
    assert code == 1
    assert printed.startswith("oversight create-admin: the database is busy or unreachable")
    assert "OVERSIGHT_DATABASE_URL" in printed and len(printed.strip().splitlines()) == 1


def test_serve_prints_the_address_it_serves_and_links_point_there() -> None:
    before = public_url.base_url()
    with served("--host", "127.0.0.1", "--port", "8123") as run:
        assert run.printed.startswith("Oversight is serving on http://127.0.0.1:8123 (database: ")
        assert (run.asked["host"], run.asked["port"]) == ("127.0.0.1", 8123)
        assert run.links == "http://127.0.0.1:8123"
        assert public_url.base_url() == "http://127.0.0.1:8123"
    assert public_url.base_url() == before


@pytest.mark.parametrize(("host", "address"), [("0.0.0.0", "http://127.0.0.1:8123"),  # noqa: S104
                                               ("::", "http://[::1]:8123")])
def test_serving_on_every_interface_prints_an_address_a_browser_opens(
        host: str, address: str) -> None:
    with served("--host", host, "--port", "8123") as run:
        first, second = run.printed.splitlines()[:2]
        assert first.startswith(f"Oversight is serving on {address} "
                                "(listening on all interfaces, port 8123; database: ")
        assert "set OVERSIGHT_BASE_URL to the address others reach this server at" in second
        assert run.asked["host"] == host
        assert run.links == address


def test_serve_says_where_links_point_when_the_base_url_is_set() -> None:
    with served("--port", "8123", base_url="https://crm.coalition.example/") as run:
        assert "Oversight is serving on http://127.0.0.1:8123 " in run.printed
        assert ("Links in emails and calendar feeds start with https://crm.coalition.example "
                "(OVERSIGHT_BASE_URL).") in run.printed
        assert run.links == "https://crm.coalition.example"


@pytest.mark.parametrize("port", ["0", "70000", "http", "-1", "８０"])
def test_serve_refuses_a_port_that_is_no_port(port: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", port])
    assert exit_.value.code == 2
    assert "must be a port number from 1 to 65535" in capsys.readouterr().err
