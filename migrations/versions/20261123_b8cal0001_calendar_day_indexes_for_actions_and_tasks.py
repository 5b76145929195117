"""actions by date and tasks by due date, then title, with the columns visibility and the
campaign filter need, so the calendar counts a day's entries and reads its first few from the
index alone

Revision ID: b8cal0001
Revises: b8cache0001
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b8cal0001'
down_revision: str | None = 'b8cache0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_action_scheduled_on', table_name='action')
    op.create_index('ix_action_scheduled_on', 'action',
                    ['scheduled_on', 'title', 'id', 'status', 'visibility',
                     'owner_organization_id', 'campaign_id'], unique=False)
    op.drop_index('ix_task_due_on', table_name='task')
    op.create_index('ix_task_due_on', 'task',
                    ['due_on', 'title', 'id', 'status', 'visibility', 'owner_organization_id',
                     'assignee_organization_id', 'assignee_user_id', 'campaign_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_due_on', table_name='task')
    op.create_index('ix_task_due_on', 'task', ['due_on'], unique=False)
    op.drop_index('ix_action_scheduled_on', table_name='action')
    op.create_index('ix_action_scheduled_on', 'action', ['scheduled_on'], unique=False)
