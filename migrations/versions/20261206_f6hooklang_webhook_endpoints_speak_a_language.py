"""each webhook endpoint's messages are written in a language chosen for it: English unless
set otherwise, which is what every endpoint was sent before

Revision ID: f6hooklang
Revises: f6cmpctr1
Create Date: 2026-12-06 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f6hooklang'
down_revision: str | None = 'f6cmpctr1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch rebuilds the table, which drops its triggers.
    op.add_column('webhook_endpoint', sa.Column('language', sa.String(length=8), nullable=False,
                                                server_default='en'))


def downgrade() -> None:
    op.drop_column('webhook_endpoint', 'language')
