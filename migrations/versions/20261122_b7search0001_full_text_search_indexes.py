"""full-text search indexes: SQLite FTS5 tables kept in step by triggers, PostgreSQL GIN indexes
over a tsvector expression, for the searched columns of every kind global search shows

Revision ID: b7search0001
Revises: b7records0002
Create Date: 2026-11-22 08:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

from api.search import fulltext

revision: str = 'b7search0001'
down_revision: str | None = 'b7records0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The searched columns as of this revision, the title first. A later change to what a kind
# searches needs a migration of its own that drops and creates that table's index.
INDEXED: dict[str, tuple[str, ...]] = {
    "target": ("name", "district", "email"),
    "campaign": ("name", "description"),
    "organization": ("name", "notes"),
    "person": ("name", "email", "phone", "signal_handle"),
    "body": ("name",),
    "vote": ("title", "agenda_item_number", "notes"),
    "meeting": ("summary", "location", "asks", "commitments"),
    "action": ("title", "description"),
    "agency": ("name", "alpr_vendor"),
    "contract": ("title", "funding_source"),
    "records_request": ("subject", "tracking_number", "text"),
    "press_hit": ("title", "outlet", "summary"),
    "media_contact": ("name", "outlet", "beat"),
    "task": ("title", "notes"),
    "jurisdiction": ("name",),
    "vendor": ("name",),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, columns in INDEXED.items():
        for statement in fulltext.create(dialect, table, columns):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in INDEXED:
        for statement in fulltext.drop(dialect, table):
            op.execute(statement)
