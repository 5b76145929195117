"""dated evidence of misuse on contracts, agencies and campaigns; outcomes known elsewhere;
a campaign's outcome with its source; a place's coordinates

Revision ID: i5evidenc1
Revises: i7summary1
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db
from api import data_version

revision: str = 'i5evidenc1'
down_revision: str | None = 'i7summary1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('known_outcome', 'evidence_entry')


def upgrade() -> None:
    op.create_table('known_outcome',
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state_code', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('vendor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('citation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('owner_organization_id', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['owner_organization_id'], ['organization.id'], name=op.f('fk_known_outcome_owner_organization_id_organization'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_outcome'))
    )
    with op.batch_alter_table('known_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_outcome_decided_on'), ['decided_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_known_outcome_owner_organization_id'), ['owner_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_known_outcome_visibility'), ['visibility'], unique=False)

    op.create_table('evidence_entry',
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('citation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('owner_organization_id', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_evidence_entry_agency_id_agency'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_evidence_entry_campaign_id_campaign'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_evidence_entry_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_organization_id'], ['organization.id'], name=op.f('fk_evidence_entry_owner_organization_id_organization'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_entry'))
    )
    with op.batch_alter_table('evidence_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_entry_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_entry_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_entry_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_entry_occurred_on'), ['occurred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_entry_owner_organization_id'), ['owner_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_entry_visibility'), ['visibility'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('outcome_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome_source', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('outcome_url', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default=''))

    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))

    # Counted as every table's changes are, so a page kept for reuse is made again after one.
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in data_version.triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in data_version.drop_triggers(dialect, table):
            op.execute(statement)
    # Plain DROP COLUMN on both databases: a batch would rebuild these tables on SQLite and
    # lose their triggers (search, change counts, alert replanning).
    for column in ('longitude', 'latitude'):
        op.drop_column('jurisdiction', column)
    for column in ('outcome_url', 'outcome_source', 'outcome_on', 'outcome'):
        op.drop_column('campaign', column)

    with op.batch_alter_table('evidence_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_entry_visibility'))
        batch_op.drop_index(batch_op.f('ix_evidence_entry_owner_organization_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_entry_occurred_on'))
        batch_op.drop_index(batch_op.f('ix_evidence_entry_contract_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_entry_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_entry_agency_id'))

    op.drop_table('evidence_entry')
    with op.batch_alter_table('known_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_outcome_visibility'))
        batch_op.drop_index(batch_op.f('ix_known_outcome_owner_organization_id'))
        batch_op.drop_index(batch_op.f('ix_known_outcome_decided_on'))

    op.drop_table('known_outcome')
