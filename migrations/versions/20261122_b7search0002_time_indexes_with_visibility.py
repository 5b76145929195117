"""meetings by time and records requests by due date, with the columns visibility needs, so
"the latest meetings" and "requests due soon" a user may see are found in the index

Revision ID: b7search0002
Revises: b7search0001
Create Date: 2026-11-22 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b7search0002'
down_revision: str | None = 'b7search0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_meeting_held_at', table_name='meeting')
    op.create_index('ix_meeting_held_at', 'meeting', ['held_at', 'visibility', 'organization_id'],
                    unique=False)
    op.drop_index('ix_records_request_due_on', table_name='records_request')
    op.create_index('ix_records_request_due_on', 'records_request',
                    ['due_on', 'visibility', 'requester_organization_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_records_request_due_on', table_name='records_request')
    op.create_index('ix_records_request_due_on', 'records_request', ['due_on'], unique=False)
    op.drop_index('ix_meeting_held_at', table_name='meeting')
    op.create_index('ix_meeting_held_at', 'meeting', ['held_at'], unique=False)
