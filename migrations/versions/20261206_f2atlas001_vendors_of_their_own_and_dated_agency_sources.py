"""vendors of their own and dated agency sources: an agency's plate readers point at a Vendor
record (its free-text vendor becomes one, near-duplicate spellings folded into one vendor), and
each source saying an agency runs plate readers is kept with its date and publisher

Revision ID: f2atlas001
Revises: f1saved001
Create Date: 2026-12-06 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db
from api import clock, data_version
from api.search import fulltext
from api.vendors import names

revision: str = 'f2atlas001'
down_revision: str | None = 'f1saved001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The agency's searched columns before and after this revision.
SEARCHED_BEFORE = ("name", "alpr_vendor")
SEARCHED_AFTER = ("name",)

VENDOR = sa.table('vendor', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                  sa.column('website', sa.String()), sa.column('notes', sa.String()),
                  sa.column('created_at', api.db.UTCDateTime()),
                  sa.column('updated_at', api.db.UTCDateTime()))


def _search_again(dialect: str, columns: tuple[str, ...]) -> None:
    # On SQLite the rebuilt table lost its change-count triggers too.
    if dialect == "sqlite":
        for statement in data_version.triggers(dialect, 'agency'):
            op.execute(statement)
    for statement in fulltext.create(dialect, 'agency', columns):
        op.execute(statement)


def _changes_counted_now() -> None:
    """On PostgreSQL the change counts of rows just written wait for the end of the
    transaction, and a table with such waiting events cannot be altered: count them now, then
    let later writes wait again as they always do."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET CONSTRAINTS ALL IMMEDIATE")
        op.execute("SET CONSTRAINTS ALL DEFERRED")


def _vendors_from_text() -> None:
    """Each agency's free-text vendor as the Vendor record it means: one kept under any of its
    spellings, or one made under its canonical name."""
    bind = op.get_bind()
    known: dict[str, int] = {}
    for vendor_id, name in bind.execute(sa.text("SELECT id, name FROM vendor ORDER BY id")):
        known.setdefault(names.key(name), vendor_id)
        known.setdefault(names.key(names.canonical(name)), vendor_id)
    now = clock.now()
    rows = bind.execute(sa.text(
        "SELECT id, alpr_vendor FROM agency WHERE alpr_vendor <> '' ORDER BY id")).all()
    for agency_id, text in rows:
        if not text.strip():
            continue
        found = known.get(names.key(text)) or known.get(names.key(names.canonical(text)))
        if found is None:
            name = names.canonical(text)[:200]
            found = bind.execute(VENDOR.insert().values(
                name=name, website='', notes='', created_at=now, updated_at=now)
                .returning(VENDOR.c.id)).scalar_one()
            known[names.key(name)] = known[names.key(text)] = found
        bind.execute(sa.text("UPDATE agency SET vendor_id = :v WHERE id = :id"),
                     {"v": found, "id": agency_id})


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table('agency_link',
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('published', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('snapshot_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('dataset', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_link_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_link')),
    sa.UniqueConstraint('agency_id', 'url', name=op.f('uq_agency_link_agency_id_url'))
    )
    # Shown on the agency's page: a page made before a link changed is not reused after it.
    for statement in data_version.triggers(dialect, 'agency_link'):
        op.execute(statement)

    # The search index names the free-text vendor: it goes first, and comes back without it.
    for statement in fulltext.drop(dialect, 'agency'):
        op.execute(statement)
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vendor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agency_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agency_vendor_id_vendor'), 'vendor', ['vendor_id'], ['id'], ondelete='SET NULL')
    _vendors_from_text()
    _changes_counted_now()
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('alpr_vendor')
    _search_again(dialect, SEARCHED_AFTER)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in fulltext.drop(dialect, 'agency'):
        op.execute(statement)
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alpr_vendor', sa.VARCHAR(), nullable=False,
                                      server_default=''))
    op.execute("UPDATE agency SET alpr_vendor = (SELECT name FROM vendor "
               "WHERE vendor.id = agency.vendor_id) WHERE vendor_id IS NOT NULL")
    _changes_counted_now()
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agency_vendor_id_vendor'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agency_vendor_id'))
        batch_op.drop_column('vendor_id')
    _search_again(dialect, SEARCHED_BEFORE)

    for statement in data_version.drop_triggers(dialect, 'agency_link'):
        op.execute(statement)
    op.drop_table('agency_link')
