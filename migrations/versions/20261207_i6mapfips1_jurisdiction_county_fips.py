"""where a jurisdiction is drawn on the county map: its county's five-digit FIPS code

Revision ID: i6mapfips1
Revises: i4exposur1
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'i6mapfips1'
down_revision: str | None = 'i4exposur1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing counties are matched by name when the map is drawn; none needs a code here.
    op.add_column('jurisdiction', sa.Column('county_fips', sa.String(length=5), nullable=False,
                                            server_default=''))


def downgrade() -> None:
    op.drop_column('jurisdiction', 'county_fips')
