"""the votes a campaign's actions are anchored to, by an index

Revision ID: i7summary1
Revises: i6mapfips1
Create Date: 2026-12-07 12:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'i7summary1'
down_revision: str | None = 'i6mapfips1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Not in a batch: on SQLite a batch rebuilds the table, which drops its triggers.
    op.create_index('ix_action_campaign_anchor', 'action',
                    ['campaign_id', 'anchor_kind', 'vote_id', 'visibility',
                     'owner_organization_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_action_campaign_anchor', table_name='action')
