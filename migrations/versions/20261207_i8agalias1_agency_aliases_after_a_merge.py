"""the names and dataset numbers an agency went by before it was merged into another, so a
dataset imported again finds the kept agency

Revision ID: i8agalias1
Revises: i5evidenc1
Create Date: 2026-12-07 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api import data_version

revision: str = 'i8agalias1'
down_revision: str | None = 'i5evidenc1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'agency_alias',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('state_code', sa.String(length=2), nullable=False),
        sa.Column('atlas_id', sa.String(length=300), nullable=False),
        sa.Column('ori', sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                                name=op.f('fk_agency_alias_agency_id_agency'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_alias')),
        sa.UniqueConstraint('agency_id', 'name', 'atlas_id', 'ori',
                            name=op.f('uq_agency_alias_agency_id_name_atlas_id_ori')),
    )
    op.create_index(op.f('ix_agency_alias_agency_id'), 'agency_alias', ['agency_id'],
                    unique=False)
    # Counted as every table's changes are, so a page kept for reuse is made again after one.
    for statement in data_version.triggers(op.get_bind().dialect.name, 'agency_alias'):
        op.execute(statement)


def downgrade() -> None:
    for statement in data_version.drop_triggers(op.get_bind().dialect.name, 'agency_alias'):
        op.execute(statement)
    op.drop_index(op.f('ix_agency_alias_agency_id'), table_name='agency_alias')
    op.drop_table('agency_alias')
