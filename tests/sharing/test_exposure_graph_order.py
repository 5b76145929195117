"""The exposure graph lists names with numbers as a person reads them: "Agency 2" before
"Agency 10", the direct readers and those reached through a partner alike."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import User
from tests import factories as f
from web.sharing_graph import natural_key


def test_numbers_in_names_go_by_their_value() -> None:
    names = ["Agency 10", "agency 3", "Agency 2", "Agency 1", "Agency", "Agency 2b",
             "District 7 Unit 12", "District 7 Unit 9"]
    assert sorted(names, key=natural_key) == [
        "Agency", "Agency 1", "Agency 2", "Agency 2b", "agency 3", "Agency 10",
        "District 7 Unit 9", "District 7 Unit 12"]


def test_the_graph_draws_them_in_that_order(client: TestClient, session: Session,
                                            actor: User) -> None:
    subject = f.make_agency(session, actor, name="Riverton PD")
    partners = {}
    for name in ("Agency 10", "Agency 2", "Agency 1", "agency 3"):
        partners[name] = f.make_agency(session, actor, name=name, state_code="CA")
        f.make_sharing_link(session, actor, agency_id=subject.id,
                            partner_agency_id=partners[name].id)
    for name in ("Unit 12", "Unit 9", "Unit 100"):
        far = f.make_agency(session, actor, name=name, state_code="CA")
        f.make_sharing_link(session, actor, agency_id=partners["Agency 1"].id,
                            partner_agency_id=far.id)
    session.commit()
    page = client.get(f"/agencies/{subject.id}").text
    # The phone's tree holds every row in one column, top to bottom.
    tree = re.search(r'<svg class="graph-narrow".*?</svg>', page, re.S)
    assert tree
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", tree[0])
    assert labels == ["Riverton PD", "Agency 1", "Unit 9", "Unit 12", "Unit 100", "Agency 2",
                      "agency 3", "Agency 10"]
    # The wide drawing splits the same order between its sides: each side top to bottom.
    wide = re.search(r'<svg class="graph-wide".*?</svg>', page, re.S)
    assert wide
    sides: dict[str, list[tuple[float, str]]] = {"start": [], "end": []}
    for y, anchor, words in re.findall(r'<text x="[\d.]+" y="([\d.]+)" font-size="12" '
                                       r'text-anchor="(start|end)">([^<]*)</text>', wide[0]):
        sides[anchor].append((float(y), words))
    # The right side first, then the left.
    assert [words for side in ("start", "end") for _, words in sorted(sides[side])] == \
        labels[1:]


def test_the_table_goes_newest_source_first_then_by_name_as_read(
        client: TestClient, session: Session, actor: User) -> None:
    subject = f.make_agency(session, actor, name="Riverton PD")
    for name, day in (("Agency 10", "2019"), ("Agency 9", "2019"), ("Agency 100", "2021"),
                      ("Agency 2", "2019")):
        partner = f.make_agency(session, actor, name=name, state_code="CA")
        f.make_sharing_link(session, actor, agency_id=subject.id, partner_agency_id=partner.id,
                            reported_on=day)
    session.commit()
    page = client.get(f"/agencies/{subject.id}").text
    table = re.search(r'<table class="exposure-table" id="exposure-links".*?</table>', page,
                      re.S)
    assert table, "the table of readers"
    shown = [n for n in re.findall(r"Agency \d+", table[0])]
    assert list(dict.fromkeys(shown)) == ["Agency 100", "Agency 2", "Agency 9", "Agency 10"]
