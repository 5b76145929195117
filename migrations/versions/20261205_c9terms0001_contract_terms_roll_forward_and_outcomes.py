"""contract terms roll forward: the term in force (term_ends) beside the notice deadline, both
derived from the end date, the renewal terms and today; and what a lead records as a term
ends (contract_outcome: renewed, renegotiated, terminated)

Revision ID: c9terms0001
Revises: c8watch001
Create Date: 2026-12-05 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.db
from api import clock, data_version
from api.alerts import replan
from api.contracts import terms
from api.search import fulltext

revision: str = 'c9terms0001'
down_revision: str | None = 'c8watch001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('term_ends', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contract_term_ends'), ['term_ends'], unique=False)
    op.create_table('contract_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', api.db.UTCDateTime(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('term_ended', sa.Date(), nullable=True),
    sa.Column('new_term_ends', sa.Date(), nullable=True),
    sa.Column('vote_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_outcome_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'], name=op.f('fk_contract_outcome_recorded_by_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vote_id'], ['vote.id'], name=op.f('fk_contract_outcome_vote_id_vote'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_outcome'))
    )
    with op.batch_alter_table('contract_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_outcome_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_outcome_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_outcome_vote_id'), ['vote_id'], unique=False)
    # Shown on the contract's page: a page made before an outcome is not reused after it.
    for statement in data_version.triggers(op.get_bind().dialect.name, 'contract_outcome'):
        op.execute(statement)
    _derive_dates()


def _derive_dates() -> None:
    """Every contract's term in force and next notice deadline, as of today where its agency
    is: a contract that renewed by itself since its end date moves on now."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT contract.id, end_date, auto_renews, renewal_term_months, "
        "termination_notice_days, status, jurisdiction.timezone FROM contract "
        "JOIN agency ON agency.id = contract.agency_id "
        "LEFT JOIN jurisdiction ON jurisdiction.id = agency.jurisdiction_id")
        .columns(end_date=sa.Date())).all()
    for row in rows:
        found = terms.derived(terms.Terms(row.end_date, bool(row.auto_renews),
                                          row.renewal_term_months,
                                          row.termination_notice_days, row.status),
                              clock.today(row.timezone))
        bind.execute(sa.text("UPDATE contract SET term_ends = :t, notice_deadline = :n "
                             "WHERE id = :id"),
                     {"t": found["term_ends"], "n": found["notice_deadline"], "id": row.id})


def downgrade() -> None:
    for statement in data_version.drop_triggers(op.get_bind().dialect.name, 'contract_outcome'):
        op.execute(statement)
    with op.batch_alter_table('contract_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_outcome_vote_id'))
        batch_op.drop_index(batch_op.f('ix_contract_outcome_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_contract_outcome_contract_id'))
    op.drop_table('contract_outcome')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_term_ends'))
        batch_op.drop_column('term_ends')
    # SQLite drops a column by rebuilding the table, and the table's triggers go with it: the
    # page count's, the search index's (its columns as of this revision) and the alert marks'.
    if op.get_bind().dialect.name == 'sqlite':
        watches = [w for w in replan.WATCHES if w.table == 'contract']
        for statement in (*data_version.triggers('sqlite', 'contract'),
                          *fulltext.sqlite_triggers('contract', ('title', 'funding_source')),
                          *replan.triggers('sqlite', watches)):
            op.execute(statement)
