"""agencies keep their ORI (the FBI's originating agency identifier), so a dataset row under a
new number or another spelling of the name finds the agency it is about

Revision ID: e0ori00001
Revises: d0stance002
Create Date: 2026-12-06 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0ori00001'
down_revision: str | None = 'd0stance002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite rebuilds no table, so its triggers stay.
    op.add_column('agency', sa.Column('ori', sa.String(length=9), nullable=False,
                                      server_default=''))
    op.create_index(op.f('ix_agency_ori'), 'agency', ['ori'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_agency_ori'), table_name='agency')
    # A plain DROP COLUMN too (SQLite 3.35 and later): a rebuilt table would lose its triggers.
    op.drop_column('agency', 'ori')
