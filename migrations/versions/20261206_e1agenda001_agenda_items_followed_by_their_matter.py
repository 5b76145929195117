"""agenda suggestions keep the matter they are about (an item continued to a later meeting
comes back under a new item id) and whether their item is off the agenda ahead: withdrawn, or
its meeting cancelled

Revision ID: e1agenda001
Revises: e0ori00001
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e1agenda001'
down_revision: str | None = 'e0ori00001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite rebuilds no table, so its triggers stay.
    op.add_column('suggested_vote', sa.Column('matter_id', sa.String(length=64), nullable=False,
                                              server_default=''))
    op.add_column('suggested_vote', sa.Column('off_agenda', sa.String(length=20),
                                              nullable=False, server_default=''))
    op.create_index(op.f('ix_suggested_vote_matter_id'), 'suggested_vote', ['matter_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_suggested_vote_matter_id'), table_name='suggested_vote')
    op.drop_column('suggested_vote', 'off_agenda')
    op.drop_column('suggested_vote', 'matter_id')
