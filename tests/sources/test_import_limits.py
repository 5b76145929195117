"""Spreadsheet imports within limits: a zip bomb and other hostile workbooks are refused with a
clear reason before they expand, reading stops past the rows and cells limits, and only those
who may import may preview."""

import io
import tracemalloc
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.errors import Invalid
from api.settings import get_settings
from api.sources import spreadsheets
from tests.sources import hostile_workbooks
from tests.web.html import plain

MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache
def zip_bomb() -> bytes:
    return hostile_workbooks.zip_bomb(150)


def peak_while(action: Callable[[], Any]) -> tuple[Any, int]:
    """What the action returned or raised, and the most memory Python held meanwhile."""
    tracemalloc.start()
    try:
        try:
            outcome: Any = action()
        except Invalid as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def post_import(client: TestClient, content: bytes, filename: str = "people.xlsx",
                concept: str = "people") -> Any:
    return client.post(f"/api/v1/imports/{concept}",
                       files={"file": (filename, io.BytesIO(content), XLSX)})


def csv_bytes(rows: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\n" for row in rows).encode()


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def set_limits(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"OVERSIGHT_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_limits
    monkeypatch.undo()
    get_settings.cache_clear()


# ---- zip bombs ------------------------------------------------------------------------------

def test_a_zip_bomb_is_refused_before_it_expands() -> None:
    bomb = zip_bomb()
    assert len(bomb) < MB  # packed; the cell's text alone is 150 MB
    refused, peak = peak_while(lambda: spreadsheets.read_sheet(bomb, "people.xlsx"))
    assert isinstance(refused, Invalid), refused
    assert "it looks like a zip bomb and was not opened" in refused.message
    assert refused.field == "file"
    assert peak < 10 * MB


def test_a_zip_bomb_sent_to_the_api_gets_a_clear_422(client_as: Any) -> None:
    lead = client_as("lead")
    bomb = zip_bomb()
    response, peak = peak_while(lambda: post_import(lead, bomb))
    assert response.status_code == 422
    assert "zip bomb" in response.json()["detail"]
    assert peak < 30 * MB


def test_a_zip_bomb_uploaded_on_the_page_is_refused_on_the_form(client: TestClient) -> None:
    page = client.post("/imports/people", files={"file": ("people.xlsx", zip_bomb(), XLSX)})
    assert page.status_code == 422
    assert "it looks like a zip bomb and was not opened" in plain(page.text)


def test_a_workbook_that_would_expand_past_the_limit_is_refused(limits: Any) -> None:
    # Packed like a real sheet (a few times over), but larger than an import may open.
    limits(max_import_expanded_bytes=2 * MB)
    workbook = hostile_workbooks.wide_row(300_000)
    with pytest.raises(Invalid, match=r"would expand to \d+ MB when opened, more than the "
                                      r"limit of 2 MB"):
        spreadsheets.read_sheet(workbook, "people.xlsx")


def test_a_row_too_wide_to_build_is_refused_without_building_it() -> None:
    """Packed only six times over and small when expanded, yet a reader that builds the row
    whole (as openpyxl does) holds hundreds of bytes for each of its cells."""
    workbook = hostile_workbooks.wide_row(200_000)
    refused, peak = peak_while(lambda: spreadsheets.read_sheet(workbook, "people.xlsx"))
    assert isinstance(refused, Invalid), refused
    assert "holds more than 65,536 XML elements" in refused.message
    assert peak < 20 * MB


def test_a_sheet_that_declares_a_million_empty_rows_stops_at_the_cells_limit() -> None:
    refused, peak = peak_while(
        lambda: spreadsheets.read_sheet(hostile_workbooks.declared_huge(), "people.xlsx"))
    assert isinstance(refused, Invalid), refused
    assert refused.message == "The file has more than 1,000,000 cells; split it."
    assert peak < 50 * MB


def test_a_workbook_with_a_document_type_is_refused() -> None:
    workbook = hostile_workbooks.workbook([
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>',
        hostile_workbooks.SHEET_START[len(b'<?xml version="1.0" encoding="UTF-8"?>'):],
        b"<sheetData/></worksheet>"])
    with pytest.raises(Invalid, match="declares a document type"):
        spreadsheets.read_sheet(workbook, "people.xlsx")


def test_an_ordinary_workbook_still_reads() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Email"])
    for n in range(2_000):
        sheet.append([f"Person {n}", f"p{n}@example.org"])
    out = io.BytesIO()
    book.save(out)
    read = spreadsheets.read_sheet(out.getvalue(), "people.xlsx")
    assert read.headers == ["Name", "Email"]
    assert len(read.rows) == 2_000


# ---- rows, cells and lines ------------------------------------------------------------------

def test_rows_past_the_limit_are_refused(limits: Any) -> None:
    limits(max_import_rows=5)
    content = csv_bytes([["Name"], *([f"Person {n}"] for n in range(6))])
    with pytest.raises(Invalid, match="more than 5 rows"):
        spreadsheets.read_sheet(content, "people.csv")
    spreadsheets.read_sheet(csv_bytes([["Name"], *([f"Person {n}"] for n in range(5))]))


def test_cells_past_the_limit_are_refused_blank_ones_too(limits: Any) -> None:
    limits(max_import_cells=1_000)
    wide = csv_bytes([["Name", *[""] * 99], *(["Bo", *[""] * 99] for _ in range(10))])
    with pytest.raises(Invalid, match="more than 1,000 cells"):
        spreadsheets.read_sheet(wide, "people.csv")
    blank_rows = b"Name\n" + b"\n" * 2_000 + b"Bo\n"
    with pytest.raises(Invalid, match="more than 1,000 cells"):
        spreadsheets.read_sheet(blank_rows, "people.csv")


def test_a_line_of_nothing_but_separators_is_refused() -> None:
    content = b"Name\n" + b"," * 1_500_000 + b"\n"
    refused, peak = peak_while(lambda: spreadsheets.read_sheet(content, "people.csv"))
    assert isinstance(refused, Invalid), refused
    assert "Line 2 of the file is longer than 1,000,000 characters" in refused.message
    assert peak < 20 * MB


def test_a_field_too_long_for_the_csv_reader_is_a_clear_422(client: TestClient) -> None:
    content = b'Name,Notes\nBo,"' + b"x" * 200_000 + b'"\n'
    response = post_import(client, content, filename="people.csv")
    assert response.status_code == 422
    assert "The CSV file cannot be read: field larger than field limit" in \
        response.json()["detail"]


# ---- who may preview ------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "partner"])
@pytest.mark.parametrize("concept", ["people", "organizations", "atlas", "data-driven"])
def test_only_those_who_may_import_may_preview(client_as: Any, role: str,
                                               concept: str) -> None:
    other = client_as(role)
    response = post_import(other, csv_bytes([["Name"], ["Bo"]]), filename="people.csv",
                           concept=concept)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only a campaign lead or an administrator can do this."


def test_a_lead_may_preview(client_as: Any) -> None:
    lead = client_as("lead")
    response = post_import(lead, csv_bytes([["Name"], ["Bo"]]), filename="people.csv")
    assert response.status_code == 200, response.text
    assert response.json()["committed"] is False
