"""a meeting shared more or less widely, or moved to another organization, has the alerts
about its targets planned again: the undecided-target escalation is told as each reader knows
the target's meetings

Revision ID: c8watch001
Revises: c7stance001
Create Date: 2026-12-05 21:40:00
"""

from collections.abc import Sequence
from dataclasses import replace

from alembic import op

from api.alerts import replan

revision: str = 'c8watch001'
down_revision: str | None = 'c7stance001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The watch as it stood before: only the time a meeting was held counted.
BEFORE = replace(replan.MEETING_WATCH, columns=("held_at",))


def _swap(old: replan.Watch, new: replan.Watch) -> None:
    dialect = op.get_bind().dialect.name
    for statement in replan.drop_triggers(dialect, [old]) + replan.triggers(dialect, [new]):
        op.execute(statement)


def upgrade() -> None:
    _swap(BEFORE, replan.MEETING_WATCH)


def downgrade() -> None:
    _swap(replan.MEETING_WATCH, BEFORE)
