"""Which version of the data a read sees: a count that grows with each committed write a page
could show, in any process, so a page made from one version can be reused until the next.

A trigger on each counted table adds one to the single row of `change_count` in the writing
transaction, so a reader never sees the new count without the rows that made it. On PostgreSQL
the trigger is deferred to the commit and counts once per transaction: the row is locked only
while a writer commits, so writers wait on each other for no longer than that.

On SQLite a batch migration that rebuilds a counted table drops its triggers with it: such a
migration must run `triggers` again for that table (a test checks that every counted table has
them). A table added later needs them too."""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

TABLE = "change_count"
OPERATIONS = ("insert", "update", "delete")
# Written on almost every request or scheduler tick and shown by no reused page; counting them
# would make every page new at each sign-in check or lease renewal. An audit entry is only ever
# written beside a counted change, which moves the version by itself.
NOT_COUNTED = frozenset({
    "alembic_version", TABLE, "auth_session", "api_token", "login_attempt", "password_reset",
    "audit_entry", "alert_outbox", "alert_attempt", "scheduler_lease", "feed_token",
    "alert_replan",
    # Each saved search is marked checked at every check, and its matches remembered; only its
    # owner's own page shows them, which is never reused.
    "saved_search", "saved_search_match",
    # Kept by triggers beside the meetings it sums up, whose own changes are counted.
    "meeting_latest",
})


def counted(tables: Iterable[str]) -> list[str]:
    return sorted(t for t in tables if t not in NOT_COUNTED and not t.endswith("_fts")
                  and not t.startswith("sqlite_") and "_fts_" not in t)


def trigger_name(table: str, operation: str = "change") -> str:
    return f"{TABLE}_{table}_{operation}"


def add_one() -> str:
    """Counts a change the triggers did not see, such as a bulk load made with them off."""
    return f'UPDATE "{TABLE}" SET n = n + 1 WHERE id = 1'  # noqa: S608


def create(dialect: str) -> list[str]:
    statements = [f'CREATE TABLE "{TABLE}" (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), '
                  'n BIGINT NOT NULL)',
                  f'INSERT INTO "{TABLE}" (id, n) VALUES (1, 0)']  # noqa: S608
    if dialect == "postgresql":
        # Once per transaction: a setting local to the transaction says it was counted.
        statements.append(f"""CREATE FUNCTION {TABLE}_add() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('oversight.counted', true) IS DISTINCT FROM 'on' THEN
                    PERFORM set_config('oversight.counted', 'on', true);
                    {add_one()};
                END IF;
                RETURN NULL;
            END $$""")
    return statements


def drop(dialect: str) -> list[str]:
    statements = [f'DROP TABLE "{TABLE}"']
    if dialect == "postgresql":
        statements.append(f"DROP FUNCTION {TABLE}_add()")
    return statements


def triggers(dialect: str, table: str) -> list[str]:
    """The triggers that count the table's changes."""
    if dialect == "postgresql":
        return [f'CREATE CONSTRAINT TRIGGER "{trigger_name(table)}" AFTER INSERT OR UPDATE OR '
                f'DELETE ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                f"EXECUTE FUNCTION {TABLE}_add()"]
    return [f'CREATE TRIGGER IF NOT EXISTS "{trigger_name(table, operation)}" '
            f'AFTER {operation.upper()} ON "{table}" BEGIN {add_one()}; END'
            for operation in OPERATIONS]


def drop_triggers(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"']
    return [f'DROP TRIGGER IF EXISTS "{trigger_name(table, operation)}"'
            for operation in OPERATIONS]


def trigger_names(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [trigger_name(table)]
    return [trigger_name(table, operation) for operation in OPERATIONS]


def column() -> Any:
    """The version as a scalar subquery, to read beside other values in one statement."""
    return sa.select(sa.column("n")).select_from(sa.table(TABLE)).where(
        sa.column("id") == 1).scalar_subquery()


def current(session: Session) -> int:
    """The version this session's reads see from now on (read it before reading the rows)."""
    return int(session.execute(sa.text(f'SELECT n FROM "{TABLE}" WHERE id = 1')).scalar_one())  # noqa: S608
