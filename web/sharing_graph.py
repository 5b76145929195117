"""The exposure graph laid out on the server: the agency (or the jurisdiction's agencies) in
the middle, who can search its reads on a ring around it, and those reached through a partner
on an outer ring. Only coordinates and words; the template draws them as inline SVG."""

import math
from collections.abc import Callable
from dataclasses import dataclass

from api.sharing.service import ExposureRead, Reader

WIDTH, HEIGHT = 720, 480
CENTER = (WIDTH / 2, HEIGHT / 2)
INNER, OUTER = 140, 210
# More than these and the ring would be unreadable: the rest are one node saying how many.
MOST_DIRECT, MOST_SECOND = 18, 24
# About how wide a character of a label is drawn, to squeeze a long name into the room left.
CHARACTER_WIDTH = 6.6


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    # The whole name, for the node's own title.
    name: str
    kind: str  # subject, agency, group, pool, more, second
    immigration: bool = False
    # Which side of the node its label goes: "start" on the right half, "end" on the left.
    anchor: str = "start"
    href: str = ""
    # The width a long label is squeezed into (the whole name is always drawn); None: as is.
    fit: float | None = None


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    second: bool = False
    immigration: bool = False


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def _fit(label: str, x: float, anchor: str) -> float | None:
    room = (WIDTH - x - 16 if anchor == "start" else x - 16) if anchor != "middle" else WIDTH
    wanted = len(label) * CHARACTER_WIDTH
    return round(max(room, 40), 1) if wanted > room else None


def _at(radius: float, angle: float) -> tuple[float, float]:
    return (round(CENTER[0] + radius * math.cos(angle), 1),
            round(CENTER[1] + radius * math.sin(angle), 1))


# Longer labels are cut with an ellipsis (the whole name stays in the node's title): a long
# name squeezed whole would be unreadable and would run over its neighbours.
LONGEST = 32


def _short(label: str) -> str:
    return label if len(label) <= LONGEST else label[:LONGEST - 1].rstrip() + "…"


def _node(reader: Reader, x: float, y: float, kind: str, name: str,
          label: str | None = None) -> Node:
    anchor = "start" if x >= CENTER[0] else "end"
    label = _short(name) if label is None else label
    # Room for the warning sign drawn before an immigration agency's name.
    shown = f"⚠ {label}" if reader.immigration else label
    return Node(x, y, label, name, kind, reader.immigration, anchor,
                f"/agencies/{reader.agency_id}" if reader.agency_id else "",
                _fit(shown, x, anchor))


def _words(reader: Reader, label_of: Callable[[Reader], str]) -> tuple[str, str]:
    """A reader's whole words, and the same with only its name cut: the words around the
    name are the page's own and are drawn whole."""
    return label_of(reader), label_of(reader.model_copy(update={"name": _short(reader.name)}))


def layout(exposure: ExposureRead, *, subject: str, label_of: Callable[[Reader], str],
           more_label: str, second_more_label: str) -> Graph:
    """Where each node goes. `label_of` words a reader that is no agency kept here (a name,
    a count, or both), `more_label` and `second_more_label` the nodes standing for
    those left off ("{count} more")."""
    readers: dict[object, Reader] = {}
    for reader in exposure.readers:
        readers.setdefault(reader.agency_id or (reader.name, reader.count), reader)
    shown = list(readers.values())
    # The ones that matter most in a meeting first: immigration, then pools, then named.
    shown.sort(key=lambda r: (not r.immigration, not r.pool, r.agency_id is None, r.name))
    left_off = len(shown) - MOST_DIRECT if len(shown) > MOST_DIRECT else 0
    if left_off:
        shown = shown[:MOST_DIRECT - 1]
        left_off += 1
    slots = len(shown) + (1 if left_off else 0)
    nodes = [Node(CENTER[0], CENTER[1], _short(subject), subject, "subject", anchor="middle")]
    edges: list[Edge] = []
    angle_of: dict[int, float] = {}
    for i, reader in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(slots, 1)
        x, y = _at(INNER, angle)
        kind, name, label = "agency", reader.name, None
        if reader.agency_id is not None:
            angle_of[reader.agency_id] = angle
        elif reader.pool:
            kind = "pool"
        elif reader.count is not None:
            kind, (name, label) = "group", _words(reader, label_of)
        nodes.append(_node(reader, x, y, kind, name, label))
        edges.append(Edge(CENTER[0], CENTER[1], x, y, immigration=reader.immigration))
    if left_off:
        x, y = _at(INNER, -math.pi / 2 + 2 * math.pi * len(shown) / slots)
        nodes.append(Node(x, y, more_label.format(count=left_off),
                          more_label.format(count=left_off), "more",
                          anchor="start" if x >= CENTER[0] else "end"))
        edges.append(Edge(CENTER[0], CENTER[1], x, y))
    once: dict[object, Reader] = {}
    for reader in exposure.second_readers:
        if reader.through_agency_id in angle_of:
            once.setdefault(reader.agency_id or (reader.name, reader.count), reader)
    second = list(once.values())
    drawn = second[:MOST_SECOND]
    for i, reader in enumerate(drawn):
        # Beside the partner it is reached through, fanned out a little.
        base = angle_of[reader.through_agency_id]
        angle = base + (i % 5 - 2) * 0.12
        x, y = _at(OUTER, angle)
        px, py = _at(INNER, base)
        if reader.agency_id is None and reader.count is not None:
            nodes.append(_node(reader, x, y, "second", *_words(reader, label_of)))
        else:
            nodes.append(_node(reader, x, y, "second", reader.name))
        edges.append(Edge(px, py, x, y, second=True, immigration=reader.immigration))
    if len(second) > len(drawn):
        count = len(second) - len(drawn)
        nodes.append(Node(WIDTH - 12, HEIGHT - 12, second_more_label.format(count=count),
                          second_more_label.format(count=count), "more", anchor="end"))
    return Graph(WIDTH, HEIGHT, nodes, edges)
