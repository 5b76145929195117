"""CSV files a spreadsheet opens as data, never as formulas, and reads as UTF-8: every export
writes through here."""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

# A text cell starting with one of these, even after spaces, runs as a formula (a link that
# sends data away, a command) when a spreadsheet opens the file; OWASP's CSV injection advice
# is a leading apostrophe, which spreadsheets show as text and the import takes off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    return text[:1] in FORMULA_START or text.lstrip()[:1] in FORMULA_START


def escaped(text: str) -> str:
    """Text a spreadsheet shows as written."""
    return "'" + text if formula_like(text) else text


def unescaped(text: str) -> str:
    """The text an exported cell held, its apostrophe taken off: for reading exports back."""
    return text[1:] if text[:1] == "'" and formula_like(text[1:]) else text


def cell(value: Any) -> str:
    """One value as spreadsheet text: numbers as numbers, booleans as true/false, lists of plain
    values joined with "; ", nested records as JSON, and text escaped."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        # A number is data to a spreadsheet, a negative amount included; only text is run.
        return str(value)
    return escaped(_text(value))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        if all(not isinstance(v, dict | list) for v in value):
            return "; ".join(_text(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV file: the header, then each row's values as cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escaped(name) for name in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def encoded(text: str) -> bytes:
    """A CSV file's text as the bytes to send or store: UTF-8 behind a byte order mark, without
    which spreadsheet programs read it in the system's code page and garble every accent."""
    return text.encode("utf-8-sig")


def document(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file as the bytes to send or store: the header, then each row's values as cells."""
    return encoded(write(header, rows))
