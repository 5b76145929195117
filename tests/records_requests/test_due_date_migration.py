"""The migration that counts stored due dates again: a calendar-day deadline stored on a holiday
moves to the next business day; overrides, drafts and business-day laws stay as they are."""

from datetime import date, timedelta
from pathlib import Path

import holidays
import sqlalchemy as sa
from sqlmodel import Session

from api import clock, migrations
from api.accounts.service import system_user
from api.db import get_engine
from tests.databases import app_bound_to, fresh_database
from tests.factories import at_noon, make_agency, make_records_request

MLK_DAY = holidays.country_holidays("US", years=2026).get_named("Martin Luther King Jr. Day")[0]


def _due(request_id: int) -> date | None:
    with get_engine().connect() as conn:
        stmt = (sa.text("SELECT due_on FROM records_request WHERE id = :id")
                .bindparams(sa.bindparam("id", request_id)).columns(due_on=sa.Date))
        return conn.execute(stmt).scalar_one()  # type: ignore[no-any-return]


def _store_due(request_id: int, day: date) -> None:
    with get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE records_request SET due_on = :day WHERE id = :id")
                     .bindparams(sa.bindparam("day", day, sa.Date),
                                 sa.bindparam("id", request_id)))


def test_stored_due_dates_are_counted_again(tmp_path: Path) -> None:
    sent = MLK_DAY - timedelta(days=10)
    with fresh_database(tmp_path) as url, app_bound_to(url):
        migrations.upgrade(url)
        at_noon(MLK_DAY - timedelta(days=2))
        try:
            with Session(get_engine(), expire_on_commit=False) as session:
                actor = system_user(session)
                california = make_agency(session, actor, with_place=True, state_code="CA")
                colorado = make_agency(session, actor, with_place=True, state_code="CO")
                moved = make_records_request(session, actor, agency_id=california.id, status="sent",
                                             sent_on=sent)
                kept = make_records_request(session, actor, agency_id=california.id, status="sent",
                                            sent_on=sent, due_on_override=MLK_DAY)
                business = make_records_request(session, actor, agency_id=colorado.id,
                                                status="sent", sent_on=sent)
                session.commit()
            assert _due(moved.id) == MLK_DAY + timedelta(days=1)
            # As the old rule stored it: on the holiday itself.
            _store_due(moved.id, MLK_DAY)
            business_due = _due(business.id)

            migrations.downgrade(url, "b6perf0001")
            migrations.upgrade(url)
        finally:
            clock.set_clock(None)

        assert _due(moved.id) == MLK_DAY + timedelta(days=1)
        assert _due(kept.id) == MLK_DAY
        assert _due(business.id) == business_due
