"""a campaign's tasks in the lists' order (due date, those with none last), and its latest
tasks, by indexes

Revision ID: f7taskdue1
Revises: f6hooklang
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f7taskdue1'
down_revision: str | None = 'f6hooklang'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch rebuilds the table, which drops its triggers.
    op.create_index('ix_task_campaign_due', 'task',
                    ['campaign_id', sa.text('(due_on IS NULL)'), 'due_on', 'id'], unique=False)
    op.create_index('ix_task_campaign_recent', 'task', ['campaign_id', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_campaign_recent', table_name='task')
    op.drop_index('ix_task_campaign_due', table_name='task')
