"""An uploaded XLSX workbook measured against the import limits before openpyxl opens it."""

import io
import zipfile
from xml.parsers import expat

from api.errors import Invalid
from api.i18n.catalogs import N_
from api.settings import Settings, get_settings

MB = 1024 * 1024
# A part this small does no harm however well it packs; a ratio is only asked of larger ones.
RATIO_FROM = MB
# openpyxl reads a sheet a row at a time and its shared texts one at a time, but keeps all
# else (styles, the workbook, a sheet's header and footer) whole while it reads; the text of
# those may take this share of the expanded limit.
KEPT_TEXT_SHARE = 4
# The most characters a cell holds (the format's own limit); no text of a workbook needs more.
TEXT_CHARS = 32_767
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROW = f"{MAIN}}}row"
SHARED_TEXT = f"{MAIN}}}si"
# openpyxl builds each row and each shared text whole before reading it: 16,384 columns
# (the format's own limit) of a few elements each.
RECORD_ELEMENTS = 4 * 16_384
# What openpyxl keeps while it reads, outside rows and shared texts: the styles, the workbook,
# a sheet's columns, merges and links. A real workbook has a few thousand.
KEPT_ELEMENTS = 100_000
# Cells are two or three elements (a cell, its value, an inline text) and each shared text
# two more.
ELEMENTS_PER_CELL = 4
# Attributes cost openpyxl about as much to build as elements, a name and a text each, and a
# start tag may carry any number of them. A cell carries up to three (its place, style and
# type), a row about six of its own and a shared text one; a row may carry what its widest
# possible width of cells does, the workbook what its cells and rows may, and the rest of it
# ten for each element it may keep.
ATTRIBUTES_PER_CELL = 6
# The text one row may carry, its cells' and attributes' together: openpyxl holds a row whole,
# and the format would let one row hold half a billion characters. Thirty cells filled to the
# brim, far more than any row of people, organizations or decision-makers needs.
RECORD_TEXT_CHARS = 1_000_000
RECORD_ATTRIBUTES = 4 * 16_384
KEPT_ATTRIBUTES = 10 * KEPT_ELEMENTS
CHUNK = MB


def unreadable() -> Invalid:
    return Invalid(N_("The file is not a readable XLSX workbook."), field="file")


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB"


def check(content: bytes) -> None:
    """Refuses a workbook that would take more memory or time to open than an import may: first
    from the zip's directory alone (what its parts expand to, how tightly each is packed),
    then by counting the elements, attributes and text of its XML a chunk at a time, never
    holding a part whole. Python's zip reader stops each part at the size the directory gives,
    so a directory that understates a part cannot get more out of it."""
    settings = get_settings()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unreadable() from exc
    with archive:
        members = archive.infolist()
        _check_directory(members, settings)
        counter = _ElementCount(settings)
        for member in members:
            counter.scan(archive, member)


def _check_directory(members: list[zipfile.ZipInfo], settings: Settings) -> None:
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FROM and ratio > settings.max_import_ratio:
            raise Invalid(N_("A part of the workbook is packed {ratio:,.0f} times (it would "
                             "expand to {mb}), more than the {max_import_ratio} times a "
                             "spreadsheet is; it looks like a zip bomb and was not opened."),
                          ratio=ratio, mb=_mb(member.file_size),
                          max_import_ratio=settings.max_import_ratio, field="file")
    limit = settings.max_import_expanded_bytes
    expanded = sum(member.file_size for member in members)
    if expanded > limit:
        raise Invalid(N_("The workbook would expand to {mb} when opened, more than the limit "
                         "of {mb2}; it was not opened. Split it, or save it as CSV."),
                      mb=_mb(expanded), mb2=_mb(limit),
                      field="file")


class _ElementCount:
    """Counts, part by part, the XML elements, attributes and text openpyxl would build, and
    refuses past a limit."""

    def __init__(self, settings: Settings) -> None:
        self.max_total = ELEMENTS_PER_CELL * settings.max_import_cells
        self.max_attributes = ATTRIBUTES_PER_CELL * settings.max_import_cells
        self.max_texts = settings.max_import_cells
        self.max_kept_text = settings.max_import_expanded_bytes // KEPT_TEXT_SHARE
        self.total = 0
        self.attributes = 0
        self.kept = 0
        self.kept_attributes = 0
        self.kept_text = 0
        self.texts = 0
        self.depth = 0
        self.record_depth = 0  # the depth of the row or shared text being read; 0 outside
        self.in_record = 0
        self.record_attributes = 0
        self.record_text = 0
        self.run = 0  # characters of the text node being read

    def scan(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        # A workbook never declares a document type; entities are how XML multiplies itself.
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        self.depth = self.record_depth = self.run = 0
        try:
            with archive.open(member) as part:
                while chunk := part.read(CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            # Not XML (a picture, say): openpyxl reads no such part as XML, or fails where
            # this scan stopped, having built no more than was counted.
            return
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            raise unreadable() from exc

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.total += 1
        self.depth += 1
        self.run = 0
        if self.record_depth:
            self.in_record += 1
            if self.in_record > RECORD_ELEMENTS:
                raise Invalid(N_("A row or text of the workbook holds more than "
                                 "{record_elements:,} XML elements, far more than a row of "
                                 "cells can; it was not read."),
                              record_elements=RECORD_ELEMENTS, field="file")
        elif name in (ROW, SHARED_TEXT):
            self.record_depth, self.in_record = self.depth, 1
            self.record_attributes = self.record_text = 0
            if name == SHARED_TEXT:
                self.texts += 1
                if self.texts > self.max_texts:
                    raise Invalid(N_("The workbook has more than {max_texts:,} texts, more "
                                     "than the cells an import may have; split it."),
                                  max_texts=self.max_texts,
                                  field="file")
        else:
            self.kept += 1
            if self.kept > KEPT_ELEMENTS:
                raise self._too_much_besides_cells()
        if self.total > self.max_total:
            raise Invalid(N_("The workbook holds more than {max_total:,} XML elements, more "
                             "than the cells an import may have; split it."),
                          max_total=self.max_total, field="file")
        if attributes:
            self._count_attributes(attributes)

    def _count_attributes(self, attributes: dict[str, str]) -> None:
        count = len(attributes)
        self.attributes += count
        if self.attributes > self.max_attributes:
            raise Invalid(N_("The workbook's XML carries more than {max_attributes:,} "
                             "attributes, more than the cells an import may have need; split "
                             "it."), max_attributes=self.max_attributes, field="file")
        text = 0
        for value in attributes.values():
            if len(value) > TEXT_CHARS:
                raise Invalid(N_("A value in the workbook's XML is longer than the "
                                 "{text_chars:,} characters a cell can hold; it was not read."),
                              text_chars=TEXT_CHARS,
                              field="file")
            text += len(value)
        if self.record_depth:
            self.record_attributes += count
            self._count_record_text(text)
            if self.record_attributes > RECORD_ATTRIBUTES:
                raise Invalid(N_("A row or text of the workbook carries more than "
                                 "{record_attributes:,} XML attributes, far more than a row "
                                 "of cells can; it was not read."),
                              record_attributes=RECORD_ATTRIBUTES, field="file")
        else:
            self.kept_attributes += count
            self.kept_text += text
            if self.kept_attributes > KEPT_ATTRIBUTES or self.kept_text > self.max_kept_text:
                raise self._too_much_besides_cells()

    def _end(self, name: str) -> None:
        if self.depth == self.record_depth:
            self.record_depth = 0
        self.depth -= 1
        self.run = 0

    def _text(self, data: str) -> None:
        self.run += len(data)
        if self.run > TEXT_CHARS:
            raise Invalid(N_("A text of the workbook is longer than the {text_chars:,} "
                             "characters a cell can hold; it was not read."),
                          text_chars=TEXT_CHARS, field="file")
        if self.record_depth:
            self._count_record_text(len(data))
        else:
            self.kept_text += len(data)
            if self.kept_text > self.max_kept_text:
                raise self._too_much_besides_cells()

    def _count_record_text(self, chars: int) -> None:
        self.record_text += chars
        if self.record_text > RECORD_TEXT_CHARS:
            raise Invalid(N_("A row of the workbook holds more than {record_text_chars:,} "
                             "characters of text, far more than a row of an import needs; it "
                             "was not read. Shorten its longest cells, or save it as CSV."),
                          record_text_chars=RECORD_TEXT_CHARS,
                          field="file")

    def _too_much_besides_cells(self) -> Invalid:
        return Invalid(N_("The workbook's formatting and other parts besides its cells are larger "
                       "than a workbook needs; it was not read. Save it as CSV."), field="file")

    def _doctype(self, *args: object) -> None:
        raise Invalid(N_("The workbook declares a document type, which a spreadsheet never does; "
                      "it was not read."), field="file")
