"""The public-records law of each jurisdiction, read from campaigns/records_laws.yaml."""

import threading
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from api.settings import get_settings

FEDERAL = "US"


class DayType(StrEnum):
    business = "business"
    calendar = "calendar"


class Confidence(StrEnum):
    verified = "verified"
    recalled_high = "recalled-high"
    recalled_med = "recalled-med"
    recalled_low = "recalled-low"


class RecordsLaw(BaseModel):
    """One jurisdiction's records law: how long an agency has, and how sure we are of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    name: str = Field(min_length=1)
    law: str = Field(min_length=1)
    days: int | None = Field(default=None, ge=1, le=365)
    day_type: DayType | None = None
    deadline_kind: str = Field(min_length=1, max_length=60)
    extension_days: int | None = Field(default=None, ge=1, le=365)
    extension_day_type: DayType | None = None
    citation: str = ""
    confidence: Confidence
    note: str = ""

    @model_validator(mode="after")
    def _day_types_given(self) -> "RecordsLaw":
        if self.days is not None and self.day_type is None:
            raise ValueError("day_type is needed when days is set")
        if self.extension_days is not None and self.extension_day_type is None:
            raise ValueError("extension_day_type is needed when extension_days is set")
        return self

    @property
    def verified(self) -> bool:
        return self.confidence == Confidence.verified

    @property
    def is_federal(self) -> bool:
        return self.jurisdiction == FEDERAL

    def summary(self) -> "RecordsLawRead":
        """The entry as shown to users, with the badge flag the pages need."""
        return RecordsLawRead(**self.model_dump(mode="json"), verified=self.verified,
                              verify_badge=not self.verified)


class RecordsLawRead(BaseModel):
    """A records law as the API and the pages show it."""
    jurisdiction: str
    name: str
    law: str
    days: int | None
    day_type: str | None
    deadline_kind: str
    extension_days: int | None
    extension_day_type: str | None
    citation: str
    confidence: str
    note: str
    verified: bool
    verify_badge: bool


class LawTableError(Exception):
    """The records-law table cannot be read; names the file and the entry at fault."""


_lock = threading.Lock()
_cache: dict[tuple[Path, int], dict[str, RecordsLaw]] = {}


def table_path() -> Path:
    return get_settings().campaigns_dir / "records_laws.yaml"


def parse_table(text: str, *, source: str) -> dict[str, RecordsLaw]:
    """Every entry of a records-law table, keyed by jurisdiction code."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LawTableError(f"{source}: not valid YAML: {exc}") from exc
    rows = data.get("laws") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise LawTableError(f"{source}: expected a top-level 'laws' list")
    laws: dict[str, RecordsLaw] = {}
    for index, row in enumerate(rows):
        try:
            law = RecordsLaw.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            raise LawTableError(f"{source}: laws[{index}] {where}: {first['msg']}") from exc
        if law.jurisdiction in laws:
            raise LawTableError(f"{source}: {law.jurisdiction} appears twice")
        laws[law.jurisdiction] = law
    return laws


def all_laws() -> dict[str, RecordsLaw]:
    """The table, re-read when the file changes so an edit needs no restart."""
    path = table_path()
    key = (path, path.stat().st_mtime_ns)
    with _lock:
        found = _cache.get(key)
        if found is None:
            found = parse_table(path.read_text(encoding="utf-8"), source=path.name)
            _cache.clear()
            _cache[key] = found
        return found


def law_for(code: str | None) -> RecordsLaw | None:
    """The law of a two-letter state code, "DC", or "US" for federal FOIA; None if unknown."""
    if not code:
        return None
    return all_laws().get(code.upper())
