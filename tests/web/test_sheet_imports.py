"""Spreadsheet import through the pages: upload (refused files re-render with the reason), the
column mapping guessed from the headers, the preview with each bad row and each duplicate and
the choice made about it, and a commit that writes the whole file or nothing."""

import csv
import io
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.db import get_engine, new_session
from api.organizations.models import Organization
from api.people.models import Affiliation, Person
from api.settings import get_settings
from api.sources import uploads
from tests import factories as f
from tests.web.html import HX, form_fields, is_full_page, plain, replace

PEOPLE_HEADER = ["Full Name", "E-mail Address", "Organisation", "Phone Number", "OK to email"]


def as_csv(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def as_form(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """A form's fields as httpx sends them, repeated names included."""
    out: dict[str, list[str]] = {}
    for key, value in fields:
        out.setdefault(key, []).append(value)
    return out


def people_count() -> int:
    with new_session(read_only=True) as fresh:
        return fresh.exec(select(sa.func.count()).select_from(Person)).one()


def upload(client: TestClient, content: bytes, kind: str = "people",
           filename: str = "people.csv", **headers: str) -> Any:
    return client.post(f"/imports/{kind}", files={"file": (filename, content, "text/csv")},
                       headers=headers, follow_redirects=False)


def uploaded(client: TestClient, content: bytes, kind: str = "people",
             filename: str = "people.csv") -> str:
    """The columns page's address of a freshly uploaded file."""
    response = upload(client, content, kind, filename)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(rf"/imports/{kind}/[0-9a-f]{{32}}/columns", location)
    return location.removesuffix("/columns")


def preview(client: TestClient, base: str, **headers: str) -> Any:
    """Submits the columns page as it comes: the guessed mapping."""
    fields = form_fields(client.get(f"{base}/columns").text, f"{base}/preview")
    return client.post(f"{base}/preview", data=as_form(fields), headers=headers)


def error_rows(html: str) -> list[tuple[str, str, str]]:
    section = html.split('id="errors-h"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<tr><td data-label="Row">(\d+)</td><td data-label="Field">([^<]*)'
                       r'</td><td data-label="Problem">([^<]*)</td></tr>', section)
    return [(row, field, unescape(message)) for row, field, message in cells]


# ---- upload ----------------------------------------------------------------------------

def test_the_upload_page_whole_and_as_a_fragment(client: TestClient) -> None:
    page = client.get("/imports/people")
    assert page.status_code == 200 and is_full_page(page.text)
    assert "Import: Spreadsheet of people" in plain(page.text)
    assert 'type="file"' in page.text and 'enctype="multipart/form-data"' in page.text
    part = client.get("/imports/people", headers=HX)
    assert part.status_code == 200 and not is_full_page(part.text)
    assert part.text.lstrip().startswith('<div id="import-step"')
    assert "Upload the file" in plain(part.text)
    assert client.get("/imports/agencies").status_code == 404


def test_the_lists_link_to_their_imports(client: TestClient, client_as: Any) -> None:
    for noun in ("organizations", "people", "targets"):
        assert f'href="/imports/{noun}"' in client.get(f"/{noun}").text, noun
    agencies = client.get("/agencies").text
    assert 'href="/imports/atlas"' in agencies and 'href="/imports/data-driven"' in agencies
    assert 'href="/imports"' in client.get("/").text
    partner = client_as("partner")
    assert 'href="/imports/people"' not in partner.get("/people").text
    assert 'href="/imports"' not in partner.get("/").text


def test_an_upload_leads_to_the_guessed_columns(client: TestClient) -> None:
    content = as_csv([[*PEOPLE_HEADER, "Shoe size"],
                      ["Ana Ruiz", "ana@example.org", "", "555-0100", "yes", "38"]])
    base = uploaded(client, content)
    page = client.get(f"{base}/columns")
    assert page.status_code == 200 and is_full_page(page.text)
    chosen = dict(form_fields(page.text, f"{base}/preview"))
    assert chosen["map-name"] == "Full Name"
    assert chosen["map-email"] == "E-mail Address"
    assert chosen["map-organization"] == "Organisation"
    assert chosen["map-phone"] == "Phone Number"
    assert chosen["map-ok_to_email"] == "OK to email"
    assert chosen["map-notes"] == ""
    text = plain(page.text)
    assert "people.csv : 1 row and 6 columns" in text
    assert "Columns left out: Shoe size." in text
    assert "Full Name (e.g. “Ana Ruiz”)" in text
    assert '<option value="">— leave out —</option>' in page.text
    part = client.get(f"{base}/columns", headers=HX)
    assert not is_full_page(part.text) and 'name="map-email"' in part.text


def test_an_htmx_upload_is_sent_on_to_the_next_page(client: TestClient) -> None:
    response = upload(client, as_csv([["Name"], ["Bo"]]), **HX)
    assert response.status_code == 200
    assert re.fullmatch(r"/imports/people/[0-9a-f]{32}/columns", response.headers["hx-redirect"])


@pytest.mark.parametrize(("content", "filename", "reason"), [
    (b"", "people.csv", "The file is empty."),
    (b"\n\n  \n", "people.csv", "The file is empty."),
    (b",,\nAna,ana@example.org\n", "people.csv", "its first row holds no column names"),
    ("Name\nAna\n".encode("utf-16-le") + b"\x00\x00", "people.csv",
     "not a text CSV file in a known encoding"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv", "not a text CSV file"),
    (b"PK\x03\x04broken", "people.xlsx", "not a readable XLSX workbook"),
])
def test_a_file_that_cannot_be_read_is_refused_on_the_upload_page(
        client: TestClient, content: bytes, filename: str, reason: str) -> None:
    page = upload(client, content, filename=filename)
    assert page.status_code == 422
    assert is_full_page(page.text)
    assert reason in plain(page.text)
    assert 'aria-invalid="true"' in page.text
    part = upload(client, content, filename=filename, **HX)
    assert part.status_code == 422 and not is_full_page(part.text)
    assert reason in plain(part.text)


def test_no_file_chosen(client: TestClient) -> None:
    page = client.post("/imports/people", data={"note": "x"})
    assert page.status_code == 422
    assert "Choose a CSV or XLSX file to upload." in plain(page.text)


@pytest.fixture
def small_uploads(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("OVERSIGHT_MAX_UPLOAD_BYTES", "64")
    get_settings.cache_clear()
    yield 64
    monkeypatch.undo()
    get_settings.cache_clear()


def test_a_file_too_large_is_refused(client: TestClient, small_uploads: int) -> None:
    content = as_csv([["Name", "Email"]] + [[f"Person {n}", f"p{n}@example.org"]
                                            for n in range(10)])
    assert len(content) > small_uploads
    page = upload(client, content)
    assert page.status_code == 422
    assert "The file is larger than the limit of 64 bytes." in plain(page.text)


def test_other_encodings_are_read(client: TestClient) -> None:
    for encoding in ("cp1252", "utf-16"):
        base = uploaded(client, as_csv([["Name", "City"], ["José Núñez", "Peñasco"]],
                                       encoding))
        assert "José Núñez" in plain(client.get(f"{base}/columns").text), encoding


def test_an_xlsx_workbook_is_read(client: TestClient) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Email", "OK to call"])
    sheet.append(["Dana Wu", "dana@example.org", True])
    out = io.BytesIO()
    book.save(out)
    base = uploaded(client, out.getvalue(), filename="contacts.xlsx")
    response = preview(client, base)
    shown = plain(response.text)
    assert "1 to add" in shown and "Dana Wu" in shown and "dana@example.org" in shown


# ---- columns ---------------------------------------------------------------------------

def test_a_mapping_that_does_not_fit_the_file_is_shown_again(client: TestClient) -> None:
    base = uploaded(client, as_csv([["Who", "Mail"], ["Fay Lin", "fay@example.org"]]))
    fields = form_fields(client.get(f"{base}/columns").text, f"{base}/preview")
    assert dict(fields)["map-name"] == ""
    nameless = client.post(f"{base}/preview", data=as_form(fields))
    assert nameless.status_code == 422
    assert "Map a column to the name." in plain(nameless.text)
    assert is_full_page(nameless.text)
    unknown = client.post(f"{base}/preview",
                          data=as_form(replace(fields, **{"map-name": "Full name"})),
                          headers=HX)
    assert unknown.status_code == 422 and not is_full_page(unknown.text)
    assert "The file has no column 'Full name'." in plain(unknown.text)
    # What was chosen stays chosen, even a column the file lacks, so it can be corrected.
    assert '<option value="Full name" selected>Full name (not in the file)</option>' in \
        unknown.text
    no_field = client.post(f"{base}/preview", data=as_form(replace(
        fields, **{"map-name": "Who", "map-shoe_size": "Mail"})))
    assert no_field.status_code == 422
    assert "A person has no field 'shoe_size'" in plain(no_field.text)
    fixed = client.post(f"{base}/preview",
                        data=as_form(replace(fields, **{"map-name": "Who", "map-email": "Mail"})))
    assert fixed.status_code == 200
    assert "Fay Lin" in plain(fixed.text)


# ---- preview ---------------------------------------------------------------------------

def ten_people(session: Session, actor: Any) -> bytes:
    f.make_organization(session, actor, name="Privacy Now")
    rows = [PEOPLE_HEADER]
    for n in range(1, 11):
        rows.append([f"Person {n}", f"p{n}@example.org", "Privacy Now", "", "yes"])
    rows[3][1] = "not-an-email"           # row 4
    rows[6][2] = "Nobody's Coalition"     # row 7
    rows[9][0] = ""                       # row 10
    return as_csv(rows)


def test_three_bad_rows_are_exactly_the_three_shown(client: TestClient, session: Session,
                                                    actor: Any) -> None:
    base = uploaded(client, ten_people(session, actor))
    page = preview(client, base)
    assert page.status_code == 200 and is_full_page(page.text)
    assert error_rows(page.text) == [
        ("4", "Email", "'not-an-email' is not a valid email address"),
        ("7", "Organization", "unknown organization \"Nobody's Coalition\""),
        ("10", "Name", "is missing"),
    ]
    counts = plain(page.text.split('class="import-counts"', 1)[1].split(">", 1)[1]
                   .split("</ul>", 1)[0])
    assert counts == "7 to add 0 to update 0 duplicates of records already here 3 rows with " \
                     "errors"
    assert "Leave the 3 rows with errors out and import the rest" in plain(page.text)
    # The rows to add name their organization as the file did.
    assert "2 Person 1 p1@example.org yes Privacy Now 3 Person 2" in plain(page.text)
    part = preview(client, base, **HX)
    assert not is_full_page(part.text)
    assert [r[0] for r in error_rows(part.text)] == ["4", "7", "10"]
    assert people_count() == 0


def test_rows_with_errors_stop_the_commit_unless_left_out(client: TestClient,
                                                          session: Session,
                                                          actor: Any) -> None:
    base = uploaded(client, ten_people(session, actor))
    fields = form_fields(preview(client, base).text, f"{base}/commit")
    refused = client.post(f"{base}/commit", data=as_form(fields))
    assert refused.status_code == 422
    assert "Nothing was imported: Errors in 3 of the rows (the first is row 4)" in \
        plain(refused.text)
    assert people_count() == 0
    done = client.post(f"{base}/commit", data=as_form([*fields, ("skip_errors", "on")]),
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/people"
    listed = client.get("/people")
    flash = plain(listed.text.split('id="flash"', 1)[1].split("</div>", 1)[0])
    assert ("Imported people.csv: 7 added, 0 updated, 0 skipped; 3 rows with errors left "
            "out.") in flash
    assert "Import another file" in flash
    assert "Person 8" in plain(listed.text) and "Person 9" not in plain(listed.text)
    assert people_count() == 7
    with new_session() as fresh:
        assert fresh.exec(select(sa.func.count()).select_from(Affiliation)).one() == 7
    # The file is gone once imported.
    assert client.get(f"{base}/columns").status_code == 404


def test_duplicates_are_listed_with_a_choice_for_each(client: TestClient, session: Session,
                                                      actor: Any) -> None:
    ana = f.make_person(session, actor, name="Ana Ruiz", email="ana@example.org")
    ben = f.make_person(session, actor, name="Ben Okafor", email="ben@example.org")
    content = as_csv([["Name", "Email", "Phone"], ["Ana R.", "ANA@example.org", "555-0100"],
                      ["Ben O.", "ben@example.org", "555-0101"], ["Cleo Park", "", ""]])
    base = uploaded(client, content)
    page = preview(client, base)
    text = plain(page.text)
    assert "2 duplicates of records already here (2 skipped)" in text
    assert f'href="/people/{ana.id}">Ana Ruiz</a>' in page.text
    assert "same email" in text
    fields = form_fields(page.text, f"{base}/commit")
    assert ("row-2", "skip") in fields and ("row-3", "skip") in fields
    # One row's choice changed: the preview follows it (htmx sends the form on each change).
    changed = client.post(f"{base}/preview", data=as_form(replace(fields, **{"row-2": "update"})),
                          headers=HX)
    assert changed.status_code == 200 and not is_full_page(changed.text)
    assert "1 to update" in plain(changed.text)
    assert 'id="row-2-update" name="row-2" value="update" checked' in changed.text
    # "Apply to all" sets every duplicate to the chosen choice.
    every = client.post(f"{base}/preview",
                        data=as_form(replace(fields, on_duplicate="update", apply_all="1")))
    assert "2 to update" in plain(every.text)
    fields = form_fields(changed.text, f"{base}/commit")
    done = client.post(f"{base}/commit", data=as_form(fields), follow_redirects=False)
    assert done.status_code == 303
    with new_session() as fresh:
        assert fresh.get(Person, ana.id).phone == "555-0100"  # type: ignore[union-attr]
        assert fresh.get(Person, ben.id).phone == ""  # type: ignore[union-attr]
    assert people_count() == 3


def test_choices_changed_after_the_preview_are_previewed_again(client: TestClient,
                                                               session: Session,
                                                               actor: Any) -> None:
    f.make_person(session, actor, name="Ana Ruiz", email="ana@example.org")
    base = uploaded(client, as_csv([["Name", "Email"], ["Ana", "ana@example.org"],
                                    ["Dee", "dee@example.org"]]))
    fields = form_fields(preview(client, base).text, f"{base}/commit")
    # Without scripts, a radio changed and Import pressed at once: not what was previewed.
    response = client.post(f"{base}/commit",
                           data=as_form(replace(fields, **{"row-2": "create"})))
    assert response.status_code == 409
    text = plain(response.text)
    assert "Nothing was imported: The file or the choices changed since the preview" in text
    assert "2 to add" in text
    assert people_count() == 1
    again = form_fields(response.text, f"{base}/commit")
    done = client.post(f"{base}/commit", data=as_form(again), follow_redirects=False)
    assert done.status_code == 303
    assert people_count() == 3


@pytest.fixture
def refusing_trigger() -> Iterator[str]:
    """A database trigger that refuses one membership role, so the import's last statement
    fails after its people were inserted and updated, the way a real constraint would."""
    engine = get_engine()
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse_role() RETURNS trigger AS $$ BEGIN "
                "IF NEW.role = 'refused' THEN RAISE EXCEPTION 'refused by the test'; "
                "END IF; RETURN NEW; END $$ LANGUAGE plpgsql")
            conn.exec_driver_sql("CREATE TRIGGER refuse_role BEFORE INSERT ON affiliation "
                                 "FOR EACH ROW EXECUTE FUNCTION refuse_role()")
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse_role BEFORE INSERT ON affiliation "
                "WHEN NEW.role = 'refused' BEGIN SELECT RAISE(ABORT, 'refused'); END")
    yield "refused"
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER refuse_role" + (" ON affiliation" if postgres else ""))
        if postgres:
            conn.exec_driver_sql("DROP FUNCTION refuse_role()")


def test_a_commit_that_fails_midway_writes_nothing(client: TestClient, session: Session,
                                                   actor: Any, refusing_trigger: str) -> None:
    f.make_organization(session, actor, name="Privacy Now")
    ana = f.make_person(session, actor, name="Ana Ruiz", email="ana@example.org")
    rows = [["Name", "Email", "Phone", "Organization", "Role"],
            ["Ana Ruiz", "ana@example.org", "555-0199", "", ""]]
    rows += [[f"Member {n}", f"m{n}@example.org", "", "Privacy Now", ""] for n in range(5)]
    rows += [["Rita Refused", "rita@example.org", "", "Privacy Now", refusing_trigger]]
    base = uploaded(client, as_csv(rows))
    fields = replace(form_fields(preview(client, base).text, f"{base}/commit"),
                     on_duplicate="update", apply_all="1")
    page = client.post(f"{base}/preview", data=as_form(fields))
    assert "6 to add 1 to update" in plain(page.text)
    failed = client.post(f"{base}/commit", data=as_form(form_fields(page.text,
                                                                    f"{base}/commit")))
    assert failed.status_code == 409
    assert "Nothing was imported: the database refused a row" in plain(failed.text)
    # People were inserted and Ana updated before the memberships failed: all undone.
    assert people_count() == 1
    with new_session() as fresh:
        assert fresh.get(Person, ana.id).phone == ""  # type: ignore[union-attr]
        assert fresh.exec(select(sa.func.count()).select_from(Affiliation)).one() == 0
    # The file is kept, so the import can be tried again once the problem is fixed.
    assert client.get(f"{base}/columns").status_code == 200


def test_a_double_submit_imports_once(client: TestClient, admin: Any) -> None:
    base = uploaded(client, as_csv([["Name"], ["Bo"]]))
    fields = form_fields(preview(client, base).text, f"{base}/commit")
    kept = uploads.find(admin, kind="people", upload_id=base.rsplit("/", 1)[1])
    # The first request holds the file while it writes.
    with uploads.claimed(kept):
        second = client.post(f"{base}/commit", data=as_form(fields))
        assert second.status_code == 409
        assert "This file is being imported already" in plain(second.text)
        assert people_count() == 0
    assert client.get(f"{base}/columns").status_code == 404


def test_cancel_removes_the_file(client: TestClient) -> None:
    base = uploaded(client, as_csv([["Name"], ["Bo"]]))
    done = client.post(f"{base}/cancel", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/imports/people"
    assert client.get(f"{base}/columns").status_code == 404


def test_organizations_and_targets_import_too(client: TestClient, session: Session,
                                             actor: Any) -> None:
    base = uploaded(client, as_csv([["Organization", "Type", "Website"],
                                    ["New Partners", "Immigrant Rights", "https://np.example"],
                                    ["Odd One", "astrology", ""]]),
                    kind="organizations", filename="orgs.csv")
    page = preview(client, base)
    assert error_rows(page.text)[0][:2] == ("3", "Kind")
    fields = form_fields(page.text, f"{base}/commit")
    client.post(f"{base}/commit", data=as_form([*fields, ("skip_errors", "on")]))
    with new_session() as fresh:
        assert [o.name for o in fresh.exec(select(Organization)).all()] == ["New Partners"]
    council = f.make_body(session, actor, name="Riverton City Council")
    base = uploaded(client, as_csv([["Name", "Title", "Body", "Term ends"],
                                    ["Elena Park", "Mayor", "Riverton City Council",
                                     "11/30/2028"]]), kind="targets", filename="t.csv")
    page = preview(client, base)
    assert "Elena Park" in plain(page.text) and "2028-11-30" in plain(page.text)
    done = client.post(f"{base}/commit", data=as_form(form_fields(page.text, f"{base}/commit")),
                       follow_redirects=False)
    assert done.headers["location"] == "/targets"
    assert f"/bodies/{council.id}" in client.get("/targets").text


# ---- who may ---------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["partner", "viewer"])
def test_only_leads_import(client: TestClient, client_as: Any, role: str) -> None:
    base = uploaded(client, as_csv([["Name"], ["Bo"]]))
    other = client_as(role)
    assert other.get("/imports").status_code == 403
    assert other.get("/imports/people").status_code == 403
    refused = upload(other, as_csv([["Name"], ["Bo"]]))
    assert refused.status_code == 403
    assert "Only a campaign lead or an administrator can do this." in plain(refused.text)
    assert other.get(f"{base}/columns").status_code == 403
    assert other.post(f"{base}/commit", data={"map-name": "Name"}).status_code == 403
    # The JSON API follows the same rule.
    api = other.post("/api/v1/imports/people", data={"commit": "true"},
                     files={"file": ("p.csv", as_csv([["Name"], ["Bo"]]), "text/csv")})
    assert api.status_code == 403
    assert people_count() == 0


def test_a_lead_cannot_use_another_lead_s_upload(client: TestClient, client_as: Any) -> None:
    base = uploaded(client, as_csv([["Name"], ["Bo"]]))
    lead = client_as("lead")
    assert lead.get("/imports/people").status_code == 200
    response = lead.get(f"{base}/columns")
    assert response.status_code == 404
    assert "This upload is gone" in plain(response.text)
    assert lead.get(base.replace("/people/", "/targets/") + "/columns").status_code == 404
    assert client.get("/imports/people/not-an-id/columns").status_code == 404


def test_our_own_spanish_export_imports_again_and_problems_are_said_in_spanish(
        client: TestClient, session: Session, actor: Any, admin: Any) -> None:
    from api.accounts import service as accounts  # noqa: PLC0415
    f.make_person(session, actor, name="Ana Ruiz", email="ana@example.org",
                  preferred_contact="in_person")
    f.make_person(session, actor, name="Bo Lee", email="bo@example.org",
                  preferred_contact="phone")
    accounts.set_language(session, session.merge(admin), "es")
    session.commit()
    exported = client.get("/people.csv")
    assert exported.status_code == 200
    assert "en persona" in exported.text and "teléfono" in exported.text
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    # The same people in a file of its own, with a third row whose name is missing.
    rows = [[cell.replace("@example.org", "@example.net").replace("Ana Ruiz", "Ana Otra")
             .replace("Bo Lee", "Bo Otro") for cell in row] for row in rows]
    rows.append(["" for _ in rows[0]])
    rows[-1][1] = "x@example.net"
    base = uploaded(client, as_csv(rows))
    chosen = dict(form_fields(client.get(f"{base}/columns").text, f"{base}/preview"))
    assert chosen["map-preferred_contact"] == "Prefiere"
    page = preview(client, base)
    assert page.status_code == 200
    text = plain(page.text)
    # Both people are to be added: "en persona" and "teléfono" read as the choices they name.
    assert "2 por agregar" in text or "2 para agregar" in text, text
    assert "is missing" not in text
    problems = page.text.split('id="errors-h"', 1)[1].split("</table>", 1)[0]
    assert "Forma de contacto" not in problems and "must be one of" not in problems
    assert "falta" in plain(problems)
    columns = plain(client.get(f"{uploaded(client, as_csv(rows))}/columns").text)
    assert "email, phone" not in columns and "correo electrónico, teléfono" in columns
