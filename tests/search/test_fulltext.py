"""Global search through the full-text indexes: in step with every write, prefixes as you type,
no query syntax from user input, ranking, and the cap on very common words."""

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from api.crud import Crud
from api.search import fulltext
from api.search import service as search
from api.tasks.models import Task
from tests import factories as f
from tests.databases import is_postgres

_words = itertools.count(1)


def word() -> str:
    """A word no other record holds: letters only, as the tokenizers see one word."""
    n, letters = next(_words), ""
    while n:
        n, rest = divmod(n, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
    return f"zq{letters}xv"


MAKERS: dict[str, Callable[..., Any]] = {
    "target": f.make_target, "campaign": f.make_campaign, "organization": f.make_organization,
    "person": f.make_person, "body": f.make_body, "vote": f.make_vote,
    "meeting": f.make_meeting, "action": f.make_action, "agency": f.make_agency,
    "contract": f.make_contract, "records_request": f.make_records_request,
    "press_hit": f.make_press_hit, "media_contact": f.make_media_contact, "task": f.make_task,
    "jurisdiction": f.make_jurisdiction, "vendor": f.make_vendor,
    "evidence_entry": f.make_evidence_entry, "known_outcome": f.make_known_outcome,
    "sharing_link": f.make_sharing_link,
}
CRUDS: dict[str, Crud[Any, Any]] = {kind: crud for kind, _, crud in search.SEARCHED}


def found(session: Session, actor: Any, q: str) -> dict[str, list[int]]:
    return {g.kind: [item["id"] for item in g.items] for g in search.search(session, actor, q)}


def check_sqlite_indexes(session: Session) -> None:
    """FTS5's own check that each index holds exactly what its table does."""
    if is_postgres():
        return
    for table in search.indexed():
        fts = fulltext.fts_table(table)
        session.execute(sa.text(f"INSERT INTO \"{fts}\"(\"{fts}\", rank) "
                                "VALUES ('integrity-check', 1)"))


def test_every_kind_is_in_step_with_inserts_updates_and_deletes(session: Session,
                                                                actor: Any) -> None:
    assert set(MAKERS) == set(CRUDS)
    for kind, make in MAKERS.items():
        crud = CRUDS[kind]
        title_field, first, second = crud.search[0], word(), word()
        record = make(session, actor, **{title_field: f"Record {first}"})
        assert found(session, actor, first) == {kind: [record.id]}, kind

        crud.update(session, actor, record.id,
                    crud.update_schema.model_validate({title_field: f"Record {second}"}))
        session.commit()
        assert found(session, actor, first) == {}, kind
        assert found(session, actor, second) == {kind: [record.id]}, kind

        crud.delete(session, actor, record.id)
        session.commit()
        assert found(session, actor, second) == {}, kind
    check_sqlite_indexes(session)


def test_every_searched_field_is_indexed_and_other_changes_leave_the_index(
        session: Session, actor: Any) -> None:
    asks, note = word(), word()
    meeting = f.make_meeting(session, actor, asks=f"Please {asks} the renewal")
    assert found(session, actor, asks) == {"meeting": [meeting.id]}
    f.make_person(session, actor, name="Ines Ortega", email=f"{note}@coalition.example",
                  phone="(555) 010-4477", signal_handle="ines.77")
    assert [g.kind for g in search.search(session, actor, note)] == ["person"]
    assert [g.kind for g in search.search(session, actor, "010 4477")] == ["person"]
    # A field that is not searched changes without touching the index.
    CRUDS["meeting"].update(session, actor, meeting.id, CRUDS["meeting"].update_schema
                            .model_validate({"notes": "nothing to find"}))
    session.commit()
    assert found(session, actor, asks) == {"meeting": [meeting.id]}
    check_sqlite_indexes(session)


def test_words_match_the_beginnings_of_words_in_any_order(session: Session,
                                                          actor: Any) -> None:
    maria = f.make_target(session, actor, name="Maria Alvarez-Whitfield", district="District 9")
    f.make_target(session, actor, name="Samir Haddad", district="District 2")
    assert found(session, actor, "alv") == {"target": [maria.id]}
    assert found(session, actor, "ALVAREZ maria") == {"target": [maria.id]}
    assert found(session, actor, "whit") == {"target": [maria.id]}
    # Every word must match, in any of the searched fields.
    assert found(session, actor, "maria 9") == {"target": [maria.id]}
    assert found(session, actor, "maria 2") == {}
    # A middle of a word is not a beginning.
    assert found(session, actor, "varez") == {}


@pytest.mark.parametrize("q", [
    '"', '""', "'", "*", "***", "a*", "*a", "NEAR", "NEAR(a b)", "NEAR(a b, 2)", "a AND",
    "OR", "NOT", "AND OR NOT", "(", ")", "((a", "a))", "^a", "name:a", "{name}:a", "-a", "+a",
    "a & b", "a | b", "!a", "a:*", "a<->b", "\x00", "a\x00b", "\x00" * 50, "x" * 200,
    "word " * 60, "%", "_", "\\", "'; DROP TABLE person; --", "🙂", "e\u0301", "ﷺ", "٣",
    "\u200b", "a\u0000\u0001\u0002b", "Ⅻ", "ß", "İstanbul", "東京",
])
def test_no_input_is_read_as_query_syntax(session: Session, actor: Any, q: str) -> None:
    f.make_organization(session, actor, name="Near North Neighbors (NEAR)")
    groups = search.search(session, actor, q)
    assert isinstance(groups, list)
    if q == "NEAR":
        assert [g.kind for g in groups] == ["organization"]


def test_operators_are_words_and_short_words_match_whole_words(session: Session,
                                                                actor: Any) -> None:
    near = f.make_organization(session, actor, name="Near North Neighbors")
    other = f.make_organization(session, actor, name="Or Andover Notables")
    assert found(session, actor, "NEAR") == {"organization": [near.id]}
    assert found(session, actor, "or AND not") == {"organization": [other.id]}
    # One letter matches only the word of one letter, not every word starting with it.
    assert found(session, actor, "n") == {}
    assert fulltext.sqlite_query(["n", "near"]) == '"n" "near"*'
    assert fulltext.pg_query(["n", "near"]) == "n & near:*"


def test_words_are_letters_and_digits_only() -> None:
    assert fulltext.words('Ana "O\'Brien" (NEAR) 2024-03 foo_bar') == [
        "ana", "o", "brien", "near", "2024", "03", "foo", "bar"]
    assert fulltext.words("a a A") == ["a"]
    assert len(fulltext.words(" ".join(f"w{i}" for i in range(50)))) == fulltext.MAX_WORDS
    assert fulltext.words("*** () \" ' : ^ -") == []


def test_records_with_the_words_in_their_title_come_first(session: Session,
                                                          actor: Any) -> None:
    key = word()
    in_notes = f.make_task(session, actor, title="Book the room", notes=f"about {key}")
    inside = f.make_task(session, actor, title=f"Call back {key} office")
    first = f.make_task(session, actor, title=f"{key} letter")
    assert found(session, actor, key) == {"task": [first.id, inside.id, in_notes.id]}


def test_a_very_common_word_looks_at_a_capped_number_of_matches(session: Session,
                                                                 actor: Any) -> None:
    key = word()
    rows = [{"title": f"Task {i} about {key}", "due_on": date(2026, 3, 20),
             "status": "todo", "priority": "normal", "visibility": "coalition"}
            for i in range(search.SCAN + 40)]
    table = Task.__table__  # type: ignore[attr-defined]
    session.execute(sa.insert(table), [{**r, **_stamps(session)} for r in rows])
    session.commit()
    groups = search.search(session, actor, key)
    assert [(g.kind, len(g.items), g.more) for g in groups] == [("task", search.PER_KIND, True)]
    titles = {item["title"] for item in groups[0].items}
    if not is_postgres():
        # SQLite reads the index newest first, so the newest matches are looked at and ranked;
        # PostgreSQL takes them in the order its bitmap of matches gives.
        assert all(int(t.split()[1]) >= 40 for t in titles), titles


def _stamps(session: Session) -> dict[str, Any]:
    from api import clock  # noqa: PLC0415

    now = clock.now()
    return {"created_at": now, "updated_at": now}


def test_the_index_covers_each_kinds_search_fields(session: Session) -> None:
    bind = session.get_bind()
    for table, columns in search.indexed().items():
        if is_postgres():
            # The query repeats the indexed expression exactly, so the index serves it.
            with bind.connect() as conn:
                conn.exec_driver_sql("SET enable_seqscan = off")
                stmt = search._matches("postgresql", CRUDS[_kind(table)]).params(query="ab:*")
                sql = str(stmt.compile(bind, compile_kwargs={"literal_binds": True}))
                plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
            assert fulltext.pg_index(table) in plan, plan
        else:
            fts = fulltext.fts_table(table)
            names = [r[1] for r in session.execute(sa.text(f"PRAGMA table_info(\"{fts}\")"))]
            assert tuple(names) == columns, table
            triggers = {r[0] for r in session.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": table})}
            assert triggers >= {f"{fts}_insert", f"{fts}_update", f"{fts}_delete"}, table


def _kind(table: str) -> str:
    return next(kind for kind, crud in CRUDS.items()
                if crud.model.__tablename__ == table)  # type: ignore[attr-defined]


def test_the_scale_demo_leaves_the_indexes_whole_and_following_writes(
        session: Session, actor: Any, frozen_now: Any) -> None:
    from api.demo import scale  # noqa: PLC0415
    from api.people.models import Person  # noqa: PLC0415

    scale.load(session, scale=scale.SCALES["small"])
    check_sqlite_indexes(session)
    name = session.execute(sa.select(Person.name).order_by(Person.id.desc()).limit(1)).scalar()
    assert "person" in found(session, actor, name or "")
    if is_postgres():
        names = set(session.execute(sa.text("SELECT indexname FROM pg_indexes")).scalars())
        assert {fulltext.pg_index(t) for t in search.indexed()} <= names
    key = word()
    added = f.make_organization(session, actor, name=f"After the demo {key}")
    assert found(session, actor, key) == {"organization": [added.id]}
