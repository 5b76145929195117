"""records requests about contracts and officials: link tables, read with both ends

Revision ID: e3about001
Revises: e2position1
Create Date: 2026-12-06 04:00:12.274090
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api import data_version

revision: str = 'e3about001'
down_revision: str | None = 'e2position1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('records_request_contract',
    sa.Column('records_request_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_records_request_contract_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['records_request_id'], ['records_request.id'], name=op.f('fk_records_request_contract_records_request_id_records_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('records_request_id', 'contract_id', name=op.f('pk_records_request_contract'))
    )
    with op.batch_alter_table('records_request_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_request_contract_contract_id'), ['contract_id'], unique=False)

    op.create_table('records_request_target',
    sa.Column('records_request_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['records_request_id'], ['records_request.id'], name=op.f('fk_records_request_target_records_request_id_records_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_records_request_target_target_id_target'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('records_request_id', 'target_id', name=op.f('pk_records_request_target'))
    )
    with op.batch_alter_table('records_request_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_request_target_target_id'), ['target_id'], unique=False)

    # Shown on the request's page: a page made before a link changed is not reused after it.
    for table in ('records_request_contract', 'records_request_target'):
        for statement in data_version.triggers(op.get_bind().dialect.name, table):
            op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('records_request_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_request_target_target_id'))

    op.drop_table('records_request_target')
    with op.batch_alter_table('records_request_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_request_contract_contract_id'))

    op.drop_table('records_request_contract')
