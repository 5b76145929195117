"""each user chooses the language of their pages and alerts (en, es; none follows the browser)

Revision ID: f5lang0001
Revises: f3summary1
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f5lang0001'
down_revision: str | None = 'f3summary1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite rebuilds no table, so its triggers stay.
    op.add_column('app_user', sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column('app_user', 'language')
