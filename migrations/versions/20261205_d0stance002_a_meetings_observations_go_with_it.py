"""a meeting's stance observations are deleted with the meeting: kept with no meeting, a change
was read with its target alone, so deleting a private meeting told everyone what it observed

Revision ID: d0stance002
Revises: c9terms0001
Create Date: 2026-12-05 22:40:00
"""

from collections.abc import Sequence

from alembic import op

from api import data_version

revision: str = 'd0stance002'
down_revision: str | None = 'c9terms0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'fk_stancechange_meeting_id_meeting'


def _meeting_key(ondelete: str) -> None:
    with op.batch_alter_table('stancechange', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(NAME), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f(NAME), 'meeting', ['meeting_id'], ['id'],
                                    ondelete=ondelete)
    # SQLite rebuilds the table for a new key, and its triggers go with the old one.
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in data_version.triggers(dialect, 'stancechange'):
            op.execute(statement)


def upgrade() -> None:
    _meeting_key('CASCADE')


def downgrade() -> None:
    _meeting_key('SET NULL')
