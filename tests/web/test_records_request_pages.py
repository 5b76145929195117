"""A records request's page: the deadline panel (days left, overdue, paused, closed, the law,
the verify badge), the status history and form, a lead's override, letters and documents
received; the list's days-left column; who may see and change what."""

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.auth.models import Role
from api.records_requests import service as records
from api.records_requests.models import RecordsRequest
from tests.factories import (
    at_noon,
    make_agency,
    make_contract,
    make_organization,
    make_records_request,
)
from tests.web.html import HX, form_fields, fragment, is_full_page, plain
from web.routes.records_requests import MAX_LETTER

SENT = date(2026, 3, 2)  # a Monday
DUE = SENT + timedelta(days=10)  # California: ten calendar days, a Thursday


@pytest.fixture
def california(session: Session, actor: Any) -> Any:
    at_noon(SENT)
    agency = make_agency(session, actor, with_place=True, state_code="CA",
                         name="Zephyr Police Department")
    session.commit()
    return agency


def _sent(session: Session, actor: Any, agency: Any, **values: Any) -> RecordsRequest:
    values.setdefault("subject", "Zonal audit logs")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent", sent_on=SENT,
                                   visibility="coalition", **values)
    session.commit()
    return request


def _status(client: TestClient, request_id: int, status: str, **form: str) -> Any:
    return client.post(f"/records-requests/{request_id}/status",
                       data={"status": status, **form}, follow_redirects=False)


def _reload(session: Session, request_id: int) -> RecordsRequest:
    session.expire_all()
    found = session.get(RecordsRequest, request_id)
    assert found is not None
    # Ends the read: on SQLite every transaction holds the write lock the app would wait for.
    session.commit()
    return found


# ---- the deadline panel ------------------------------------------------------------------

def test_the_page_shows_days_left_the_law_and_the_history(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    page = client.get(f"/records-requests/{request.id}")
    assert page.status_code == 200 and is_full_page(page.text)
    text = plain(page.text)
    deadline = text[text.index("Deadline"):text.index("Status history")]
    assert "10 days left" in deadline
    assert "Thursday, March 12, 2026 (counted from the law)" in deadline
    assert "California Public Records Act, Cal. Gov. Code 7922.535" in deadline
    assert "10 calendar days for determination" in deadline
    assert "moves to the next business day" in deadline
    # California's entry is verified: no badge.
    assert "Verify this deadline" not in text
    history = text[text.index("Status history"):text.index("Change the status")]
    assert "Mar 2, 2026" in history and "sent" in history


def test_overdue_paused_and_closed_read_in_words(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    at_noon(DUE + timedelta(days=3))
    text = plain(client.get(f"/records-requests/{request.id}").text)
    assert "Overdue: 3 days" in text

    assert _status(client, request.id, "waiting_on_requester",
                   note="Asked us to narrow the dates").status_code == 303
    text = plain(client.get(f"/records-requests/{request.id}").text)
    assert "Paused: waiting on the requester" in text
    assert f"Paused since {(DUE + timedelta(days=3)):%b %-d, %Y}" in text

    assert _status(client, request.id, "fulfilled").status_code == 303
    text = plain(client.get(f"/records-requests/{request.id}").text)
    assert "Closed (fulfilled)" in text
    assert "Overdue" not in text[:text.index("Status history")]


def test_a_law_entry_not_yet_checked_carries_a_verify_badge_in_words(
        client: TestClient, session: Session, actor: Any) -> None:
    at_noon(SENT)
    colorado = make_agency(session, actor, with_place=True, state_code="CO")
    session.commit()
    request = _sent(session, actor, colorado)
    text = plain(client.get(f"/records-requests/{request.id}").text)
    assert "Verify this deadline" in text
    assert "secondary sources (recalled-high)" in text
    assert "3 business days for response, skipping weekends and the state's legal holidays" \
        in text
    assert "Thursday, March 5, 2026" in text


# ---- status changes ----------------------------------------------------------------------

def test_the_status_form_offers_only_what_may_follow(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    page = client.get(f"/records-requests/{request.id}").text
    fields = form_fields(page, f"/records-requests/{request.id}/status")
    assert ("status", "") in fields
    start = page.index('id="status-new"')
    options = page[start:page.index("</select>", start)]
    offered = [s.value for s in records.next_statuses("sent")]
    for status in offered:
        assert f'<option value="{status}"' in options
    for status in ("draft", "sent", "appealed"):
        assert f'<option value="{status}"' not in options


def test_changing_the_status_with_htmx_returns_the_panel_and_the_history(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    at_noon(SENT + timedelta(days=2))
    part = client.post(f"/records-requests/{request.id}/status", headers=HX,
                       data={"status": "acknowledged", "on": "2026-03-03",
                             "note": "Clerk confirmed receipt"})
    assert part.status_code == 200
    assert not is_full_page(part.text)
    assert part.text.lstrip().startswith('<div id="progress"')
    assert 'hx-swap-oob="true"' in part.text
    text = plain(part.text)
    assert "The request is now acknowledged. 8 days left." in text
    history = text[text.index("Status history"):]
    assert "Mar 3, 2026" in history and "sent → acknowledged" in history
    assert "Ada Admin" in history and "Clerk confirmed receipt" in history
    assert _reload(session, request.id).status == "acknowledged"


def test_the_server_refuses_a_change_the_form_does_not_offer_with_422(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    bad = client.post(f"/records-requests/{request.id}/status", headers=HX,
                      data={"status": "appealed"})
    assert bad.status_code == 422
    assert 'id="status-new-error"' in bad.text
    assert "cannot become appealed" in plain(bad.text)

    future = client.post(f"/records-requests/{request.id}/status",
                         data={"status": "acknowledged", "on": "2026-04-01"})
    assert future.status_code == 422 and is_full_page(future.text)
    assert 'id="status-on-error"' in future.text
    assert "cannot be dated in the future" in plain(future.text)

    garbage = client.post(f"/records-requests/{request.id}/status", headers=HX,
                          data={"status": "nonsense", "on": "not a date"})
    assert garbage.status_code == 422
    assert 'id="status-new-error"' in garbage.text and 'id="status-on-error"' in garbage.text
    assert _reload(session, request.id).status == "sent"


def test_an_extension_adds_its_days(client: TestClient, session: Session, actor: Any,
                                    california: Any) -> None:
    request = _sent(session, actor, california)
    assert _status(client, request.id, "extended", extension_days="5",
                   note="Unusual circumstances").status_code == 303
    text = plain(client.get(f"/records-requests/{request.id}").text)
    assert "15 days left" in text and "5 days of extension taken." in text
    assert "sent → extended (+5 days)" in text


# ---- the override ------------------------------------------------------------------------

def test_a_lead_overrides_the_due_date_and_can_follow_the_law_again(
        client_as: Any, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    lead = client_as(Role.lead)
    page = lead.get(f"/records-requests/{request.id}").text
    assert 'id="override-date"' in page
    part = lead.post(f"/records-requests/{request.id}/override", headers=HX,
                     data={"due_on_override": "2026-03-20"})
    assert part.status_code == 200 and not is_full_page(part.text)
    text = plain(part.text)
    assert "Due date set by a lead." in text
    assert "Friday, March 20, 2026 (set by a lead)" in text and "18 days left" in text
    assert _reload(session, request.id).due_on == date(2026, 3, 20)

    bad = lead.post(f"/records-requests/{request.id}/override", headers=HX,
                    data={"due_on_override": "2026-02-01"})
    assert bad.status_code == 422 and 'id="override-error"' in bad.text
    assert "The due date is before the day the request was sent" in plain(bad.text)

    back = lead.post(f"/records-requests/{request.id}/override", data={"clear": "1"},
                     follow_redirects=False)
    assert back.status_code == 303
    assert _reload(session, request.id).due_on == DUE


# ---- letters -----------------------------------------------------------------------------

def test_the_first_letter_shows_in_an_editable_box_full_page_and_fragment(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    url = (f"/records-requests/{request.id}/letter?template=alpr_all"
           "&requester_name=Rosa+Parkes&requester_email=rosa%40example.org")
    page = client.get(url)
    assert page.status_code == 200 and is_full_page(page.text)
    assert '<textarea id="letter-text" name="text"' in page.text
    part = fragment(client, url)
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="letters-body"')
    text = plain(part.text)
    assert "Zephyr Police Department" in text and "Rosa Parkes" in text
    assert "Zonal audit logs" in text and "California Public Records Act" in text


def test_the_letter_address_opened_directly_shows_no_error_until_a_letter_is_asked_for(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    url = f"/records-requests/{request.id}/letter"
    for answer in (client.get(url), fragment(client, url)):
        assert answer.status_code == 200, answer.text
        assert "Choose a letter." not in plain(answer.text)
        assert 'id="letter-template-error"' not in answer.text
    asked = fragment(client, url + "?requester_name=Rosa+Parkes&template=")
    assert asked.status_code == 422 and "Choose a letter." in plain(asked.text)


def test_a_follow_up_waits_for_the_deadline_and_an_appeal_for_a_denial(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    base = f"/records-requests/{request.id}/letter?requester_name=Rosa+Parkes&template="
    page = plain(client.get(f"/records-requests/{request.id}").text)
    assert "Not now: the deadline has not come yet: 10 days left." in page
    early = fragment(client, base + "follow_up")
    assert early.status_code == 422
    assert "The deadline has not come yet" in plain(early.text)
    assert 'id="letter-template-error"' in early.text

    at_noon(DUE + timedelta(days=2))
    late = fragment(client, base + "follow_up")
    assert late.status_code == 200
    assert "was due by March 12, 2026, 2 days ago" in plain(late.text)
    assert fragment(client, base + "appeal").status_code == 422

    assert _status(client, request.id, "denied", note="Exempt, they say").status_code == 303
    appeal = fragment(client, base + "appeal")
    assert appeal.status_code == 200 and "Appeal" in plain(appeal.text)


def test_a_letter_at_the_limit_downloads_counted_as_typed_not_as_the_browser_sends_it(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    """A browser sends each line break as two characters; the limit counts them as one."""
    request = _sent(session, actor, california)
    line = "x" * 99 + "\n"
    letter = line * (MAX_LETTER // len(line))
    assert len(letter) == MAX_LETTER
    download = client.post(f"/records-requests/{request.id}/letter.txt",
                           data={"template": "alpr_all", "text": letter.replace("\n", "\r\n")})
    assert download.status_code == 200 and download.text == letter
    longer = client.post(f"/records-requests/{request.id}/letter.txt",
                         data={"template": "alpr_all", "text": letter + "x"})
    assert longer.status_code == 422


def test_the_edited_letter_downloads_as_text_and_a_first_letter_can_be_kept(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    edited = "Dear Custodian,\r\nPlease send the audit logs.\r\nRosa\r\n"
    download = client.post(f"/records-requests/{request.id}/letter.txt",
                           data={"template": "alpr_all", "text": edited})
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/plain")
    assert download.headers["content-disposition"] == \
        f'attachment; filename="initial-{request.id}-zonal-audit-logs.txt"'
    assert download.text == "Dear Custodian,\nPlease send the audit logs.\nRosa\n"
    empty = client.post(f"/records-requests/{request.id}/letter.txt",
                        data={"template": "alpr_all", "text": "  "})
    assert empty.status_code == 422

    kept = client.post(f"/records-requests/{request.id}/letter/save", headers=HX,
                       data={"template": "alpr_all", "text": edited})
    assert kept.status_code == 200
    assert "Saved the letter as this request's text." in plain(kept.text)
    assert _reload(session, request.id).text == edited.replace("\r\n", "\n")
    refused = client.post(f"/records-requests/{request.id}/letter/save", headers=HX,
                          data={"template": "appeal", "text": "Appeal text"})
    assert refused.status_code == 422 and 'id="letter-text-error"' in refused.text
    holes = client.post(f"/records-requests/{request.id}/letter/save", headers=HX,
                        data={"template": "alpr_all", "text": "Dear {{ agency.name }}"})
    assert holes.status_code == 422 and "unfilled placeholder" in plain(holes.text)


# ---- documents received ------------------------------------------------------------------

def test_documents_received_are_uploaded_and_linked(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    request = _sent(session, actor, california)
    contract = make_contract(session, actor, agency_id=california.id, title="Zircon camera lease")
    session.commit()
    part = client.post(f"/records-requests/{request.id}/received", headers=HX,
                       data={"description": "Audit log export", "received_on": "2026-03-02",
                             "agency_id": str(california.id)},
                       files={"file": ("audit.csv", b"plate,searched_at\n", "text/csv")})
    assert part.status_code == 200, part.text
    assert part.text.lstrip().startswith('<section class="documents" id="documents"')
    text = plain(part.text)
    assert "The document was added." in text
    assert "audit.csv" in text and "Audit log export" in text
    assert "Concerns: agency Zephyr Police Department" in text
    doc_id = records.request_documents(session, actor, request.id)[0].document_id
    session.commit()

    linked = client.post(f"/records-requests/{request.id}/received/{doc_id}",
                         data={"agency_id": str(california.id),
                               "contract_id": str(contract.id), "received_on": "2026-03-02"},
                         follow_redirects=False)
    assert linked.status_code == 303
    page = plain(client.get(f"/records-requests/{request.id}").text)
    assert "Concerns: agency Zephyr Police Department , contract Zircon camera lease" in page

    missing = client.post(f"/records-requests/{request.id}/received", headers=HX,
                          data={"description": "nothing"})
    assert missing.status_code == 422 and 'id="received-file-error"' in missing.text
    unknown = client.post(f"/records-requests/{request.id}/received/{doc_id}", headers=HX,
                          data={"target_id": "999999"})
    assert unknown.status_code == 422
    assert "No target with id 999999." in plain(unknown.text)


# ---- the list ----------------------------------------------------------------------------

def test_the_list_shows_days_left_and_flags_overdue_rows_in_words(
        client: TestClient, session: Session, actor: Any, california: Any) -> None:
    late = _sent(session, actor, california, subject="Zonal late logs")
    at_noon(SENT + timedelta(days=5))
    make_records_request(session, actor, agency_id=california.id, subject="Zonal fresh logs",
                         status="sent", sent_on=SENT + timedelta(days=5))
    make_records_request(session, actor, agency_id=california.id, subject="Zonal draft logs")
    session.commit()
    at_noon(DUE + timedelta(days=1))
    page = client.get("/records-requests")
    assert page.status_code == 200
    assert '<th scope="col">Days left</th>' in page.text
    rows = fragment(client, "/records-requests?q=Zonal")
    assert rows.text.lstrip().startswith('<div id="rows"')
    text = plain(rows.text)
    assert "Zonal late logs" in text and "Overdue: 1 day" in text
    assert "Zonal fresh logs" in text and "4 days left" in text
    assert "Zonal draft logs" in text and "Not sent yet" in text
    overdue_row = rows.text[:rows.text.index(f'/records-requests/{late.id}"')]
    # The row holding the overdue request is the one flagged.
    assert overdue_row.rindex('<tr class="overdue-row">') == overdue_row.rindex("<tr")
    assert rows.text.count('class="overdue-row"') == 1
    exported = list(csv.reader(io.StringIO(client.get("/records-requests.csv?q=Zonal").text)))
    assert "Days left" in exported[0]
    column = exported[0].index("Days left")
    by_subject = {row[0]: row[column] for row in exported[1:]}
    assert by_subject == {"Zonal late logs": "Overdue: 1 day", "Zonal fresh logs": "4 days left",
                          "Zonal draft logs": "Not sent yet"}


# ---- who may see and change --------------------------------------------------------------

@pytest.fixture
def two_orgs(session: Session, actor: Any, california: Any) -> dict[str, Any]:
    ours = make_organization(session, actor, name="Our Alliance")
    theirs = make_organization(session, actor, name="Their Alliance")
    private = make_records_request(session, actor, agency_id=california.id,
                                   subject="Their private request", status="sent", sent_on=SENT,
                                   requester_organization_id=theirs.id)
    shared = make_records_request(session, actor, agency_id=california.id,
                                  subject="Their shared request", status="sent", sent_on=SENT,
                                  requester_organization_id=theirs.id, visibility="coalition")
    session.commit()
    return {"ours": ours, "theirs": theirs, "private": private, "shared": shared}


def test_a_partner_cannot_see_or_change_another_organizations_request(
        client_as: Any, session: Session, two_orgs: dict[str, Any]) -> None:
    partner = client_as(Role.partner, organization_id=two_orgs["ours"].id)
    private, shared = two_orgs["private"], two_orgs["shared"]
    assert partner.get(f"/records-requests/{private.id}").status_code == 404
    assert "Their private request" not in plain(partner.get("/records-requests").text)
    hidden = _status(partner, private.id, "acknowledged")
    assert hidden.status_code == 404
    assert partner.get(f"/records-requests/{private.id}/letter?template=alpr_all"
                       "&requester_name=X").status_code == 404

    page = partner.get(f"/records-requests/{shared.id}")
    assert page.status_code == 200
    assert "You can read this request but not change its status." in plain(page.text)
    assert f'action="/records-requests/{shared.id}/status"' not in page.text
    assert 'id="override-date"' not in page.text
    refused = _status(partner, shared.id, "acknowledged")
    assert refused.status_code == 403
    assert partner.post(f"/records-requests/{shared.id}/override",
                        data={"due_on_override": "2026-04-01"}).status_code == 403
    assert _reload(session, private.id).status == "sent"
    assert _reload(session, shared.id).status == "sent"
    assert _reload(session, shared.id).due_on_override is None


def test_a_partner_changes_their_own_request_but_not_its_deadline(
        client_as: Any, session: Session, two_orgs: dict[str, Any]) -> None:
    partner = client_as(Role.partner, organization_id=two_orgs["theirs"].id)
    request = two_orgs["private"]
    page = partner.get(f"/records-requests/{request.id}").text
    assert f'action="/records-requests/{request.id}/status"' in page
    assert 'id="override-date"' not in page
    assert _status(partner, request.id, "acknowledged").status_code == 303
    assert _reload(session, request.id).status == "acknowledged"
    assert partner.post(f"/records-requests/{request.id}/override",
                        data={"due_on_override": "2026-04-01"}).status_code == 403


def test_a_viewer_cannot_change_the_status(client_as: Any, session: Session,
                                           two_orgs: dict[str, Any]) -> None:
    viewer = client_as(Role.viewer, organization_id=two_orgs["theirs"].id)
    request = two_orgs["private"]
    page = viewer.get(f"/records-requests/{request.id}")
    assert page.status_code == 200
    assert "You can read this request but not change its status." in plain(page.text)
    assert "Add a document the agency sent" not in plain(page.text)
    refused = _status(viewer, request.id, "acknowledged", note="trying")
    assert refused.status_code == 403
    assert "Viewers can read but not change records." in plain(refused.text)
    htmx_refused = viewer.post(f"/records-requests/{request.id}/status", headers=HX,
                               data={"status": "acknowledged"})
    assert htmx_refused.status_code == 403
    assert htmx_refused.headers["hx-retarget"] == "#flash"
    assert _reload(session, request.id).status == "sent"
    assert len(records.history(session, None, request.id)) == 1
