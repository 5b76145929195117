"""The us-atlas TopoJSON decoded: quantized, delta-encoded arcs joined into closed rings, the
states and counties it names, and outlines written as small SVG paths."""

from api.atlas import drawing
from api.atlas import outlines as atlas

# Two squares side by side sharing their middle edge, quantized on a grid of 10 units:
# arc 0 is the shared edge (top to bottom), arcs 1 and 2 the rest of each square.
TINY = {
    "type": "Topology",
    "transform": {"scale": [10, 10], "translate": [100, 200]},
    "arcs": [
        [[1, 1], [0, -1]],
        [[1, 0], [-1, 0], [0, 1], [1, 0]],
        [[1, 1], [1, 0], [0, -1], [-1, 0]],
    ],
    "objects": {
        "states": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "01", "properties": {"name": "West"}},
            {"type": "MultiPolygon", "arcs": [[[2, -1]]], "id": "02",
             "properties": {"name": "East"}},
        ]},
        "counties": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "id": "01001", "properties": {"name": "Only"}},
        ]},
    },
}


def test_arcs_are_delta_decoded_through_the_transform() -> None:
    arcs = atlas.decode_arcs(TINY)
    assert arcs[0] == [(110, 210), (110, 200)]
    assert arcs[1] == [(110, 200), (100, 200), (100, 210), (110, 210)]


def test_rings_join_arcs_and_close_and_a_negative_index_walks_backwards() -> None:
    decoded = atlas.parse(TINY)
    west = decoded.states["01"].polygons[0][0]
    assert west == [(110, 210), (110, 200), (100, 200), (100, 210), (110, 210)]
    assert west[0] == west[-1]
    east = decoded.states["02"].polygons[0][0]
    assert east == [(110, 210), (120, 210), (120, 200), (110, 200), (110, 210)]
    assert decoded.counties_of("01")[0].name == "Only"
    assert decoded.state_named("east").fips == "02"


def test_the_shipped_outlines_hold_every_state_and_county() -> None:
    shipped = atlas.load()
    # The Albers USA layout draws the fifty states and DC (Alaska and Hawaii moved in).
    assert len(shipped.states) == 51
    assert {"06", "11", "02", "15"} <= set(shipped.states)
    assert shipped.states["11"].name == "District of Columbia"
    assert len(shipped.counties) > 3100
    assert shipped.counties["06037"].name == "Los Angeles"
    assert len(shipped.counties_of("06")) == 58
    for region in (shipped.states["06"], shipped.counties["06037"]):
        for polygon in region.polygons:
            for ring in polygon:
                assert ring[0] == ring[-1]
    assert atlas.load() is shipped  # decoded once per process


def test_paths_close_and_stay_small() -> None:
    shipped = atlas.load()
    frame = drawing.frame_for(shipped.states.values(), width=960, height=600)
    paths = {fips: drawing.path_data(region, frame) for fips, region in shipped.states.items()}
    assert all(p.startswith("M") and p.endswith("Z") for p in paths.values())
    assert sum(len(p) for p in paths.values()) < 80_000
    # Hawaii's eight islands are each a ring of their own.
    assert paths["15"].count("M") >= 5
    x, y = drawing.anchor(shipped.states["26"], frame)  # Michigan's lower peninsula
    left, top, right, bottom = drawing.bounds([shipped.states["26"]])
    assert frame.place((left, top))[1] < y < frame.place((right, bottom))[1]


def test_a_county_a_line_wide_at_this_resolution_is_still_drawn() -> None:
    shipped = atlas.load()
    counties = shipped.counties_of("51")
    frame = drawing.frame_for(counties, width=720, height=560)
    assert all(drawing.path_data(c, frame) for c in counties)
    assert drawing.path_data(shipped.counties["51610"], frame).endswith("Z")


def test_simplifying_keeps_the_corners() -> None:
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 5.0)]
    assert drawing.simplified(line, 0.5) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]
