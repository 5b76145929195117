"""Lists paged by cursor: every record once, in order, both ways, for each sort (ties and empty
values included); a page read from its key, not an offset; a count that stops at the cap; and
a cursor that is damaged, edited or carried to another list refused plainly."""

import base64
import json
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import clock
from api.keyset import COUNT_CAP
from api.people.models import Person
from tests import factories as f
from tests.statements import statements

SORTS = ["name", "-name", "email", "-email", "id", "-id", "created_at", "-updated_at"]


@pytest.fixture
def people(session: Session, actor: Any) -> list[int]:
    """Thirteen people whose names and addresses tie, and some without an address."""
    made = []
    for i in range(13):
        email = None if i % 3 == 0 else f"shared{i % 2}@example.org"
        made.append(f.make_person(session, actor, name=["Ada", "Bo", "Cy"][i % 3],
                                  email=email).id)
    session.commit()
    return made


def listing(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get("/api/v1/people", params=params)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


@pytest.mark.parametrize("sort", SORTS)
def test_next_and_previous_visit_every_record_once_in_order(
        client: TestClient, people: list[int], sort: str) -> None:
    everything = [item["id"] for item in listing(client, sort=sort, limit=500)["items"]]
    assert sorted(everything) == sorted(people)
    forward: list[int] = []
    page = listing(client, sort=sort, limit=4)
    pages = [page]
    while True:
        forward += [item["id"] for item in page["items"]]
        assert page["offset"] == len(forward) - len(page["items"])
        if page["next"] is None:
            break
        page = listing(client, sort=sort, limit=4, cursor=page["next"])
        pages.append(page)
    assert forward == everything
    assert len(pages) == 4 and pages[0]["previous"] is None
    backward: list[int] = []
    while page["previous"] is not None:
        page = listing(client, sort=sort, limit=4, cursor=page["previous"])
        backward = [item["id"] for item in page["items"]] + backward
    assert backward == everything[:len(backward)] and len(backward) == 12
    assert page["offset"] == 0


def test_a_cursor_reads_from_its_key_not_from_an_offset(
        client: TestClient, people: list[int]) -> None:
    first = listing(client, sort="name", limit=3)
    with statements() as seen:
        second = listing(client, sort="name", limit=3, cursor=first["next"])
    # The page starts at the key: no rows before it are read and dropped (SQLite's dialect
    # writes an OFFSET of 0 with every LIMIT, so the key itself is what shows it).
    page_statements = [s for s in seen if "ORDER BY person.name" in s]
    assert len(page_statements) == 1 and "person.name >= " in page_statements[0]
    assert second["offset"] == 3 and second["total"] == 13


def test_the_count_stops_at_the_cap(client: TestClient, session: Session, actor: Any) -> None:
    now = clock.now()
    session.execute(sa.insert(Person), [
        {"name": f"Person {i:05d}", "ok_to_email": False, "ok_to_text": False,
         "preferred_contact": "email", "created_at": now, "updated_at": now}
        for i in range(COUNT_CAP + 1)])
    session.commit()
    page = listing(client, limit=10)
    assert page["total"] is None and page["more_than"] == COUNT_CAP
    exact = listing(client, limit=10, count="exact")
    assert exact["total"] == COUNT_CAP + 1 and exact["more_than"] is None
    # Offsets still work, and the last page, reached by them, knows the length.
    last = listing(client, limit=10, offset=COUNT_CAP - 9)
    assert last["total"] == COUNT_CAP + 1 and len(last["items"]) == 10


def test_a_search_counts_its_matches_while_sorting_them(
        client: TestClient, session: Session) -> None:
    now = clock.now()
    session.execute(sa.insert(Person), [
        {"name": name, "ok_to_email": False, "ok_to_text": False, "preferred_contact": "email",
         "created_at": now, "updated_at": now}
        for name in [f"Match {i:05d}" for i in range(COUNT_CAP + 1)]
        + [f"Other {i:02d}" for i in range(30)]])
    session.commit()
    # Sorted by name, a search reads and sorts every match: on SQLite the same statement
    # counts them (PostgreSQL counts them apart, faster there).
    with statements() as seen:
        few = listing(client, q="other", limit=10, sort="-name")
    assert few["total"] == 30 and [i["name"] for i in few["items"]][:2] == ["Other 29", "Other 28"]
    listed = [s for s in seen if "FROM person" in s]
    windowed = session.get_bind().dialect.name == "sqlite"
    assert len(listed) == 1 and ("OVER ()" in listed[0].upper()) == windowed
    # A later page is counted from the whole list, not from what follows its cursor.
    later = listing(client, q="other", limit=10, sort="-name", cursor=few["next"])
    assert later["total"] == 30 and later["items"][0]["name"] == "Other 19"
    many = listing(client, q="match", limit=10)
    assert many["total"] is None and many["more_than"] == COUNT_CAP
    exact = listing(client, q="match", limit=10, count="exact")
    assert exact["total"] == COUNT_CAP + 1 and exact["more_than"] is None
    # By id an index serves the order, and stops after the page: counted on its own, capped.
    by_id = listing(client, q="match", limit=10, sort="id")
    assert by_id["total"] is None and by_id["more_than"] == COUNT_CAP
    assert listing(client, q="other", limit=10, sort="id")["total"] == 30


def _edited(cursor: str, change: Any) -> str:
    encoded, check = cursor.split(".")
    body = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    change(body)
    text = base64.urlsafe_b64encode(json.dumps(body).encode()).decode().rstrip("=")
    return f"{text}.{check}"


@pytest.mark.parametrize("damage", [
    lambda c: "nonsense",
    lambda c: c + "x",
    lambda c: c.replace(".", ".."),
    lambda c: "%%%.###",
    lambda c: "a" * 3000,
    lambda c: _edited(c, lambda body: body[3].__setitem__(0, {"d": "not a date"})),
    lambda c: _edited(c, lambda body: body.__setitem__(2, -5)),
], ids=["nonsense", "extended", "two-dots", "not-base64", "too-long", "bad-value",
        "bad-position"])
def test_a_damaged_cursor_is_refused_plainly(client: TestClient, people: list[int],
                                             damage: Any) -> None:
    cursor = listing(client, sort="name", limit=4)["next"]
    answer = client.get("/api/v1/people", params={"sort": "name", "limit": 4,
                                                  "cursor": damage(cursor)})
    assert answer.status_code == 422, answer.text
    assert "Traceback" not in answer.text


def test_a_cursor_belongs_to_its_search_filters_and_order(
        client: TestClient, people: list[int]) -> None:
    cursor = listing(client, sort="name", limit=4)["next"]
    for params in ({"sort": "-name"}, {"sort": "name", "q": "Ada"},
                   {"sort": "name", "ok_to_email": True}):
        answer = client.get("/api/v1/people", params={**params, "limit": 4, "cursor": cursor})
        assert answer.status_code == 422
        assert "another search, filter or order" in answer.text
    both = client.get("/api/v1/people", params={"sort": "name", "cursor": cursor, "offset": 4})
    assert both.status_code == 422 and "either a cursor or an offset" in both.text


def test_the_list_page_follows_cursors_and_refuses_a_damaged_one(
        client: TestClient, session: Session, actor: Any) -> None:
    from tests.web.html import fragment, link, plain

    for i in range(30):
        f.make_person(session, actor, name=f"Walker {i:02d}")
    session.commit()
    first = client.get("/people?sort=-name")
    assert first.status_code == 200 and "1–25 of 30" in plain(first.text)
    second = fragment(client, link(first.text, "next"))
    assert "Walker 04" in second.text and "Walker 05" not in second.text
    assert "26–30 of 30" in plain(second.text)
    broken = client.get(link(first.text, "next").replace("cursor=", "cursor=x"))
    assert broken.status_code == 422
    assert "start again from the first page" in plain(broken.text)
    assert 'href="/people?sort=-name"' in broken.text


def _walk(client: TestClient, path: str, sort: str) -> list[int]:
    page = client.get(path, params={"sort": sort, "limit": 2}).json()
    found = [item["id"] for item in page["items"]]
    while page["next"] is not None:
        answer = client.get(path, params={"sort": sort, "limit": 2, "cursor": page["next"]})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found += [item["id"] for item in page["items"]]
    return found


@pytest.mark.parametrize(("path", "sort"), [
    ("/api/v1/actions", "scheduled_on"), ("/api/v1/actions", "-scheduled_on"),
    ("/api/v1/actions", "status"), ("/api/v1/contracts", "-annual_cost"),
    ("/api/v1/contracts", "end_date"), ("/api/v1/meetings", "-held_at")])
def test_dates_times_amounts_and_choices_page_by_cursor_too(
        client: TestClient, session: Session, actor: Any, path: str, sort: str) -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal

    agency = f.make_agency(session, actor)
    for i in range(7):
        f.make_action(session, actor, scheduled_on=None if i % 3 == 0 else date(2026, 4, i % 2 + 1),
                      status=["planned", "done"][i % 2])
        f.make_contract(session, actor, agency_id=agency.id,
                        annual_cost=None if i % 3 == 0 else Decimal("1200.50") * (i % 2 + 1),
                        end_date=date(2026, 6, 30 - i % 2))
        f.make_meeting(session, actor, held_at=datetime(2026, 3, 1 + i % 2, 18, tzinfo=UTC))
    session.commit()
    everything = [item["id"] for item in
                  client.get(path, params={"sort": sort, "limit": 500}).json()["items"]]
    assert len(everything) == 7
    assert _walk(client, path, sort) == everything
