"""A contract's terms as they unfold: the term in force once automatic renewals have happened,
the next day notice can stop a renewal, and what a lead records when a term ends (renewed,
renegotiated, terminated).

Dates are the contract's own: "today" is today where its agency is."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
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
from api.campaigns import service as campaigns
from api.contracts.models import (
    Contract,
    ContractOutcome,
    ContractOutcomeCreate,
    ContractOutcomeRead,
    ContractStatus,
    Outcome,
    no_vote_with,
)
from api.db import table_of
from api.errors import Invalid
from api.fields import FieldError, stored_id
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import format_when
from api.jurisdictions.models import Jurisdiction
from api.votes.models import Vote

# A contract in one of these states can still renew.
OPEN = (ContractStatus.proposed, ContractStatus.active, ContractStatus.renewal_pending)
# How far an automatic renewal is followed forward: every monthly term between the earliest
# and the latest year a contract may name (api.date_windows.CONTRACT_DATES), and a bound on
# the work a record stored before those bounds can make.
MAX_TERMS = 1_500


@dataclass(frozen=True)
class Decision:
    """What a lead recorded as a term ended, as far as the terms are concerned: from its day,
    the term in force is the new one, or, after a termination, none follows."""

    decided_on: date
    new_term_ends: date | None

    @property
    def terminates(self) -> bool:
        return self.new_term_ends is None


@dataclass(frozen=True)
class Terms:
    """What decides a contract's dates: its first term's end, its renewal terms, and what was
    decided as terms ended, oldest first."""

    end_date: date | None
    auto_renews: bool
    renewal_term_months: int | None
    termination_notice_days: int | None
    status: str
    decisions: tuple[Decision, ...] = ()

    @classmethod
    def of(cls, values: Any, decisions: Iterable[Decision] = ()) -> "Terms":
        get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
        return cls(get("end_date"), bool(get("auto_renews")), get("renewal_term_months"),
                   get("termination_notice_days"), str(get("status") or ContractStatus.active),
                   tuple(decisions))

    @property
    def rolls(self) -> bool:
        """Whether a term that ends without a decision is followed by another by itself."""
        return self.auto_renews and bool(self.renewal_term_months)

    @property
    def open(self) -> bool:
        """Still in force: neither terminated nor otherwise closed, so notice can be given."""
        return (self.status in {s.value for s in OPEN}
                and not (self.decisions and self.decisions[-1].terminates))

    @property
    def renews(self) -> bool:
        return self.rolls and self.open


@dataclass(frozen=True)
class Course:
    """How a contract's terms ran up to a day: the term in force that day, the renewals that
    happened by themselves on the way, oldest first, and whether that term renews by itself;
    `later` gives the ends of the terms that would follow it, one renewal term apart."""

    term_ends: date | None
    automatic: tuple[tuple[date, date], ...]
    renews: bool
    series: "Series | None" = None

    def later(self) -> Iterator[date]:
        """The ends of the terms after the one in force, as they would renew by themselves."""
        if self.series is not None:
            yield from self.series.after(self.term_ends)


@dataclass(frozen=True)
class Series:
    """Terms that follow one another by themselves: each ends a whole number of renewal terms
    after the first, counted from that first end (January 31 monthly: February 28, March 31,
    April 30...), so a short month does not shorten every term after it. A first term that
    ends on a month's last day (June 30) is followed by terms that do too (December 31)."""

    first: date
    months: int

    def end(self, count: int) -> date | None:
        """The end of the term `count` renewals after the first; None past the calendar (only
        a record stored before its terms were bounded gets there, near year 10000)."""
        try:
            found = self.first + relativedelta(months=count * self.months)
            if (self.first + timedelta(days=1)).day == 1:
                found += relativedelta(day=31)
            return found
        except (OverflowError, ValueError):
            return None

    def after(self, end: date | None) -> Iterator[date]:
        """The ends after `end` (one of this series' ends), at most MAX_TERMS of them."""
        if end is None:
            return
        count = self.count_of(end)
        for step in range(1, MAX_TERMS + 1):
            following = self.end(count + step)
            if following is None:
                return
            yield following

    def count_of(self, end: date) -> int:
        """How many renewals after the first end `end` is (the nearest, should it not be one)."""
        months = (end.year - self.first.year) * 12 + end.month - self.first.month
        return max(0, months // self.months)


def term_after(end: date, months: int) -> date:
    """The end of the term that follows one ending on `end`: a month from January 31 ends on
    the last day of February."""
    return end + relativedelta(months=months)


def _rolled(series: Series | None, end: date | None, day: date,
            renewals: list[tuple[date, date]]) -> date | None:
    """The end of the term in force on `day` when each term from the one ending on `end` is
    followed by another of the series; adds each renewal on the way to `renewals`."""
    if end is None or series is None:
        return end
    if end >= day:
        return end
    for following in series.after(end):
        renewals.append((end, following))
        end = following
        if end >= day:
            break
    return end


def course(terms: Terms, day: date) -> Course:
    """The terms as they ran up to `day`: the first term rolled forward by itself until the
    first decision, the term that decision began rolled forward until the next, and so on.
    A term ends on its last day, so the term in force on the day a term ends is that one."""
    months = terms.renewal_term_months
    end = terms.end_date
    series = Series(end, months) if end is not None and months else None
    renewals: list[tuple[date, date]] = []
    # Before a decision the contract was open whatever its status is now: a terminated
    # contract renewed by itself until it was terminated.
    rolling = terms.rolls
    for decision in terms.decisions:
        if decision.decided_on > day:
            break
        end = _rolled(series if rolling else None, end, decision.decided_on, renewals)
        if decision.new_term_ends is not None:
            # The decided term starts a series of its own, counted from its end.
            end = decision.new_term_ends
            series = Series(end, months) if months else None
        rolling = terms.rolls and not decision.terminates
    rolling = rolling and terms.status in {s.value for s in OPEN}
    end = _rolled(series if rolling else None, end, day, renewals)
    return Course(end, tuple(renewals), rolling, series if rolling else None)


def automatic_renewals(terms: Terms, today: date) -> Iterator[tuple[date, date]]:
    """Each automatic renewal that has happened by today, as (the day it began, the end of
    the term it began), oldest first: those before a decision as well as those after."""
    yield from course(terms, today).automatic


def term_ends(terms: Terms, today: date) -> date | None:
    """The end of the term in force today (the last term, once terminated)."""
    return course(terms, today).term_ends


def notice_deadline(terms: Terms, today: date) -> date | None:
    """The next day notice can be given so the contract does not renew: the term in force's,
    or, once that day has gone for a contract that renews by itself, the next term's. None
    for a contract that is terminated or otherwise no longer in force: there is nothing left
    to give notice of."""
    return _deadline(terms, course(terms, today), today)


def _deadline(terms: Terms, found: Course, today: date) -> date | None:
    days = terms.termination_notice_days
    if found.term_ends is None or days is None or not terms.open:
        return None
    notice = timedelta(days=days)
    try:
        deadline = found.term_ends - notice
        if found.renews and deadline < today:
            # The first term end still far enough ahead to give notice before it: with a
            # notice period longer than a term, that can be several terms on.
            for end in found.later():
                deadline = end - notice
                if deadline >= today:
                    break
    except (OverflowError, ValueError) as exc:
        raise FieldError("end_date", gettext("The end date is too early to count the notice "
                                             "period back from.")) from exc
    return deadline


def derived(terms: Terms, today: date) -> dict[str, date | None]:
    found = course(terms, today)
    return {"term_ends": found.term_ends, "notice_deadline": _deadline(terms, found, today)}


def decisions_of(session: Session, contract_id: int | None) -> tuple[Decision, ...]:
    """What was decided as the contract's terms ended, oldest first. Read whoever asks: the
    contract's dates follow every decision, even one recorded by someone the reader may not
    know of."""
    if contract_id is None:
        return ()
    with as_system(session):
        rows = session.execute(
            sa.select(ContractOutcome.decided_on, ContractOutcome.new_term_ends,
                      ContractOutcome.outcome)
            .where(ContractOutcome.contract_id == contract_id)
            .order_by(ContractOutcome.decided_on, ContractOutcome.id)).all()
    return tuple(_decision(row) for row in rows)


def _decision(row: Any) -> Decision:
    ends = None if str(row.outcome) == Outcome.terminated else row.new_term_ends
    return Decision(row.decided_on, ends)


# What the recorded outcomes were counted from: changed afterwards, the outcomes would tell of
# terms the contract no longer has.
COUNTED_FROM = ("end_date", "renewal_term_months", "auto_renews")


def check_edit(existing: Any, values: dict[str, Any], decisions: tuple[Decision, ...]) -> None:
    """Refuses an edit that would make the contract disagree with what was decided as its
    terms ended: the terms those decisions were counted from, or a terminated contract's
    status."""
    if not decisions:
        return
    for name in COUNTED_FROM:
        if name in values and values[name] != getattr(existing, name):
            raise Invalid(gettext("What was decided as its terms ended is counted from this, "
                                  "so it can no longer change: record a renewal or a "
                                  "renegotiation with the new term's end instead."), field=name)
    if (decisions[-1].terminates and str(existing.status) == ContractStatus.terminated
            and str(values.get("status")) != ContractStatus.terminated):
        raise Invalid(gettext("This contract was terminated, as recorded of its terms, so its "
                              "status stays terminated. Add a new contract for a new "
                              "agreement."), field="status")


def bring_up_to_date(contract: Contract, today: date,
                     decisions: Iterable[Decision] = ()) -> bool:
    """Sets the contract's derived dates as of today, given what was decided as its terms
    ended; whether they moved."""
    found = derived(Terms.of(contract, decisions), today)
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
    moved: list[int] = []
    renewing = sa.and_(Contract.auto_renews, Contract.status.in_([s.value for s in OPEN]))
    with as_system(session):
        rows = session.exec(
            select(Contract, Jurisdiction.timezone)
            .join(Agency, Agency.id == Contract.agency_id)
            .outerjoin(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
            .where(renewing)
        ).all()
        decided: dict[int, list[Decision]] = defaultdict(list)
        for row in session.execute(
                sa.select(ContractOutcome.contract_id, ContractOutcome.decided_on,
                          ContractOutcome.new_term_ends, ContractOutcome.outcome)
                .join(Contract, Contract.id == ContractOutcome.contract_id).where(renewing)
                .order_by(ContractOutcome.decided_on, ContractOutcome.id)):
            decided[row.contract_id].append(_decision(row))
        for contract, zone in rows:
            if bring_up_to_date(contract, clock.today(zone), decided.get(stored_id(contract), ())):
                session.add(contract)
                moved.append(stored_id(contract))
        session.flush()
        campaigns.follow_contracts(session, moved)
    return len(moved)


def record_outcome(session: Session, actor: User, *, contract_id: int,
                   data: ContractOutcomeCreate) -> ContractOutcome:
    """A renewal, renegotiation or termination decided as a term ended, by someone who may
    change the contract: a renewal starts a new term (one renewal term on when no end is
    given), a termination ends the contract's alerts."""
    from api.contracts.service import crud  # noqa: PLC0415  (the service derives with this module)

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
    from api.contracts.service import crud  # noqa: PLC0415  (the service derives with this module)

    crud.get(session, actor, contract_id)
    columns = [getattr(ContractOutcome, c.name)
               for c in table_of(ContractOutcome).columns]
    rows = [row._asdict() for row in session.execute(
        sa.select(*columns).where(ContractOutcome.contract_id == contract_id)
        .order_by(ContractOutcome.decided_on.desc(),
                  ContractOutcome.id.desc()))]
    references.hide_unreadable(session, ContractOutcome, rows)
    return [ContractOutcomeRead.model_validate(row) for row in rows]
