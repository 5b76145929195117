"""Importing outcomes known elsewhere from a CSV file: a preview of every row with its
problems in plain words, and the whole file written or nothing."""

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.auth.models import Role
from api.errors import Invalid
from api.known_outcomes import csv_import
from api.known_outcomes.models import KnownOutcome

FIXTURE = Path(__file__).parents[1] / "fixtures" / "known_outcomes_illustrative.csv"
HEADER = "place,state,latitude,longitude,outcome,date,source\n"


def test_the_illustrative_file_previews_and_commits_whole(session: Session, actor: Any) -> None:
    content = FIXTURE.read_bytes()
    plan = csv_import.preview(session, content)
    assert [r.line for r in plan.new] == [2, 3, 4, 5, 6] and not plan.bad
    assert csv_import.commit(session, actor, content) == 5
    session.commit()
    places = set(session.exec(select(KnownOutcome.place)).all())
    assert {"Alderbrook", "Elm Crossing"} <= places
    again = csv_import.preview(session, content)
    assert len(again.duplicates) == 5 and not again.new
    assert csv_import.commit(session, actor, content) == 0


def test_each_rows_problems_are_told_and_nothing_is_written(session: Session,
                                                           actor: Any) -> None:
    content = (HEADER
               + "Good,CA,37.8,-122.2,cancelled,2025-01-02,Minutes\n"
               + "Bad latitude,CA,north,-122.2,not renewed,2025-01-02,Minutes\n"
               + "Off the globe,CA,95,-122.2,not renewed,2025-01-02,Minutes\n"
               + "Bad outcome,CA,37.8,-122.2,postponed,2025-01-02,Minutes\n"
               + "Bad date,CA,37.8,-122.2,lost,sometime,Minutes\n"
               + "Bad state,ZZ,37.8,-122.2,lost,2025-01-02,Minutes\n"
               + "No source,CA,37.8,-122.2,lost,2025-01-02,\n").encode()
    plan = csv_import.preview(session, content)
    errors = {r.line: " ".join(r.errors) for r in plan.bad}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "«north» is not a number" in errors[3]
    assert errors[4]
    assert "«postponed» is not an outcome" in errors[5]
    assert "«sometime» is not a date" in errors[6]
    assert "two-letter state code" in errors[7]
    assert "Give the source" in errors[8]
    try:
        csv_import.commit(session, actor, content)
    except Invalid as exc:
        assert "fix the rows in error first (6)" in exc.message
    else:
        raise AssertionError("a file with bad rows was written")
    assert session.exec(select(KnownOutcome)).all() == []


def test_a_file_missing_a_column_or_not_text_is_refused_whole(session: Session) -> None:
    for content, words in ((b"place,state\nX,CA\n", "no column for: latitude"),
                           (b"\xff\xfe\x00bad", "not CSV text"), (b"", "empty")):
        try:
            csv_import.preview(session, content)
        except Invalid as exc:
            assert words in exc.message, (content, exc.message)
        else:
            raise AssertionError(content)


def test_the_pages_preview_then_import_for_leads_only(client: TestClient, session: Session,
                                                      client_as: Any) -> None:
    form = client.get("/outcome-imports")
    assert form.status_code == 200 and 'name="file"' in form.text
    fragment = client.get("/outcome-imports", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="import-step"' in fragment.text
    bad = client.post("/outcome-imports", files={"file": (
        "outcomes.csv", HEADER + "X,CA,37.8,-122.2,postponed,2025-01-02,Minutes\n", "text/csv")},
        data={"visibility": "coalition"})
    assert bad.status_code == 422
    assert "«postponed» is not an outcome" in bad.text and "/outcome-imports/commit" not in bad.text
    preview = client.post("/outcome-imports", files={"file": (
        "outcomes.csv", FIXTURE.read_bytes(), "text/csv")}, data={"visibility": "public"})
    assert preview.status_code == 200 and "Alderbrook" in preview.text
    assert "Import 5 outcomes" in preview.text
    done = client.post("/outcome-imports/commit", files={
        "content": (None, FIXTURE.read_text()), "visibility": (None, "public")},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/outcomes-elsewhere"
    listed = client.get("/api/v1/known-outcomes", params={"limit": 50}).json()
    assert listed["total"] == 5 and {o["visibility"] for o in listed["items"]} == {"public"}
    spanish = client.post("/outcome-imports", files={"file": (
        "outcomes.csv", HEADER + "X,CA,37.8,-122.2,postponed,2025-01-02,Minutes\n", "text/csv")},
        headers={"Accept-Language": "es"})
    assert "«postponed» no es un resultado" in spanish.text
    partner = client_as(Role.partner)
    assert partner.get("/outcome-imports").status_code == 403
    assert partner.post("/outcome-imports/commit", files={
        "content": (None, FIXTURE.read_text())}).status_code == 403


def test_row_problems_name_the_files_columns_in_plain_words(session: Session) -> None:
    content = (HEADER
               + "No date,CA,37.8,-122.2,lost,,Minutes\n"
               + "Comma,CA,\"37,8\",-122.2,lost,2025-01-02,Minutes\n"
               + "Long state,Calif,37.8,-122.2,lost,2025-01-02,Minutes\n"
               + "No source,CA,37.8,-122.2,lost,2025-01-02,\n").encode()
    errors = {r.line: " ".join(r.errors) for r in csv_import.preview(session, content).bad}
    assert sorted(errors) == [2, 3, 4, 5]
    assert "The «date» column is empty." in errors[2]
    assert "«37,8» has a comma: write decimals with a point" in errors[3]
    assert errors[4].startswith("«state»:") and errors[5].startswith("«source»:")
    said = " ".join(errors.values())
    for internal in ("decided_on", "citation", "state_code", "Field required"):
        assert internal not in said


def test_a_tampered_sharing_choice_on_commit_is_told(client: TestClient,
                                                     session: Session) -> None:
    refused = client.post("/outcome-imports/commit", files={
        "content": (None, FIXTURE.read_text()), "visibility": (None, "private")},
        follow_redirects=False)
    assert refused.status_code == 422
    assert "Choose who may read the outcomes." in refused.text
    assert session.exec(select(KnownOutcome)).all() == []
