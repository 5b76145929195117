"""Full-text indexes of the searched tables and the conditions that query them: on SQLite an FTS5
table per searched table, kept in step by triggers; on PostgreSQL a GIN index over a tsvector
expression, kept in step by PostgreSQL itself.

Both split text into runs of letters and digits, so a query is a list of such words and nothing
a user types can be read as query syntax. Each word matches the beginnings of words ("alv"
finds "Alvarez"), and every word must match somewhere in the record.

On SQLite a batch migration that rebuilds an indexed table drops its triggers with it: such a
migration must run `sqlite_triggers` again for that table (a test checks that every indexed table
has them at head)."""

import re
from collections.abc import Sequence

# A word is a run of letters and digits, as both databases' tokenizers see it once everything
# else is turned into spaces; underscores separate words there too.
WORD = re.compile(r"[^\W_]+")
# More words than this only narrow a search that is already narrow, at the cost of one more
# index lookup each.
MAX_WORDS = 8
# Words this short match whole words only: as prefixes they would match most of the index.
MIN_PREFIX = 2

TOKENIZER = "unicode61 remove_diacritics 2"
# Prefix indexes for the short beginnings people type first; longer ones merge few words.
PREFIX_LENGTHS = "2 3"

PG_CONFIG = "simple"
# Anything but letters and digits becomes a space before PostgreSQL's parser sees the text, so
# it splits words where SQLite's tokenizer does (the parser would keep an email address whole).
PG_NOT_A_WORD = "[^[:alnum:]]+"


def words(text: str) -> list[str]:
    """The words of a query, lowercased, at most MAX_WORDS, repeats dropped."""
    found = dict.fromkeys(w.lower() for w in WORD.findall(text))
    return list(found)[:MAX_WORDS]


# ---- SQLite ------------------------------------------------------------------------------


def fts_table(table: str) -> str:
    return f"{table}_fts"


def sqlite_query(terms: Sequence[str]) -> str:
    """An FTS5 query: every word, each quoted (so none is an operator) and, when long enough,
    a prefix."""
    return " ".join(f'"{w}"*' if len(w) >= MIN_PREFIX else f'"{w}"' for w in terms)


def _names(columns: Sequence[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{c}"' for c in columns)


def sqlite_create(table: str, columns: Sequence[str]) -> list[str]:
    """The FTS5 table over the columns (the table itself holds the text), its triggers, and
    the statement that fills it from the rows already there."""
    fts = fts_table(table)
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING fts5({_names(columns)}, content=\'{table}\', '
        f"content_rowid='id', tokenize='{TOKENIZER}', prefix='{PREFIX_LENGTHS}')",
        *resume("sqlite", table, columns),
    ]


def sqlite_triggers(table: str, columns: Sequence[str]) -> list[str]:
    fts = fts_table(table)
    # Table and column names come from the code, never from input.
    add = (f'INSERT INTO "{fts}"(rowid, {_names(columns)}) '  # noqa: S608
           f"VALUES (new.id, {_names(columns, 'new.')});")
    # An external-content index forgets a row only when told the values it was indexed with.
    remove = (f'INSERT INTO "{fts}"("{fts}", rowid, {_names(columns)}) '  # noqa: S608
              f"VALUES ('delete', old.id, {_names(columns, 'old.')});")
    return [
        f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN {add} END',
        f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN {remove} END',
        # Only a change to a searched column touches the index.
        f'CREATE TRIGGER "{fts}_update" AFTER UPDATE OF {_names(columns)} ON "{table}" '
        f"BEGIN {remove} {add} END",
    ]


def sqlite_optimize(table: str) -> str:
    """Merges the index into one segment, leaving out every entry marked deleted."""
    fts = fts_table(table)
    return f"INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('optimize')"  # noqa: S608


def sqlite_drop_triggers(table: str) -> list[str]:
    fts = fts_table(table)
    return [f'DROP TRIGGER IF EXISTS "{fts}_{event}"' for event in ("insert", "delete", "update")]


def sqlite_drop(table: str) -> list[str]:
    return [*sqlite_drop_triggers(table), f'DROP TABLE IF EXISTS "{fts_table(table)}"']


def is_fts_table(name: str) -> bool:
    """An FTS5 table or one of the tables FTS5 keeps its index in."""
    return re.fullmatch(r"\w+_fts(_(data|idx|content|docsize|config))?", name) is not None


# ---- PostgreSQL --------------------------------------------------------------------------


def pg_index(table: str) -> str:
    return f"ix_{table}_search"


def _pg_text(columns: Sequence[str], prefix: str = "") -> str:
    joined = " || ' ' || ".join(f"coalesce({prefix}\"{c}\", '')" for c in columns)
    return f"regexp_replace({joined}, '{PG_NOT_A_WORD}', ' ', 'g')"


def pg_document(columns: Sequence[str], prefix: str = "") -> str:
    """The indexed expression. A query must repeat it exactly, with literals rather than
    parameters, for PostgreSQL to use the index."""
    return f"to_tsvector('{PG_CONFIG}'::regconfig, {_pg_text(columns, prefix)})"


def pg_query(terms: Sequence[str]) -> str:
    """A to_tsquery text: every word, prefixes where long enough."""
    return " & ".join(f"{w}:*" if len(w) >= MIN_PREFIX else w for w in terms)


def pg_create(table: str, columns: Sequence[str]) -> list[str]:
    return [f'CREATE INDEX "{pg_index(table)}" ON "{table}" USING gin ({pg_document(columns)})']


def pg_drop(table: str) -> list[str]:
    return [f'DROP INDEX IF EXISTS "{pg_index(table)}"']


def is_search_index(name: str) -> bool:
    return re.fullmatch(r"ix_\w+_search", name) is not None


# ---- both --------------------------------------------------------------------------------


def create(dialect: str, table: str, columns: Sequence[str]) -> list[str]:
    return sqlite_create(table, columns) if dialect == "sqlite" else pg_create(table, columns)


def drop(dialect: str, table: str) -> list[str]:
    return sqlite_drop(table) if dialect == "sqlite" else pg_drop(table)


def pause(dialect: str, table: str) -> list[str]:
    """Before a bulk load: the index stops following the table (see `resume`)."""
    return sqlite_drop_triggers(table) if dialect == "sqlite" else pg_drop(table)


def resume(dialect: str, table: str, columns: Sequence[str]) -> list[str]:
    """After a bulk load: the index made again from all the rows at once, far faster than
    following each insert, and in step from then on."""
    if dialect != "sqlite":
        return pg_create(table, columns)
    fts = fts_table(table)
    return [*sqlite_triggers(table, columns),
            f"INSERT INTO \"{fts}\"(\"{fts}\") VALUES ('rebuild')"]  # noqa: S608


def ignored_by_migrations(name: str | None, type_: str) -> bool:
    """What Alembic's comparison must leave alone: these indexes are not on the models."""
    if name is None:
        return False
    if type_ == "table":
        return is_fts_table(name)
    if type_ == "index":
        return is_search_index(name)
    return False

