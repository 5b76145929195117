"""visibility for contracts, agencies, votes, media contacts, press and organization notes: each
of these records gets an owner organization and a visibility, and an organization's notes a
visibility of their own

Rows already there stay readable as before: they belong to no organization (the coalition's,
changed by leads) and are shared with the whole coalition, and every organization's notes stay
shared with the whole coalition until it chooses otherwise.

Revision ID: c0share0002
Revises: b9share0001
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api import data_version
from api.search import fulltext

revision: str = 'c0share0002'
down_revision: str | None = 'b9share0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables given an owner, with their searched columns as of this revision: on SQLite adding
# a foreign key rebuilds a table, which drops its triggers, so they are made again.
OWNED: dict[str, tuple[str, ...]] = {
    "agency": ("name", "alpr_vendor"),
    "contract": ("title", "funding_source"),
    "vote": ("title", "agenda_item_number", "notes"),
    "media_contact": ("name", "outlet", "beat"),
    "press_hit": ("title", "outlet", "summary"),
}


def _triggers_again(table: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in data_version.triggers("sqlite", table):
        op.execute(statement)
    for statement in fulltext.sqlite_triggers(table, OWNED[table]):
        op.execute(statement)


def upgrade() -> None:
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('owner_organization_id', sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column('visibility', sa.String(length=40), nullable=False,
                                          server_default='coalition'))
            batch_op.create_index(batch_op.f(f'ix_{table}_owner_organization_id'),
                                  ['owner_organization_id'], unique=False)
            batch_op.create_index(batch_op.f(f'ix_{table}_visibility'), ['visibility'],
                                  unique=False)
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_owner_organization_id_organization'), 'organization',
                ['owner_organization_id'], ['id'], ondelete='SET NULL')
        _triggers_again(table)
    # Added in place (no table is rebuilt), so the organization keeps its triggers.
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes_visibility', sa.String(length=40), nullable=False,
                                      server_default='coalition'))


def downgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_column('notes_visibility')
    for table in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f'fk_{table}_owner_organization_id_organization'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_visibility'))
            batch_op.drop_index(batch_op.f(f'ix_{table}_owner_organization_id'))
            batch_op.drop_column('visibility')
            batch_op.drop_column('owner_organization_id')
        _triggers_again(table)
