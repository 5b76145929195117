"""calendar feed addresses are kept as hashes: the secret of each address already handed out is
replaced by its SHA-256 hash, the same the app now looks a feed up by, so every subscription
keeps working while a copy of the database opens no feed

Going back cannot turn a hash into its address again: the feeds are removed then, and their
owners make new addresses.

Revision ID: c6feed0001
Revises: c5hook0001
Create Date: 2026-12-05 17:20:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c6feed0001'
down_revision: str | None = 'c5hook0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEEDS = sa.table('feed_token', sa.column('id', sa.Integer), sa.column('token', sa.String))


def _digest(raw: str) -> str:
    # api.auth.tokens.digest, written out so this migration keeps meaning what it meant.
    return hashlib.sha256(raw.encode()).hexdigest()


def upgrade() -> None:
    bind = op.get_bind()
    for feed_id, raw in bind.execute(sa.select(FEEDS.c.id, FEEDS.c.token)).all():
        bind.execute(FEEDS.update().where(FEEDS.c.id == feed_id).values(token=_digest(raw)))
    # On SQLite a batch rebuilds the table, which would drop its triggers; feed_token has none
    # (its changes are not counted, and nothing searches it), so nothing is lost. The new
    # constraint gets a batch of its own: one made in the batch that renames its column is
    # left out of the rebuilt table.
    with op.batch_alter_table('feed_token', schema=None) as batch_op:
        batch_op.drop_constraint('uq_feed_token_token', type_='unique')
        batch_op.alter_column('token', new_column_name='token_hash',
                              existing_type=sa.String(length=100), type_=sa.String(length=64),
                              existing_nullable=False)
    with op.batch_alter_table('feed_token', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_feed_token_token_hash'), ['token_hash'])


def downgrade() -> None:
    op.execute('DELETE FROM feed_token')
    with op.batch_alter_table('feed_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_feed_token_token_hash'), type_='unique')
        batch_op.alter_column('token_hash', new_column_name='token',
                              existing_type=sa.String(length=64), type_=sa.String(length=100),
                              existing_nullable=False)
    with op.batch_alter_table('feed_token', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_feed_token_token'), ['token'])
