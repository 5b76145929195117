"""alert planning by the scheduler, from the subjects that changed: the alert_replan table of
marks, and the triggers that write a mark in the transaction of every change able to alter
alerts (subjects, decision-makers, stances, meetings, campaigns and their leads, follows, rules,
webhook endpoints, preferences and accounts), so the planner re-plans only what changed

Revision ID: c1plan0001
Revises: c0share0002
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.alerts import replan

revision: str = 'c1plan0001'
down_revision: str | None = 'c0share0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_replan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_replan'))
    )
    dialect = op.get_bind().dialect.name
    # Everything is planned once after the upgrade, as a process starting afresh did before.
    op.execute("INSERT INTO alert_replan (scope, scope_id) VALUES ('everything', 0)")
    # Watches of tables made later are added by the revisions that make them.
    for statement in replan.triggers(dialect, _present()):
        op.execute(statement)


def _present() -> list[replan.Watch]:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    return [w for w in replan.WATCHES if w.table in tables]


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in replan.drop_triggers(dialect, _present()):
        op.execute(statement)
    op.drop_table('alert_replan')
