"""Configuration: one Settings object read from OVERSIGHT_* environment variables."""

from functools import lru_cache
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import available_timezones

import pyrage
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A hundred years: a longer retention period is a typing mistake, not a policy.
MAX_RETENTION_DAYS = 365 * 100


class Settings(BaseSettings):
    # A refused value is not repeated in the error: it may be a password, or a private key
    # given where a public one belongs, and errors end up in logs.
    model_config = SettingsConfigDict(env_prefix="OVERSIGHT_", env_file=".env", extra="ignore",
                                      hide_input_in_errors=True)

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'oversight.db'}",
        description="SQLAlchemy URL; SQLite file by default, any PostgreSQL URL works.",
    )
    # NORMAL is durable across application crashes in WAL mode; FULL also across power loss.
    sqlite_synchronous: str = Field(default="NORMAL", pattern="^(OFF|NORMAL|FULL|EXTRA)$")
    # Each pooled SQLite connection's page cache, and how much of the file is read through
    # memory mapping (shared by every connection, kept by the operating system): SQLite's own
    # 2 MB cache re-read a page's rows from disk for every page made afresh.
    sqlite_cache_mb: int = Field(default=16, ge=1, le=1024)
    sqlite_mmap_mb: int = Field(default=256, ge=0, le=65536)
    data_dir: Path = PROJECT_ROOT / "var"
    # Playbooks, records laws and letter templates; organizers may also drop their own
    # playbooks into <data_dir>/playbooks, which survives upgrades of the image.
    campaigns_dir: Path = PROJECT_ROOT / "campaigns"
    # The address links sent out of the app start with (emails, webhooks, calendar feeds).
    # Unset, they point where `oversight serve` serves (api.public_url).
    base_url: str = Field(default="", max_length=300)
    # Written by `oversight serve` for itself and its workers; not set by hand.
    served_url: str = Field(default="", max_length=300)
    # The coalition's own clock: "today", "in N days" and "overdue" for records with no
    # jurisdiction of their own, the dashboard's and the calendar's day, and times in the audit
    # log. Records in a jurisdiction count days by that jurisdiction's timezone.
    timezone: str = Field(default="America/Los_Angeles", max_length=64)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    # A request body is refused (413) as soon as it streams past its limit, before anything
    # parses it: forms and JSON at max_form_bytes; a request to a route that takes a file at
    # max_upload_bytes plus max_form_bytes for the form around the file (api.body_limit).
    max_form_bytes: int = Field(default=1024 * 1024, ge=16 * 1024, le=64 * 1024 * 1024)
    # Spreadsheet imports: an XLSX workbook (a zip) is refused before it is opened when its
    # parts would expand past max_import_expanded_bytes or any large part is packed more than
    # max_import_ratio times (a zip bomb packs a thousand times); reading stops past the rows or
    # cells limits, blank cells included. A CSV import (spreadsheets and agency datasets alike)
    # stops past the same rows and cells, or past max_import_expanded_bytes of text.
    max_import_expanded_bytes: int = Field(default=100 * 1024 * 1024, ge=1024 * 1024,
                                           le=4 * 1024 * 1024 * 1024)
    max_import_ratio: int = Field(default=100, ge=10, le=1000)
    max_import_rows: int = Field(default=50_000, ge=1, le=1_000_000)
    max_import_cells: int = Field(default=1_000_000, ge=1000, le=50_000_000)
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
    alert_send_concurrency: int = Field(default=16, ge=1, le=64)
    # Sends at once to one webhook endpoint, and to the mail server: one slow or hanging
    # receiver holds this many of the sending threads, never all of them.
    alert_endpoint_concurrency: int = Field(default=4, ge=1, le=64)
    alert_email_concurrency: int = Field(default=4, ge=1, le=64)
    # Failures (errors or timeouts) in a row after which an endpoint's alerts wait, first for
    # alert_breaker_seconds, twice that after each failed probe, up to alert_retry_max_seconds.
    alert_breaker_failures: int = Field(default=3, ge=1, le=100)
    alert_breaker_seconds: float = Field(default=60.0, gt=0, le=86400)
    # How long one tick keeps claiming and sending before it hands back what is left.
    alert_dispatch_deadline_seconds: float = Field(default=120.0, gt=0, le=3600)
    # On SIGTERM the worker stops claiming at once, releases what it has not started and waits
    # this long for sends in flight (within Docker's and systemd's stop timeouts).
    alert_shutdown_seconds: float = Field(default=8.0, gt=0, le=60)
    alert_late_after_seconds: float = Field(default=600.0, ge=0)
    alert_full_plan_seconds: float = Field(default=600.0, gt=0)
    # Webhook URLs on private, loopback or link-local addresses are refused unless allowed here
    # (or by an administrator on the alerts page).
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # Reverse proxies in front of the app, as addresses or networks separated by commas (e.g.
    # "127.0.0.1, 172.18.0.0/16"). Only a request from one of them is believed about the
    # client's address (X-Forwarded-For, which sign-in throttling counts by) and scheme; empty,
    # none is, so nobody can pick the address they are counted under.
    trusted_proxies: str = Field(default="", max_length=2000)
    # Outgoing email; an administrator can override these on the alerts page.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    smtp_from: str = "oversight@localhost"
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    # Backups: the age public keys archives are encrypted to (comma-separated). Only the public
    # half is ever given to the server; whoever restores brings the private one.
    backup_recipients: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Where `oversight backup` and the scheduled backup write; unset, <data_dir>/backups.
    backup_dir: Path | None = None
    backup_every_hours: float = Field(default=0.0, ge=0, le=24 * 366)
    # Scheduled archives kept in backup_dir, newest first; 0 keeps them all.
    backup_keep: int = Field(default=14, ge=0, le=100_000)
    # People with no activity for this many days lose their contact details (api.retention);
    # 0 keeps them for ever.
    retention_days: int = Field(default=0, ge=0, le=MAX_RETENTION_DAYS)

    @field_validator("backup_recipients", mode="before")
    @classmethod
    def _recipient_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("backup_recipients")
    @classmethod
    def _age_public_keys(cls, value: list[str]) -> list[str]:
        for key in value:
            if key.upper().startswith("AGE-SECRET-KEY-"):
                raise ValueError("that is a private key (AGE-SECRET-KEY-…): give the server only "
                                 "its public key (age1…)")
            try:
                pyrage.x25519.Recipient.from_str(key)
            except pyrage.RecipientError:
                shown = key if key.startswith("age1") else key[:8] + "…"
                raise ValueError(f"{shown!r} is not an age public key (age1…)") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for entry in value.replace(",", " ").split():
            ip_network(entry, strict=False)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError("must be an IANA timezone such as America/Chicago")
        return value

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def backups_dir(self) -> Path:
        return self.backup_dir or self.data_dir / "backups"

    @property
    def organizer_playbooks_dir(self) -> Path:
        return self.data_dir / "playbooks"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
