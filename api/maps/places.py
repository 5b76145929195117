"""Which state and county of the outlines a jurisdiction is: by the FIPS code kept on it, or
by its name matched against the names the outlines carry."""

import re

from api.jurisdictions.states import NAMES
from api.maps.atlas import AtlasMissing, load

# What people add to a county's name that the Census names in the outlines leave out.
_COUNTY_WORDS = re.compile(
    r"\s+(county|parish|borough|census area|city and borough|municipality)$", re.IGNORECASE)


def state_fips(state_code: str) -> str | None:
    """The two-digit code of a state or DC; None for a territory the outlines do not draw."""
    name = NAMES.get(state_code.upper())
    if name is None:
        return None
    try:
        found = load().state_named(name)
    except AtlasMissing:
        return None
    return found.fips if found else None


def state_code_of(fips: str) -> str | None:
    try:
        region = load().states.get(fips)
    except AtlasMissing:
        return None
    if region is None:
        return None
    return next((code for code, name in NAMES.items() if name == region.name), None)


def _plain(name: str) -> str:
    return _COUNTY_WORDS.sub("", " ".join(name.split())).casefold()


def county_fips(name: str, state_code: str) -> str | None:
    """The county of that name in the state ("Los Angeles County", "Orleans Parish"); where
    a county and an independent city share a name, the county."""
    state = state_fips(state_code)
    if state is None:
        return None
    wanted = _plain(name)
    for county in load().counties_of(state):
        if _plain(county.name) == wanted:
            return county.fips
    return None


def known_county(fips: str) -> bool:
    try:
        return fips in load().counties
    except AtlasMissing:
        return False


def installed() -> bool:
    try:
        load()
    except AtlasMissing:
        return False
    return True
