"""Records requests in the database: due dates from the agency's law, status changes and their
history, pauses and extensions, overrides, batches, letters and documents received."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import Session

from api.auth import permissions
from api.auth.models import Role
from api.errors import Forbidden, Invalid, NotFound
from api.records_requests import service
from api.records_requests.models import (
    BatchCreate,
    RecordsRequestUpdate,
    RequestDocumentLinks,
    StatusChangeCreate,
)
from tests.factories import (
    at_noon,
    make_agency,
    make_contract,
    make_organization,
    make_records_request,
    make_target,
    make_user,
)

MONDAY = date(2026, 1, 5)


def move(session: Session, actor: Any, request_id: int, status: str, on: date | None = None,
         **extra: Any) -> Any:
    return service.change_status(session, actor, request_id=request_id,
                                 change=StatusChangeCreate(status=status, on=on, **extra))


def read(session: Session, actor: Any, request_id: int) -> dict[str, Any]:
    """The request as the JSON API answers with it."""
    return service.crud.read(session, actor, request_id).model_dump(mode="json")


def test_a_sent_request_is_due_by_its_states_law(session: Session, actor: Any) -> None:
    at_noon(MONDAY + timedelta(days=1))
    agency = make_agency(session, actor, with_place=True, state_code="CA")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    assert request.state_code == "CA"
    assert request.law == "California Public Records Act"
    assert request.due_on == date(2026, 1, 15)
    shown = read(session, actor, request.id)
    assert shown["due_on"] == "2026-01-15"
    assert shown["deadline"]["clock"] == "running"
    assert shown["deadline"]["days_left"] == 9
    assert shown["deadline"]["verify_badge"] is False  # California's entry is verified
    assert shown["deadline"]["law"]["citation"] == "Cal. Gov. Code 7922.535"


def test_an_unverified_law_carries_the_verify_badge(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True, state_code="CO")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    deadline = read(session, actor, request.id)["deadline"]
    assert deadline["verify_badge"] is True
    assert deadline["law"]["confidence"] == "recalled-high"


def test_a_federal_agency_is_under_foia(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, kind="federal", name="ICE Field Office")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    assert (request.state_code, request.law) == ("US", "FOIA")
    assert request.due_on is not None and request.due_on > MONDAY + timedelta(days=20)


def test_a_draft_has_no_due_date_until_sent(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id)
    assert request.due_on is None
    assert read(session, actor, request.id)["deadline"]["clock"] == "not_started"
    at_noon(MONDAY + timedelta(days=3))
    move(session, actor, request.id, "sent", on=MONDAY + timedelta(days=1))
    assert request.sent_on == MONDAY + timedelta(days=1)
    assert request.due_on == date(2026, 1, 16)


def test_waiting_on_the_requester_pauses_the_clock_and_leaving_resumes_it(
        session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    at_noon(date(2026, 1, 8))
    move(session, actor, request.id, "waiting_on_requester", note="Fee estimate of $40")
    assert request.due_on is None
    deadline = read(session, actor, request.id)["deadline"]
    assert (deadline["clock"], deadline["paused_since"]) == ("paused", "2026-01-08")
    at_noon(date(2026, 1, 14))
    move(session, actor, request.id, "acknowledged", on=date(2026, 1, 12), note="Fee paid")
    # 4 paused days added to January 15 end on Martin Luther King Jr. Day: the next day.
    assert request.due_on == date(2026, 1, 20)


def test_an_extension_adds_the_laws_days_or_the_days_given(session: Session, actor: Any) -> None:
    at_noon(date(2026, 1, 10))
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    move(session, actor, request.id, "extended")
    assert request.due_on == date(2026, 1, 29)  # 10 + California's 14 days
    move(session, actor, request.id, "extended", extension_days=5, note="A second extension")
    assert request.due_on == date(2026, 2, 3)
    assert read(session, actor, request.id)["deadline"]["extension_days"] == 19


def test_overdue_is_computed_from_the_clock(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    at_noon(date(2026, 1, 20))
    deadline = read(session, actor, request.id)["deadline"]
    assert (deadline["overdue"], deadline["days_overdue"], deadline["days_left"]) == \
        (True, 5, None)
    assert [read.id for read in service.overdue(session, actor)] == [request.id]
    move(session, actor, request.id, "fulfilled")
    assert read(session, actor, request.id)["deadline"]["overdue"] is False
    assert service.overdue(session, actor) == []


def test_the_history_records_who_when_from_to_and_why(session: Session, actor: Any) -> None:
    at_noon(date(2026, 1, 20))
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    move(session, actor, request.id, "acknowledged", on=date(2026, 1, 7), note="Portal ticket")
    move(session, actor, request.id, "denied", note="Claimed investigative exemption")
    rows = service.history(session, actor, request.id)
    assert [(r.from_status, r.to_status, r.effective_on) for r in rows] == [
        (None, "sent", MONDAY), ("sent", "acknowledged", date(2026, 1, 7)),
        ("acknowledged", "denied", date(2026, 1, 20))]
    assert rows[1].note == "Portal ticket"
    assert all(r.changed_by_id == actor.id for r in rows)


@pytest.mark.parametrize(("start", "to"), [("draft", "fulfilled"), ("withdrawn", "sent"),
                                           ("fulfilled", "sent"), ("sent", "appealed")])
def test_transitions_that_make_no_sense_are_refused(session: Session, actor: Any, start: str,
                                                    to: str) -> None:
    at_noon(MONDAY)
    values = {"status": start, "sent_on": MONDAY} if start != "draft" else {}
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id, **values)
    with pytest.raises(Invalid, match="cannot become"):
        move(session, actor, request.id, to)


def test_a_change_cannot_be_dated_in_the_future_or_before_the_last(session: Session,
                                                                  actor: Any) -> None:
    at_noon(date(2026, 1, 10))
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    with pytest.raises(Invalid, match="future"):
        move(session, actor, request.id, "acknowledged", on=date(2026, 1, 11))
    move(session, actor, request.id, "acknowledged", on=date(2026, 1, 8))
    with pytest.raises(Invalid, match="last change"):
        move(session, actor, request.id, "denied", on=date(2026, 1, 7))
    with pytest.raises(Invalid, match="Only a move to .extended. adds days"):
        move(session, actor, request.id, "denied", extension_days=3)


def test_a_patch_of_the_status_records_history_too(session: Session, actor: Any) -> None:
    at_noon(date(2026, 1, 9))
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id)
    service.crud.update(session, actor, request.id,
                        RecordsRequestUpdate(status="sent", sent_on=MONDAY))
    service.crud.update(session, actor, request.id, RecordsRequestUpdate(status="extended"))
    assert request.due_on == date(2026, 1, 29)
    rows = service.history(session, actor, request.id)
    assert [(r.from_status, r.to_status) for r in rows] == [
        (None, "draft"), ("draft", "sent"), ("sent", "extended")]
    assert rows[1].effective_on == MONDAY and rows[2].extension_days == 14
    with pytest.raises(Invalid, match="cannot become"):
        service.crud.update(session, actor, request.id, RecordsRequestUpdate(status="draft"))


def test_a_lead_can_override_the_deadline_and_others_cannot(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True, state_code="CO")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY, visibility="coalition")
    lead = make_user(Role.lead, session=session)
    service.crud.update(session, lead, request.id,
                        RecordsRequestUpdate(due_on_override=date(2026, 2, 2)))
    assert request.due_on == date(2026, 2, 2)
    deadline = read(session, actor, request.id)["deadline"]
    assert (deadline["source"], deadline["verify_badge"]) == ("override", False)
    partner = make_user(Role.partner, session=session)
    with pytest.raises(Forbidden):
        service.crud.update(session, partner, request.id,
                            RecordsRequestUpdate(due_on_override=date(2026, 3, 2)))
    service.crud.update(session, partner, request.id, RecordsRequestUpdate(notes="called"))
    service.crud.update(session, lead, request.id, RecordsRequestUpdate(due_on_override=None))
    assert request.due_on == date(2026, 1, 8)  # Colorado: 3 business days


def test_trusted_code_may_override_the_deadline_as_a_lead_may(session: Session,
                                                              actor: Any) -> None:
    """The command line and the scheduler act for no one and are refused nothing, here as
    everywhere: the save once refused what permissions.may_override_due_date allowed."""
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True, state_code="CO")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY, visibility="coalition")
    assert permissions.may_override_due_date(None)
    service.crud.update(session, None, request.id,
                        RecordsRequestUpdate(due_on_override=date(2026, 2, 2)))
    assert request.due_on == date(2026, 2, 2)


def test_sent_on_cannot_be_in_the_future(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True)
    with pytest.raises(Invalid, match="future"):
        make_records_request(session, actor, agency_id=agency.id, status="sent",
                             sent_on=MONDAY + timedelta(days=2))


# ---- many agencies at once ---------------------------------------------------------------

def test_one_letter_to_many_agencies_makes_one_request_each_under_its_own_law(
        session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    org = make_organization(session, actor, name="Bay Privacy Network",
                            email="records@privacy.example.org")
    california = make_agency(session, actor, with_place=True, state_code="CA",
                             name="Riverton Police")
    texas = make_agency(session, actor, with_place=True, state_code="TX", name="Lakeside Police")
    federal = make_agency(session, actor, kind="federal", name="ICE ERO")
    made = service.create_batch(session, actor, BatchCreate(
        agency_ids=[california.id, texas.id, federal.id], subject="ALPR sharing lists",
        template="alpr_sharing", requester_organization_id=org.id, sent_on=MONDAY))
    assert [(r.agency_id, r.state_code, r.status) for r in made] == [
        (california.id, "CA", "sent"), (texas.id, "TX", "sent"), (federal.id, "US", "sent")]
    assert made[0].due_on == date(2026, 1, 15)
    assert len({r.due_on for r in made}) == 3
    assert "Riverton Police" in made[0].text and "Lakeside Police" in made[1].text
    assert "Public Information Act" in made[1].text and "FOIA" in made[2].text
    assert all("{{" not in r.text and "records@privacy.example.org" in r.text for r in made)


def test_an_edited_letter_fills_its_placeholders_for_each_agency(session: Session,
                                                                 actor: Any) -> None:
    at_noon(MONDAY)
    one = make_agency(session, actor, with_place=True, name="North Police")
    two = make_agency(session, actor, with_place=True, name="South Sheriff")
    made = service.create_batch(session, actor, BatchCreate(
        agency_ids=[one.id, two.id], subject="Cameras", requester_name="Ana Ruiz",
        text="To {{ agency.name }}: under the {{ law_name }}, please send the camera list."))
    assert [r.text for r in made] == [
        "To North Police: under the California Public Records Act, please send the camera "
        "list.\n",
        "To South Sheriff: under the California Public Records Act, please send the camera "
        "list.\n"]
    assert all(r.status == "draft" and r.due_on is None for r in made)


def test_the_preview_of_an_edited_letter_fills_it_for_one_agency(session: Session,
                                                                actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True, name="North Police")
    requester = service.Requester(name="Ana Ruiz", email="", address="")
    shown = service.preview(session, actor, template_key="alpr_cameras", agency_id=agency.id,
                            subject="Cameras", requester_organization_id=None,
                            requester=requester, text="To {{ agency.name }} from "
                            "{{ requester.name }}, {{ today | longdate }}.")
    assert shown.text == "To North Police from Ana Ruiz, January 5, 2026.\n"
    assert shown.template.key == "alpr_cameras"
    with pytest.raises(Invalid, match="loops") as refused:
        service.preview(session, actor, template_key="alpr_cameras", agency_id=agency.id,
                        subject="Cameras", requester_organization_id=None, requester=requester,
                        text="{% for x in [1] %}{{ x }}{% endfor %}")
    assert refused.value.field == "text"


@pytest.mark.parametrize(("text", "message"), [
    ("Dear {{ agency.nickname }}", "unknown placeholder"),
    ("Dear {{ agency.name ", "malformed"),
    ("{{ ''.__class__.__mro__ }}", "not a placeholder"),
])
def test_a_bad_placeholder_in_an_edited_letter_is_refused(session: Session, actor: Any,
                                                          text: str, message: str) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True)
    with pytest.raises(Invalid, match=message):
        service.create_batch(session, actor, BatchCreate(
            agency_ids=[agency.id], subject="Cameras", requester_name="Ana Ruiz", text=text))


def test_a_batch_naming_a_missing_agency_makes_nothing(session: Session, actor: Any) -> None:
    agency = make_agency(session, actor, with_place=True)
    with pytest.raises(Invalid, match="No agency with id 9999"):
        service.create_batch(session, actor, BatchCreate(
            agency_ids=[agency.id, 9999], subject="Cameras", template="alpr_cameras",
            requester_name="Ana Ruiz"))


def test_a_california_only_letter_refuses_other_states(session: Session, actor: Any) -> None:
    texas = make_agency(session, actor, with_place=True, state_code="TX", name="Lakeside Police")
    with pytest.raises(Invalid, match="CA only"):
        service.create_batch(session, actor, BatchCreate(
            agency_ids=[texas.id], subject="SB 34 policy", template="ca_sb34_policy",
            requester_name="Ana Ruiz"))


# ---- letters for one request -------------------------------------------------------------

def test_the_follow_up_comes_at_the_deadline(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    org = make_organization(session, actor, name="Bay Privacy Network")
    agency = make_agency(session, actor, with_place=True, name="Riverton PD")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY, requester_organization_id=org.id,
                                   tracking_number="R-193")
    with pytest.raises(Invalid, match="10 days left"):
        service.letter(session, actor, request_id=request.id, template_key="follow_up",
                       requester=service.Requester())
    at_noon(date(2026, 1, 20))
    letter = service.letter(session, actor, request_id=request.id, template_key="follow_up",
                            requester=service.Requester(name="Sam Ortiz"))
    text = letter.text
    assert "January 5, 2026" in text and "January 15, 2026, 5 days ago" in text
    assert "R-193" in text and "Sam Ortiz" in text and "Bay Privacy Network" in text
    assert "a determination" in text


def test_the_appeal_comes_after_a_denial(session: Session, actor: Any) -> None:
    at_noon(date(2026, 1, 14))
    agency = make_agency(session, actor, with_place=True, name="Riverton PD")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    with pytest.raises(Invalid, match="appeal follows a denial"):
        service.letter(session, actor, request_id=request.id, template_key="appeal",
                       requester=service.Requester(name="Sam Ortiz"))
    move(session, actor, request.id, "denied", on=date(2026, 1, 13))
    text = service.letter(session, actor, request_id=request.id, template_key="appeal",
                          requester=service.Requester(name="Sam Ortiz")).text
    assert "On January 13, 2026 Riverton PD denied the request. I appeal that denial." in text


def test_a_letter_needs_a_requester(session: Session, actor: Any) -> None:
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id)
    with pytest.raises(Invalid, match="requester"):
        service.letter(session, actor, request_id=request.id, template_key="alpr_cameras",
                       requester=service.Requester())


def test_an_unknown_template_is_not_found(session: Session, actor: Any) -> None:
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id)
    with pytest.raises(NotFound):
        service.letter(session, actor, request_id=request.id, template_key="nope",
                       requester=service.Requester(name="Sam"))


# ---- documents received ------------------------------------------------------------------

def test_documents_received_attach_and_link_to_what_they_concern(session: Session,
                                                                 actor: Any) -> None:
    at_noon(date(2026, 1, 20))
    agency = make_agency(session, actor, with_place=True)
    contract = make_contract(session, actor, agency_id=agency.id)
    target = make_target(session, actor)
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    row = service.attach_document(
        session, actor, request_id=request.id, filename="sharing.csv",
        content=b"agency,since\nICE,2024\n", description="Sharing list",
        links=RequestDocumentLinks(agency_id=agency.id, contract_id=contract.id))
    assert (row.received_on, row.agency_id, row.contract_id) == \
        (date(2026, 1, 20), agency.id, contract.id)
    assert row.content_type == "text/csv"
    linked = service.link_document(session, actor, request_id=request.id,
                                   document_id=row.document_id,
                                   links=RequestDocumentLinks(target_id=target.id,
                                                              received_on=date(2026, 1, 19)))
    assert (linked.agency_id, linked.target_id, linked.received_on) == \
        (None, target.id, date(2026, 1, 19))
    assert [d.document_id for d in service.request_documents(session, actor, request.id)] \
        == [row.document_id]
    assert [d.document_id for d in service.documents_concerning(
        session, actor, target_id=target.id)] == [row.document_id]
    assert service.documents_concerning(session, actor, agency_id=agency.id) == []
    with pytest.raises(Invalid, match="No contract"):
        service.link_document(session, actor, request_id=request.id,
                              document_id=row.document_id,
                              links=RequestDocumentLinks(contract_id=9999))


def test_a_letter_with_an_unfilled_placeholder_is_not_stored(session: Session,
                                                            actor: Any) -> None:
    agency = make_agency(session, actor, with_place=True)
    request = make_records_request(session, actor, agency_id=agency.id,
                                   text="Dear custodian, please send the camera list.")
    with pytest.raises(Invalid, match="unfilled placeholder") as refused:
        service.crud.update(session, actor, request.id,
                            RecordsRequestUpdate(text="Dear {{ agency.name }}, please send it."))
    assert refused.value.field == "text"


# ---- what the pages ask of the service ---------------------------------------------------

def test_next_statuses_follow_the_transitions_in_the_usual_order() -> None:
    assert service.next_statuses("draft") == ["sent", "withdrawn"]
    assert service.next_statuses("denied") == ["appealed"]
    assert service.next_statuses("withdrawn") == []
    assert "extended" in service.next_statuses("extended")  # a second extension


def test_letter_options_say_which_letters_fit_now_and_why_not(session: Session,
                                                              actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True, state_code="CO")
    request = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                   sent_on=MONDAY)
    options = {o.key: o for o in service.letter_options(session, actor, request.id)}
    assert options["alpr_all"].available is True
    assert options["follow_up"].available is False
    assert options["follow_up"].reason.startswith("The deadline has not come yet")
    assert options["appeal"].available is False
    assert options["ca_sb34_policy"].reason == \
        "The letter 'California SB 34 usage and privacy policy and access records' is for " \
        "agencies in CA only."
    at_noon(MONDAY + timedelta(days=10))
    options = {o.key: o for o in service.letter_options(session, actor, request.id)}
    assert options["follow_up"].available is True


def test_countdowns_of_listed_rows_match_the_full_read(session: Session, actor: Any) -> None:
    at_noon(MONDAY)
    agency = make_agency(session, actor, with_place=True, state_code="CA")
    sent = make_records_request(session, actor, agency_id=agency.id, status="sent", sent_on=MONDAY)
    draft = make_records_request(session, actor, agency_id=agency.id)
    overridden = make_records_request(session, actor, agency_id=agency.id, status="sent",
                                      sent_on=MONDAY, due_on_override=MONDAY + timedelta(days=2))
    at_noon(MONDAY + timedelta(days=12))
    rows = [{"id": r.id, "agency_id": r.agency_id, "status": r.status, "due_on": r.due_on,
             "due_on_override": r.due_on_override, "state_code": r.state_code}
            for r in (sent, draft, overridden)]
    found = service.countdowns(session, rows)
    for request in (sent, draft, overridden):
        full = read(session, actor, request.id)["deadline"]
        state = found[request.id]
        assert (state.clock, state.days_left, state.days_overdue) == \
            (full["clock"], full["days_left"], full["days_overdue"])
    assert found[overridden.id].days_overdue == 10
