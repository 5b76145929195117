"""One name for each vendor however a dataset writes it: "Flock", "Flock Safety" and "Flock
Safety, Inc." are Flock Safety. The ways are data, in campaigns/vendor_aliases.yaml."""

import re
from functools import lru_cache

import yaml

from api.settings import get_settings

FILE = "vendor_aliases.yaml"
# Company endings that never tell two vendors apart.
ENDINGS = re.compile(r"(\s+(inc|incorporated|llc|ltd|corp|corporation|co|company|usa))+$")


def key(name: str) -> str:
    """A vendor name compared without case, punctuation, spacing or a company ending."""
    lowered = re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and "))
    return ENDINGS.sub("", " ".join(lowered.split()))


def parse(text: str) -> dict[str, str]:
    """Each alias's key, and the vendor's own name, to that name. Raises ValueError."""
    data = yaml.safe_load(text) or {}
    vendors = data.get("vendors") if isinstance(data, dict) else None
    if not isinstance(vendors, dict):
        raise ValueError(f"{FILE} has no 'vendors' mapping")
    out: dict[str, str] = {}
    for name, aliases in vendors.items():
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{FILE}: {name!r} is not a vendor name")
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError(f"{FILE}: the aliases of {name} are not a list of names")
        for alias in (name, *aliases):
            if out.setdefault(key(alias), name) != name:
                raise ValueError(f"{FILE}: {alias!r} is listed under two vendors")
    return out


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    return parse((get_settings().campaigns_dir / FILE).read_text())


def canonical(name: str) -> str:
    """The vendor's name as the coalition keeps it: its listed name, or the name as written
    with its spacing tidied."""
    tidy = " ".join(name.split())
    return _aliases().get(key(tidy), tidy)
