"""A list's order is part of its filter form: each page of rows brings a "Sort by" choice set
to the order it is in, so filtering after sorting by a column keeps that order, and a phone
(where the column headings are hidden) can sort too. An empty list says whether filters,
dates included, emptied it."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.web.html import HX


def test_the_rows_carry_the_sort_they_are_in(client: TestClient, session: Session,
                                             actor: Any) -> None:
    for name, email in (("Ann Bell", "zed@example.org"), ("Zoe Ash", "amy@example.org")):
        f.make_person(session, actor, name=name, email=email)
    session.commit()
    page = client.get("/people").text
    assert 'form="list-filters"' in page and 'id="list-filters"' in page
    assert '<option value="name" selected>Name, ascending</option>' in page
    assert 'type="hidden" name="sort"' not in page
    rows = client.get("/people?sort=-email", headers=HX).text
    assert rows.lstrip().startswith('<div id="rows"')
    assert '<option value="-email" selected>Email, descending</option>' in rows
    assert rows.index("Ann Bell") < rows.index("Zoe Ash")


def test_the_default_order_is_the_one_chosen(client: TestClient) -> None:
    page = client.get("/meetings").text
    assert '<option value="-held_at" selected>When, descending</option>' in page
    assert client.get("/meetings?sort=").status_code == 200


def test_an_empty_list_says_when_dates_filtered_everything_out(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_meeting(session, actor, summary="Budget hearing")
    session.commit()
    page = client.get("/meetings?date_from=2030-01-01", headers=HX).text
    assert "No meetings match these filters." in page
    assert "No meetings yet." not in page
