"""stances are told from what each reader may read: the level a stance change moved from is no
longer stored (it told a change to readers who may not read it, and is now found when read,
from the changes the reader may read), and a target's history on a campaign is indexed in order
so each reader's latest change is found from the index

Going back stores again the level each change moved from, as every reader was told it before.

Revision ID: c7stance001
Revises: c6feed0001
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c7stance001'
down_revision: str | None = 'c6feed0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The latest change of each stance's history, whoever may read it: the trusted copy in "stance".
LATEST = """(SELECT latest.to_level FROM stancechange AS latest
    WHERE latest.target_id = stance.target_id AND latest.campaign_id = stance.campaign_id
    ORDER BY latest.recorded_at DESC, latest.id DESC LIMIT 1)"""

PREVIOUS = """COALESCE((SELECT earlier.to_level FROM stancechange AS earlier
    WHERE earlier.target_id = stancechange.target_id
      AND earlier.campaign_id = stancechange.campaign_id
      AND (earlier.recorded_at < stancechange.recorded_at
           OR (earlier.recorded_at = stancechange.recorded_at AND earlier.id < stancechange.id))
    ORDER BY earlier.recorded_at DESC, earlier.id DESC LIMIT 1), 'unknown')"""


def upgrade() -> None:
    # Each statement alters the table in place (SQLite 3.35 drops a column without a rebuild),
    # so stancechange keeps its triggers; no batch, which would rebuild it without them.
    op.create_index('ix_stancechange_history', 'stancechange',
                    ['target_id', 'campaign_id', 'recorded_at', 'id'], unique=False)
    op.drop_index('ix_stancechange_target_id', table_name='stancechange')
    op.drop_column('stancechange', 'from_level')
    # Editing a meeting used to set its stance again over later ones: the copy is made the
    # latest change again wherever it was left otherwise.
    op.execute(f"UPDATE stance SET level = {LATEST} "  # noqa: S608
               f"WHERE EXISTS {LATEST} AND level <> {LATEST}")


def downgrade() -> None:
    op.add_column('stancechange', sa.Column('from_level', sa.String(length=40), nullable=False,
                                            server_default='unknown'))
    op.execute(f"UPDATE stancechange SET from_level = {PREVIOUS}")  # noqa: S608
    op.create_index('ix_stancechange_target_id', 'stancechange', ['target_id'], unique=False)
    op.drop_index('ix_stancechange_history', table_name='stancechange')
