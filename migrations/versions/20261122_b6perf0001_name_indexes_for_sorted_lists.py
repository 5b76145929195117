"""name indexes for sorted lists: people and targets list by name, then id

Revision ID: b6perf0001
Revises: b4auth0001
Create Date: 2026-11-22 05:57:05.631487
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b6perf0001'
down_revision: str | None = 'b4auth0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_person_name', 'person', ['name', 'id'], unique=False)
    op.create_index('ix_target_name', 'target', ['name', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_target_name', table_name='target')
    op.drop_index('ix_person_name', table_name='person')
