"""The exposure graph's labels never run into each other: each label's box is worked out from
the SVG the page draws (its text, font size, anchor and place, a character taken as 0.6 of the
font size), and no two boxes overlap, for a few links, twenty and sixty, some with long names,
immigration enforcement among them and agencies reached through a partner; each dashed line to
one of those keeps apart from the others and from every label; in the wide drawing and in the
phone's."""

import html
import itertools
import math
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import User
from tests import factories as f

CHARACTER_SHARE = 0.6
TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
NAMES = ("Police Department", "County Sheriff's Office",
         "Regional Automated License Plate Reader Task Force of the Northern District",
         "Department of Public Safety", "Sheriff")
Box = tuple[float, float, float, float, str]


def boxes(svg: str) -> list[Box]:
    """Each label's box: left, top, right, bottom, and its words."""
    found = []
    for attributes, inner in TEXT.findall(svg):
        given = dict(ATTRIBUTE.findall(attributes))
        words = html.unescape(re.sub(r"<[^>]+>", "", inner))
        font = float(given["font-size"])
        width = len(words) * font * CHARACTER_SHARE
        x, y = float(given["x"]), float(given["y"])
        anchor = given.get("text-anchor", "start")
        left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
        found.append((left, y - font, left + width, y + font * 0.25, words))
    return found


def overlapping(found: list[Box]) -> list[tuple[str, str]]:
    return [(a[4], b[4]) for a, b in itertools.combinations(found, 2)
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]]


def graphs_of(page: str) -> list[str]:
    """Every drawing of the graph on the page: the wide one, and the phone's."""
    found = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert found, "no graph"
    return found


Point = tuple[float, float]
Segment = tuple[Point, Point]
LINE = re.compile(r"<(line|path)\b([^>]*)/?>")


def second_lines(svg: str) -> list[list[Segment]]:
    """Each dashed line to an agency reached through a partner, as its straight pieces: a
    line, or a path of moves down (V) and across (H)."""
    found = []
    for tag, attributes in LINE.findall(svg):
        given = dict(ATTRIBUTE.findall(attributes))
        if "second" not in given.get("class", "").split():
            continue
        if tag == "line":
            found.append([((float(given["x1"]), float(given["y1"])),
                           (float(given["x2"]), float(given["y2"])))])
            continue
        steps = re.findall(r"([MVH])\s*([-\d.]+)(?:[ ,]([-\d.]+))?", given["d"])
        at: Point = (float(steps[0][1]), float(steps[0][2]))
        pieces = []
        for letter, value, _ in steps[1:]:
            to = (at[0], float(value)) if letter == "V" else (float(value), at[1])
            pieces.append((at, to))
            at = to
        found.append(pieces)
    return found


def distance(p: Point, piece: Segment) -> float:
    (x1, y1), (x2, y2) = piece
    dx, dy = x2 - x1, y2 - y1
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((p[0] - x1) * dx + (p[1] - y1) * dy) / length))
    return math.hypot(p[0] - (x1 + t * dx), p[1] - (y1 + t * dy))


def crosses(piece: Segment, box: Box) -> bool:
    """Whether a straight piece runs through a label's box (sampled finely enough for boxes
    a dozen units tall)."""
    (x1, y1), (x2, y2) = piece
    return any(box[0] < x1 + (x2 - x1) * i / 50 < box[2] and
               box[1] < y1 + (y2 - y1) * i / 50 < box[3] for i in range(51))


def lines_apart(svg: str) -> list[str]:
    """What keeps a dashed line from being told apart: its last piece, the one reaching its
    own agency, passing within a few units of another dashed line, or any piece of it running
    through a label."""
    problems = []
    lines = second_lines(svg)
    labels = boxes(svg)
    for i, line in enumerate(lines):
        (x1, y1), (x2, y2) = line[-1]
        middle = ((x1 + x2) / 2, (y1 + y2) / 2)
        for j, other in enumerate(lines):
            if i != j and min(distance(middle, piece) for piece in other) < 6:
                problems.append(f"line {i} runs along line {j}")
        problems += [f"line {i} crosses {box[4]!r}" for piece in line for box in labels
                     if crosses(piece, box)]
    return problems


@pytest.mark.parametrize("links", [5, 20, 60])
def test_no_two_labels_overlap(client: TestClient, session: Session, actor: User,
                               links: int) -> None:
    subject = f.make_agency(session, actor, name="Riverton Police Department of the County "
                            "of Riverton and the Unincorporated Areas")
    partners = []
    for i in range(links):
        name = f"{['Oakdale', 'Reno', 'Mesa', 'Tucson', 'Boise'][i % 5]} {i} {NAMES[i % 5]}"
        partner = f.make_agency(session, actor, name=name, state_code="CA")
        partners.append(partner)
        f.make_sharing_link(session, actor, agency_id=subject.id, partner_agency_id=partner.id)
    f.make_sharing_link(session, actor, agency_id=subject.id,
                        partner_name="U.S. Immigration and Customs Enforcement")
    f.make_sharing_link(session, actor, agency_id=subject.id, partner_name="",
                        partner_count=412)
    # Reached through the first partners: a few each.
    for i in range(min(links, 12)):
        far = f.make_agency(session, actor, name=f"Yolo {i} County Sheriff's Office",
                            state_code="CA")
        f.make_sharing_link(session, actor, agency_id=partners[i % 3].id,
                            partner_agency_id=far.id)
    session.commit()
    page = client.get(f"/agencies/{subject.id}").text
    drawn = graphs_of(page)
    assert len(drawn) == 2
    for svg in drawn:
        found = boxes(svg)
        assert len(found) >= min(links, 10) + 2
        assert overlapping(found) == []
        view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
        assert view
        width, height = float(view[1]), float(view[2])
        # Every label inside the drawing.
        outside = [b for b in found if min(b[0], b[1]) < 0 or b[2] > width or b[3] > height]
        assert outside == []
        # Every agency drawn as reached through a partner has a dashed line of its own.
        assert len(second_lines(svg)) == svg.count('class="node second') > 0
        assert lines_apart(svg) == []
        # A label cut short keeps its whole name in its node's title.
        assert "Regional Automated License Plate Reader Task Force of the Northern District" \
            in svg
    if links > 20:
        assert re.search(r"<text[^>]*>\d+ more</text>", svg), svg
        assert re.search(r'<a href="#exposure-links">\d+ more are not drawn', page)


def test_the_check_finds_labels_that_overlap() -> None:
    """The check itself, on two labels drawn in one place."""
    svg = ('<text x="10" y="20" font-size="13" text-anchor="start">Oakdale</text>'
           '<text x="30" y="25" font-size="13" text-anchor="start">Reno</text>'
           '<text x="200" y="20" font-size="13" text-anchor="end">Mesa</text>')
    assert overlapping(boxes(svg)) == [("Oakdale", "Reno")]


def test_the_check_finds_dashed_lines_run_together() -> None:
    """Three agencies under one partner, each joined to it by a straight line, as they were
    drawn before: the lines to the second and third run along the first's; and a line drawn
    through a label."""
    together = ('<line class="edge second" x1="520" y1="100" x2="536" y2="120"/>'
                '<line class="edge second" x1="520" y1="100" x2="536" y2="140"/>'
                '<line class="edge second" x1="520" y1="100" x2="536" y2="160"/>')
    assert "line 0 runs along line 1" in lines_apart(together)
    apart = ('<path class="edge second" d="M520 100V120H548"/>'
             '<path class="edge second" d="M520 100V140H548"/>')
    assert lines_apart(apart) == []
    through = apart + '<text x="500" y="134" font-size="12" text-anchor="start">Mesa</text>'
    assert lines_apart(through) == ["line 1 crosses 'Mesa'"]
