"""What a lead records when a contract's term ends (renewed, renegotiated, terminated), and
what was recorded. Apart from api.contracts.terms, which the contracts' service derives its
dates with, so that these may read a contract through that service."""

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.auth import permissions, references
from api.auth.models import User
from api.campaigns import service as campaigns
from api.contracts.models import (
    ContractOutcome,
    ContractOutcomeCreate,
    ContractOutcomeRead,
    ContractStatus,
    Outcome,
    no_vote_with,
)
from api.contracts.service import crud
from api.contracts.terms import (
    Decision,
    Terms,
    bring_up_to_date,
    course,
    decisions_of,
    local_today,
    term_after,
)
from api.db import table_of
from api.errors import Invalid
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import format_when
from api.votes.models import Vote


def record_outcome(session: Session, actor: User, *, contract_id: int,
                   data: ContractOutcomeCreate) -> ContractOutcome:
    """A renewal, renegotiation or termination decided as a term ended, by someone who may
    change the contract: a renewal starts a new term (one renewal term on when no end is
    given), a termination ends the contract's alerts."""
    contract = crud.get(session, actor, contract_id)
    permissions.require_contract_outcome(actor, contract)
    today = local_today(session, contract.agency_id)
    if data.decided_on > today:
        raise Invalid(N_("The day it was decided is still to come; record it once it is decided."),
                      field="decided_on")
    if data.vote_id is not None:
        vote = session.get(Vote, data.vote_id)
        if vote is None or not permissions.can_read(actor, vote):
            raise Invalid(no_vote_with(data.vote_id), field="vote_id")
    decisions = decisions_of(session, contract_id)
    if str(contract.status) == ContractStatus.terminated or (
            decisions and decisions[-1].terminates):
        # Nothing follows a termination: a renewal recorded after it would bring the contract
        # back to life. A new agreement with the vendor is a contract of its own.
        raise Invalid(gettext("This contract was terminated: nothing more can be recorded of "
                              "its terms. Add a new contract for a new agreement."))
    if decisions and data.decided_on < decisions[-1].decided_on:
        raise Invalid(gettext("A later decision is already recorded, on {day}: record what was "
                              "decided in the order it happened.").format(
                                  day=format_when(decisions[-1].decided_on)),
                      field="decided_on")
    # The term the decision ended is the one in force on the day it was decided, not today's:
    # a renewal recorded months late renews the term it was about.
    found = course(Terms.of(contract, decisions), data.decided_on)
    ended = found.term_ends
    new_end = None
    if data.outcome == Outcome.terminated:
        if data.new_term_ends is not None:
            raise Invalid(N_("A terminated contract has no new term: leave its end empty."),
                          field="new_term_ends")
        contract.status = ContractStatus.terminated
    else:
        new_end = data.new_term_ends
        if new_end is None:
            if ended is None:
                raise Invalid(gettext("Give the end of the new term: the contract has no end "
                                      "date to count it from."), field="new_term_ends")
            if not contract.renewal_term_months:
                raise Invalid(gettext("Give the end of the new term: the contract has no "
                                      "renewal term to count it from (how many months each "
                                      "term runs)."), field="new_term_ends")
            # The next end of the terms as they run by themselves, so a renewal a short month
            # ended does not shorten the terms after it.
            new_end = next(found.later(), None) or term_after(ended,
                                                              contract.renewal_term_months)
        if ended is not None and new_end <= ended:
            raise Invalid(N_("The new term must end after the one it follows, which ends on "
                             "{ended}."), ended=ended, field="new_term_ends")
        contract.status = ContractStatus.active
    # The first term's end stays: the terms since, automatic or decided, follow from it and
    # from the decisions, so their history is kept.
    bring_up_to_date(contract, today, (*decisions, Decision(data.decided_on, new_end)))
    contract.updated_at = clock.now()
    session.add(contract)
    outcome = ContractOutcome(contract_id=contract_id, outcome=data.outcome,
                              decided_on=data.decided_on, term_ended=ended,
                              new_term_ends=new_end, vote_id=data.vote_id,
                              recorded_by_id=getattr(actor, "id", None), note=data.note)
    session.add(outcome)
    session.flush()
    campaigns.follow_contracts(session, [contract_id])
    return outcome


def outcomes(session: Session, actor: User, contract_id: int) -> list[ContractOutcomeRead]:
    """What was recorded of the contract's terms, newest first; read with the contract, each
    naming its vote only to whoever may read the vote."""
    crud.get(session, actor, contract_id)
    columns = [getattr(ContractOutcome, c.name)
               for c in table_of(ContractOutcome).columns]
    rows = [row._asdict() for row in session.execute(
        sa.select(*columns).where(ContractOutcome.contract_id == contract_id)
        .order_by(ContractOutcome.decided_on.desc(),
                  ContractOutcome.id.desc()))]
    references.hide_unreadable(session, ContractOutcome, rows)
    return [ContractOutcomeRead.model_validate(row) for row in rows]
