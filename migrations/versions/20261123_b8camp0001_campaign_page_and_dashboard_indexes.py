"""indexes for the campaign page and the dashboard: a campaign's meetings and actions in date
order, a member's meetings from the link index alone, and the latest meetings and requests due
by visibility and by owner, each in time order

Revision ID: b8camp0001
Revises: b8cal0001
Create Date: 2026-11-23 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'b8camp0001'
down_revision: str | None = 'b8cal0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, index, columns before, columns after): each index keeps its name and its leading
# column, so what used it before still can.
CHANGED = [
    ('meeting', 'ix_meeting_campaign_id', ['campaign_id'],
     ['campaign_id', 'held_at', 'visibility', 'organization_id']),
    ('meeting', 'ix_meeting_visibility', ['visibility'], ['visibility', 'held_at']),
    ('meeting', 'ix_meeting_organization_id', ['organization_id'],
     ['organization_id', 'held_at']),
    ('meeting_target', 'ix_meeting_target_target_id', ['target_id'],
     ['target_id', 'meeting_id']),
    ('action', 'ix_action_campaign_id', ['campaign_id'], ['campaign_id', 'scheduled_on']),
    ('records_request', 'ix_records_request_visibility', ['visibility'],
     ['visibility', 'due_on']),
    ('records_request', 'ix_records_request_requester_organization_id',
     ['requester_organization_id'], ['requester_organization_id', 'due_on']),
]


def upgrade() -> None:
    for table, name, _, after in CHANGED:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, after, unique=False)


def downgrade() -> None:
    for table, name, before, _ in reversed(CHANGED):
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, unique=False)
