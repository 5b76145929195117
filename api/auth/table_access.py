"""How each table says who may read and write its rows, and the reading of those sayings
from every table defined: the vocabulary api.auth.permissions decides with. It imports no
package that holds records, so every such package can declare its rules beside its tables."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlmodel import SQLModel
from sqlmodel.main import default_registry

from api.db import table_of


@dataclass(frozen=True)
class Owned:
    """A table whose rows belong to an organization and carry a visibility."""

    owner: str
    visibility: str = "visibility"
    # Columns naming more organizations, or users, that may read a row (a task's assignees).
    reader_organizations: tuple[str, ...] = ()
    reader_users: tuple[str, ...] = ()
    # A row no organization owns is the coalition's: any partner may keep it up to date (a
    # vote's outcome, an agency's cameras), only leads delete it.
    coalition_kept: bool = False


@dataclass(frozen=True)
class Child:
    """A table whose rows are readable, and writable, only with their parent rows.

    A parent is its mapped class, or its table's name where the child's package cannot import
    the parent's (a stance change seen in a meeting: meetings import targets)."""

    parents_declared: tuple[tuple[type[SQLModel] | str, str], ...]
    # Parents a writer only has to be able to read: a partner links their own meeting to a
    # shared target, or records the stance they observed, without owning the target.
    read_parents: tuple[str, ...] = ()
    # Parents a row may have none of (a stance change not seen in a meeting); when it has one,
    # the row is read only with it.
    optional: tuple[str, ...] = ()
    # Columns naming an organization whose member list the row is on (a person's
    # affiliation): written only as permissions.may_change_members says.
    members_of: tuple[str, ...] = ()

    @property
    def parents(self) -> tuple[tuple[type[SQLModel], str], ...]:
        return tuple((mapped_class(parent) if isinstance(parent, str) else parent, column)
                     for parent, column in self.parents_declared)


@dataclass(frozen=True)
class Guarded:
    """A field of a record everyone signed in reads, itself read only at its own visibility:
    `owner` names the organization that always reads it."""

    visibility: str
    owner: str


@dataclass(frozen=True)
class Attached:
    """A table whose rows each name the record they belong to by its kind and id (a document
    on a meeting): read only with that record, and shared no more widely than it.

    The kinds are the parents' table names, so the table need not import every package whose
    records it attaches to."""

    kind: str
    id: str
    kinds: tuple[str, ...]

    @property
    def parents(self) -> dict[str, type[SQLModel]]:
        """The table of each kind of record a row may belong to."""
        return {kind: mapped_class(kind) for kind in self.kinds}


@dataclass(frozen=True)
class Access:
    """What a table tells this module about itself, as its class attribute `__access__`: each
    package declares its own tables' rules beside them, and this module reads them from the
    classes, so it imports no package that holds records. A table with none is read by
    everyone signed in and written by any member who writes."""

    owned: Owned | None = None
    child: Child | None = None
    attached: Attached | None = None
    # Fields read only at their own visibility (an organization's notes).
    guarded: tuple[tuple[str, Guarded], ...] = ()
    # Fields that are the choices of the organization the record is.
    own_choices: tuple[str, ...] = ()
    # The coalition's own shape, which only leads and administrators change.
    leads_write_only: bool = False
    # One person's own rows: what they follow, are told, prefer, their keys.
    personal: bool = False
    # Copies kept in step with another table, whose changes the audit log does not repeat.
    audited: bool = True


NO_ACCESS = Access()
# The table whose ids the owner columns hold.
ORGANIZATIONS = "organization"


def access_of(model: type[Any]) -> Access:
    """The table's own declaration; read from the class itself, never inherited."""
    found = vars(model).get("__access__", NO_ACCESS)
    return found if isinstance(found, Access) else NO_ACCESS


@dataclass(frozen=True)
class _Declared:
    owned: dict[type[SQLModel], Owned]
    children: dict[type[SQLModel], Child]
    attached: dict[type[SQLModel], Attached]
    guarded: dict[type[SQLModel], dict[str, Guarded]]
    own_choices: dict[type[SQLModel], tuple[str, ...]]
    leads_write_only: tuple[type[SQLModel], ...]
    personal: tuple[type[SQLModel], ...]
    unaudited: tuple[type[SQLModel], ...]
    by_table: dict[str, type[SQLModel]]


def generation() -> int:
    """Changes whenever a table is defined: what was worked out from every table holds only
    while this stays the same."""
    return len(SQLModel.metadata.tables)


def _declared() -> _Declared:
    return _declared_at(generation())


@cache
def _declared_at(tables: int) -> _Declared:
    # Every table defined so far: a package imported later adds its own, under a new count.
    models = sorted((mapper.class_ for mapper in default_registry.mappers
                     if issubclass(mapper.class_, SQLModel)), key=lambda m: m.__name__)
    declared = {model: access_of(model) for model in models}
    return _Declared(
        owned={m: a.owned for m, a in declared.items() if a.owned is not None},
        children={m: a.child for m, a in declared.items() if a.child is not None},
        attached={m: a.attached for m, a in declared.items() if a.attached is not None},
        guarded={m: dict(a.guarded) for m, a in declared.items() if a.guarded},
        own_choices={m: a.own_choices for m, a in declared.items() if a.own_choices},
        leads_write_only=tuple(m for m, a in declared.items() if a.leads_write_only),
        personal=tuple(m for m, a in declared.items() if a.personal),
        unaudited=tuple(m for m, a in declared.items() if not a.audited),
        by_table={table_of(m).name: m for m in models},
    )


def mapped_class(table: str) -> type[SQLModel]:
    """The class of a table by its name; its package must have been imported (api.models
    imports them all), else this refuses rather than read the rules without it."""
    found = _declared().by_table.get(table)
    if found is None:
        raise LookupError(f"No table {table!r} is defined; import api.models first.")
    return found


def owned() -> dict[type[SQLModel], Owned]:
    return _declared().owned


def guarded() -> dict[type[SQLModel], dict[str, Guarded]]:
    return _declared().guarded


def children() -> dict[type[SQLModel], Child]:
    return _declared().children


def attached() -> dict[type[SQLModel], Attached]:
    return _declared().attached


def personal() -> tuple[type[SQLModel], ...]:
    """Tables whose rows are one person's own: what they follow, are told, prefer, and the
    keys to their feeds and to the API. An alert's delivery row is its recipient's, and tells
    in its title what the alert is about."""
    return _declared().personal


def own_choices() -> dict[type[SQLModel], tuple[str, ...]]:
    """Fields of a record that are the choices of the organization it is: who reads its notes,
    who its new records are shared with, whether the leads hear of its meetings."""
    return _declared().own_choices


def leads_write_only() -> tuple[type[SQLModel], ...]:
    """Shared tables only leads and administrators change: the coalition's own shape."""
    return _declared().leads_write_only


def unaudited() -> tuple[type[SQLModel], ...]:
    return _declared().unaudited
