"""How lists reach the database: a fixed number of statements however many rows a page shows,
the sort served by an index, text search without one, and reads answered as stored."""

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from api.crud import ListQuery
from api.db import get_engine
from api.people import service as people
from tests import factories as f
from tests.databases import is_postgres


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement the app sends while the test runs, but SQLite's BEGIN/ROLLBACK."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def selects(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def test_a_page_of_meetings_takes_the_same_statements_for_2_or_12_rows(
        client: TestClient, session: Session, actor, statements: list[str]) -> None:  # type: ignore[no-untyped-def]
    target = f.make_target(session, actor)
    person = f.make_person(session, actor)
    for _ in range(12):
        f.make_meeting(session, actor, target_ids=[target.id], attendee_ids=[person.id])
    # A first request also records when the token was last used; measure the ones after it.
    client.get("/api/v1/meetings", params={"limit": 1})
    counts = {}
    for limit in (2, 12):
        statements.clear()
        page = client.get("/api/v1/meetings", params={"limit": limit})
        assert page.status_code == 200
        assert len(page.json()["items"]) == limit
        assert all(m["target_ids"] == [target.id] for m in page.json()["items"])
        counts[limit] = len(selects(statements))
    # The bearer token and its user, the data version, the total, the page, and one query per
    # link list.
    assert counts[2] == counts[12] <= 6


def test_a_page_of_records_requests_takes_the_same_statements_for_2_or_8_rows(
        client: TestClient, session: Session, actor, statements: list[str]) -> None:  # type: ignore[no-untyped-def]
    agency = f.make_agency(session, actor)
    for _ in range(8):
        f.make_records_request(session, actor, agency_id=agency.id)
    client.get("/api/v1/records-requests", params={"limit": 1})
    counts = {}
    for limit in (2, 8):
        statements.clear()
        page = client.get("/api/v1/records-requests", params={"limit": limit})
        assert page.status_code == 200, page.text
        assert all(r["deadline"] is not None for r in page.json()["items"])
        counts[limit] = len(selects(statements))
    # As above, with the status history and the laws of the page's requests.
    assert counts[2] == counts[8] <= 7


def plan(session: Session, stmt: sa.Select) -> str:
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return " | ".join(str(row[-1]) for row in session.execute(
        sa.text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_people_list_by_name_and_search_ignore_case(session: Session, actor) -> None:  # type: ignore[no-untyped-def]
    names = ["Zoe Quill", "Ana Brooks", "Ben BROOKS", "Cara Brookside", "Dev Stone"]
    for name in names:
        f.make_person(session, actor, name=name)
    listed = people.crud.list_page(session, actor, ListQuery(limit=10))
    assert [p.name for p in listed.items] == sorted(names)
    found = people.crud.list_page(session, actor, ListQuery(q="brOOk", limit=10))
    assert [p.name for p in found.items] == ["Ana Brooks", "Ben BROOKS", "Cara Brookside"]
    found = people.crud.list_page(session, actor, ListQuery(q="brook", sort="-name", limit=2))
    assert [p.name for p in found.items] == ["Cara Brookside", "Ben BROOKS"]
    assert found.total == 3
    # LIKE's wildcards in the search text are plain characters.
    assert people.crud.list_page(session, actor, ListQuery(q="b_ook")).total == 0
    assert people.crud.list_page(session, actor, ListQuery(q="%")).total == 0
    if is_postgres():
        return
    # SQLite reads the people in name order from the index, and for a text search reads the
    # table and sorts the matches rather than look up every row in name order.
    listing = people.crud.query(actor, ListQuery()).order_by(*people.crud.order(None))
    assert "USING INDEX ix_person_name" in plan(session, listing)
    searching = people.crud.query(actor, ListQuery(q="brook")).order_by(
        *people.crud.order(None, searching=True))
    assert "ix_person_name" not in plan(session, searching)
    assert "TEMP B-TREE FOR ORDER BY" in plan(session, searching)


def test_reads_answer_emails_as_stored(client: TestClient, session: Session, actor) -> None:  # type: ignore[no-untyped-def]
    made = client.post("/api/v1/people", json={"name": "Ana", "email": "Ana@Example.ORG"})
    assert made.status_code == 201
    # Checked and normalized once, on the way in; read back as stored.
    assert made.json()["email"] == "Ana@example.org"
    person_id = made.json()["id"]
    assert client.get(f"/api/v1/people/{person_id}").json()["email"] == "Ana@example.org"
    listed = client.get("/api/v1/people", params={"q": "ana"}).json()["items"]
    assert [p["email"] for p in listed] == ["Ana@example.org"]


def test_a_typed_page_far_down_steps_over_the_rows_before_it_in_the_index(
        client_as, session: Session, actor) -> None:  # type: ignore[no-untyped-def]
    other = f.make_organization(session, actor)
    shown = []
    for i in range(70):
        # Every third person is another organization's own, which a lead may not read.
        private = i % 3 == 0
        person = f.make_person(session, actor, name=f"Person {i:03d}",
                               visibility="private" if private else "coalition",
                               owner_organization_id=other.id if private else None)
        if not private:
            shown.append(person.name)
    session.commit()
    lead = client_as("lead")
    lead.get("/people")
    read = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM person" in statement and "LIMIT" in statement:
            read.append((statement, parameters))

    event.listen(get_engine(), "before_cursor_execute", record)
    try:
        page = lead.get("/people", params={"page": 2})
    finally:
        event.remove(get_engine(), "before_cursor_execute", record)
    assert page.status_code == 200
    # The lead's 46 readable people: page 2 shows the 26th to the 46th, and no one else.
    for i in range(70):
        name = f"Person {i:03d}"
        assert (name in page.text) == (name in shown[25:]), name
    assert "26–46" in page.text
    assert len(read) == 1
    if is_postgres():
        return  # PostgreSQL's planner reads a table this small whole, index or not.
    with get_engine().connect() as connection:
        found = " | ".join(str(row[-1]) for row in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {read[0][0]}", read[0][1]))
    # The 25 rows before the page are passed over in the index, which holds what the lead's
    # criteria test; only the page's own rows are read from the table.
    assert "COVERING INDEX ix_person_name" in found, found
    assert "SCAN person USING INDEX" not in found, found


def test_a_list_statement_is_built_once_and_each_reader_keeps_their_own(
        client_as, session: Session, actor) -> None:  # type: ignore[no-untyped-def]
    ours = f.make_organization(session, actor)
    theirs = f.make_organization(session, actor)
    f.make_person(session, actor, name="Ana Kept", visibility="private",
                  owner_organization_id=ours.id)
    f.make_person(session, actor, name="Cal Kept", visibility="private",
                  owner_organization_id=theirs.id)
    f.make_person(session, actor, name="Ben Shared", visibility="coalition")
    session.commit()
    partner = client_as("partner", organization_id=ours.id)
    other = client_as("partner", organization_id=theirs.id)
    lead = client_as("lead")
    ran: list[Any] = []

    def record(conn, clauseelement, multiparams, params, execution_options):  # type: ignore[no-untyped-def]
        if "FROM person" in str(clauseelement) and "LIMIT" in str(clauseelement):
            ran.append(clauseelement)

    def shown(client: TestClient, path: str, q: str) -> set[str]:
        ran.clear()
        answer = client.get(path, params={"q": q})
        assert answer.status_code == 200, answer.text
        return {name for name in ("Ana Kept", "Cal Kept", "Ben Shared") if name in answer.text}

    event.listen(get_engine(), "before_execute", record)
    try:
        for path in ("/people", "/api/v1/people"):
            # Each reader's rows, whoever asked the same list before them.
            assert shown(partner, path, "kept") == {"Ana Kept"}
            partners = ran[0]
            assert shown(lead, path, "kept") == set()
            assert ran[0] is not partners
            assert shown(other, path, "kept") == {"Cal Kept"}
            # Another search by the same reader runs the same statement with its own words.
            assert shown(partner, path, "shared") == {"Ben Shared"}
            assert ran[0] is partners
            assert shown(partner, path, "ana") == {"Ana Kept"}
            assert ran[0] is partners
    finally:
        event.remove(get_engine(), "before_execute", record)
