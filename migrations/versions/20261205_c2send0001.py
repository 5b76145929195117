"""alert sending with renewed leases and fencing tokens: alert_outbox.claim_token counts the
claims of a row, so a dispatcher renews, records or releases a row only while the claim it
holds is still the latest one (a claim that ran out and was taken over is fenced off)

Revision ID: c2send0001
Revises: c1plan0001
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c2send0001'
down_revision: str | None = 'c1plan0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place (no table is rebuilt), so alert_outbox keeps its data-version triggers.
    with op.batch_alter_table('alert_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('alert_outbox', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
