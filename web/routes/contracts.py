"""A contract's own page: the term in force, the next day to give notice, the renewals that
happened by themselves, and what was decided as terms ended, with the form to record it."""

from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlmodel import Session, select

from api.auth import permissions
from api.auth.models import User
from api.contracts import outcomes as term_outcomes
from api.contracts import service as contracts
from api.contracts import terms
from api.contracts.models import Contract, ContractOutcomeCreate, Outcome
from api.deps import SessionDep, UserDep
from api.fields import stored_id
from api.i18n.catalogs import gettext
from api.i18n.formatting import format_when
from api.routing import PathRouter
from api.votes.models import Vote
from web import flash
from web.concepts import ref_labels
from web.forms import Rejected, infer, parse, see_other, submit, validate
from web.ids import RecordId
from web.routes.concept_pages import DetailExtra, pages_of
from web.templating import acting_user, render
from web.words import humanize

router = PathRouter(include_in_schema=False)

TEMPLATE = "contracts/detail.html"
OUTCOME_FIELDS = [infer(ContractOutcomeCreate, name) for name in
                  ("outcome", "decided_on", "new_term_ends", "vote_id", "note")]


def terms_context(session: Session, actor: User, record: Contract) -> dict[str, Any]:
    """The terms panel: what is in force, what happened by itself, what was decided."""
    today = terms.local_today(session, record.agency_id)
    recorded = term_outcomes.outcomes(session, actor, stored_id(record))
    now = terms.Terms.of(record, terms.decisions_of(session, record.id))
    votes = list(session.exec(select(Vote.id, Vote.title)
                              .where(Vote.contract_id == record.id)
                              .order_by(Vote.scheduled_at.desc())).all())
    # The deadline stops the renewal of a later term than the one in force once that term's
    # own day has gone (several terms on when the notice period is longer than a term).
    later_deadline = bool(
        now.renews and record.notice_deadline and record.term_ends
        and record.termination_notice_days is not None
        and record.notice_deadline + timedelta(days=record.termination_notice_days)
        > record.term_ends)
    return {
        "today": today, "renews": now.renews, "in_force": now.open,
        "later_deadline": later_deadline,
        "automatic": list(terms.automatic_renewals(now, today)),
        "outcomes": recorded,
        "recorded_by": ref_labels(session, "app_user",
                                  sorted({o.recorded_by_id for o in recorded
                                          if o.recorded_by_id})),
        "vote_titles": ref_labels(session, "vote",
                                  sorted({o.vote_id for o in recorded if o.vote_id})),
        "vote_choices": votes, "outcome_choices": [o.value for o in Outcome],
        "may_record": permissions.may_record_contract_outcome(actor, record),
        "outcome_errors": {}, "outcome_values": {},
    }


# The further part of a contract's page, handed to the page registry by web.app.
DETAIL_EXTRAS: dict[str, list[DetailExtra]] = {"contracts": [terms_context]}


@router.post("/contracts/{record_id}/outcomes")
async def record_outcome(record_id: RecordId, request: Request, session: SessionDep,
                         actor: UserDep) -> Response:
    """Records that a term ended renewed, renegotiated or terminated."""
    user = acting_user(request, actor)
    contracts.crud.get(session, user, record_id)
    form = await request.form()

    def again(rejected: Rejected) -> Response:
        session.expire_all()
        shown = contracts.crud.get(session, user, record_id)
        context = pages_of(request, "contracts").detail_context(session, user, shown)
        context["outcome_errors"] = rejected.errors
        context["outcome_values"] = {f.name: str(form.get(f.name) or "") for f in OUTCOME_FIELDS}
        return render(request, TEMPLATE, context, status=rejected.status)

    def done(data: ContractOutcomeCreate) -> Response:
        session.expire_all()
        saved = contracts.crud.get(session, user, record_id)
        ends = format_when(saved.term_ends) if saved.term_ends else gettext("no set date")
        told = (gettext("The contract ends {day} and does not renew.").format(day=ends)
                if str(saved.status) == "terminated"
                else gettext("The term in force now ends {day}.").format(day=ends))
        outcome = humanize(data.outcome.value)
        return see_other(f"/contracts/{record_id}#terms", flash.success(
            gettext("Recorded: {outcome}. {told}").format(outcome=outcome, told=told)))

    def write(data: ContractOutcomeCreate) -> ContractOutcomeCreate:
        term_outcomes.record_outcome(session, user, contract_id=record_id, data=data)
        return data

    return submit(session, validate(ContractOutcomeCreate, parse(OUTCOME_FIELDS, form)), write,
                  done=done, again=again, fields=OUTCOME_FIELDS, page_refusals=True)
