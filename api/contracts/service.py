"""Reads and writes of contracts, and the termination-notice deadline rule."""

from datetime import date, timedelta
from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session

from api import clock
from api.agencies.models import Agency
from api.auth.models import User
from api.auth.scoping import built_once, read
from api.campaigns import service as campaigns
from api.contracts import terms
from api.contracts.models import (
    CONTRACTS,
    Contract,
    ContractDeadline,
    ContractRead,
)
from api.crud import Crud
from api.errors import Invalid, LongDay
from api.fields import FieldError, stored_id
from api.i18n.catalogs import N_
from api.jurisdictions.models import Jurisdiction
from api.vendors.models import Vendor

PAST_NOTICE = N_("With these terms the last day to give notice, {day}, has already passed, "
                 "and no later term moves it forward. If that is so, confirm to save it; "
                 "otherwise correct the end date or the days of notice.")


def _derive_dates(session: Session, actor: User, values: dict[str, Any],
                  existing: Contract | None) -> dict[str, Any]:
    """The term in force and the next notice deadline, from the whole record as it will be and
    what was decided as its terms ended; a deadline already past that these terms bring is
    refused unless confirmed."""
    confirmed = bool(values.pop("confirm_past_deadline", False))
    today = terms.local_today(session, values.get("agency_id"))
    decided = terms.decisions_of(session, existing.id if existing is not None else None)
    terms.check_edit(existing, values, decided)
    try:
        values.update(terms.derived(terms.Terms.of(values, decided), today))
    except FieldError as exc:
        raise Invalid(str(exc), field=exc.field) from exc
    passed = _passed_deadline(values, existing, today)
    if passed is not None and not confirmed:
        raise Invalid(PAST_NOTICE, day=LongDay.of(passed), field="end_date")
    return values


def _passed_deadline(values: dict[str, Any], existing: Contract | None,
                     today: date) -> date | None:
    """The notice deadline of an open contract when it has passed and this write brings it (a
    new contract, or terms changed so); one that had passed before the change is not asked
    about again for another field's sake."""
    deadline = values.get("notice_deadline")
    if deadline is None or deadline >= today or \
            str(values.get("status")) not in {s.value for s in terms.OPEN}:
        return None
    if existing is not None and existing.notice_deadline == deadline:
        return None
    return cast(date, deadline)


def passed_deadline(session: Session, values: dict[str, Any],
                    existing: Contract | None) -> date | None:
    """For a form that asks first: the notice deadline these terms would bring when it has
    already passed, else None (and None where the terms have a problem of their own, which
    the save tells)."""
    today = terms.local_today(session, values.get("agency_id"))
    decided = terms.decisions_of(session, existing.id if existing is not None else None)
    try:
        derived = terms.derived(terms.Terms.of(values, decided), today)
    except (FieldError, ValueError, TypeError):
        return None
    return _passed_deadline({**values, **derived}, existing, today)


def _campaigns_follow(session: Session, actor: User, contract: Contract,
                      values: dict[str, Any]) -> None:
    campaigns.follow_contracts(session, [stored_id(contract)])


crud: Crud[Contract, ContractRead] = Crud(**CONTRACTS.crud_options(), prepare=_derive_dates,
                                          after_save=_campaigns_follow)


FROM = sa.bindparam("from", type_=sa.Date())
UNTIL = sa.bindparam("until", type_=sa.Date())


@cache
def _upcoming_deadlines(limit: int) -> sa.Select[Any]:
    # Made once: building the statement cost more than running it.
    open_statuses = ["proposed", "active", "renewal_pending"]
    # Marked built once as well: kept, but with the reader's criteria added afresh on each
    # run, SQLAlchemy walked them all again, which cost the dashboard a fifth of its time.
    return built_once(
        sa.select(Contract.id, Contract.title, Contract.notice_deadline,
                  Contract.term_ends.label("end_date"),
                  Contract.auto_renews, Contract.annual_cost, Agency.name.label("agency_name"),
                  Vendor.name.label("vendor_name"), Jurisdiction.timezone)
        # Outer: a shared contract whose agency the reader may not read keeps its deadline.
        .outerjoin(Agency, Agency.id == Contract.agency_id)
        .outerjoin(Jurisdiction, Jurisdiction.id == Agency.jurisdiction_id)
        .outerjoin(Vendor, Vendor.id == Contract.vendor_id)
        .where(Contract.status.in_(open_statuses))
        .where(sa.or_(Contract.notice_deadline.between(FROM, UNTIL),
                      Contract.term_ends.between(FROM, UNTIL)))
        .order_by(sa.func.coalesce(Contract.notice_deadline, Contract.term_ends)).limit(limit)
    )


def upcoming_deadlines(session: Session, actor: User, *, days: int = 120,
                       limit: int = 20) -> list[ContractDeadline]:
    """Contracts whose termination-notice deadline or end date falls in the next days, each
    counted from today where its agency is (the coalition's clock when it has no place)."""
    today = clock.today()
    # A day either side: the agency's today can be a day off the coalition's.
    values = {FROM.key: today - timedelta(days=1), UNTIL.key: today + timedelta(days=days + 1)}
    found = []
    for row in read(session, _upcoming_deadlines(limit), values):
        local_today = clock.today(row.timezone)
        dates = [d for d in (row.notice_deadline, row.end_date) if d is not None]
        if any(local_today <= d <= local_today + timedelta(days=days) for d in dates):
            found.append(ContractDeadline(**row._asdict()))
    return found
