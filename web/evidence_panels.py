"""What the contract, agency and campaign pages show of the evidence of misuse about them, and
what the jurisdiction and decision-maker pages show of the wins near them: each read as the
reader may read it."""

from typing import Any

from sqlmodel import Session

from api.auth import permissions
from api.auth.models import User
from api.evidence import service as evidence
from api.evidence.models import EvidenceEntry, EvidenceKind
from api.known_outcomes import service as known_outcomes

# The pages' noun of each record an entry may be about.
SUBJECT_NOUNS = {"contract": "contracts", "agency": "agencies", "campaign": "campaigns"}


def timeline_url(subject: str, record_id: int) -> str:
    return f"/{SUBJECT_NOUNS[subject]}/{record_id}/evidence"


def timeline_context(session: Session, actor: User, *, subject: str, record_id: int,
                     kind: EvidenceKind | None = None) -> dict[str, Any]:
    return {"evidence": evidence.timeline(session, actor, subject=subject,
                                          record_id=record_id, kind=kind),
            "evidence_url": timeline_url(subject, record_id),
            "evidence_may_add": permissions.can_create(actor, EvidenceEntry)}


def _timeline_of(subject: str) -> Any:
    def panel(session: Session, actor: User, record: Any) -> dict[str, Any]:
        return timeline_context(session, actor, subject=subject, record_id=record.id)
    return panel


contract_evidence = _timeline_of("contract")
agency_evidence = _timeline_of("agency")
campaign_evidence = _timeline_of("campaign")


def jurisdiction_wins(session: Session, actor: User, place: Any) -> dict[str, Any]:
    return {"nearby_wins": known_outcomes.near_jurisdiction(session, actor, place.id)}


def target_wins(session: Session, actor: User, target: Any) -> dict[str, Any]:
    return {"nearby_wins": known_outcomes.near_target(session, actor, target.id)}
