"""The US state and county outlines of the us-atlas TopoJSON (already projected to the Albers
USA plane by its authors), decoded once per process into rings of points."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

# Build output, copied from npm's us-atlas package by `make assets` (never committed).
ATLAS_FILE = Path(__file__).resolve().parent / "shapes" / "counties-albers-10m.json"

Point = tuple[float, float]
Ring = list[Point]


class AtlasMissing(RuntimeError):
    """The outlines were not installed: `make assets` copies them."""


@dataclass(frozen=True)
class Region:
    """A state (two-digit FIPS code) or a county (five digits) with its outline: polygons, each
    an outer ring followed by its holes."""

    fips: str
    name: str
    polygons: tuple[tuple[Ring, ...], ...]

    @property
    def state_fips(self) -> str:
        return self.fips[:2]


@dataclass(frozen=True)
class Atlas:
    states: dict[str, Region]
    counties: dict[str, Region]

    def counties_of(self, state_fips: str) -> list[Region]:
        return [c for fips, c in sorted(self.counties.items()) if fips[:2] == state_fips]

    def state_named(self, name: str) -> Region | None:
        wanted = name.strip().casefold()
        return next((s for s in self.states.values() if s.name.casefold() == wanted), None)


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Every arc as absolute points. A quantized topology stores each arc's first position
    and then the difference from the one before, in integer steps of `transform`."""
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (kx, ky), (dx, dy) = transform["scale"], transform["translate"]
        x = y = 0
        points: Ring = []
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    """A ring joined from arcs; a negative index ~i is arc i walked backwards. Each arc after
    the first starts where the one before ended, so that shared point is kept once."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def polygons_of(geometry: dict[str, Any], arcs: list[Ring]) -> tuple[tuple[Ring, ...], ...]:
    kind = geometry.get("type")
    if kind == "Polygon":
        shapes = [geometry["arcs"]]
    elif kind == "MultiPolygon":
        shapes = geometry["arcs"]
    else:
        return ()
    return tuple(tuple(ring_of(ring, arcs) for ring in shape) for shape in shapes)


def regions(topology: dict[str, Any], name: str, arcs: list[Ring]) -> dict[str, Region]:
    out = {}
    for geometry in topology["objects"][name]["geometries"]:
        fips = str(geometry.get("id", ""))
        if not fips:
            continue
        label = str((geometry.get("properties") or {}).get("name", ""))
        out[fips] = Region(fips=fips, name=label, polygons=polygons_of(geometry, arcs))
    return out


def parse(topology: dict[str, Any]) -> Atlas:
    arcs = decode_arcs(topology)
    return Atlas(states=regions(topology, "states", arcs),
                 counties=regions(topology, "counties", arcs))


@lru_cache(maxsize=1)
def load() -> Atlas:
    """The outlines, read and decoded on first use. Raises AtlasMissing when not installed."""
    try:
        text = ATLAS_FILE.read_text()
    except FileNotFoundError:
        raise AtlasMissing(str(ATLAS_FILE.name)) from None
    return parse(json.loads(text))
