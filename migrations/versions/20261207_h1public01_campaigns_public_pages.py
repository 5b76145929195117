"""a campaign's public page, off until its leads publish it, and the public records they chose
to show on it, with a public-comment kit for each vote

Revision ID: h1public01
Revises: g2timetba1
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import api.db
from api import data_version

revision: str = 'h1public01'
down_revision: str | None = 'g2timetba1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ('public_page', 'public_page_item')


def upgrade() -> None:
    op.create_table(
        'public_page',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('published_at', api.db.UTCDateTime(), nullable=True),
        sa.Column('show_stances', sa.Boolean(), nullable=False),
        sa.Column('intro', sa.String(length=20000), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'],
                                name=op.f('fk_public_page_campaign_id_campaign'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_public_page')),
        sa.UniqueConstraint('slug', name=op.f('uq_public_page_slug')),
    )
    op.create_table(
        'public_page_item',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=20000), nullable=False),
        sa.Column('talking_points', sa.String(length=20000), nullable=False),
        sa.Column('sample_comment', sa.String(length=20000), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['public_page.campaign_id'],
                                name=op.f('fk_public_page_item_campaign_id_public_page'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_id', 'kind', 'record_id',
                                name=op.f('pk_public_page_item')),
    )
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
    op.drop_table('public_page_item')
    op.drop_table('public_page')
