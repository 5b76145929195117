"""Uploaded CSV files read a row at a time within the import limits: the text, each line and
row, the rows and the cells are counted as they are read, and a file is refused at the first
limit it passes, before the rest of it is read."""

import codecs
import csv
import io
from collections.abc import Iterator

from api.errors import Invalid
from api.i18n.catalogs import N_
from api.settings import get_settings
from api.sources.import_limits import ImportLimits

# A line of a CSV file longer than this is no row of a contact list or a dataset; refused before
# the CSV reader turns a line of nothing but separators into a million cells at once. A row
# whose quoted cells run over several lines is held to the same length.
MAX_LINE_CHARS = 1_000_000
MB = 1024 * 1024
CHUNK = MB


def not_text() -> Invalid:
    return Invalid(N_("The file is not a text CSV file in a known encoding; save it as CSV (UTF-8) "
                   "or as an XLSX workbook."), field="file")


def encoding_of(content: bytes) -> str:
    """UTF-16 with its byte-order mark ("Unicode text" from a spreadsheet program), UTF-8 with
    or without one, else Windows-1252, which is what spreadsheet programs on Windows write.
    UTF-8 is tried a chunk at a time, so no second copy of the file is made to find out."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(view), CHUNK):
            decoder.decode(view[start:start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _sniffed(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Lines:
    """The file's lines, each counted against the limits as it is handed to the CSV reader."""

    def __init__(self, content: bytes) -> None:
        encoding = encoding_of(content)
        self.stream = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="",
                                       errors="replace" if encoding == "cp1252" else "strict")
        self.max_text = get_settings().max_import_expanded_bytes
        self.text = 0
        self.number = 0  # of the last line read
        self.row_start = 1  # the line the row being read began on
        self.row_chars = 0

    def next_row(self) -> None:
        self.row_start, self.row_chars = self.number + 1, 0

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                line = self.stream.readline(MAX_LINE_CHARS + 1)
            except UnicodeDecodeError as exc:
                raise not_text() from exc
            if not line:
                return
            self.number += 1
            if len(line) > MAX_LINE_CHARS:
                raise Invalid(N_("Line {number} of the file is longer than {max_line_chars:,} "
                                 "characters; is it a CSV file?"),
                              number=self.number, max_line_chars=MAX_LINE_CHARS, field="file")
            if "\0" in line:
                raise not_text()
            self.text += len(line)
            if self.text > self.max_text:
                raise Invalid(N_("The file holds more than {value:,.0f} MB of text, the most "
                                 "an import may read; split it."),
                              value=self.max_text / MB, field="file")
            self.row_chars += len(line)
            if self.row_chars > MAX_LINE_CHARS:
                raise Invalid(N_("Lines {row_start} to {number} of the file make one row "
                                 "longer than {max_line_chars:,} characters; is a quote left "
                                 "open?"),
                              row_start=self.row_start, number=self.number,
                              max_line_chars=MAX_LINE_CHARS, field="file")
            yield line


def rows(content: bytes, *, delimiter: str | None = None) -> Iterator[list[str]]:
    """The file's rows as the CSV reader splits them, the header first; a blank line is an
    empty row. The separator is the one given, else the comma, semicolon or tab the first line
    holds most of. Refused past the import limits: its text, a line or row, the cells (the
    header's and blank rows' included) and the rows holding anything besides the header."""
    lines = _Lines(content)
    source = iter(lines)
    first = next(source, "")
    if delimiter is None:
        delimiter = _sniffed(first.split("\n", 1)[0])

    def all_lines() -> Iterator[str]:
        if first:
            yield first
        yield from source

    limits = ImportLimits.from_settings()
    reader = csv.reader(all_lines(), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return
        cells_read, rows_read = len(header) or 1, 0
        if cells_read > limits.max_cells:
            raise limits.too_many_cells()
        yield header
        lines.next_row()
        for cells in reader:
            cells_read += len(cells) or 1
            if cells_read > limits.max_cells:
                raise limits.too_many_cells()
            if any(cells):
                rows_read += 1
                if rows_read > limits.max_rows:
                    raise limits.too_many_rows()
            yield cells
            lines.next_row()
    except csv.Error as exc:
        raise Invalid(N_("The CSV file cannot be read: {reason}."),
                      reason=exc, field="file") from exc
