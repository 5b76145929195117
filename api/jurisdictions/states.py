"""The timezone of each state, read from campaigns/state_timezones.yaml."""

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from api.settings import get_settings

FILE = "state_timezones.yaml"


def parse(text: str) -> dict[str, str]:
    """The table, checked: two-letter codes, zones this machine knows. Raises ValueError."""
    data = yaml.safe_load(text) or {}
    zones = data.get("zones") if isinstance(data, dict) else None
    if not isinstance(zones, dict):
        raise ValueError(f"{FILE} has no 'zones' mapping")
    out: dict[str, str] = {}
    for code, zone in zones.items():
        if not (isinstance(code, str) and len(code) == 2 and code.isalpha() and code.isupper()):
            raise ValueError(f"{FILE}: {code!r} is not a two-letter state code")
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{FILE}: {code} has an unknown timezone {zone!r}") from None
        out[code] = str(zone)
    return out


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    return parse((get_settings().campaigns_dir / FILE).read_text())


def zone_of(state_code: str) -> str:
    """The state's zone; the coalition's own for a code the table does not know."""
    return _table().get(state_code.upper(), get_settings().timezone)
