"""a meeting remembers the key its form was sent with, so a form sent twice logs one meeting

Revision ID: c4meet0001
Revises: c3tell0001
Create Date: 2026-12-05 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'c4meet0001'
down_revision: str | None = 'c3tell0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch rebuilds the table, which drops its triggers (its
    # change count and its search index); a new nullable column and an index need no rebuild.
    op.add_column('meeting', sa.Column('idempotency_key',
                                       sqlmodel.sql.sqltypes.AutoString(length=64),
                                       nullable=True))
    op.create_index(op.f('ix_meeting_idempotency_key'), 'meeting', ['idempotency_key'],
                    unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_meeting_idempotency_key'), table_name='meeting')
    op.drop_column('meeting', 'idempotency_key')
