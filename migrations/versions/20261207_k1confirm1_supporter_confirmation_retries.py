"""a supporter's confirmation mail is retried: tries, next try, last error

Revision ID: k1confirm1
Revises: j1pageskip1
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db

revision: str = 'k1confirm1'
down_revision: str | None = 'j1pageskip1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('supporter', sa.Column('mail_attempts', sa.Integer(), nullable=False,
                                         server_default='0'))
    op.add_column('supporter', sa.Column('mail_retry_at', api.db.UTCDateTime(), nullable=True))
    op.add_column('supporter', sa.Column('mail_error', sqlmodel.sql.sqltypes.AutoString(
        length=500), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('supporter') as batch_op:
        batch_op.drop_column('mail_error')
        batch_op.drop_column('mail_retry_at')
        batch_op.drop_column('mail_attempts')
