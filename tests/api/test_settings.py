"""Settings: OVERSIGHT_* environment variables, the default database, refused values."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import ValidationError

from api import public_url
from api.settings import PROJECT_ROOT, Settings


def _settings() -> Settings:
    # No .env file, so only the environment the test sets up counts.
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_values_come_from_oversight_prefixed_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", "postgresql+psycopg://someone@db.invalid/crm")
    monkeypatch.setenv("OVERSIGHT_SQLITE_SYNCHRONOUS", "FULL")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_BYTES", "1024")
    monkeypatch.setenv("OVERSIGHT_RUN_SCHEDULER", "false")
    # Unprefixed names belong to other programs and are ignored.
    monkeypatch.setenv("BASE_URL", "http://elsewhere.invalid")
    monkeypatch.delenv("OVERSIGHT_BASE_URL", raising=False)
    monkeypatch.delenv("OVERSIGHT_SERVED_URL", raising=False)

    settings = _settings()

    assert settings.database_url == "postgresql+psycopg://someone@db.invalid/crm"
    assert not settings.is_sqlite
    assert settings.sqlite_synchronous == "FULL"
    assert settings.data_dir == tmp_path
    assert settings.documents_dir == tmp_path / "documents"
    assert settings.max_upload_bytes == 1024
    assert settings.run_scheduler is False
    # Unset, links point where `oversight serve` serves, or at its default address.
    assert settings.base_url == ""
    assert public_url.base_url(settings) == "http://127.0.0.1:8000"


def test_default_database_is_a_sqlite_file_under_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    monkeypatch.delenv("OVERSIGHT_SQLITE_SYNCHRONOUS", raising=False)

    settings = _settings()

    url = sa.engine.make_url(settings.database_url)
    assert url.get_backend_name() == "sqlite"
    assert settings.is_sqlite
    assert url.database is not None
    assert Path(url.database).is_absolute()
    assert Path(url.database).parent == PROJECT_ROOT / "var"
    assert settings.sqlite_synchronous == "NORMAL"


@pytest.mark.parametrize("value", ["SOMETIMES", "", "FULL; DROP TABLE app_user"])
def test_invalid_synchronous_value_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("OVERSIGHT_SQLITE_SYNCHRONOUS", value)
    with pytest.raises(ValidationError, match="sqlite_synchronous"):
        _settings()


def test_upload_limit_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_BYTES", "0")
    with pytest.raises(ValidationError, match="max_upload_bytes"):
        _settings()


@pytest.mark.parametrize(("name", "value"), [("OVERSIGHT_SQLITE_CACHE_MB", "0"),
                                              ("OVERSIGHT_SQLITE_MMAP_MB", "-1"),
                                              ("OVERSIGHT_SQLITE_CACHE_MB", "lots")])
def test_sqlite_memory_settings_are_checked(monkeypatch: pytest.MonkeyPatch, name: str,
                                            value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
