"""a vote whose day is known and time is not (an agenda without a time, a vote planned from a
date) says "time not announced" instead of showing midnight or a made-up hour

Revision ID: g2timetba1
Revises: g1cmpalrt
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'g2timetba1'
down_revision: str | None = 'g1cmpalrt'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite rebuilds no table, so its triggers stay.
    op.add_column('vote', sa.Column('time_not_announced', sa.Boolean(), nullable=False,
                                    server_default=sa.false()))
    # Votes confirmed from an agenda that gave no time were saved at midnight.
    op.execute(
        "UPDATE vote SET time_not_announced = TRUE WHERE id IN ("
        "SELECT vote_id FROM suggested_vote WHERE vote_id IS NOT NULL AND time_text = '')")


def downgrade() -> None:
    op.drop_column('vote', 'time_not_announced')
