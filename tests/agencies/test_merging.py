"""Merging two agencies that are one: everything pointing at the folded one moves to the kept
one, links it already had are not kept twice, the merge is in the audit log, the folded agency
is gone, and only leads merge agencies they may read and change."""

from typing import Any

import pytest
from sqlmodel import Session, SQLModel, select

from api.agencies import merging
from api.agencies.models import Agency, AgencyLink
from api.auth.models import AuditEntry, Role
from api.contracts.models import Contract
from api.documents import service as documents
from api.documents.models import AttachedTo, Document
from api.errors import Forbidden, Invalid, NotFound
from api.records_requests.models import RecordsRequest
from api.sharing.models import SharingLink
from tests.factories import (
    make_agency,
    make_contract,
    make_document,
    make_organization,
    make_records_request,
    make_sharing_link,
    make_user,
)

# Every foreign key to agency.id the merge is known to carry over. A new one is found by the
# merge itself, through the metadata; this list makes its author look at what merging does
# with it (a unique key shared with another column, a row to drop or to keep).
KNOWN_REFERENCES = {("agency_alias", "agency_id"), ("agency_link", "agency_id"),
                    ("contract", "agency_id"),
                    ("evidence_entry", "agency_id"), ("records_request", "agency_id"),
                    ("records_request_document", "agency_id"), ("sharing_link", "agency_id"),
                    ("sharing_link", "partner_agency_id")}


def test_every_foreign_key_to_an_agency_is_one_the_merge_carries_over() -> None:
    found = {(c.table.name, c.name) for c in merging.references()}
    assert found == KNOWN_REFERENCES, (
        "A table points at agencies that merging has not been checked against: look at "
        "api/agencies/merging.py and add it to KNOWN_REFERENCES")
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("agency_id") and not column.foreign_keys:
                pytest.fail(f"{table.name}.{column.name} names an agency with no foreign key")


def _pair(session: Session, actor: Any, **fold: Any) -> tuple[Any, Any]:
    kept = make_agency(session, actor, name="Pueblo Police Department", state_code="CO",
                       fixed_cameras=None, ori="")
    folded = make_agency(session, actor, **{"name": "Pueblo Police Dept", "state_code": "CO",
                                            "fixed_cameras": 14, "ori": "CO0510100", **fold})
    return kept, folded


def test_a_merge_moves_everything_and_removes_the_folded_agency(
        session: Session, actor: Any) -> None:
    kept, folded = _pair(session, actor)
    contract = make_contract(session, actor, agency_id=folded.id)
    request = make_records_request(session, actor, agency_id=folded.id)
    document = make_document(session, actor, attached_kind=AttachedTo.agency,
                             attached_id=folded.id)
    session.add_all([
        AgencyLink(agency_id=kept.id, url="https://news.example/a", source="Kept"),
        AgencyLink(agency_id=folded.id, url="https://news.example/a", source="Folded"),
        AgencyLink(agency_id=folded.id, url="https://news.example/b", source="Only folded")])
    session.commit()

    merged = merging.merge(session, actor, keep_id=kept.id, fold_id=folded.id)
    session.commit()

    assert merged.moved == {"agency_link": 1, "contract": 1, "records_request": 1,
                            "document": 1}
    assert merged.dropped == {"agency_link": 1}
    assert session.get(Agency, folded.id) is None
    assert session.get(Contract, contract.id).agency_id == kept.id
    assert session.get(RecordsRequest, request.id).agency_id == kept.id
    assert session.get(Document, document.id).attached_id == kept.id
    links = session.exec(select(AgencyLink.url, AgencyLink.source)
                         .where(AgencyLink.agency_id == kept.id)
                         .order_by(AgencyLink.url)).all()
    assert [tuple(r) for r in links] == [("https://news.example/a", "Kept"),
                                          ("https://news.example/b", "Only folded")]
    again = session.get(Agency, kept.id)
    # What the kept agency did not say, it takes from the folded one; its name stays.
    assert (again.name, again.fixed_cameras, again.ori) == (
        "Pueblo Police Department", 14, "CO0510100")
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert (entry.record_kind, entry.record_id) == ("agency", kept.id)
    assert entry.changes["merged"] == {"id": folded.id, "name": "Pueblo Police Dept"}
    assert session.exec(select(AuditEntry).where(
        AuditEntry.action == "delete", AuditEntry.record_kind == "agency",
        AuditEntry.record_id == folded.id)).first() is not None


def test_a_merge_moves_rows_the_lead_may_not_read(session: Session, actor: Any) -> None:
    """Another organization's private contract on the folded agency moves too: otherwise the
    folded agency could not go, and the contract would point at nothing."""
    kept, folded = _pair(session, actor)
    theirs = make_organization(session, actor)
    hidden = make_contract(session, actor, agency_id=folded.id, visibility="private",
                           owner_organization_id=theirs.id)
    lead = make_user(Role.lead, session=session)
    merging.merge(session, lead, keep_id=kept.id, fold_id=folded.id)
    session.commit()
    assert session.get(Contract, hidden.id).agency_id == kept.id


def test_a_private_agency_lends_nothing_to_a_shared_one(session: Session, actor: Any) -> None:
    theirs = make_organization(session, actor)
    kept, folded = _pair(session, actor, visibility="private",
                         owner_organization_id=theirs.id)
    merged = merging.merge(session, actor, keep_id=kept.id, fold_id=folded.id)
    session.commit()
    assert merged.filled == []
    assert session.get(Agency, kept.id).fixed_cameras is None
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "merge")).all()
    assert (entry.visibility, entry.organization_id) == ("private", theirs.id)


def test_who_may_merge(session: Session, actor: Any) -> None:
    ours, theirs = make_organization(session, actor), make_organization(session, actor)
    kept, folded = _pair(session, actor)
    private = make_agency(session, actor, visibility="private", owner_organization_id=theirs.id)
    partner = make_user(Role.partner, session=session, organization_id=ours.id)
    lead = make_user(Role.lead, session=session)
    with pytest.raises(Forbidden):
        merging.merge(session, partner, keep_id=kept.id, fold_id=folded.id)
    # Another organization's private agency is no agency to a lead: as if it did not exist.
    for keep_id, fold_id in ((kept.id, private.id), (private.id, kept.id)):
        with pytest.raises(NotFound):
            merging.merge(session, lead, keep_id=keep_id, fold_id=fold_id)
    with pytest.raises(Invalid):
        merging.merge(session, lead, keep_id=kept.id, fold_id=kept.id)
    merging.merge(session, lead, keep_id=kept.id, fold_id=folded.id)
    session.commit()
    assert session.get(Agency, folded.id) is None


def test_a_merge_never_narrows_who_reads_the_folded_agency_or_its_records(
        session: Session, actor: Any) -> None:
    """Folded into an agency shared more narrowly, a partner's own document, contract and
    request would point at an agency the partner may not read: refused, the other way round
    done."""
    ours, partners = make_organization(session, actor), make_organization(session, actor)
    lead = make_user(Role.lead, session=session, organization_id=ours.id)
    partner = make_user(Role.partner, session=session, organization_id=partners.id)
    narrow = make_agency(session, actor, name="Pueblo PD", state_code="CO", visibility="private",
                         owner_organization_id=ours.id)
    shared = make_agency(session, actor, name="Pueblo Police Dept", state_code="CO",
                         visibility="coalition")
    document = make_document(session, actor, attached_kind=AttachedTo.agency,
                             attached_id=shared.id, visibility="private",
                             owner_organization_id=partners.id)
    contract = make_contract(session, actor, agency_id=shared.id, visibility="private",
                             owner_organization_id=partners.id)
    session.commit()
    with pytest.raises(Invalid) as refused:
        merging.merge(session, lead, keep_id=narrow.id, fold_id=shared.id)
    assert "at least as widely" in refused.value.message
    session.rollback()
    assert session.get(Document, document.id).attached_id == shared.id
    assert session.get(Agency, shared.id) is not None

    # Both private to the lead's organization, the partner's contract still on the folded one.
    other = make_agency(session, actor, name="Pueblo Police", state_code="CO",
                        visibility="private", owner_organization_id=ours.id)
    hidden = make_contract(session, actor, agency_id=other.id, visibility="private",
                           owner_organization_id=partners.id)
    session.commit()
    with pytest.raises(Invalid):
        merging.merge(session, lead, keep_id=narrow.id, fold_id=other.id)
    session.rollback()

    merging.merge(session, lead, keep_id=shared.id, fold_id=narrow.id)
    session.commit()
    assert session.get(Contract, contract.id).agency_id == shared.id
    assert documents.crud.get(session, partner, document.id).attached_id == shared.id
    assert session.get(Contract, hidden.id).agency_id == other.id


def test_agencies_of_different_states_are_not_merged(session: Session, actor: Any) -> None:
    kept = make_agency(session, actor, state_code="CO")
    folded = make_agency(session, actor, state_code="NM")
    with pytest.raises(Invalid) as refused:
        merging.merge(session, actor, keep_id=kept.id, fold_id=folded.id)
    assert "same state" in refused.value.message


def test_both_agencies_notes_are_kept(session: Session, actor: Any) -> None:
    kept, folded = _pair(session, actor, notes="Council approved Flock in 2022.")
    kept.notes = "Chief spoke at the March meeting."
    session.add(kept)
    session.commit()
    merged = merging.merge(session, actor, keep_id=kept.id, fold_id=folded.id)
    session.commit()
    assert "notes" in merged.filled
    assert session.get(Agency, kept.id).notes == (
        "Chief spoke at the March meeting.\n\nCouncil approved Flock in 2022.")


def test_notes_too_long_together_are_refused_not_cut(session: Session, actor: Any) -> None:
    kept, folded = _pair(session, actor, notes="b" * 15_000)
    kept.notes = "a" * 15_000
    session.add(kept)
    session.commit()
    with pytest.raises(Invalid):
        merging.merge(session, actor, keep_id=kept.id, fold_id=folded.id)


def test_a_link_between_the_two_merged_goes_and_others_follow(session: Session,
                                                             actor: Any) -> None:
    kept, folded = _pair(session, actor)
    between = make_sharing_link(session, actor, agency_id=kept.id, partner_agency_id=folded.id)
    onward = make_sharing_link(session, actor, agency_id=folded.id, partner_name="ICE")
    between_id, onward_id, kept_id = between.id, onward.id, kept.id
    merged = merging.merge(session, actor, keep_id=kept_id, fold_id=folded.id)
    session.commit()
    assert session.get(SharingLink, between_id) is None
    assert session.get(SharingLink, onward_id).agency_id == kept_id
    assert merged.dropped.get("sharing_link") == 1
