"""outside data: agenda suggestions, sync state, keywords, camera counts, agency dataset fields

Revision ID: b2sources0001
Revises: b1records0001
Create Date: 2026-11-22 05:16:57.442037
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db

revision: str = 'b2sources0001'
down_revision: str | None = 'b1records0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Columns added to existing tables start empty (server default '') for the rows already there.
    op.create_table('camera_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('jurisdiction_id', sa.Integer(), nullable=False),
    sa.Column('manufacturer', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('counted_on', sa.Date(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.ForeignKeyConstraint(['jurisdiction_id'], ['jurisdiction.id'], name=op.f('fk_camera_count_jurisdiction_id_jurisdiction'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_camera_count')),
    sa.UniqueConstraint('jurisdiction_id', 'counted_on', 'manufacturer', name=op.f('uq_camera_count_jurisdiction_id_counted_on_manufacturer'))
    )
    with op.batch_alter_table('camera_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_camera_count_counted_on'), ['counted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_camera_count_jurisdiction_id'), ['jurisdiction_id'], unique=False)

    op.create_table('agenda_keyword',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('phrase', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_agenda_keyword_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'phrase', name=op.f('pk_agenda_keyword'))
    )
    with op.batch_alter_table('agenda_keyword', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_keyword_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('agenda_sync',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', api.db.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', api.db.UTCDateTime(), nullable=True),
    sa.Column('last_error_at', api.db.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('events_seen', sa.Integer(), nullable=False),
    sa.Column('items_seen', sa.Integer(), nullable=False),
    sa.Column('suggestions_made', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_agenda_sync_body_id_body'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('body_id', name=op.f('pk_agenda_sync'))
    )
    with op.batch_alter_table('agenda_sync', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_sync_body_id'), ['body_id'], unique=False)

    op.create_table('suggested_vote',
    sa.Column('body_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source_event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source_item_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('scheduled_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('time_text', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('item_number', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('matter_file', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('matter_type', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('consent_calendar', sa.Boolean(), nullable=False),
    sa.Column('agenda_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('event_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('matched_keywords', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', api.db.UTCDateTime(), nullable=True),
    sa.Column('moved_from', api.db.UTCDateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['body_id'], ['body.id'], name=op.f('fk_suggested_vote_body_id_body'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_suggested_vote_campaign_id_campaign'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['app_user.id'], name=op.f('fk_suggested_vote_decided_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_suggested_vote_vote_id_vote'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggested_vote')),
    sa.UniqueConstraint('body_id', 'source_item_id', name=op.f('uq_suggested_vote_body_id_source_item_id'))
    )
    with op.batch_alter_table('suggested_vote', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggested_vote_body_id'), ['body_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggested_vote_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggested_vote_decided_by_id'), ['decided_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggested_vote_scheduled_at'), ['scheduled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggested_vote_source_event_id'), ['source_event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggested_vote_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggested_vote_vote_id'), ['vote_id'], unique=False)

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('atlas_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('national_pool', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('detections', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('hits', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('detections_period', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('data_sharing_report_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_agency_atlas_id'), ['atlas_id'], unique=False)

    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legistar_token', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legistar_body_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=''))

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('body', schema=None) as batch_op:
        batch_op.drop_column('legistar_body_name')
        batch_op.drop_column('legistar_token')

    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_atlas_id'))
        batch_op.drop_column('data_sharing_report_url')
        batch_op.drop_column('detections_period')
        batch_op.drop_column('hits')
        batch_op.drop_column('detections')
        batch_op.drop_column('national_pool')
        batch_op.drop_column('atlas_id')

    with op.batch_alter_table('suggested_vote', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggested_vote_vote_id'))
        batch_op.drop_index(batch_op.f('ix_suggested_vote_status'))
        batch_op.drop_index(batch_op.f('ix_suggested_vote_source_event_id'))
        batch_op.drop_index(batch_op.f('ix_suggested_vote_scheduled_at'))
        batch_op.drop_index(batch_op.f('ix_suggested_vote_decided_by_id'))
        batch_op.drop_index(batch_op.f('ix_suggested_vote_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_suggested_vote_body_id'))

    op.drop_table('suggested_vote')
    with op.batch_alter_table('agenda_sync', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_sync_body_id'))

    op.drop_table('agenda_sync')
    with op.batch_alter_table('agenda_keyword', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_keyword_campaign_id'))

    op.drop_table('agenda_keyword')
    with op.batch_alter_table('camera_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_camera_count_jurisdiction_id'))
        batch_op.drop_index(batch_op.f('ix_camera_count_counted_on'))

    op.drop_table('camera_count')
    # ### end Alembic commands ###
