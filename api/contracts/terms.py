"""A contract's terms as they unfold: the term in force once automatic renewals have happened,
and the next day notice can stop a renewal (what a lead records when a term ends is in
api.contracts.outcomes).

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
from api.auth.scoping import as_system
from api.campaigns import service as campaigns
from api.contracts.models import (
    Contract,
    ContractOutcome,
    ContractStatus,
    Outcome,
)
from api.errors import Invalid
from api.fields import FieldError, stored_id
from api.i18n.catalogs import gettext
from api.jurisdictions.models import Jurisdiction

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
