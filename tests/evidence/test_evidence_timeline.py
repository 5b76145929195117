"""Evidence of misuse: kept on a contract, an agency or a campaign with its source, shown on
their pages as a timeline narrowed by kind, and read only by those who may read it."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session

from api.auth.models import Role
from api.auth.scoping import act_as
from api.db import get_engine, new_session
from api.errors import Invalid, NotFound
from api.evidence import service as evidence
from api.evidence.models import EvidenceEntryCreate, EvidenceKind
from tests.factories import (
    make_agency,
    make_campaign,
    make_contract,
    make_evidence_entry,
    make_organization,
    make_user,
)
from tests.web.html import plain


def test_a_timeline_is_newest_first_counts_each_kind_and_narrows_to_one(
        session: Session, actor: Any) -> None:
    contract = make_contract(session, actor)
    make_evidence_entry(session, actor, contract_id=contract.id, title="Older story",
                        occurred_on=date(2024, 1, 5))
    make_evidence_entry(session, actor, contract_id=contract.id, title="Audit finding",
                        kind="audit_finding", occurred_on=date(2025, 3, 1))
    make_evidence_entry(session, actor, title="About another contract")
    session.commit()

    found = evidence.timeline(session, actor, subject="contract", record_id=contract.id)
    assert [e.title for e in found.entries] == ["Audit finding", "Older story"]
    assert found.counts == {"audit_finding": 1, "news_story": 1}
    narrowed = evidence.timeline(session, actor, subject="contract", record_id=contract.id,
                                 kind=EvidenceKind.audit_finding)
    assert [e.title for e in narrowed.entries] == ["Audit finding"]
    assert narrowed.counts == found.counts


def test_an_entry_is_about_something_and_names_its_source(session: Session, actor: Any) -> None:
    for values, field in (({"citation": "x"}, "contract_id"),
                          ({"contract_id": make_contract(session, actor).id}, "citation")):
        try:
            evidence.crud.create(session, actor, EvidenceEntryCreate.model_construct(
                title="Something", occurred_on=date(2025, 1, 1), **values))
        except Invalid as exc:
            assert exc.field == field
        else:
            raise AssertionError(f"made without its {field}")


def test_the_packet_numbers_each_source_once_oldest_first(session: Session, actor: Any) -> None:
    agency = make_agency(session, actor)
    for day, title, citation in ((3, "Third", "Records A"), (1, "First", "Records A"),
                                 (2, "Second", "Story B")):
        make_evidence_entry(session, actor, agency_id=agency.id, title=title, citation=citation,
                            url="", occurred_on=date(2025, 1, day))
    session.commit()
    packet = evidence.packet(session, actor, subject="agency", record_id=agency.id)
    assert [p.entry.title for p in packet.entries] == ["First", "Second", "Third"]
    assert [(c.number, c.citation) for c in packet.citations] == [(1, "Records A"),
                                                                  (2, "Story B")]
    assert [p.citation.number for p in packet.entries if p.citation] == [1, 2, 1]


def test_a_subject_one_may_not_read_has_no_timeline(session: Session, actor: Any) -> None:
    org = make_organization(session, actor)
    hidden = make_contract(session, actor, owner_organization_id=org.id, visibility="private")
    session.commit()
    outsider = make_user(Role.partner, session=session,
                         organization_id=make_organization(session, actor).id)
    session.commit()
    try:
        evidence.timeline(session, outsider, subject="contract", record_id=hidden.id)
    except NotFound:
        pass
    else:
        raise AssertionError("a private contract's timeline was read by an outsider")


def test_json_api_writes_and_lists_a_records_evidence(client: TestClient, session: Session,
                                                      actor: Any) -> None:
    campaign = make_campaign(session, actor)
    session.commit()
    made = client.post("/api/v1/evidence", json={
        "title": "Testimony on ICE searches", "kind": "council_testimony",
        "occurred_on": "2025-05-02", "citation": "Council video, 1:02:10",
        "url": "https://council.example/video", "campaign_id": campaign.id})
    assert made.status_code == 201, made.text
    listed = client.get(f"/api/v1/campaigns/{campaign.id}/evidence")
    assert [e["title"] for e in listed.json()] == ["Testimony on ICE searches"]
    assert client.get(f"/api/v1/campaigns/{campaign.id}/evidence",
                      params={"kind": "lawsuit"}).json() == []
    refused = client.post("/api/v1/evidence", json={
        "title": "No source", "occurred_on": "2025-05-02", "campaign_id": campaign.id})
    assert refused.status_code == 422
    assert "source" in refused.text
    assert client.get("/api/v1/campaigns/999999/evidence").status_code == 404
    assert client.get(f"/api/v1/campaigns/{campaign.id}/evidence",
                      params={"kind": "rumour"}).status_code == 422


def test_record_pages_show_the_timeline_and_its_filter_swaps_in_place(
        client: TestClient, session: Session, actor: Any) -> None:
    contract = make_contract(session, actor)
    agency = make_agency(session, actor)
    campaign = make_campaign(session, actor)
    make_evidence_entry(session, actor, contract_id=contract.id, agency_id=agency.id,
                        campaign_id=campaign.id, title="Searches for ICE", kind="audit_finding")
    make_evidence_entry(session, actor, contract_id=contract.id, title="Lawsuit filed",
                        kind="lawsuit")
    session.commit()
    for page in (f"/contracts/{contract.id}", f"/agencies/{agency.id}",
                 f"/campaigns/{campaign.id}"):
        shown = client.get(page)
        assert shown.status_code == 200, page
        assert 'id="evidence"' in shown.text and "Searches for ICE" in shown.text, page
    url = f"/contracts/{contract.id}/evidence"
    full = client.get(url, params={"kind": "lawsuit"})
    assert full.status_code == 200
    assert "<html" in full.text and "Lawsuit filed" in full.text
    assert "Searches for ICE" not in full.text.split('id="evidence"', 1)[1]
    fragment = client.get(url, params={"kind": "audit_finding"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith("<section")
    assert "Searches for ICE" in fragment.text and "Lawsuit filed" not in fragment.text
    assert 'hx-push-url="true"' in fragment.text
    assert client.get(url, params={"kind": "rumour"}).status_code == 422
    spanish = client.get(url, headers={"Accept-Language": "es"})
    assert "Pruebas de abusos" in spanish.text and "demanda (1)" in spanish.text


def test_the_packet_is_printable_and_shows_only_what_its_reader_may_read(
        client_as: Any, session: Session, actor: Any) -> None:
    ours = make_organization(session, actor)
    theirs = make_organization(session, actor)
    contract = make_contract(session, actor, visibility="coalition")
    make_evidence_entry(session, actor, contract_id=contract.id, title="Shared finding",
                        citation="Shared audit", url="https://records.example/audit.pdf",
                        visibility="coalition")
    make_evidence_entry(session, actor, contract_id=contract.id, title="Their own lead",
                        citation="Their tip", owner_organization_id=theirs.id,
                        visibility="private")
    session.commit()
    reader = client_as(Role.partner, ours.id)
    packet = reader.get(f"/contracts/{contract.id}/evidence/packet")
    assert packet.status_code == 200
    assert "Shared finding" in packet.text and "https://records.example/audit.pdf" in packet.text
    assert "Their own lead" not in packet.text and "Their tip" not in packet.text
    assert "/static/css/packet.css" in packet.text and 'id="source-1"' in packet.text
    assert 'id="source-2"' not in packet.text
    owner = client_as(Role.partner, theirs.id)
    both = owner.get(f"/contracts/{contract.id}/evidence/packet").text
    assert "Their own lead" in both and 'id="source-2"' in both
    spanish = reader.get(f"/contracts/{contract.id}/evidence/packet",
                         headers={"Accept-Language": "es"})
    assert "Informe" in spanish.text and "Fuentes" in spanish.text
    hidden = make_contract(session, actor, owner_organization_id=theirs.id, visibility="private")
    session.commit()
    refused = reader.get(f"/contracts/{hidden.id}/evidence/packet")
    missing = reader.get("/contracts/999999/evidence/packet")
    assert refused.status_code == missing.status_code == 404
    assert refused.text.replace(f"id {hidden.id}.", "id 999999.").replace(
        f"/contracts/{hidden.id}/", "/contracts/999999/") == missing.text


def test_the_packet_tells_whom_each_entry_and_the_whole_may_be_shown_to(
        client_as: Any, session: Session, actor: Any) -> None:
    ours = make_organization(session, actor, name="Riverton Privacy")
    contract = make_contract(session, actor, visibility="coalition")
    for title, tier in (("Open finding", "public"), ("Coalition finding", "coalition"),
                        ("Leads finding", "leads"), ("Kept finding", "private")):
        make_evidence_entry(session, actor, contract_id=contract.id, title=title,
                            owner_organization_id=ours.id, visibility=tier)
    session.commit()
    url = f"/contracts/{contract.id}/evidence/packet"
    member = client_as(Role.partner, ours.id)
    page = plain(member.get(url).text)
    for said in ("Shared with: Anyone (public)", "Shared with: The whole coalition",
                 "Shared with: Our organization and the coalition's leads",
                 "Shared with: Our organization only"):
        assert said in page
    assert ("Its entries are shared with, the most closely held first: Our organization only; "
            "Our organization and the coalition's leads; The whole coalition; Anyone (public).") \
        in page
    lone = make_contract(session, actor, visibility="coalition")
    make_evidence_entry(session, actor, contract_id=lone.id, title="Lone finding",
                        owner_organization_id=ours.id, visibility="leads")
    session.commit()
    assert "Every entry here is shared with: Our organization and the coalition's leads." in \
        plain(member.get(f"/contracts/{lone.id}/evidence/packet").text)
    lead = plain(client_as(Role.lead).get(url).text)
    assert "Kept finding" not in lead
    assert ("the most closely held first: Riverton Privacy and the coalition's leads; The whole "
            "coalition; Anyone (public).") in lead
    # A lead of an organization reads both its own organization's closed entry and the
    # coalition leads' own: neither holds the other, so both are named.
    make_evidence_entry(session, actor, contract_id=contract.id, title="Leads' own finding",
                        owner_organization_id=None, visibility="private")
    session.commit()
    both = plain(client_as(Role.lead, ours.id).get(url).text)
    assert "Kept finding" in both and "Leads' own finding" in both
    assert ("the most closely held first: Our organization only; Only the coalition's leads; "
            "Our organization and the coalition's leads;") in both
    # The coalition's own entries, private or leads-only, are read by the same people.
    make_evidence_entry(session, actor, contract_id=contract.id, title="Leads' other finding",
                        owner_organization_id=None, visibility="leads")
    session.commit()
    again = plain(client_as(Role.lead, ours.id).get(url).text)
    assert "Leads' other finding" in again and "Shared with: The coalition's leads" in again
    assert ("the most closely held first: Our organization only; Only the coalition's leads; "
            "Our organization and the coalition's leads; The whole coalition; Anyone (public).") \
        in again
    spanish = plain(member.get(url, headers={"Accept-Language": "es"}).text)
    assert "Compartida con:" in spanish


def test_the_new_entry_form_starts_from_its_record_and_asks_for_a_source(
        client: TestClient, session: Session, actor: Any) -> None:
    contract = make_contract(session, actor)
    session.commit()
    page = client.get(f"/contracts/{contract.id}")
    assert f'href="/evidence/new?contract_id={contract.id}"' in page.text
    form = client.get("/evidence/new", params={"contract_id": contract.id})
    assert form.status_code == 200
    assert f'<option value="{contract.id}" selected' in form.text
    sent = {"title": "Searches without a case number", "kind": "audit_finding",
            "occurred_on": "2025-04-01", "contract_id": str(contract.id),
            "visibility": "coalition"}
    refused = client.post("/evidence", data=sent, follow_redirects=False)
    assert refused.status_code == 422
    assert "Give the source: where this is written down, or a link to it." in refused.text
    saved = client.post("/evidence", data={**sent, "citation": "Audit log, April 2025"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    timeline = client.get(f"/contracts/{contract.id}/evidence")
    assert "Searches without a case number" in timeline.text


def test_evidence_dated_after_today_or_before_1990_is_refused_plainly(
        client: TestClient, session: Session, actor: Any) -> None:
    contract = make_contract(session, actor)
    entry = make_evidence_entry(session, actor, contract_id=contract.id)
    session.commit()
    sent = {"title": "Searches without a case number", "kind": "audit_finding",
            "occurred_on": "2099-01-01", "citation": "Audit log", "contract_id": contract.id}
    refused = client.post("/api/v1/evidence", json=sent)
    assert refused.status_code == 422
    assert "This date is after today: give the day it happened." in refused.text
    moved = client.patch(f"/api/v1/evidence/{entry.id}", json={"occurred_on": "2099-01-01"})
    assert moved.status_code == 422 and "after today" in moved.text
    form = client.post("/evidence", data={**sent, "visibility": "coalition"})
    assert form.status_code == 422 and "after today" in form.text
    for mistyped in ("0001-01-01", "1800-01-01", "1989-12-31"):
        early = client.post("/api/v1/evidence", json={**sent, "occurred_on": mistyped})
        assert early.status_code == 422 and "before 1990" in early.text, mistyped
    assert client.post("/api/v1/evidence", json={**sent, "occurred_on": "2025-01-01"}
                       ).status_code == 201


def test_a_timeline_is_read_by_one_statement_kept_with_each_readers_own_criteria(
        session: Session, actor: Any) -> None:
    ours = make_organization(session, actor)
    theirs = make_organization(session, actor)
    contracts = [make_contract(session, actor, visibility="coalition") for _ in range(2)]
    for contract in contracts:
        make_evidence_entry(session, actor, contract_id=contract.id, title="Shared finding",
                            visibility="coalition")
        make_evidence_entry(session, actor, contract_id=contract.id, title="Their own lead",
                            owner_organization_id=theirs.id, visibility="private")
    session.commit()
    readers = {"ours": make_user(Role.partner, organization_id=ours.id),
               "theirs": make_user(Role.partner, organization_id=theirs.id)}
    ran: list[Any] = []

    def record(conn, clauseelement, multiparams, params, execution_options):  # type: ignore[no-untyped-def]
        if "FROM evidence_entry" in str(clauseelement):
            ran.append(clauseelement)

    def titles(reader: str, contract_id: int) -> list[str]:
        with new_session(read_only=True) as reading:
            act_as(reading, readers[reader])
            found = evidence.timeline(reading, readers[reader], subject="contract",
                                      record_id=contract_id)
        return sorted(e.title for e in found.entries)

    event.listen(get_engine(), "before_execute", record)
    try:
        assert titles("ours", contracts[0].id) == ["Shared finding"]
        assert titles("theirs", contracts[0].id) == ["Shared finding", "Their own lead"]
        assert titles("ours", contracts[1].id) == ["Shared finding"]
        assert titles("theirs", contracts[1].id) == ["Shared finding", "Their own lead"]
    finally:
        event.remove(get_engine(), "before_execute", record)
    # One statement per kind of reader, whichever contract: never one reader's for another.
    assert len(ran) == 4
    assert ran[0] is ran[2] and ran[1] is ran[3] and ran[0] is not ran[1]
