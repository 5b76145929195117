"""campaigns name the contracts they are about (campaign_contract)

Revision ID: f6cmpctr1
Revises: f5lang0001
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api import data_version

revision: str = 'f6cmpctr1'
down_revision: str | None = 'f5lang0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table('campaign_contract',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_contract_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_campaign_contract_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'contract_id', name=op.f('pk_campaign_contract'))
    )
    with op.batch_alter_table('campaign_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_contract_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_contract_contract_id'), ['contract_id'], unique=False)
    # Shown on the campaign's page: a page made before the link changed is not reused after it.
    for statement in data_version.triggers(dialect, 'campaign_contract'):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in data_version.drop_triggers(dialect, 'campaign_contract'):
        op.execute(statement)
    with op.batch_alter_table('campaign_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_contract_contract_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_contract_campaign_id'))
    op.drop_table('campaign_contract')
