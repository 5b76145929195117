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


# Each state's name as people write it, for saying where a place is ("Pueblo, Colorado").
NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island",
    "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
    "GU": "Guam", "VI": "U.S. Virgin Islands", "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}


def place_name(name: str, state_code: str) -> str:
    """A place with its state: "Pueblo, Colorado"; a state on its own is just its name."""
    state = NAMES.get(state_code.upper(), state_code.upper())
    return state if not name or name == state else f"{name}, {state}"
