"""Configuration: one Settings object read from OVERSIGHT_* environment variables."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OVERSIGHT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'oversight.db'}",
        description="SQLAlchemy URL; SQLite file by default, any PostgreSQL URL works.",
    )
    # NORMAL is durable across application crashes in WAL mode; FULL also across power loss.
    sqlite_synchronous: str = Field(default="NORMAL", pattern="^(OFF|NORMAL|FULL|EXTRA)$")
    data_dir: Path = PROJECT_ROOT / "var"
    # Playbooks, records laws and letter templates; organizers may also drop their own
    # playbooks into <data_dir>/playbooks, which survives upgrades of the image.
    campaigns_dir: Path = PROJECT_ROOT / "campaigns"
    base_url: str = "http://127.0.0.1:8000"
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    run_scheduler: bool = True
    demo_password: str = ""
    # Outside data: agenda platforms, OpenStreetMap's Overpass API, and how patiently to ask them.
    legistar_url: str = "https://webapi.legistar.com"
    overpass_url: str = "https://overpass-api.de/api/interpreter"
    outside_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    outside_attempts: int = Field(default=3, ge=1, le=10)
    agenda_sync_hours: float = Field(default=6.0, gt=0)

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def organizer_playbooks_dir(self) -> Path:
        return self.data_dir / "playbooks"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
