"""Each target's latest meeting for each owner and visibility, kept by the database itself: a
reader's "last met" is then a lookup among the few ways they may read meetings, not a search
through every meeting of the target.

Triggers on `meeting_target` (a link added, moved or removed) and on `meeting` (its time, its
organization or its sharing changed) work the target's rows out again from its meetings, in
the writing transaction. Triggers rather than the service layer: meetings and their links are
also written by bulk loads, imports and cascading deletes that no service sees, and a summary
that missed one of them would tell a reader a wrong day for good.

A row holds an owner and a visibility, the two things that decide who may read a meeting
(api.auth.permissions), and the latest time of the target's meetings with both: a reader's
"last met" is the latest of the rows they may read, which is the latest of the meetings they
may read, and a meeting they may not read moves no row they see.

On SQLite a batch migration that rebuilds `meeting` or `meeting_target` drops these triggers
with the table: such a migration must create them again (`triggers`); the tests of the
summary, run on a database migrated to the head, fail without them."""

from typing import Any

import sqlalchemy as sa

from api.db import UTCDateTime

TABLE = "meeting_latest"
REFRESH = "meeting_latest_refresh"
NAMES = {"link": "meeting_latest_link", "meeting": "meeting_latest_meeting"}

# Made by its migration (never from the models), like the change count: a table of the
# database's own, read through this description.
metadata = sa.MetaData()
table = sa.Table(
    TABLE, metadata,
    sa.Column("target_id", sa.Integer, nullable=False),
    sa.Column("organization_id", sa.Integer, nullable=True),
    sa.Column("visibility", sa.String(9), nullable=False),
    sa.Column("held_at", UTCDateTime(), nullable=False),
)


def _recompute(targets: str = "") -> list[str]:
    """The statements that work the rows of some targets out again from their meetings;
    `targets` completes "target_id ..." (such as "= NEW.target_id"), empty for every target."""
    where = f"WHERE target_id {targets}" if targets else ""
    return [f'DELETE FROM "{TABLE}" {where}',  # noqa: S608 (names and trigger rows, no input)
            f'INSERT INTO "{TABLE}" (target_id, organization_id, visibility, held_at) '  # noqa: S608
            "SELECT mt.target_id, m.organization_id, m.visibility, max(m.held_at) "
            f"FROM meeting_target mt JOIN meeting m ON m.id = mt.meeting_id {where} "
            "GROUP BY mt.target_id, m.organization_id, m.visibility"]


def _body(targets: str) -> str:
    return "".join(f"{statement}; " for statement in _recompute(targets))


def rebuild() -> list[str]:
    """Every target's rows from all meetings: after a load made with the triggers off."""
    return _recompute()


def create_table() -> list[str]:
    return [f'CREATE TABLE "{TABLE}" (target_id INTEGER NOT NULL, organization_id INTEGER, '
            "visibility VARCHAR(9) NOT NULL, held_at TIMESTAMP WITHOUT TIME ZONE NOT NULL)",
            # A reader's lookup: for one target, the latest of each way they may read a
            # meeting (a visibility, an owner), each one step into one of these.
            f'CREATE INDEX "ix_{TABLE}_visibility" ON "{TABLE}" '
            "(target_id, visibility, held_at)",
            f'CREATE INDEX "ix_{TABLE}_organization" ON "{TABLE}" '
            "(target_id, organization_id, held_at)"]


def drop_table() -> list[str]:
    return [f'DROP TABLE "{TABLE}"']


def triggers(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            # One writer at a time per target: two transactions working out the same target
            # would each keep rows the other's delete did not see.
            f"""CREATE FUNCTION {REFRESH}(t integer) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock(7301, t);
                {_body("= t")}
            END $$""",
            f"""CREATE FUNCTION {NAMES["link"]}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM {REFRESH}(OLD.target_id); END IF;
                IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.target_id <> OLD.target_id)
                THEN PERFORM {REFRESH}(NEW.target_id); END IF;
                RETURN NULL;
            END $$""",
            f"""CREATE FUNCTION {NAMES["meeting"]}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM {REFRESH}(mt.target_id) FROM meeting_target mt
                    WHERE mt.meeting_id = NEW.id;
                RETURN NULL;
            END $$""",
            f'CREATE TRIGGER "{NAMES["link"]}" AFTER INSERT OR UPDATE OR DELETE '
            f'ON meeting_target FOR EACH ROW EXECUTE FUNCTION {NAMES["link"]}()',
            f'CREATE TRIGGER "{NAMES["meeting"]}" AFTER UPDATE OF held_at, organization_id, '
            f"visibility ON meeting FOR EACH ROW "
            f"WHEN (OLD.held_at IS DISTINCT FROM NEW.held_at "
            f"OR OLD.organization_id IS DISTINCT FROM NEW.organization_id "
            f"OR OLD.visibility IS DISTINCT FROM NEW.visibility) "
            f'EXECUTE FUNCTION {NAMES["meeting"]}()',
        ]
    return [
        f'CREATE TRIGGER "{NAMES["link"]}_insert" AFTER INSERT ON meeting_target '
        f"BEGIN {_body('= NEW.target_id')} END",
        f'CREATE TRIGGER "{NAMES["link"]}_delete" AFTER DELETE ON meeting_target '
        f"BEGIN {_body('= OLD.target_id')} END",
        f'CREATE TRIGGER "{NAMES["link"]}_update" AFTER UPDATE ON meeting_target '
        f"BEGIN {_body('= OLD.target_id')}{_body('= NEW.target_id')} END",
        f'CREATE TRIGGER "{NAMES["meeting"]}" AFTER UPDATE OF held_at, organization_id, '  # noqa: S608
        "visibility ON meeting "
        "WHEN OLD.held_at IS NOT NEW.held_at OR OLD.organization_id IS NOT NEW.organization_id "
        "OR OLD.visibility IS NOT NEW.visibility BEGIN "
        # SQLite's triggers have no loops: every target of the meeting at once.
        + _body("IN (SELECT target_id FROM meeting_target WHERE meeting_id = NEW.id)")
        + "END",
    ]


def drop_triggers(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [f'DROP TRIGGER IF EXISTS "{NAMES["link"]}" ON meeting_target',
                f'DROP TRIGGER IF EXISTS "{NAMES["meeting"]}" ON meeting',
                f"DROP FUNCTION IF EXISTS {NAMES['link']}()",
                f"DROP FUNCTION IF EXISTS {NAMES['meeting']}()",
                f"DROP FUNCTION IF EXISTS {REFRESH}(integer)"]
    return [f'DROP TRIGGER IF EXISTS "{NAMES["link"]}_{op}"'
            for op in ("insert", "delete", "update")] + [
        f'DROP TRIGGER IF EXISTS "{NAMES["meeting"]}"']


def latest_for(target_id: Any, parts: list[sa.ColumnElement[bool]] | None) -> list[Any]:
    """A target's latest time in each of the ways a reader may read meetings (`parts`, each an
    equality on the table's owner or visibility; None: every meeting), as scalar subqueries:
    the reader's "last met" is the latest of them. Each one is a single step into an index,
    where one condition joining them by OR would read every row of the target."""
    base = sa.select(sa.func.max(table.c.held_at)).where(table.c.target_id == target_id)
    if parts is None:
        return [base.scalar_subquery()]
    return [base.where(part).scalar_subquery() for part in parts]
