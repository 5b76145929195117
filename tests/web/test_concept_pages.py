"""Every concept's list, CSV, new, detail, inline-edit and delete pages, full and as htmx
fragments, on real records; form errors come back next to their fields with status 422."""

import codecs
import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests import factories as f
from tests.statements import statements
from tests.web.html import HX, form_fields, fragment, is_full_page, link, plain, replace
from web.concepts import SPECS

# noun: (factory, values that make the record findable, text the list then shows)
CONCEPT_RECORDS: dict[str, tuple[Callable[..., Any], dict[str, Any], str]] = {
    "organizations": (f.make_organization, {"name": "Zebra Privacy Union"}, "Zebra Privacy Union"),
    "people": (f.make_person, {"name": "Zelda Quartermain"}, "Zelda Quartermain"),
    "targets": (f.make_target, {"name": "Zora Councilwoman"}, "Zora Councilwoman"),
    "bodies": (f.make_body, {"name": "Zenith City Council"}, "Zenith City Council"),
    "agencies": (f.make_agency, {"name": "Zephyr Police Department"}, "Zephyr Police Department"),
    "contracts": (f.make_contract, {"title": "Zircon camera lease"}, "Zircon camera lease"),
    "votes": (f.make_vote, {"title": "Zinc renewal item"}, "Zinc renewal item"),
    "meetings": (f.make_meeting, {"summary": "Zesty talk about retention"},
                 "Zesty talk about retention"),
    "actions": (f.make_action, {"title": "Zero hour rally"}, "Zero hour rally"),
    "records-requests": (f.make_records_request, {"subject": "Zonal audit logs"},
                         "Zonal audit logs"),
    "press": (f.make_press_hit, {"title": "Zine covers the cameras"}, "Zine covers the cameras"),
    "media-contacts": (f.make_media_contact, {"name": "Zach Reporter"}, "Zach Reporter"),
    "campaigns": (f.make_campaign, {"name": "Zap the Cameras"}, "Zap the Cameras"),
    "tasks": (f.make_task, {"title": "Zip the flyers"}, "Zip the flyers"),
    "jurisdictions": (f.make_jurisdiction, {"name": "Zanesville"}, "Zanesville"),
    "vendors": (f.make_vendor, {"name": "Zoom Optics"}, "Zoom Optics"),
    "evidence": (f.make_evidence_entry, {"title": "Zealous searches logged"},
                 "Zealous searches logged"),
    "outcomes-elsewhere": (f.make_known_outcome, {"place": "Zuma Beach"}, "Zuma Beach"),
    "sharing-links": (f.make_sharing_link, {"partner_name": "Zulu Task Force"},
                      "Zulu Task Force"),
}
NOUNS = sorted(SPECS)


def test_every_concept_has_test_records() -> None:
    assert sorted(CONCEPT_RECORDS) == NOUNS


def _as_form(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in fields:
        out.setdefault(key, []).append(value)
    return out


def _make(noun: str, session: Session, actor: Any, **extra: Any) -> Any:
    factory, values, _ = CONCEPT_RECORDS[noun]
    return factory(session, actor, **{**values, **extra})


@pytest.mark.parametrize("noun", NOUNS)
def test_list_page_and_its_rows_fragment_show_the_records(
        noun: str, client: TestClient, session: Session, actor: Any) -> None:
    record = _make(noun, session, actor)
    text = CONCEPT_RECORDS[noun][2]

    page = client.get(f"/{noun}")
    assert page.status_code == 200
    assert is_full_page(page.text)
    assert page.headers["vary"].lower().count("hx-request") == 1
    assert text in plain(page.text)
    assert f'href="/{noun}/{record.id}"' in page.text
    assert 'id="rows"' in page.text and "<form" in page.text

    part = fragment(client, f"/{noun}?q={text.split()[0]}")
    assert part.status_code == 200
    assert not is_full_page(part.text)
    assert part.text.lstrip().startswith('<div id="rows"')
    assert text in plain(part.text)
    assert "1 " + SPECS[noun].singular in plain(part.text)

    none = fragment(client, f"/{noun}?q=nothing-matches-this")
    assert text not in plain(none.text)
    assert f"0 {SPECS[noun].plural}" in plain(none.text)


@pytest.mark.parametrize("noun", NOUNS)
def test_csv_export_has_the_list_columns_and_only_the_filtered_rows(
        noun: str, client: TestClient, session: Session, actor: Any) -> None:
    _make(noun, session, actor)
    text = CONCEPT_RECORDS[noun][2]
    response = client.get(f"/{noun}.csv?q={text.split()[0]}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    # Behind a byte order mark, so spreadsheet programs read its accents as UTF-8.
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    shown = [c.label for c in SPECS[noun].columns if c.kind != "hidden"]
    assert rows[0] == shown
    assert len(rows) == 2
    assert any(text in cell for cell in rows[1])
    empty = list(csv.reader(io.StringIO(
        client.get(f"/{noun}.csv?q=nothing-matches").content.decode("utf-8-sig"))))
    assert empty == [shown]


@pytest.mark.parametrize("noun", NOUNS)
def test_detail_page_and_a_section_fragment(
        noun: str, client: TestClient, session: Session, actor: Any) -> None:
    record = _make(noun, session, actor)
    spec = SPECS[noun]
    page = client.get(f"/{noun}/{record.id}")
    assert page.status_code == 200
    assert is_full_page(page.text)
    slug, title, fields = spec.section_list()[0]
    assert f'id="section-{slug}"' in page.text
    if noun != "meetings":
        assert CONCEPT_RECORDS[noun][2] in plain(page.text)

    edit = fragment(client, f"/{noun}/{record.id}/sections/{slug}/edit")
    assert edit.status_code == 200
    assert not is_full_page(edit.text)
    opening = f'<section class="record-section editing" id="section-{slug}"'
    assert edit.text.lstrip().startswith(opening)
    assert f'name="{fields[0].name}"' in edit.text

    view = fragment(client, f"/{noun}/{record.id}/sections/{slug}")
    assert view.status_code == 200
    assert "<form" not in view.text and f"<h2 id=\"h-{slug}\">{title}</h2>" in view.text

    # Without htmx the edit link opens the whole page with that section as a form.
    full_edit = client.get(f"/{noun}/{record.id}/sections/{slug}/edit")
    assert is_full_page(full_edit.text)
    assert f'action="/{noun}/{record.id}/sections/{slug}"' in full_edit.text


@pytest.mark.parametrize("noun", NOUNS)
def test_inline_edit_saves_what_the_form_shows_and_refuses_bad_input_with_422(
        noun: str, client: TestClient, session: Session, actor: Any) -> None:
    record = _make(noun, session, actor)
    spec = SPECS[noun]
    slug, title, fields = spec.section_list()[0]
    action = f"/{noun}/{record.id}/sections/{slug}"
    edit = fragment(client, f"{action}/edit")
    shown = form_fields(edit.text, action)
    first = fields[0].name

    bad = client.post(action, data=_as_form(replace(shown, **{first: ""})), headers=HX)
    assert bad.status_code == 422
    assert not is_full_page(bad.text)
    assert f'id="{first}-error"' in bad.text
    assert 'aria-invalid="true"' in bad.text

    # Without htmx the whole page comes back, still 422, with the message by the field.
    bad_page = client.post(action, data=_as_form(replace(shown, **{first: ""})))
    assert bad_page.status_code == 422
    assert is_full_page(bad_page.text) and f'id="{first}-error"' in bad_page.text

    new_value = "2026-05-04T10:30" if fields[0].kind == "datetime" else "Renamed Zulu"
    good = client.post(action, data=_as_form(replace(shown, **{first: new_value})), headers=HX)
    assert good.status_code == 200, good.text
    assert 'hx-swap-oob="true"' in good.text and f"Saved {title.lower()}." in good.text
    after = client.get(f"/{noun}/{record.id}")
    if fields[0].kind == "datetime":
        assert "May 4, 2026" in plain(after.text)
    else:
        assert "Renamed Zulu" in plain(after.text)


@pytest.mark.parametrize("noun", [n for n in NOUNS if n != "meetings"])
def test_new_form_shows_errors_next_to_fields(noun: str, client: TestClient) -> None:
    spec = SPECS[noun]
    page = client.get(f"/{noun}/new")
    assert page.status_code == 200 and is_full_page(page.text)
    part = fragment(client, f"/{noun}/new")
    assert part.text.lstrip().startswith('<form id="record-form"')

    empty = client.post(f"/{noun}", data={"csrf_token": ""})
    assert empty.status_code == 422
    assert is_full_page(empty.text)
    assert 'class="field-error"' in empty.text
    required = next(f for f in spec.form_fields() if f.required)
    assert f'id="{required.name}-error"' in empty.text


def test_creating_a_target_redirects_to_its_page_with_a_flash(
        client: TestClient, session: Session, actor: Any) -> None:
    body = f.make_body(session, actor, name="Zenith Council")
    response = client.post("/targets", data={"name": "Ada Zeller", "title": "council_member",
                                              "body_id": str(body.id), "district": "D9"},
                           follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/targets/")
    page = client.get(location)
    text = plain(page.text)
    assert "The target was added." in text
    assert "Ada Zeller" in text and "Zenith Council" in text and "D9" in text
    # The message shows once.
    assert "The target was added." not in plain(client.get(location).text)


def test_a_domain_refusal_shows_next_to_its_field(client: TestClient) -> None:
    response = client.post("/targets", data={"name": "Ada Zeller", "title": "council_member",
                                              "body_id": "999999"})
    assert response.status_code == 422
    assert 'id="body_id-error"' in response.text
    assert "No body with id 999999." in plain(response.text)


def test_filters_sort_and_pages(client: TestClient, session: Session, actor: Any) -> None:
    council = f.make_body(session, actor, name="Alpha Council")
    board = f.make_body(session, actor, name="Beta Board")
    for i in range(30):
        f.make_target(session, actor, name=f"Member {i:02d}", body_id=council.id)
    f.make_target(session, actor, name="Supervisor Solo", body_id=board.id, title="supervisor")

    first_page = fragment(client, f"/targets?body_id={council.id}").text
    first = plain(first_page)
    assert "30 targets" in first and "1–25 of 30" in first
    assert "Member 00" in first and "Member 29" not in first and "Supervisor Solo" not in first
    second_page = fragment(client, link(first_page, "next")).text
    second = plain(second_page)
    assert "Member 29" in second and "Member 00" not in second and "26–30 of 30" in second
    assert "Member 24" in plain(fragment(client, link(second_page, "prev")).text)
    typed = plain(fragment(client, f"/targets?body_id={council.id}&page=2").text)
    assert "Member 29" in typed and "Member 00" not in typed
    backwards = plain(fragment(client, f"/targets?body_id={council.id}&sort=-name").text)
    assert backwards.index("Member 29") < backwards.index("Member 28")
    titled = plain(fragment(client, "/targets?title=supervisor").text)
    assert "1 target" in titled and "Supervisor Solo" in titled

    bad = fragment(client, "/targets?sort=password")
    assert bad.status_code == 422 and "Cannot sort targets by" in plain(bad.text)
    bad_filter = client.get("/targets?title=emperor")
    assert bad_filter.status_code == 422 and is_full_page(bad_filter.text)


def test_date_range_filters_a_time_column(client: TestClient, session: Session,
                                          actor: Any) -> None:
    for title, month in (("March vote", 3), ("June vote", 6)):
        f.make_vote(session, actor, title=title,
                    scheduled_at=datetime(2026, month, 10, 2, tzinfo=UTC))
    text = plain(fragment(client, "/votes?date_from=2026-05-01&date_to=2026-07-01").text)
    assert "June vote" in text and "March vote" not in text
    assert client.get("/votes?date_from=soon").status_code == 422


def test_delete_removes_and_refuses_when_still_used(client: TestClient, session: Session,
                                                    actor: Any) -> None:
    agency = f.make_agency(session, actor, name="Keep Me PD")
    f.make_contract(session, actor, agency_id=agency.id)
    refused = client.post(f"/agencies/{agency.id}/delete")
    assert refused.status_code == 409
    assert "still used by other records" in plain(refused.text)
    lonely = f.make_agency(session, actor, name="Delete Me PD")
    done = client.post(f"/agencies/{lonely.id}/delete", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/agencies"
    assert client.get(f"/agencies/{lonely.id}").status_code == 404


def test_related_records_and_timeline_on_a_detail_page(client: TestClient, session: Session,
                                                       actor: Any) -> None:
    org = f.make_organization(session, actor, name="Owner Org")
    target = f.make_target(session, actor, name="Owned Target", owner_organization_id=org.id)
    f.make_meeting(session, actor, organization_id=org.id, summary="Coffee with staff",
                   target_ids=[target.id])
    text = plain(client.get(f"/organizations/{org.id}").text)
    assert "Targets whose relationship it owns (1)" in text and "Owned Target" in text
    assert "Meetings (1)" in text
    assert "Timeline" in text and "Coffee with staff" in text
    target_page = plain(client.get(f"/targets/{target.id}").text)
    assert "Meetings (1)" in target_page and "Coffee with staff" in target_page


def test_documents_upload_download_and_delete(client: TestClient, session: Session,
                                              actor: Any) -> None:
    target = f.make_target(session, actor, name="Doc Holder")
    url = f"/targets/{target.id}/documents"
    empty = client.post(url, files={"file": ("empty.txt", b"")}, headers=HX)
    assert empty.status_code == 422 and "The file is empty." in plain(empty.text)
    bad = client.post(url, files={"file": ("x.bin", b"\x00\x01\x02binary")}, headers=HX)
    assert bad.status_code == 422 and 'id="file-error"' in bad.text
    good = client.post(url, files={"file": ("letter.txt", b"Dear council,\n")},
                       data={"description": "Our letter"}, headers=HX)
    assert good.status_code == 200
    assert good.text.lstrip().startswith('<section class="documents" id="documents"')
    assert "letter.txt" in good.text and "Our letter" in good.text
    doc_id = int(good.text.split("/documents/")[1].split("/")[0])
    download = client.get(f"/documents/{doc_id}/download")
    assert download.status_code == 200 and download.content == b"Dear council,\n"
    assert download.headers["content-disposition"].startswith("attachment")
    gone = client.post(f"/targets/{target.id}/documents/{doc_id}/delete", headers=HX)
    assert gone.status_code == 200 and "No documents attached." in plain(gone.text)




def _list_statements(client: TestClient, noun: str) -> int:
    with statements() as seen:
        assert fragment(client, f"/{noun}").status_code == 200
    return len(seen)


@pytest.mark.parametrize("noun", NOUNS)
def test_list_pages_run_as_many_statements_for_many_rows_as_for_few(
        noun: str, client: TestClient, session: Session, actor: Any) -> None:
    factory = CONCEPT_RECORDS[noun][0]
    factory(session, actor)
    few = _list_statements(client, noun)
    for _ in range(6):
        factory(session, actor)
    assert _list_statements(client, noun) == few


def test_lists_select_only_the_columns_they_show(client: TestClient, session: Session,
                                                 actor: Any) -> None:
    f.make_target(session, actor, notes="A long private note")
    with statements() as seen:
        fragment(client, "/targets")
    rows_query = next(s for s in seen if "LIMIT" in s.upper() and "target" in s.lower())
    assert "notes" not in rows_query and "staffers" not in rows_query


def test_an_unknown_record_or_section_is_a_404_page(client: TestClient, session: Session,
                                                    actor: Any) -> None:
    missing = client.get("/targets/424242")
    assert missing.status_code == 404 and is_full_page(missing.text)
    assert "No target with id 424242." in plain(missing.text)
    target = f.make_target(session, actor)
    section = fragment(client, f"/targets/{target.id}/sections/nope/edit")
    assert section.status_code == 404
    assert section.headers["hx-retarget"] == "#flash"
    assert not is_full_page(section.text)
    assert client.get("/targets/abc").status_code == 404


