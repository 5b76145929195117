"""A row is read whole, so a workbook whose one row holds more text than any import needs is
refused before the row is built; a row of long notes within the bound still reads."""

from collections.abc import Iterable

from api.errors import Invalid
from api.sources import spreadsheets, workbooks
from tests.sources import hostile_workbooks
from tests.sources.test_import_limits import peak_while

MB = 1024 * 1024
HEADER = b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'


def long_row(cells: int, chars: int = 30_000) -> bytes:
    """A header and one row of `cells` inline texts of `chars` characters each."""
    def sheet() -> Iterable[bytes]:
        yield hostile_workbooks.SHEET_START + HEADER + b'<row r="2">'
        for n in range(cells):
            yield b'<c r="%s2" t="inlineStr"><is><t>%s</t></is></c>' % (
                chr(ord("A") + n % 26).encode() * (1 + n // 26), b"w" * chars)
        yield b"</row></sheetData></worksheet>"

    return hostile_workbooks.workbook(sheet())


def test_a_row_past_the_text_a_row_may_hold_is_refused_before_it_is_built() -> None:
    cells = workbooks.RECORD_TEXT_CHARS // 30_000 + 1
    refused, peak = peak_while(lambda: spreadsheets.read_sheet(long_row(cells), "people.xlsx"))
    assert isinstance(refused, Invalid), refused
    assert refused.message == (
        "A row of the workbook holds more than 1,000,000 characters of text, far more than a "
        "row of an import needs; it was not read. Shorten its longest cells, or save it as CSV.")
    assert refused.field == "file"
    assert peak < 20 * MB


def test_a_row_of_long_notes_within_the_bound_reads() -> None:
    sheet = spreadsheets.read_sheet(long_row(20), "people.xlsx")
    [row] = [cells for _, cells in sheet.rows]
    assert len(row) == 20 and all(len(cell) == 30_000 for cell in row)
