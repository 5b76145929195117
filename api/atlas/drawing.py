"""Outlines as SVG path data: fitted into a frame, simplified (Douglas-Peucker) to within a
fraction of a unit and rounded to a tenth, so a map of every state stays small."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from api.atlas.outlines import Point, Region, Ring

# How far (in frame units) a simplified outline may stray from the true one: less than a
# pixel at the size the pages draw maps, so neighbours' shared borders still meet.
TOLERANCE = 0.5
# Islands smaller than this (in square frame units) would be a speck: left out.
SMALLEST = 0.8


@dataclass(frozen=True)
class Frame:
    """Where the outlines' plane lands in the SVG's: a uniform scale from a corner, with a
    margin all around."""

    left: float
    top: float
    scale: float
    width: float
    height: float
    margin: float

    def place(self, point: Point) -> Point:
        return ((point[0] - self.left) * self.scale + self.margin,
                (point[1] - self.top) * self.scale + self.margin)

    @property
    def view_box(self) -> str:
        wide, high = self.width + 2 * self.margin, self.height + 2 * self.margin
        return f"0 0 {_number(wide)} {_number(high)}"


def bounds(regions: Iterable[Region]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for region in regions:
        for polygon in region.polygons:
            for x, y in polygon[0] if polygon else ():
                xs.append(x)
                ys.append(y)
    if not xs:
        return (0.0, 0.0, 1.0, 1.0)
    return (min(xs), min(ys), max(xs), max(ys))


def frame_for(regions: Iterable[Region], *, width: float = 960.0, height: float = 600.0,
              margin: float = 4.0) -> Frame:
    """A frame at most `width` by `height` units that holds the regions at their true
    proportions."""
    left, top, right, bottom = bounds(regions)
    scale = min(width / max(right - left, 1e-9), height / max(bottom - top, 1e-9))
    width = (right - left) * scale
    return Frame(left=left, top=top, scale=scale, width=width,
                 height=(bottom - top) * scale, margin=margin)


def _number(value: float) -> str:
    text = f"{value:.1f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x0, y0), (x1, y1) = point, start, end
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    if length == 0:
        return math.hypot(x - x0, y - y0)
    return abs(dy * x - dx * y + x1 * y0 - y1 * x0) / length


def simplified(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker without recursion: the points the line cannot do without."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            gap = _distance(points[i], points[first], points[last])
            if gap > worst:
                worst, index = gap, i
        if index > 0 and worst > tolerance:
            keep[index] = True
            spans.extend(((first, index), (index, last)))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def thinned(ring: Ring, frame: Frame, *, keep_small: bool = False) -> list[tuple[float, float]]:
    """The ring in frame units, simplified and rounded; empty when too small to see (unless
    it is all there is of a region: a tiny independent city is still drawn)."""
    placed = [frame.place(point) for point in ring]
    area = _area_and_centre(placed)[0] if len(placed) > 2 else 0.0
    if area < SMALLEST and not keep_small:
        return []
    # A region drawn a few units across keeps its shape rather than collapse to a line.
    tolerance = TOLERANCE if area >= 10 * SMALLEST else TOLERANCE / 10
    # Split at the point farthest from the start, so a closed ring has two ends to keep.
    far = max(range(len(placed)), key=lambda i: math.hypot(placed[i][0] - placed[0][0],
                                                           placed[i][1] - placed[0][1]),
              default=0)
    halves = simplified(placed[:far + 1], tolerance) + \
        simplified(placed[far:], tolerance)[1:]
    kept: list[tuple[float, float]] = []
    for x, y in halves:
        point = (round(x, 1), round(y, 1))
        if not kept or point != kept[-1]:
            kept.append(point)
    # A ring ends where it started: the closing "Z" draws that edge.
    if len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    return kept


def path_data(region: Region, frame: Frame) -> str:
    """One path for every polygon and hole of the region; rings too small to see are left
    out. Holes wind the other way round from their polygon, so the default fill cuts them."""
    parts = []
    largest = _largest(region)
    for number, polygon in enumerate(region.polygons):
        for ring in polygon:
            points = thinned(ring, frame, keep_small=number == largest)
            if len(points) < 3:
                continue
            coordinates = " ".join(f"{_number(x)} {_number(y)}" for x, y in points)
            parts.append(f"M{coordinates}Z")
    if not parts:
        # At this resolution some independent cities are a line: a dot marks where they are.
        x, y = anchor(region, frame)
        parts.append(f"M{_number(x - 1)} {_number(y - 1)}h2v2h-2Z")
    return "".join(parts)


def _area_and_centre(ring: Ring) -> tuple[float, Point]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def _largest(region: Region) -> int:
    """The index of the region's largest polygon (by its outer ring); -1 when it has none."""
    areas = [_area_and_centre(polygon[0])[0] if polygon and len(polygon[0]) > 2 else -1.0
             for polygon in region.polygons]
    return max(range(len(areas)), key=areas.__getitem__) if areas else -1


def anchor(region: Region, frame: Frame) -> tuple[float, float]:
    """Where a mark on the region goes: the centre of its largest piece (Michigan's lower
    peninsula, not the lake between its two)."""
    largest = _largest(region)
    if largest < 0:
        return (frame.margin, frame.margin)
    x, y = frame.place(_area_and_centre(region.polygons[largest][0])[1])
    return (round(x, 1), round(y, 1))
