"""A rule that spans fields (an end before its start), a year outside the window things happen
in, the shape of a JSON value and the anti-forgery refusal are said in the reader's language:
on the JSON API with Accept-Language, on a Spanish page's form. And no validator's message can
be left out of the catalog: the one rule below reads every raise in the code."""

import ast
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories

SPANISH = {"Accept-Language": "es"}
ROOT = Path(__file__).resolve().parents[2]


def _said(answer: Any) -> dict[str, str]:
    assert answer.status_code == 422, answer.text
    return {e["field"]: e["message"] for e in answer.json()["errors"]}


def test_rules_across_fields_and_year_windows_are_said_in_spanish(
        client: TestClient, session: Session, actor: Any) -> None:
    agency = factories.make_agency(session, actor)
    body = factories.make_body(session, actor)
    session.commit()
    said = _said(client.post("/api/v1/contracts", headers=SPANISH, json={
        "title": "Flock", "agency_id": agency.id, "start_date": "2026-05-01",
        "end_date": "2026-01-01"}))
    assert said["end_date"] == "La fecha de fin es anterior a la fecha de inicio."
    said = _said(client.post("/api/v1/campaigns", headers=SPANISH, json={
        "name": "Sin cámaras", "start_date": "2026-05-01", "target_date": "2026-01-01"}))
    assert said["target_date"] == "La fecha meta es anterior a la fecha de inicio."
    said = _said(client.post("/api/v1/campaigns", headers=SPANISH, json={
        "name": "Sin cámaras",
        "policy_asks": [{"ask": "search_audits"}, {"ask": "search_audits"}]}))
    assert said["policy_asks"] == "Cada exigencia de política puede aparecer una sola vez."
    said = _said(client.post("/api/v1/votes", headers=SPANISH, json={
        "title": "Renovación", "body_id": body.id, "scheduled_at": "1800-01-01T18:00:00Z"}))
    assert said["scheduled_at"].startswith("Escriba una fecha entre ")
    assert "Enter" not in said["scheduled_at"]
    english = _said(client.post("/api/v1/contracts", json={
        "title": "Flock", "agency_id": agency.id, "start_date": "2026-05-01",
        "end_date": "2026-01-01"}))
    assert english["end_date"] == "The end date is before the start date."


def test_the_shape_of_a_json_value_is_said_in_spanish(client: TestClient) -> None:
    said = _said(client.post("/api/v1/campaigns", headers=SPANISH, json={
        "name": "Sin cámaras", "policy_asks": "ban"}))
    assert said["policy_asks"] == "Dé una lista, entre corchetes [ ]."
    said = _said(client.post("/api/v1/campaigns", headers=SPANISH, json={
        "name": "Sin cámaras", "policy_asks": [3]}))
    assert not any(word in " ".join(said.values()) for word in ("Input", "instance", "should"))
    answer = client.post("/api/v1/campaigns", headers={**SPANISH,
                         "Content-Type": "application/json"}, content=b"[1]")
    assert answer.status_code == 422
    assert "Input should" not in answer.text, answer.text


def test_the_anti_forgery_refusal_is_said_in_spanish(client: TestClient) -> None:
    del client.headers["Authorization"]
    del client.headers["X-CSRF-Token"]
    answer = client.post("/api/v1/campaigns", headers=SPANISH, json={"name": "Sin cámaras"})
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("Solicitud rechazada: ")
    assert "anti-forgery" not in answer.json()["detail"]


# Raised with words shown to a reader: each must be marked for the catalog (N_, or words
# already translated), never an f-string or a bare literal the catalog never sees. ValueError
# counts in a record's schema (models.py), where pydantic hands it to the reader.
SHOWN = {"FieldError", "Invalid", "DomainError", "Refusal", "Forbidden", "NotFound"}


def _unmarked(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc.func
        name = call.id if isinstance(call, ast.Name) else \
            call.attr if isinstance(call, ast.Attribute) else ""
        if name not in SHOWN and not (name == "ValueError" and path.name == "models.py"):
            continue
        args = node.exc.args[1:] if name == "FieldError" else node.exc.args
        words = args[0] if args else None
        if isinstance(words, ast.BinOp):  # gettext("... %(x)s") % {...} is translated
            words = None if isinstance(words.left, ast.Call) else words
        if isinstance(words, ast.JoinedStr | ast.Constant | ast.BinOp):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_refusal_shown_to_a_reader_is_marked_for_translation() -> None:
    unmarked = [place for folder in ("api", "web") for path in sorted((ROOT / folder).rglob(
        "*.py")) for place in _unmarked(path)]
    assert unmarked == []


def test_a_tasks_due_date_falls_in_the_years_things_happen_in(
        client: TestClient, session: Session, actor: Any) -> None:
    said = _said(client.post("/api/v1/tasks", headers=SPANISH, json={
        "title": "Reservar la sala", "due_on": "1800-01-01"}))
    assert said["due_on"].startswith("Escriba una fecha entre ")
    made = client.post("/api/v1/tasks", json={"title": "Book the room", "due_on": "2026-03-20"})
    assert made.status_code == 201, made.text
    changed = client.patch(f"/api/v1/tasks/{made.json()['id']}", json={"due_on": "1800-01-01"})
    assert changed.status_code == 422
    page = client.post("/tasks", data={"title": "Book the room", "due_on": "1800-01-01",
                                       "status": "open", "visibility": "coalition"})
    assert page.status_code == 422 and "Enter a date between" in page.text
