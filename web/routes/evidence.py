"""The misuse-evidence timeline of a contract, agency or campaign as a page of its own (the
record page's panel narrowed to one kind, swapped in place by htmx), and its briefing packet:
a printable page of the entries the reader may read, with numbered sources."""

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlmodel import Session, select

from api import clock
from api.deps import SessionDep, UserDep
from api.errors import Invalid
from api.evidence import service as evidence
from api.evidence.models import EvidenceKind
from api.i18n.catalogs import N_, gettext
from api.organizations.models import Organization
from api.routing import PathRouter
from web.evidence_panels import SUBJECT_NOUNS, timeline_context, timeline_url
from web.ids import RecordId
from web.templating import acting_user, render
from web.words import owner_sharing_words

router = PathRouter(include_in_schema=False)

SUBJECT_WORDS = {"contract": N_("Contract"), "agency": N_("Agency"), "campaign": N_("Campaign")}


def _kind(text: str | None) -> EvidenceKind | None:
    if not text:
        return None
    try:
        return EvidenceKind(text)
    except ValueError:
        raise Invalid(N_("There is no such kind of evidence."), field="kind") from None


# From the most closed to the most open: whoever hands a packet on is told its closest first.
TIERS = ("private", "leads", "coalition", "public")


def _sharing(session: Session, reader: Any,
             found: evidence.Packet) -> tuple[dict[int, str], list[str]]:
    """Each entry's sharing in the words its own page says to the reader, and every distinct
    sharing among them, the most closed first: a printed page shows no link, so whoever hands
    it on must be told. They are all named because two closed ones need not nest (one
    organization's own entry and the coalition leads' own are each closed to the other)."""
    owners = {p.entry.owner_organization_id for p in found.entries} - {None}
    names = dict(session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_(owners))).all()) if owners else {}

    def said(entry: Any) -> str:
        return owner_sharing_words(entry.visibility, owner=entry.owner_organization_id,
                                   owner_name=names.get(entry.owner_organization_id),
                                   reader=reader, table="evidence_entry")

    def tier(entry: Any) -> str:
        value = str(getattr(entry.visibility, "value", entry.visibility))
        # The coalition's own entry, private or leads-only, is read by its leads alike.
        return "private" if entry.owner_organization_id is None and value == "leads" else value

    each = {p.entry.id: said(p.entry) for p in found.entries}
    audiences: dict[tuple[Any, str], str] = {}
    for p in sorted(found.entries, key=lambda p: TIERS.index(tier(p.entry))):
        audiences.setdefault((p.entry.owner_organization_id, tier(p.entry)), each[p.entry.id])
    return each, list(dict.fromkeys(audiences.values()))


def _pages(subject: str, noun: str) -> None:
    @router.get(f"/{noun}/{{record_id}}/evidence", name=f"{subject}_evidence_page")
    def timeline_page(record_id: RecordId, request: Request, session: SessionDep,
                      actor: UserDep,
                      kind: Annotated[str | None, Query(max_length=40)] = None) -> Response:
        user = acting_user(request, actor)
        context = timeline_context(session, user, subject=subject, record_id=record_id,
                                   kind=_kind(kind))
        return render(request, "evidence/timeline.html", context, block="timeline")

    @router.get(f"/{noun}/{{record_id}}/evidence/packet", name=f"{subject}_evidence_packet")
    def packet_page(record_id: RecordId, request: Request, session: SessionDep,
                    actor: UserDep,
                    kind: Annotated[str | None, Query(max_length=40)] = None) -> Response:
        user = acting_user(request, actor)
        found = evidence.packet(session, user, subject=subject, record_id=record_id,
                                kind=_kind(kind))
        shared, sharings = _sharing(session, user, found)
        return render(request, "evidence/packet.html", {
            "packet": found, "shared": shared, "sharings": sharings,
            "subject_noun": gettext(SUBJECT_WORDS[subject]),
            "prepared_on": clock.today(),
            "back_url": timeline_url(subject, record_id)})


for _subject, _noun in SUBJECT_NOUNS.items():
    _pages(_subject, _noun)
