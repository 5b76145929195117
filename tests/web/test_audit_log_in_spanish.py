"""The audit log read in Spanish: what was done to which record, each field's name and each
value in the reader's words, days and instants written as Spanish pages write them; and every
kind of record the log keeps, with each of its fields, has its words in the catalog."""

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from api.accounts import service as accounts
from api.auth import audit
from api.auth.models import User
from tests.factories import make_agency
from tests.i18n.catalog_source import extracted
from tests.web.html import plain
from web import audit_words
from web.concepts import label_for
from web.words import WORDS


def test_the_log_speaks_spanish(client: TestClient, session: Session, admin: User,
                                actor: Any) -> None:
    reader = session.merge(admin)
    accounts.set_language(session, reader, "es")
    session.commit()
    agency = make_agency(session, actor)
    made = client.post("/api/v1/contracts", json={
        "title": "Flock renewal", "agency_id": agency.id, "auto_renews": True,
        "end_date": "2027-03-31", "visibility": "private"})
    assert made.status_code == 201, made.text
    assert client.patch(f"/api/v1/contracts/{made.json()['id']}",
                        json={"visibility": "coalition"}).status_code == 200
    log = plain(client.get("/audit").text)
    contract = made.json()["id"]
    assert f"Se creó: contrato #{contract}" in log and f"Se cambió: contrato #{contract}" in log
    assert "Se renueva automáticamente : — → sí" in log
    assert "Fecha de fin : — → 31 mar 2027" in log
    assert "Visibilidad : privado → coalición" in log
    # The account's own change of language, the language by its own name.
    assert "Idioma : — → Español" in log
    for english in ("Created", "Changed", "auto renews", "True", "2027-03-31", "private →"):
        assert english not in log, english


def test_every_kind_and_field_the_log_keeps_has_its_words(app: Any,
                                                          tmp_path: Any) -> None:
    catalog = {m.id for m in extracted(str(tmp_path)) if m.id}
    kept = {getattr(t, "__tablename__", None) for t in audit.unaudited()}
    missing = []
    for name, table in SQLModel.metadata.tables.items():
        if name in kept:
            continue
        kind = audit_words.KINDS.get(name) or WORDS.get(name, name.replace("_", " "))
        missing += [name] if kind not in catalog else []
        missing += [f"{name}.{c.name}" for c in table.columns
                    if label_for(c.name) not in catalog]
    assert missing == []


def test_amounts_of_money_read_in_the_log_as_the_pages_write_them(
        client: TestClient, session: Session, admin: User, actor: Any) -> None:
    agency = make_agency(session, actor)
    made = client.post("/api/v1/contracts", json={
        "title": "Flock renewal", "agency_id": agency.id, "annual_cost": "126000.00",
        "visibility": "coalition"})
    assert made.status_code == 201, made.text
    assert client.patch(f"/api/v1/contracts/{made.json()['id']}",
                        json={"cost_per_camera": "2500.5"}).status_code == 200
    for language, cost, per_camera in (("en", "Annual cost : — → $126,000.00",
                                        "Cost per camera : — → $2,500.50"),
                                       ("es", "Costo anual : — → $126,000.00",
                                        "Costo por cámara : — → $2,500.50")):
        accounts.set_language(session, session.merge(admin), language)
        session.commit()
        log = plain(client.get("/audit").text)
        assert cost in log and per_camera in log, log
        assert "126000.00" not in log and "126,000.00 " not in log.replace("$126,000.00", "")


def test_a_public_pages_entries_read_as_what_was_kept(client: TestClient, session: Session,
                                                      admin: User) -> None:
    # Logged as one value each, not a change from one to another.
    audit.record(session, action="publish", record_kind="public_page", record_id=7,
                 changes={"slug": "riverbend"})
    audit.record(session, action="export", record_kind="supporters", record_id=7,
                 changes={"count": 12})
    session.commit()
    log = plain(client.get("/audit").text)
    assert "Published: public page of campaign #7" in log and "Slug : riverbend" in log
    assert "Exported: supporters of campaign #7" in log and "Count : 12" in log
    assert "Slug : r → i" not in log and "Count : — → —" not in log
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    log = plain(client.get("/audit").text)
    assert "Dirección : riverbend" in log and "Cantidad : 12" in log
    assert "Se exportó: simpatizantes de la campaña #7" in log
