"""change count for reused pages: one count, kept by a trigger on each counted table, so a page
made from one version of the data can be reused until a write changes it

Revision ID: b8cache0001
Revises: b7search0002
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api import data_version

revision: str = 'b8cache0001'
down_revision: str | None = 'b7search0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _counted() -> list[str]:
    return data_version.counted(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in data_version.create(dialect):
        op.execute(statement)
    for table in _counted():
        for statement in data_version.triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _counted():
        for statement in data_version.drop_triggers(dialect, table):
            op.execute(statement)
    for statement in data_version.drop(dialect):
        op.execute(statement)
