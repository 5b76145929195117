"""The exposure graph's labels never run into each other: each label's box is worked out from
the SVG the page draws (its text, font size, anchor and place, a character taken as 0.6 of the
font size), and no two boxes overlap, for a few links, twenty and sixty, some with long names,
immigration enforcement among them and agencies reached through a partner."""

import html
import itertools
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


def graph_of(page: str) -> str:
    found = re.search(r"<svg\b.*?</svg>", page, re.S)
    assert found, "no graph"
    return found[0]


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
    svg = graph_of(page)
    found = boxes(svg)
    assert len(found) >= min(links, 10) + 2
    assert overlapping(found) == []
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert view
    width, height = float(view[1]), float(view[2])
    # Every label inside the drawing.
    outside = [b for b in found if min(b[0], b[1]) < 0 or b[2] > width or b[3] > height]
    assert outside == []
    # A label cut short keeps its whole name in its node's title.
    assert "Regional Automated License Plate Reader Task Force of the Northern District" in svg
    if links > 20:
        assert re.search(r"<text[^>]*>\d+ more</text>", svg), svg
        assert re.search(r'<a href="#exposure-links">\d+ more are not drawn', page)


def test_the_check_finds_labels_that_overlap() -> None:
    """The check itself, on two labels drawn in one place."""
    svg = ('<text x="10" y="20" font-size="13" text-anchor="start">Oakdale</text>'
           '<text x="30" y="25" font-size="13" text-anchor="start">Reno</text>'
           '<text x="200" y="20" font-size="13" text-anchor="end">Mesa</text>')
    assert overlapping(boxes(svg)) == [("Oakdale", "Reno")]
