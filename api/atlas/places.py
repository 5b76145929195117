"""Which state and county of the outlines a place is: by its name matched against the names
the outlines carry (the Census's: "Los Angeles", not "Los Angeles County")."""

import re

from api.atlas.outlines import AtlasMissing, load

# What people add to a county's name that the Census names in the outlines leave out.
_COUNTY_WORDS = re.compile(
    r"\s+(county|parish|borough|census area|city and borough|municipality)$", re.IGNORECASE)


def state_fips(state_name: str) -> str | None:
    """The two-digit code of a state or DC by its name; None for a territory the outlines do
    not draw (or when they are not installed)."""
    try:
        found = load().state_named(state_name)
    except AtlasMissing:
        return None
    return found.fips if found else None


def state_name_of(fips: str) -> str | None:
    try:
        region = load().states.get(fips)
    except AtlasMissing:
        return None
    return region.name if region else None


def _plain(name: str) -> str:
    return _COUNTY_WORDS.sub("", " ".join(name.split())).casefold()


def county_fips(name: str, state_name: str) -> str | None:
    """The county of that name in the state ("Los Angeles County", "Orleans Parish"); where
    a county and an independent city share a name, the county."""
    state = state_fips(state_name)
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
