"""Every CSV import (EFF's Atlas of Surveillance and Data Driven datasets, and spreadsheets of
organizations, people and targets) is read within the limits a workbook is: its rows, its cells
(blank ones too), its text, each line and each row. They are counted as the file is read, and a
file past one is refused with a message naming it before its rows are held; through the
services, the JSON API (problem+json) and the upload page."""

import io
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.errors import Invalid
from api.settings import get_settings
from api.sources import atlas, data_driven, spreadsheets
from tests.sources.replay import fixture
from tests.web.html import plain

MB = 1024 * 1024
ATLAS_HEADER = fixture("atlas_of_surveillance_alpr_sample.csv").read_text(
    encoding="utf-8-sig").splitlines()[0].split(",")
DATA_DRIVEN_HEADER = fixture("eff_data_driven_alpr_2016_2017.csv").read_text(
    encoding="utf-8-sig").splitlines()[0].split(",")
READERS: dict[str, Callable[[bytes], Any]] = {
    "atlas": atlas.read,
    "data-driven": data_driven.read,
    "people": lambda content: spreadsheets.read_sheet(content, "people.csv"),
}


def atlas_row(n: int, **values: str) -> str:
    row = dict.fromkeys(ATLAS_HEADER, "")
    row.update({"AOSNUMBER": f"AOS{n:06d}", "City": f"Town {n}", "County": "Weld County",
                "State": "CO", "Agency": f"Town {n} Police Department", "Type of LEA": "Police",
                "Type of Juris": "Municipal", "Technology": "Automated License Plate Readers",
                "Vendor": "Flock Safety", **values})
    return ",".join(row[name] for name in ATLAS_HEADER)


def data_driven_row(n: int) -> str:
    row = dict.fromkeys(DATA_DRIVEN_HEADER, "")
    row.update({"A. Agency": f"Town {n} Police Department", "B. State": "GA",
                "C. Direct Sharing": "12", "D. NVLS": "Y"})
    return ",".join(row[name] for name in DATA_DRIVEN_HEADER)


def people_row(n: int) -> str:
    return f"Person {n},p{n}@example.org"


HEADERS = {"atlas": ",".join(ATLAS_HEADER), "data-driven": ",".join(DATA_DRIVEN_HEADER),
           "people": "Name,Email"}
ROWS = {"atlas": atlas_row, "data-driven": data_driven_row, "people": people_row}


def csv_file(kind: str, rows: int, *, extra: str = "") -> bytes:
    lines = [HEADERS[kind], *(ROWS[kind](n) for n in range(rows))]
    return ("\n".join(lines) + "\n" + extra).encode()


def atlas_file(rows: int) -> bytes:
    """An Atlas export of this many ALPR rows: 40,000 of them are about 5 MB."""
    return csv_file("atlas", rows)


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


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def set_limits(**values: int) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"OVERSIGHT_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_limits
    monkeypatch.undo()
    get_settings.cache_clear()


def post(client: TestClient, kind: str, content: bytes) -> Any:
    return client.post(f"/api/v1/imports/{kind}",
                       files={"file": (f"{kind}.csv", io.BytesIO(content), "text/csv")})


# ---- the service ----------------------------------------------------------------------------

def test_a_five_megabyte_atlas_export_past_the_cells_limit_is_refused_while_read() -> None:
    content = atlas_file(40_000)
    assert 5 * MB < len(content) < 7 * MB
    refused, peak = peak_while(lambda: atlas.read(content))
    assert isinstance(refused, Invalid), refused
    assert refused.message == "The file has more than 1,000,000 cells; split it."
    assert refused.field == "file"
    # Its rows up to the limit, never the whole file's.
    assert peak < 60 * MB


@pytest.mark.parametrize("kind", list(READERS))
def test_rows_past_the_limit_are_refused_in_every_csv_import(limits: Any, kind: str) -> None:
    limits(max_import_rows=10)
    with pytest.raises(Invalid, match=r"^The file has more than 10 rows; split it\.$"):
        READERS[kind](csv_file(kind, 11))
    READERS[kind](csv_file(kind, 10))


@pytest.mark.parametrize("kind", list(READERS))
def test_cells_past_the_limit_are_refused_blank_lines_too(limits: Any, kind: str) -> None:
    limits(max_import_cells=1_000)
    with pytest.raises(Invalid, match=r"^The file has more than 1,000 cells; split it\.$"):
        READERS[kind](csv_file(kind, 3, extra="\n" * 1_000))
    with pytest.raises(Invalid, match=r"more than 1,000 cells"):
        READERS[kind](csv_file(kind, 1_000 // len(HEADERS[kind].split(",")) + 1))


@pytest.mark.parametrize("kind", list(READERS))
def test_text_past_the_expanded_limit_is_refused(limits: Any, kind: str) -> None:
    limits(max_import_expanded_bytes=MB)
    # Long notes in a last, unnamed column: within every other limit.
    content = "\n".join([HEADERS[kind] + ",Notes",
                         *(ROWS[kind](n) + "," + "x" * 100_000 for n in range(12))]).encode()
    with pytest.raises(Invalid, match=r"^The file holds more than 1 MB of text, the most an "
                                      r"import may read; split it\.$"):
        READERS[kind](content)


@pytest.mark.parametrize("kind", list(READERS))
def test_a_line_of_nothing_but_separators_is_refused(kind: str) -> None:
    content = (HEADERS[kind] + "\n" + "," * 1_500_000 + "\n").encode()
    refused, peak = peak_while(lambda: READERS[kind](content))
    assert isinstance(refused, Invalid), refused
    assert refused.message == ("Line 2 of the file is longer than 1,000,000 characters; is it a "
                               "CSV file?")
    assert peak < 20 * MB


@pytest.mark.parametrize("kind", list(READERS))
def test_a_row_whose_quoted_cells_run_over_many_lines_is_refused(kind: str) -> None:
    # Each line is short, but a quote left open makes every one of them part of one row.
    content = (HEADERS[kind] + "\n" + '"a\n",' * 400_000 + "\n").encode()
    refused, peak = peak_while(lambda: READERS[kind](content))
    assert isinstance(refused, Invalid), refused
    assert refused.message.startswith("Lines 2 to ")
    assert refused.message.endswith("of the file make one row longer than 1,000,000 "
                                     "characters; is a quote left open?")
    assert peak < 40 * MB


@pytest.mark.parametrize("kind", list(READERS))
def test_a_nul_anywhere_means_not_text(kind: str) -> None:
    with pytest.raises(Invalid, match="not a text CSV file"):
        READERS[kind](csv_file(kind, 5, extra="Town\0,CO\n"))


# ---- the JSON API and the pages -------------------------------------------------------------

def test_the_api_answers_a_dataset_past_the_limits_with_problem_json(client: TestClient) -> None:
    response = post(client, "atlas", atlas_file(40_000))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "The file has more than 1,000,000 cells; split it."


@pytest.mark.parametrize("kind", ["atlas", "data-driven"])
def test_a_field_too_long_for_the_csv_reader_is_a_clear_422(client: TestClient,
                                                           kind: str) -> None:
    content = (HEADERS[kind] + "\n" + ROWS[kind](1) + ',"' + "x" * 200_000 + '"\n').encode()
    response = post(client, kind, content)
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(
        "The CSV file cannot be read: field larger than field limit")


@pytest.mark.parametrize("kind", ["atlas", "data-driven", "people"])
def test_the_upload_page_says_which_limit_a_file_passed(client: TestClient, limits: Any,
                                                        kind: str) -> None:
    limits(max_import_rows=10)
    page = client.post(f"/imports/{kind}",
                       files={"file": (f"{kind}.csv", csv_file(kind, 11), "text/csv")},
                       follow_redirects=False)
    assert page.status_code == 422, page.text
    assert "The file has more than 10 rows; split it." in plain(page.text)


def test_the_sample_exports_still_read() -> None:
    facts, ignored = atlas.read(fixture("atlas_of_surveillance_alpr_sample.csv").read_bytes())
    assert facts and not any(f.error for f in facts)
    assert data_driven.read(fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes())
