"""calendar-day deadlines move off weekends and holidays: stored due dates counted again

A records request's due date is stored so lists can sort on it. A deadline in calendar days
that ended on a Saturday, Sunday or legal holiday now moves to the next business day, so the
stored dates of requests whose law counts calendar days are counted again under that rule.

Revision ID: b7records0002
Revises: b6perf0001
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.records_requests import deadlines, laws

revision: str = 'b7records0002'
down_revision: str | None = 'b6perf0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 500


def _calendar_day_states() -> list[str]:
    return sorted(code for code, law in laws.all_laws().items()
                  if laws.DayType.calendar in (law.day_type, law.extension_day_type))


def upgrade() -> None:
    bind = op.get_bind()
    states = _calendar_day_states()
    if not states:
        return
    # Typed columns, so SQLite hands dates back as dates.
    requests = sa.table("records_request", sa.column("id", sa.Integer),
                        sa.column("state_code", sa.String), sa.column("sent_on", sa.Date),
                        sa.column("status", sa.String), sa.column("due_on", sa.Date),
                        sa.column("due_on_override", sa.Date))
    changes = sa.table("records_request_status_change", sa.column("id", sa.Integer),
                       sa.column("records_request_id", sa.Integer),
                       sa.column("effective_on", sa.Date), sa.column("to_status", sa.String),
                       sa.column("extension_days", sa.Integer))
    rows = bind.execute(sa.select(requests.c.id, requests.c.state_code, requests.c.sent_on,
                                  requests.c.due_on)
                        .where(requests.c.state_code.in_(states),
                               requests.c.sent_on.is_not(None),
                               requests.c.due_on_override.is_(None),
                               requests.c.status != "draft")
                        .order_by(requests.c.id)).all()
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        history: dict[int, list[deadlines.StatusChange]] = {row.id: [] for row in batch}
        for change in bind.execute(sa.select(changes.c.records_request_id,
                                             changes.c.effective_on, changes.c.to_status,
                                             changes.c.extension_days)
                                   .where(changes.c.records_request_id.in_(list(history)))
                                   .order_by(changes.c.id)):
            history[change.records_request_id].append(deadlines.StatusChange(
                change.effective_on, str(change.to_status), change.extension_days))
        for row in batch:
            steps = history[row.id]
            try:
                due = deadlines.due_date(
                    laws.law_for(row.state_code), sent_on=row.sent_on,
                    pauses=deadlines.pauses_from(steps),
                    extension_days=deadlines.extension_total(steps))
            except ValueError:
                continue  # a history the clock cannot read keeps the date it has
            if due != row.due_on:
                bind.execute(requests.update().where(requests.c.id == row.id)
                             .values(due_on=due))


def downgrade() -> None:
    # The dates counted the old way are not kept; the new ones are as good a starting point.
    pass
