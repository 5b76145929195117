"""supporters who asked on a campaign's public page to be reminded before its votes, the
reminders owed to them, and sign-up attempts kept a day for the rate limits

Revision ID: i2support1
Revises: h1public01
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db
from api import data_version

revision: str = 'i2support1'
down_revision: str | None = 'h1public01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('supporter', 'supporter_reminder', 'supporter_attempt')


def upgrade() -> None:
    op.create_table(
        'supporter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
        sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('zip_code', sa.String(length=10), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('state', sa.String(length=40), nullable=False),
        sa.Column('confirmed_at', api.db.UTCDateTime(), nullable=True),
        sa.Column('mailed_at', api.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'],
                                name=op.f('fk_supporter_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter')),
        sa.UniqueConstraint('campaign_id', 'email', name=op.f('uq_supporter_campaign_id_email')),
    )
    op.create_index(op.f('ix_supporter_campaign_id'), 'supporter', ['campaign_id'])
    op.create_index(op.f('ix_supporter_email'), 'supporter', ['email'])
    op.create_table(
        'supporter_reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('supporter_id', sa.Integer(), nullable=False),
        sa.Column('vote_id', sa.Integer(), nullable=False),
        sa.Column('occurrence', sa.String(length=40), nullable=False),
        sa.Column('due_at', api.db.UTCDateTime(), nullable=False),
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('lease_until', api.db.UTCDateTime(), nullable=True),
        sa.Column('sent_at', api.db.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['supporter_id'], ['supporter.id'],
                                name=op.f('fk_supporter_reminder_supporter_id_supporter'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['vote_id'], ['vote.id'],
                                name=op.f('fk_supporter_reminder_vote_id_vote'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter_reminder')),
        sa.UniqueConstraint('supporter_id', 'vote_id', 'occurrence',
                            name=op.f('uq_supporter_reminder_supporter_id_vote_id_occurrence')),
    )
    op.create_index('ix_supporter_reminder_status_due_at', 'supporter_reminder',
                    ['status', 'due_at'])
    op.create_index(op.f('ix_supporter_reminder_supporter_id'), 'supporter_reminder',
                    ['supporter_id'])
    op.create_index(op.f('ix_supporter_reminder_vote_id'), 'supporter_reminder', ['vote_id'])
    op.create_table(
        'supporter_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', api.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter_attempt')),
    )
    op.create_index('ix_supporter_attempt_key_at', 'supporter_attempt', ['key', 'at'])
    # Counted as every table's changes are, so a leads' page kept for reuse is made again.
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in data_version.triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in data_version.drop_triggers(dialect, table):
            op.execute(statement)
    op.drop_table('supporter_attempt')
    op.drop_table('supporter_reminder')
    op.drop_table('supporter')
