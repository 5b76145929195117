"""Sharing links: who can search an agency's plate reads, and the source that says so

Revision ID: i4exposur1
Revises: i3pubkit01
Create Date: 2026-12-07 11:51:50.531646
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db
from api import data_version

revision: str = 'i4exposur1'
down_revision: str | None = 'i3pubkit01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sharing_link',
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('partner_agency_id', sa.Integer(), nullable=True),
    sa.Column('partner_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('partner_count', sa.Integer(), nullable=True),
    sa.Column('pool', sa.Boolean(), nullable=False),
    sa.Column('immigration', sa.Boolean(), nullable=False),
    sa.Column('source_kind', sa.String(length=40), nullable=False),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('reported_on', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('confidence', sa.String(length=40), nullable=False),
    sa.Column('dataset', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('owner_organization_id', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.String(length=40), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_sharing_link_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_sharing_link_document_id_document'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_organization_id'], ['organization.id'], name=op.f('fk_sharing_link_owner_organization_id_organization'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partner_agency_id'], ['agency.id'], name=op.f('fk_sharing_link_partner_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sharing_link'))
    )
    with op.batch_alter_table('sharing_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharing_link_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_link_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_link_owner_organization_id'), ['owner_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_link_partner_agency_id'), ['partner_agency_id'], unique=False)
        batch_op.create_index('ix_sharing_link_partner_kind', ['partner_agency_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharing_link_visibility'), ['visibility'], unique=False)
    # Shown on agency and jurisdiction pages: a page made before a link changed is not reused.
    for statement in data_version.triggers(op.get_bind().dialect.name, 'sharing_link'):
        op.execute(statement)



def downgrade() -> None:
    for statement in data_version.drop_triggers(op.get_bind().dialect.name, 'sharing_link'):
        op.execute(statement)
    with op.batch_alter_table('sharing_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sharing_link_visibility'))
        batch_op.drop_index('ix_sharing_link_partner_kind')
        batch_op.drop_index(batch_op.f('ix_sharing_link_partner_agency_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_link_owner_organization_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_link_document_id'))
        batch_op.drop_index(batch_op.f('ix_sharing_link_agency_id'))

    op.drop_table('sharing_link')
