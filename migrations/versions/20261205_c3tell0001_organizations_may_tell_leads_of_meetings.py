"""organizations may tell the coalition's leads that they met a decision-maker, and when, without
what was said: a choice each organization makes, off until it does

Revision ID: c3tell0001
Revises: c2send0001
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c3tell0001'
down_revision: str | None = 'c2send0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: SQLite would rebuild the table for a default that is an expression, and
    # a rebuild drops the table's triggers (its change count and its search index).
    op.add_column('organization', sa.Column('tell_leads_meetings', sa.Boolean(), nullable=False,
                                            server_default=sa.false()))


def downgrade() -> None:
    # SQLite drops a column in place (3.35 and later), keeping the table's triggers.
    op.drop_column('organization', 'tell_leads_meetings')
