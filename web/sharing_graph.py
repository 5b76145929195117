"""The exposure graph laid out on the server: the agency (or the jurisdiction's agencies) in
the middle, who can search its reads in a column on each side, and those reached through a
partner just under it, set in. Only coordinates and words; the template draws them as inline
SVG.

Every label has a row of its own on its side, so no two labels run into each other however
many links there are: a long name is cut to the room its side leaves (the whole name is in the
node's title), and past a number of nodes the rest is one node saying how many, with a
link beside the graph to the table that lists them all."""

from collections.abc import Callable
from dataclasses import dataclass

from api.sharing.service import ExposureRead, Reader

WIDTH = 800
CENTER_X = WIDTH / 2
# Font sizes of the labels and of the subject's, in the graph's own units.
FONT, SUBJECT_FONT = 12, 13
# About how wide a character of a label is drawn, as a share of the font size: generous, so
# a cut label keeps within its room.
CHARACTER_SHARE = 0.6
# One label's row: the height of its line and a little air.
ROW = 20
MARGIN = 24
# How far from the middle the direct readers' column is, and how far set in under their
# partner those reached through it are.
COLUMN, SET_IN = 120, 16
GAP = 10  # between a node and its label
# More than these and the graph would be unreadable: the rest are one node saying how many.
MOST_DIRECT, MOST_SECOND = 18, 16
# Where the "more" nodes lead: the table of every link, the list of those beyond a partner.
TABLE_ANCHOR, SECOND_ANCHOR = "#exposure-links", "#exposure-second"


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
    # Where the label is drawn: its start (its end on the left, its middle for the subject)
    # and its baseline.
    lx: float = 0
    ly: float = 0


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
    font: int = FONT
    subject_font: int = SUBJECT_FONT
    # How many direct readers the "more" node stands for, and those beyond a partner: the
    # page links to the table and the list that name them.
    left_off: int = 0
    second_left_off: int = 0


def text_width(text: str, font: float) -> float:
    """About how wide a label is drawn."""
    return len(text) * font * CHARACTER_SHARE


def fitted(text: str, room: float, font: float = FONT) -> str:
    """The text as it fits the room, cut with an ellipsis when it would not."""
    return _cut(text, max(int(room // (font * CHARACTER_SHARE)), 4))


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:max(most - 1, 1)].rstrip() + "…"


@dataclass
class _Row:
    kind: str
    name: str
    words: str
    reader: Reader | None = None
    href: str = ""
    second: bool = False


def _room(start: float, anchor: str) -> float:
    """How wide a label starting (or ending, on the left) there may be on its side."""
    return (WIDTH - 8 - start) if anchor == "start" else start - 8


def _counted(reader: Reader, room: float, label_of: Callable[[Reader], str],
             unnamed_label: Callable[[int], str]) -> str:
    """A partner a source counts: the page's words around its name are kept whole and only
    the name is cut to the room; a count without a name in its short words."""
    if not reader.name.strip():
        return unnamed_label(reader.count or 0)
    for most in range(len(reader.name), 3, -1):
        words = label_of(reader.model_copy(update={"name": _cut(reader.name, most)}))
        if text_width(words, FONT) <= room:
            return words
    return fitted(label_of(reader), room)


def layout(exposure: ExposureRead, *, subject: str, label_of: Callable[[Reader], str],
           more_label: str, second_more_label: str,
           unnamed_label: Callable[[int], str]) -> Graph:
    """Where each node goes. `label_of` words a reader that is no agency kept here (a name,
    a count, or both), `unnamed_label` a count of partners a source does not name, as short
    as a label must be, `more_label` and `second_more_label` the nodes standing for those
    left off ("{count} more")."""
    readers: dict[object, Reader] = {}
    for reader in exposure.readers:
        readers.setdefault(reader.agency_id or (reader.name, reader.count), reader)
    shown = list(readers.values())
    # The ones that matter most in a meeting first: immigration, then pools, then named.
    shown.sort(key=lambda r: (not r.immigration, not r.pool, r.agency_id is None, r.name))
    left_off = 0
    if len(shown) > MOST_DIRECT:
        left_off = len(shown) - (MOST_DIRECT - 1)
        shown = shown[:MOST_DIRECT - 1]
    beyond: dict[int, list[Reader]] = {}
    once: set[object] = set()
    drawn_ids = {r.agency_id for r in shown if r.agency_id is not None}
    second_total = 0
    for reader in exposure.second_readers:
        key = reader.agency_id or (reader.name, reader.count)
        if reader.through_agency_id not in drawn_ids or key in once:
            continue
        once.add(key)
        second_total += 1
        if sum(map(len, beyond.values())) < MOST_SECOND:
            beyond.setdefault(reader.through_agency_id, []).append(reader)
    second_left = second_total - sum(map(len, beyond.values()))

    def words(reader: Reader) -> str:
        if reader.agency_id is None and reader.count is not None:
            return label_of(reader)
        return reader.name

    # Each side's rows from the top: a direct reader, then those reached through it.
    groups: list[list[_Row]] = []
    for reader in shown:
        kind = "agency" if reader.agency_id is not None else "pool" if reader.pool else \
            "group" if reader.count is not None else "agency"
        group = [_Row(kind, words(reader), words(reader), reader,
                      f"/agencies/{reader.agency_id}" if reader.agency_id else "")]
        group += [_Row("second", words(far), words(far), far,
                       f"/agencies/{far.agency_id}" if far.agency_id else "", second=True)
                  for far in beyond.get(reader.agency_id or 0, [])]
        groups.append(group)
    if left_off:
        said = more_label.format(count=left_off)
        groups.append([_Row("more", said, said, href=TABLE_ANCHOR)])
    if second_left:
        said = second_more_label.format(count=second_left)
        groups.append([_Row("more", said, said, href=SECOND_ANCHOR, second=True)])
    # Split the groups between the sides so the two columns are about as long.
    total = sum(map(len, groups))
    right: list[_Row] = []
    left: list[_Row] = []
    for group in groups:
        (right if len(right) + len(group) / 2 <= total / 2 or not right else left).extend(group)
    rows = max(len(right), len(left), 1)
    height = max(int(2 * MARGIN + rows * ROW), 240)
    center_y = height / 2
    middle = center_y - ROW / 2
    nodes = [Node(CENTER_X, middle, fitted(subject, 2 * (COLUMN - GAP), SUBJECT_FONT),
                  subject, "subject", anchor="middle", lx=CENTER_X,
                  ly=round(middle + 16 + SUBJECT_FONT + 4, 1))]
    edges: list[Edge] = []
    for side, anchor, sign in ((right, "start", 1), (left, "end", -1)):
        top = center_y - len(side) * ROW / 2 + ROW / 2
        partner: tuple[float, float] | None = None
        for i, row in enumerate(side):
            y = round(top + i * ROW, 1)
            x = CENTER_X + sign * (COLUMN + (SET_IN if row.second else 0))
            immigration = bool(row.reader and row.reader.immigration)
            start = x + sign * GAP
            # The warning sign drawn before an immigration agency's name takes room too.
            shown_words = f"⚠ {row.words}" if immigration else row.words
            room = _room(start, anchor)
            if row.reader is not None and row.reader.agency_id is None \
                    and row.reader.count is not None:
                sign_room = text_width("⚠ ", FONT) if immigration else 0
                label = _counted(row.reader, room - sign_room, label_of, unnamed_label)
                shown_words = f"⚠ {label}" if immigration else label
            label = fitted(shown_words, room)
            if immigration:
                label = label.removeprefix("⚠ ")
            nodes.append(Node(x, y, label, row.name, row.kind, immigration, anchor, row.href,
                              lx=start, ly=round(y + FONT * 0.35, 1)))
            if not row.second:
                partner = (x, y)
                edges.append(Edge(CENTER_X, middle, x, y, immigration=immigration))
            elif partner is not None and row.kind != "more":
                edges.append(Edge(partner[0], partner[1], x, y, second=True,
                                  immigration=immigration))
    return Graph(WIDTH, height, nodes, edges, left_off=left_off, second_left_off=second_left)
