"""each webhook endpoint reads records shared at a tier chosen for it: the whole coalition
unless set otherwise, which is what every endpoint read before

Revision ID: c5hook0001
Revises: c4meet0001
Create Date: 2026-12-05 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c5hook0001'
down_revision: str | None = 'c4meet0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch rebuilds the table, which drops its triggers.
    op.add_column('webhook_endpoint', sa.Column('reads', sa.String(length=40), nullable=False,
                                                server_default='coalition'))


def downgrade() -> None:
    op.drop_column('webhook_endpoint', 'reads')
