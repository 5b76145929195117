"""A workbook stuffed through its XML attributes is refused like one stuffed through its elements
or texts: attributes count toward the cells limits (in a row and in the whole workbook), their
values toward the share of the expanded size kept outside the cells, and no value may be longer
than a cell's text; an ordinary workbook, styles and all, still reads."""

import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from openpyxl.styles import Font, PatternFill

from api.errors import Invalid
from api.settings import get_settings
from api.sources import spreadsheets
from tests.sources import hostile_workbooks
from tests.sources.test_import_limits import peak_while, post_import
from tests.web.html import plain

MB = 1024 * 1024
HEADER = b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
END = b"</sheetData></worksheet>"


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def set_limits(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"OVERSIGHT_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_limits
    monkeypatch.undo()
    get_settings.cache_clear()


def stuffed(cell_attributes: int, *, cells: int, rows: int = 1, value: bytes = b"x",
            before: bytes = b"") -> bytes:
    """A workbook of a header and `rows` rows of `cells` named cells, each cell carrying
    `cell_attributes` made-up attributes of the value given, inline strings all."""
    extra = b"".join(b' a%d="%s"' % (n, value) for n in range(cell_attributes))

    def sheet() -> Iterable[bytes]:
        yield hostile_workbooks.SHEET_START + before + HEADER
        for row in range(2, rows + 2):
            yield b'<row r="%d">' % row + b"".join(
                b'<c r="A%d" t="inlineStr"%s><is><t>Bo %d</t></is></c>' % (row, extra, n)
                for n in range(cells)) + b"</row>"
        yield END

    return hostile_workbooks.workbook(sheet())


def test_a_row_stuffed_with_attributes_is_refused_before_it_is_built() -> None:
    # 2,000 cells are a few thousand elements, within a row's limit; their 80,000 attributes
    # are not.
    workbook = stuffed(40, cells=2_000)
    refused, peak = peak_while(lambda: spreadsheets.read_sheet(workbook, "people.xlsx"))
    assert isinstance(refused, Invalid), refused
    assert refused.message == ("A row or text of the workbook carries more than 65,536 XML "
                               "attributes, far more than a row of cells can; it was not read.")
    assert refused.field == "file"
    assert peak < 20 * MB


def test_attributes_past_what_the_cells_limit_allows_are_refused(limits: Any) -> None:
    limits(max_import_cells=1_000)
    # 500 cells in 100 rows: within the cells and elements limits, but each cell carries 15
    # attributes, 7,500 in all.
    workbook = stuffed(15, cells=5, rows=100)
    with pytest.raises(Invalid) as refused:
        spreadsheets.read_sheet(workbook, "people.xlsx")
    assert refused.value.message == ("The workbook's XML carries more than 6,000 attributes, "
                                     "more than the cells an import may have need; split it.")
    # The same cells without the stuffing read.
    assert len(spreadsheets.read_sheet(stuffed(0, cells=5, rows=100), "people.xlsx").rows) == 100


def test_an_attribute_value_longer_than_a_cell_is_refused() -> None:
    workbook = stuffed(1, cells=3, value=b"y" * 40_000)
    with pytest.raises(Invalid, match="A value in the workbook's XML is longer than the 32,767 "
                                      "characters a cell can hold; it was not read."):
        spreadsheets.read_sheet(workbook, "people.xlsx")


def test_attribute_text_outside_the_cells_counts_toward_the_expanded_size(limits: Any) -> None:
    limits(max_import_expanded_bytes=MB)
    # Column settings before the cells, each with 30,000 characters in an attribute: 300,000
    # in all, more than the quarter of the 1 MB limit kept outside the cells.
    columns = b"<cols>" + b"".join(
        b'<col min="%d" max="%d" note="%s"/>' % (n, n, b"z" * 30_000) for n in range(1, 11)
    ) + b"</cols>"
    workbook = stuffed(0, cells=1, before=columns)
    with pytest.raises(Invalid, match="The workbook's formatting and other parts besides its "
                                      "cells are larger than a workbook needs"):
        spreadsheets.read_sheet(workbook, "people.xlsx")


def test_the_api_and_the_upload_page_refuse_a_stuffed_workbook(client: TestClient) -> None:
    workbook = stuffed(40, cells=2_000)
    response = post_import(client, workbook)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "carries more than 65,536 XML attributes" in response.json()["detail"]
    page = client.post("/imports/people", files={"file": ("people.xlsx", workbook,
                                                          "application/octet-stream")})
    assert page.status_code == 422
    assert "carries more than 65,536 XML attributes" in plain(page.text)


def test_an_ordinary_styled_workbook_still_reads() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "Notes"])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="FFEE99")
    for n in range(3_000):
        sheet.append([f"Person {n}", f"p{n}@example.org", f"Met at the forum, table {n}"])
        sheet.cell(row=n + 2, column=1).font = bold
        sheet.cell(row=n + 2, column=3).fill = fill
    out = io.BytesIO()
    book.save(out)
    read = spreadsheets.read_sheet(out.getvalue(), "people.xlsx")
    assert read.headers == ["Name", "Email", "Notes"] and len(read.rows) == 3_000
