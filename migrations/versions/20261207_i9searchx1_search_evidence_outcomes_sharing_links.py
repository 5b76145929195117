"""Search evidence of misuse, outcomes elsewhere and sharing links

Revision ID: i9searchx1
Revises: i8agalias1
Create Date: 2026-12-07 13:30:00.000000

"""
from collections.abc import Sequence

from alembic import op

from api.search import fulltext

revision: str = 'i9searchx1'
down_revision: str | None = 'i8agalias1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each table and its searched columns as of this revision: the first names a record.
SEARCHED = {
    'evidence_entry': ('title', 'summary', 'citation'),
    'known_outcome': ('place', 'vendor', 'notes'),
    'sharing_link': ('partner_name',),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, columns in SEARCHED.items():
        for statement in fulltext.create(dialect, table, columns):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEARCHED:
        for statement in fulltext.drop(dialect, table):
            op.execute(statement)
