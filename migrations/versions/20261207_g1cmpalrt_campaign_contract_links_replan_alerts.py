"""a contract linked to a campaign or unlinked from it marks the contract's alerts to be planned
again: the campaign's leads are told of the contracts it names

Revision ID: g1cmpalrt
Revises: f7taskdue1
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

from alembic import op

from api.alerts import replan

revision: str = 'g1cmpalrt'
down_revision: str | None = 'f7taskdue1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHES = [w for w in replan.WATCHES if w.table == 'campaign_contract']


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in replan.triggers(dialect, WATCHES):
        op.execute(statement)
    # Campaigns were told of every contract of their place: planned once more, they hear of
    # the contracts they name.
    op.execute("INSERT INTO alert_replan (scope, scope_id) VALUES ('everything', 0)")


def downgrade() -> None:
    for statement in replan.drop_triggers(op.get_bind().dialect.name, WATCHES):
        op.execute(statement)
