"""our position on each vote (for, against, amend, watch): a count says whether a yes is a win

Revision ID: e2position1
Revises: e1agenda001
Create Date: 2026-12-06 05:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e2position1'
down_revision: str | None = 'e1agenda001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite rebuilds no table, so its triggers stay.
    op.add_column('vote', sa.Column('our_position', sa.String(length=40), nullable=False,
                                    server_default='watch'))


def downgrade() -> None:
    op.drop_column('vote', 'our_position')
