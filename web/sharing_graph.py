"""The exposure graph laid out on the server: the agency (or the jurisdiction's agencies) in
the middle, who can search its reads in a column on each side, and those reached through a
partner just under it, set in, each on a branch of its own. A phone gets the same rows as one
tree under the agency, so it opens on the agency. Only coordinates and words; the template
draws them as inline SVG.

Every label has a row of its own on its side, so no two labels run into each other however
many links there are: a long name is cut to the room its side leaves (the whole name is in the
node's title), and past a number of nodes the rest is one node saying how many, with a
link beside the graph to the table that lists them all."""

import re
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
# partner those reached through it are: far enough that each one's branch across reads as its
# own line.
COLUMN, SET_IN = 120, 28
# The phone's tree: about as wide as a phone shows at the size the labels are read.
NARROW_WIDTH = 360
GAP = 10  # between a node and its label
# More than these and the graph would be unreadable: the rest are one node saying how many.
MOST_DIRECT, MOST_SECOND = 18, 16
# Where the "more" nodes lead: the table of every link, the list of those beyond a partner.
TABLE_ANCHOR, SECOND_ANCHOR = "#exposure-links", "#exposure-second"
NUMBER = re.compile(r"(\d+)")


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
    # Drawn down from the first end, then across to the second: a tree's branch.
    bend: bool = False


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


def _room(start: float, anchor: str, width: float = WIDTH) -> float:
    """How wide a label starting (or ending, on the left) there may be on its side."""
    return (width - 8 - start) if anchor == "start" else start - 8


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


def natural_key(name: str) -> tuple[str | int, ...]:
    """A name's place in a list as a person reads it: the numbers in it by their value, so
    "Agency 2" comes before "Agency 10", and capitals not first."""
    # re.split with a group alternates text and digits, starting with text: in two keys the
    # same places hold the same kind, so they always compare.
    return tuple(int(part) if i % 2 else part
                 for i, part in enumerate(NUMBER.split(name.casefold())))


@dataclass(frozen=True)
class _Labels:
    label_of: Callable[[Reader], str]
    unnamed_label: Callable[[int], str]


def _groups(exposure: ExposureRead, labels: _Labels, *, more_label: str,
            second_more_label: str) -> tuple[list[list[_Row]], int, int]:
    """The rows to draw, a direct reader followed by those reached through it, and how many
    of each kind are left off."""
    readers: dict[object, Reader] = {}
    for reader in exposure.readers:
        readers.setdefault(reader.agency_id or (reader.name, reader.count), reader)
    shown = list(readers.values())
    # The ones that matter most in a meeting first: immigration, then pools, then named.
    shown.sort(key=lambda r: (not r.immigration, not r.pool, r.agency_id is None,
                              natural_key(r.name)))
    left_off = 0
    if len(shown) > MOST_DIRECT:
        left_off = len(shown) - (MOST_DIRECT - 1)
        shown = shown[:MOST_DIRECT - 1]
    beyond: dict[int, list[Reader]] = {}
    once: set[object] = set()
    drawn_ids = {r.agency_id for r in shown if r.agency_id is not None}
    second_total = 0
    for reader in sorted(exposure.second_readers,
                         key=lambda r: (not r.immigration, natural_key(r.name))):
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
            return labels.label_of(reader)
        return reader.name

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
    return groups, left_off, second_left


def _node(row: _Row, labels: _Labels, *, x: float, y: float, sign: int,
          width: float) -> Node:
    """A row's node with its label cut to the room its side leaves."""
    anchor = "start" if sign > 0 else "end"
    immigration = bool(row.reader and row.reader.immigration)
    start = x + sign * GAP
    # The warning sign drawn before an immigration agency's name takes room too.
    shown_words = f"⚠ {row.words}" if immigration else row.words
    room = _room(start, anchor, width)
    if row.reader is not None and row.reader.agency_id is None \
            and row.reader.count is not None:
        sign_room = text_width("⚠ ", FONT) if immigration else 0
        label = _counted(row.reader, room - sign_room, labels.label_of, labels.unnamed_label)
        shown_words = f"⚠ {label}" if immigration else label
    label = fitted(shown_words, room)
    if immigration:
        label = label.removeprefix("⚠ ")
    return Node(x, y, label, row.name, row.kind, immigration, anchor, row.href,
                lx=start, ly=round(y + FONT * 0.35, 1))


def _place(side: list[_Row], labels: _Labels, *, top: float, column: float, sign: int,
           width: float, root: tuple[float, float], tree: bool = False
           ) -> tuple[list[Node], list[Edge]]:
    """One column of rows from `top`: the direct readers at `column`, each joined to the
    subject (by a straight line, or by a bend from `root` where the subject heads a tree),
    and those reached through one set in under it, each by a bend of its own: down from the
    partner, then across at its own row, so no two dashed lines run together."""
    nodes: list[Node] = []
    edges: list[Edge] = []
    partner: tuple[float, float] | None = None
    for i, row in enumerate(side):
        y = round(top + i * ROW, 1)
        x = column + sign * (SET_IN if row.second else 0)
        node = _node(row, labels, x=x, y=y, sign=sign, width=width)
        nodes.append(node)
        if not row.second:
            partner = (x, y)
            edges.append(Edge(root[0], root[1], x, y, immigration=node.immigration,
                              bend=tree))
        elif partner is not None and row.kind != "more":
            edges.append(Edge(partner[0], partner[1], x, y, second=True,
                              immigration=node.immigration, bend=True))
    return nodes, edges


def layout(exposure: ExposureRead, *, subject: str, label_of: Callable[[Reader], str],
           more_label: str, second_more_label: str,
           unnamed_label: Callable[[int], str]) -> Graph:
    """Where each node goes on a wide screen. `label_of` words a reader that is no agency
    kept here (a name, a count, or both), `unnamed_label` a count of partners a source does
    not name, as short as a label must be, `more_label` and `second_more_label` the nodes
    standing for those left off ("{count} more")."""
    labels = _Labels(label_of, unnamed_label)
    groups, left_off, second_left = _groups(exposure, labels, more_label=more_label,
                                            second_more_label=second_more_label)
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
    for side, sign in ((right, 1), (left, -1)):
        placed, joined = _place(side, labels, top=center_y - len(side) * ROW / 2 + ROW / 2,
                                column=CENTER_X + sign * COLUMN, sign=sign, width=WIDTH,
                                root=(CENTER_X, middle))
        nodes += placed
        edges += joined
    return Graph(WIDTH, height, nodes, edges, left_off=left_off, second_left_off=second_left)


def narrow_layout(exposure: ExposureRead, *, subject: str, label_of: Callable[[Reader], str],
                  more_label: str, second_more_label: str,
                  unnamed_label: Callable[[int], str]) -> Graph:
    """The same graph for a phone, as wide as one at the size its words are read: the
    subject at the top left, and every row under it in one column, a tree, so the subject is
    what a phone shows first and nothing needs scrolling sideways."""
    labels = _Labels(label_of, unnamed_label)
    groups, left_off, second_left = _groups(exposure, labels, more_label=more_label,
                                            second_more_label=second_more_label)
    side = [row for group in groups for row in group]
    subject_x, subject_y = MARGIN, MARGIN
    label_x = subject_x + 16 + GAP
    nodes = [Node(subject_x, subject_y,
                  fitted(subject, NARROW_WIDTH - 8 - label_x, SUBJECT_FONT), subject,
                  "subject", anchor="start", lx=label_x,
                  ly=round(subject_y + SUBJECT_FONT * 0.35, 1))]
    top = subject_y + 16 + ROW
    placed, edges = _place(side, labels, top=top, column=subject_x + SET_IN, sign=1,
                           width=NARROW_WIDTH, root=(subject_x, subject_y), tree=True)
    height = int(top + len(side) * ROW + MARGIN / 2)
    return Graph(NARROW_WIDTH, height, nodes + placed, edges, left_off=left_off,
                 second_left_off=second_left)
