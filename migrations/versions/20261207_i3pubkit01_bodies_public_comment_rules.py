"""a body's public-comment rules as data (when written comments are due, where to send them,
how to sign up to speak and when sign-up closes), from which each vote's public-comment kit
reckons its deadline

Revision ID: i3pubkit01
Revises: i2support1
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'i3pubkit01'
down_revision: str | None = 'i2support1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ('comment_deadline', 'comment_hours_before', 'comment_days_before',
           'comment_due_time', 'comment_send_to', 'speaker_signup', 'speaker_signup_closes')


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: SQLite rebuilds no table, so its triggers stay.
    op.add_column('body', sa.Column('comment_deadline', sa.String(length=40), nullable=False,
                                    server_default='not_set'))
    op.add_column('body', sa.Column('comment_hours_before', sa.Integer(), nullable=False,
                                    server_default='0'))
    op.add_column('body', sa.Column('comment_days_before', sa.Integer(), nullable=False,
                                    server_default='1'))
    op.add_column('body', sa.Column('comment_due_time',
                                    sqlmodel.sql.sqltypes.AutoString(length=200),
                                    nullable=False, server_default=''))
    op.add_column('body', sa.Column('comment_send_to',
                                    sqlmodel.sql.sqltypes.AutoString(length=200),
                                    nullable=False, server_default=''))
    op.add_column('body', sa.Column('speaker_signup',
                                    sqlmodel.sql.sqltypes.AutoString(length=20000),
                                    nullable=False, server_default=''))
    op.add_column('body', sa.Column('speaker_signup_closes', sa.Integer(), nullable=True))


def downgrade() -> None:
    for column in reversed(COLUMNS):
        op.drop_column('body', column)
