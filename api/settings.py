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
    # Memory per web process for pages kept to answer the same request again until the data
    # changes (api.page_cache); 0 makes every page afresh.
    page_cache_mb: int = Field(default=32, ge=0, le=4096)
    # Runs the alert scheduler inside this process. One web process (`oversight serve`, the
    # default) schedules; with several web workers set it false there and run `oversight worker`.
    run_scheduler: bool = True
    demo_password: str = ""
    # Outside data: agenda platforms, OpenStreetMap's Overpass API, and how patiently to ask them.
    legistar_url: str = "https://webapi.legistar.com"
    overpass_url: str = "https://overpass-api.de/api/interpreter"
    outside_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    outside_attempts: int = Field(default=3, ge=1, le=10)
    agenda_sync_hours: float = Field(default=6.0, gt=0)

    # Alerts: how often the dispatcher ticks, how long a claim is held, retries.
    alert_tick_seconds: float = Field(default=30.0, gt=0, le=3600)
    alert_lease_seconds: float = Field(default=120.0, gt=0, le=86400)
    alert_max_attempts: int = Field(default=6, ge=1, le=50)
    alert_retry_base_seconds: float = Field(default=60.0, gt=0, le=86400)
    alert_retry_max_seconds: float = Field(default=3600.0, gt=0, le=7 * 86400)
    alert_batch_size: int = Field(default=200, ge=1, le=5000)
    alert_send_concurrency: int = Field(default=8, ge=1, le=64)
    alert_late_after_seconds: float = Field(default=600.0, ge=0)
    alert_full_plan_seconds: float = Field(default=600.0, gt=0)
    # Webhook URLs on private, loopback or link-local addresses are refused unless allowed here
    # (or by an administrator on the alerts page).
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Outgoing email; an administrator can override these on the alerts page.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "oversight@localhost"
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, le=300)

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
