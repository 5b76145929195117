"""The misuse-evidence timeline of a contract, agency or campaign as a page of its own (the
record page's panel narrowed to one kind, swapped in place by htmx), and its briefing packet:
a printable page of the entries the reader may read, with numbered sources."""

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from api import clock
from api.deps import SessionDep, UserDep
from api.errors import Invalid
from api.evidence import service as evidence
from api.evidence.models import EvidenceKind
from api.i18n.catalogs import N_, gettext
from api.routing import PathRouter
from web.evidence_panels import SUBJECT_NOUNS, timeline_context, timeline_url
from web.ids import RecordId
from web.templating import acting_user, render

router = PathRouter(include_in_schema=False)

SUBJECT_WORDS = {"contract": N_("Contract"), "agency": N_("Agency"), "campaign": N_("Campaign")}


def _kind(text: str | None) -> EvidenceKind | None:
    if not text:
        return None
    try:
        return EvidenceKind(text)
    except ValueError:
        raise Invalid(N_("There is no such kind of evidence."), field="kind") from None


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
        return render(request, "evidence/packet.html", {
            "packet": found, "subject_noun": gettext(SUBJECT_WORDS[subject]),
            "prepared_on": clock.today(),
            "back_url": timeline_url(subject, record_id)})


for _subject, _noun in SUBJECT_NOUNS.items():
    _pages(_subject, _noun)
