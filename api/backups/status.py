"""The last backup's outcome, kept in the data folder for the administrators' dashboard."""

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from api.settings import Settings

FILE = "backup-status.json"


@dataclass(frozen=True)
class BackupStatus:
    succeeded_at: datetime | None = None
    file: str = ""
    failed_at: datetime | None = None
    error: str = ""

    @property
    def failing(self) -> bool:
        """The latest attempt failed."""
        if self.failed_at is None:
            return False
        return self.succeeded_at is None or self.failed_at > self.succeeded_at


def _path(settings: Settings) -> Path:
    return settings.data_dir / FILE


def read(settings: Settings) -> BackupStatus | None:
    """None when no backup was ever attempted here (or the record is unreadable)."""
    try:
        raw = json.loads(_path(settings).read_text(encoding="utf-8"))
        return BackupStatus(
            succeeded_at=_instant(raw.get("succeeded_at")), file=str(raw.get("file") or ""),
            failed_at=_instant(raw.get("failed_at")), error=str(raw.get("error") or ""))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def record_success(settings: Settings, *, at: datetime, file: str) -> None:
    before = read(settings) or BackupStatus()
    _write(settings, BackupStatus(succeeded_at=at, file=file, failed_at=before.failed_at,
                                  error=before.error))


def record_failure(settings: Settings, *, at: datetime, error: str) -> None:
    before = read(settings) or BackupStatus()
    _write(settings, BackupStatus(succeeded_at=before.succeeded_at, file=before.file,
                                  failed_at=at, error=error))


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _write(settings: Settings, status: BackupStatus) -> None:
    path = _path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"succeeded_at": status.succeeded_at.isoformat() if status.succeeded_at else None,
            "file": status.file,
            "failed_at": status.failed_at.isoformat() if status.failed_at else None,
            "error": status.error}
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
    # Replaced whole, so the dashboard never reads half a record.
    os.replace(partial, path)
