"""The JSON the import endpoints answer with, pinned key by key and in order: a preview and a
committed import of each kind (Atlas of Surveillance, Data Driven, a spreadsheet), equal to the
plan the service makes, so the response schemas are shown to leave what clients read as it
was."""

import csv
import io
import json
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from api.db import new_session
from api.sources import atlas, data_driven, spreadsheets
from tests import factories as f
from tests.sources.replay import fixture

ATLAS = fixture("atlas_of_surveillance_alpr_sample.csv").read_bytes()
DATA_DRIVEN = fixture("eff_data_driven_alpr_2016_2017.csv").read_bytes()

AGENCY_PLAN_KEYS = ["committed", "kind", "token", "total_rows", "ignored_rows", "counts", "rows"]
AGENCY_ROW_KEYS = ["row", "name", "state", "action", "agency_id", "changes", "message",
                   "new_place", "place", "vendor", "links", "links_unchanged", "warnings",
                   "duplicates"]
AGENCY_RESULT_KEYS = ["created", "updated", "skipped", "links_added", "links_updated",
                      "errors"]
SHEET_PLAN_KEYS = ["committed", "concept", "token", "headers", "mapping", "fields",
                   "unmapped_headers", "total_rows", "counts", "errors", "rows", "sample"]
SHEET_ROW_KEYS = ["row", "action", "values", "errors", "existing_id", "match",
                  "organization_id", "role"]
SHEET_RESULT_KEYS = ["created", "updated", "skipped", "left_out"]


def _upload(client: TestClient, path: str, content: bytes, **form: Any) -> Any:
    response = client.post(path, files={"file": ("data.csv", io.BytesIO(content), "text/csv")},
                           data={k: json.dumps(v) if isinstance(v, dict) else
                                 str(v).lower() if isinstance(v, bool) else v
                                 for k, v in form.items()})
    assert response.status_code == 200, response.text
    return response.json()


def _as_json(value: dict[str, Any]) -> Any:
    return json.loads(json.dumps(value))


def _agency_answers(client: TestClient, path: str, module: Any, content: bytes) -> None:
    with new_session() as session:
        planned = _as_json({"committed": False, **module.preview(session, content).as_dict()})
    preview = _upload(client, path, content)
    assert list(preview) == AGENCY_PLAN_KEYS
    assert [list(row) for row in preview["rows"]] == [AGENCY_ROW_KEYS] * len(preview["rows"])
    assert preview == planned
    done = _upload(client, path, content, commit=True, token=preview["token"])
    assert list(done) == [*AGENCY_PLAN_KEYS, "result"]
    assert list(done["result"]) == AGENCY_RESULT_KEYS
    assert {key: value for key, value in done.items() if key != "result"} == {
        **planned, "committed": True}
    assert done["result"]["created"] == preview["counts"]["create"]


def test_an_atlas_import_answers_its_plan_then_its_result(client: TestClient) -> None:
    _agency_answers(client, "/api/v1/imports/atlas", atlas, ATLAS)


def test_a_data_driven_import_answers_its_plan_then_its_result(client: TestClient) -> None:
    _agency_answers(client, "/api/v1/imports/data-driven", data_driven, DATA_DRIVEN)


def test_an_update_shows_its_changes_in_the_same_keys(client: TestClient) -> None:
    _upload(client, "/api/v1/imports/atlas", ATLAS, commit=True)
    _agency_answers(client, "/api/v1/imports/data-driven", data_driven, DATA_DRIVEN)


def test_a_spreadsheet_import_answers_its_plan_then_its_result(client: TestClient,
                                                               session: Session,
                                                               actor: Any) -> None:
    f.make_person(session, actor, name="Ana Ruiz", email="ana@example.org")
    session.commit()
    out = io.StringIO()
    csv.writer(out).writerows([["Name", "Email", "Phone"], ["Ana R.", "ANA@example.org", "1"],
                               ["Cleo Park", "cleo@example.org", ""],
                               ["Dee", "not an address", ""]])
    content = out.getvalue().encode()
    with new_session() as fresh:
        planned = _as_json({"committed": False, **spreadsheets.plan(
            fresh, concept_name="people", content=content, filename="data.csv").as_dict()})
    preview = _upload(client, "/api/v1/imports/people", content)
    assert list(preview) == SHEET_PLAN_KEYS
    assert preview["rows"] and preview["sample"] and preview["errors"]
    for row in preview["rows"] + preview["sample"]:
        assert list(row) == SHEET_ROW_KEYS
    assert [list(error) for error in preview["errors"]] == [["row", "field", "message"]]
    assert preview == planned
    done = _upload(client, "/api/v1/imports/people", content, commit=True,
                   token=preview["token"], skip_errors=True)
    assert list(done) == [*SHEET_PLAN_KEYS, "result"]
    assert done["result"] == {"created": 1, "updated": 0, "skipped": 1, "left_out": [4]}
    assert list(done["result"]) == SHEET_RESULT_KEYS
    # Writing gives each created row its record's id, which lists it with the notable rows.
    created = [{**row, "existing_id": done["rows"][1]["existing_id"]}
               for row in planned["sample"]]
    assert isinstance(created[0]["existing_id"], int)
    assert {key: value for key, value in done.items() if key != "result"} == {
        **planned, "committed": True, "rows": sorted(planned["rows"] + created,
                                                     key=lambda row: row["row"]),
        "sample": []}
