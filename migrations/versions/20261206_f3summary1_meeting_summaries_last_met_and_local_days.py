"""meeting summaries: each target's latest meeting per owner and visibility, kept by triggers;
each meeting's local day and the zone it was reckoned in

Revision ID: f3summary1
Revises: f2atlas001
Create Date: 2026-12-06 06:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.meetings import latest

revision: str = 'f3summary1'
down_revision: str | None = 'f2atlas001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # Added in place (no batch copy): a copied table would lose its triggers.
    op.add_column('meeting', sa.Column('local_day', sa.Date(), nullable=True))
    op.add_column('meeting', sa.Column('local_zone', sa.String(length=64), nullable=True))
    op.create_index('ix_meeting_local_day', 'meeting',
                    ['local_day', 'held_at', 'visibility', 'organization_id'], unique=False)
    op.create_index('ix_organization_tell_leads_meetings', 'organization',
                    ['tell_leads_meetings'], unique=False)
    for statement in [*latest.create_table(), *latest.triggers(dialect), *latest.rebuild()]:
        op.execute(statement)
    # The days of the meetings already kept, in the zones the app reckons them in now.
    from api.meetings import local_days  # noqa: PLC0415

    local_days.follow_zones(op.get_bind())


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in [*latest.drop_triggers(dialect), *latest.drop_table()]:
        op.execute(statement)
    op.drop_index('ix_meeting_local_day', table_name='meeting')
    op.drop_index('ix_organization_tell_leads_meetings', table_name='organization')
    # In place, as added: a copied table would lose its triggers.
    op.drop_column('meeting', 'local_zone')
    op.drop_column('meeting', 'local_day')
