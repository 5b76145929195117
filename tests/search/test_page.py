"""The search page: one statement for every kind at once, however many records match, and a
link to the full list when a kind has more than it shows."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.search import service as search
from tests import factories as f
from tests.statements import statements
from tests.web.html import fragment, plain


def _searches(seen: list[str]) -> list[str]:
    return [s for s in seen if "_fts" in s or "to_tsquery" in s]


def test_one_statement_searches_every_kind_however_many_match(
        client: TestClient, session: Session, actor: Any) -> None:
    f.make_target(session, actor, name="Quillon Target")
    client.get("/search?q=quillon")  # the first search of a user builds its statement
    with statements() as seen:
        assert "Quillon Target" in fragment(client, "/search?q=quillon").text
    few = len(seen)
    assert len(_searches(seen)) == 1
    for kind in ("organization", "person", "campaign", "task"):
        for n in range(search.PER_KIND + 2):
            maker = getattr(f, f"make_{kind}")
            title = "title" if kind == "task" else "name"
            maker(session, actor, **{title: f"Quillon {kind} {n}"})
    with statements() as seen:
        page = fragment(client, "/search?q=quillon")
    assert len(seen) == few and len(_searches(seen)) == 1
    text = plain(page.text)
    assert "33 results for" in text
    for heading in ("Targets", "Campaigns", "Organizations", "People", "Tasks"):
        assert heading in text
    assert 'href="/tasks?q=quillon"' in page.text and "See all tasks matching" in text
    assert 'href="/targets?q=quillon"' not in page.text


def test_the_header_box_and_the_page_search_the_same_way(client: TestClient, session: Session,
                                                         actor: Any) -> None:
    person = f.make_person(session, actor, name="Xiomara Delgado")
    page = client.get("/search", params={"q": "delg xio"})
    assert page.status_code == 200
    assert f'href="/people/{person.id}"' in page.text
    assert 'value="delg xio"' in page.text
    for odd in ('"', "NEAR(", "a*", "(((", "\x00", "x" * 200):
        answer = client.get("/search", params={"q": odd})
        assert answer.status_code == 200, odd
        assert "Search" in plain(answer.text)
