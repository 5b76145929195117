"""people's name index holds what a reader's criteria test

Revision ID: j1pageskip1
Revises: i9searchx1
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'j1pageskip1'
down_revision: str | None = 'i9searchx1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch rebuilds the table, which drops its triggers.
    op.drop_index('ix_person_name', table_name='person')
    op.create_index('ix_person_name', 'person',
                    ['name', 'id', 'visibility', 'owner_organization_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_person_name', table_name='person')
    op.create_index('ix_person_name', 'person', ['name', 'id'], unique=False)
