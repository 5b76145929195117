"""A contract's terms as they unfold: the term in force once automatic renewals have happened,
the next day notice can stop a renewal, and what a lead records when a term ends (renewed,
renegotiated, terminated).

Dates are the contract's own: "today" is today where its agency is."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from api import clock
from api.agencies.models import Agency
from api.auth import permissions, references
from api.auth.models import User
from api.auth.scoping import as_system
from api.contracts.models import (
    Contract,
    ContractOutcome,
    ContractOutcomeCreate,
    ContractStatus,
    Outcome,
)
from api.db import table_of
from api.errors import NO_SUCH, Invalid, Term
from api.fields import FieldError
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction
from api.votes.models import Vote

# A contract in one of these states can still renew.
OPEN = (ContractStatus.proposed, ContractStatus.active, ContractStatus.renewal_pending)
# How far an automatic renewal is followed forward: far past any contract's life, and a bound
# on the work a typing slip (an end date in 1926) can make.
MAX_TERMS = 200


@dataclass(frozen=True)
class Terms:
    """What decides a contract's dates."""

    end_date: date | None
    auto_renews: bool
    renewal_term_months: int | None
    termination_notice_days: int | None
    status: str

    @classmethod
    def of(cls, values: Any) -> "Terms":
        get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
        return cls(get("end_date"), bool(get("auto_renews")), get("renewal_term_months"),
                   get("termination_notice_days"), str(get("status") or ContractStatus.active))

    @property
    def renews(self) -> bool:
        return (self.auto_renews and bool(self.renewal_term_months)
                and self.status in {s.value for s in OPEN})


def term_after(end: date, months: int) -> date:
    """The end of the term that follows one ending on `end`: a month from January 31 ends on
    the last day of February."""
    return end + relativedelta(months=months)


def automatic_renewals(terms: Terms, today: date) -> Iterator[tuple[date, date]]:
    """Each automatic renewal that has happened by today, as (the day it began, the end of
    the term it began), oldest first."""
    if terms.end_date is None or not terms.renews:
        return
    end = terms.end_date
    for _ in range(MAX_TERMS):
        if end >= today:
            return
        following = term_after(end, terms.renewal_term_months)  # type: ignore[arg-type]
        yield end, following
        end = following


def term_ends(terms: Terms, today: date) -> date | None:
    """The end of the term in force today."""
    end = terms.end_date
    for _, end in automatic_renewals(terms, today):  # noqa: B007
        pass
    return end


def notice_deadline(terms: Terms, today: date) -> date | None:
    """The next day notice can be given so the contract does not renew: the term in force's,
    or, once that day has gone for a contract that renews by itself, the next term's."""
    end = term_ends(terms, today)
    days = terms.termination_notice_days
    if end is None or days is None:
        return None
    try:
        deadline = end - timedelta(days=days)
        if terms.renews and deadline < today:
            deadline = term_after(end, terms.renewal_term_months) - timedelta(days=days)  # type: ignore[arg-type]
    except OverflowError as exc:
        raise FieldError("end_date", "The end date is too early to count the notice period "
                                     "back from.") from exc
    return deadline


def derived(terms: Terms, today: date) -> dict[str, date | None]:
    return {"term_ends": term_ends(terms, today), "notice_deadline": notice_deadline(terms, today)}


def bring_up_to_date(contract: Contract, today: date) -> bool:
    """Sets the contract's derived dates as of today; whether they moved."""
    found = derived(Terms.of(contract), today)
    if all(getattr(contract, name) == value for name, value in found.items()):
        return False
    for name, value in found.items():
        setattr(contract, name, value)
    contract.updated_at = clock.now()
    return True


def local_today(session: Session, agency_id: int | None) -> date:
    """Today where the agency is (the coalition's today when it has no place). Read whoever
    asks: a contract's dates follow its agency's clock even for a writer who may not read the
    agency (a lead updating a partner's shared contract)."""
    with as_system(session):
        zone = session.exec(select(Jurisdiction.timezone)
                            .join(Agency, Agency.jurisdiction_id == Jurisdiction.id)
                            .where(Agency.id == agency_id)).first() if agency_id else None
    return clock.today(zone)


def keep_up_to_date(session: Session) -> int:
    """Rolls every contract that renews by itself past the terms that have ended, and moves
    its notice deadline on: run each day by the scheduler. The write marks the contract's
    alerts to be planned again. Answers how many contracts moved."""
    moved = 0
    with as_system(session):
        rows = session.exec(
            select(Contract, Jurisdiction.timezone)
            .join(Agency, Agency.id == Contract.agency_id)
            .outerjoin(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
            .where(Contract.auto_renews, Contract.status.in_([s.value for s in OPEN]))
        ).all()
        for contract, zone in rows:
            if bring_up_to_date(contract, clock.today(zone)):
                session.add(contract)
                moved += 1
        session.flush()
    return moved


def record_outcome(session: Session, actor: User, *, contract_id: int,
                   data: ContractOutcomeCreate) -> ContractOutcome:
    """A renewal, renegotiation or termination decided as a term ended, by someone who may
    change the contract: a renewal starts a new term (one renewal term on when no end is
    given), a termination ends the contract's alerts."""
    from api.contracts.service import crud  # noqa: PLC0415  (the service derives with this module)

    contract = crud.get(session, actor, contract_id)
    permissions.require_write(actor, contract)
    today = local_today(session, contract.agency_id)
    if data.decided_on > today:
        raise Invalid(N_("The day it was decided is still to come; record it once it is decided."),
                      field="decided_on")
    if data.vote_id is not None:
        vote = session.get(Vote, data.vote_id)
        if vote is None or not permissions.can_read(actor, vote):
            raise Invalid(NO_SUCH, noun=Term(N_("vote")), id=data.vote_id, field="vote_id")
    ended = contract.term_ends or contract.end_date
    new_end = None
    if data.outcome == Outcome.terminated:
        if data.new_term_ends is not None:
            raise Invalid(N_("A terminated contract has no new term: leave its end empty."),
                          field="new_term_ends")
        contract.status = ContractStatus.terminated
    else:
        new_end = data.new_term_ends
        if new_end is None:
            if ended is None or not contract.renewal_term_months:
                raise Invalid(N_("Give the end of the new term: the contract has no end date or "
                              "renewal term to count it from."), field="new_term_ends")
            new_end = term_after(ended, contract.renewal_term_months)
        if ended is not None and new_end <= ended:
            raise Invalid(N_("The new term must end after the one it follows, which ends on "
                             "{ended}."), ended=ended, field="new_term_ends")
        contract.end_date = new_end
        contract.status = ContractStatus.active
    bring_up_to_date(contract, today)
    contract.updated_at = clock.now()
    session.add(contract)
    outcome = ContractOutcome(contract_id=contract_id, outcome=data.outcome,
                              decided_on=data.decided_on, term_ended=ended,
                              new_term_ends=new_end, vote_id=data.vote_id,
                              recorded_by_id=getattr(actor, "id", None), note=data.note)
    session.add(outcome)
    session.flush()
    return outcome


def outcomes(session: Session, actor: User, contract_id: int) -> list[dict[str, Any]]:
    """What was recorded of the contract's terms, newest first; read with the contract, each
    naming its vote only to whoever may read the vote."""
    from api.contracts.service import crud  # noqa: PLC0415  (the service derives with this module)

    crud.get(session, actor, contract_id)
    columns = [getattr(ContractOutcome, c.name)
               for c in table_of(ContractOutcome).columns]
    rows = [row._asdict() for row in session.execute(
        sa.select(*columns).where(ContractOutcome.contract_id == contract_id)
        .order_by(ContractOutcome.decided_on.desc(),
                  ContractOutcome.id.desc()))]
    references.hide_unreadable(session, ContractOutcome, rows)
    return rows
