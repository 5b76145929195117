"""saved searches: a user's own named searches, and the records each has found already (so
that only new ones are alerted)

Revision ID: f1saved001
Revises: e3about001
Create Date: 2026-12-06 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db import UTCDateTime

revision: str = 'f1saved001'
down_revision: str | None = 'e3about001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_search',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('query', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('alert', sa.Boolean(), nullable=False),
        sa.Column('checked_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                name=op.f('fk_saved_search_user_id_app_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search')),
    )
    op.create_index(op.f('ix_saved_search_user_id'), 'saved_search', ['user_id'], unique=False)
    op.create_table(
        'saved_search_match',
        sa.Column('saved_search_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['saved_search_id'], ['saved_search.id'],
                                name=op.f('fk_saved_search_match_saved_search_id_saved_search'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('saved_search_id', 'kind', 'record_id',
                                name=op.f('pk_saved_search_match')),
    )


def downgrade() -> None:
    op.drop_table('saved_search_match')
    op.drop_index(op.f('ix_saved_search_user_id'), table_name='saved_search')
    op.drop_table('saved_search')
