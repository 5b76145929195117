"""sharing defaults and meeting notes for the organization only: each organization's default
for who sees its new records, the coalition's default for new organizations, and a meeting's
private notes in a table of their own

Revision ID: b9share0001
Revises: b8camp0001
Create Date: 2026-12-05 09:05:52.888206
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db
from api import data_version

revision: str = 'b9share0001'
down_revision: str | None = 'b8camp0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('meeting_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('visibility', sa.String(length=40), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_note_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_meeting_note_organization_id_organization'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_note'))
    )
    with op.batch_alter_table('meeting_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_note_meeting_id'), ['meeting_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_meeting_note_organization_id'), ['organization_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in data_version.triggers(dialect, 'meeting_note'):
        op.execute(statement)

    # Both columns are added in place (no table is rebuilt), so the tables keep their triggers.
    with op.batch_alter_table('instance_setting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_visibility', sa.String(length=40), nullable=True))
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_visibility', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('default_visibility')
    with op.batch_alter_table('instance_setting', schema=None) as batch_op:
        batch_op.drop_column('default_visibility')
    dialect = op.get_bind().dialect.name
    for statement in data_version.drop_triggers(dialect, 'meeting_note'):
        op.execute(statement)
    with op.batch_alter_table('meeting_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_note_organization_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_note_meeting_id'))
    op.drop_table('meeting_note')
