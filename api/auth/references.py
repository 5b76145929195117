"""Ids a reader may not follow. A shared record may point at one its reader may not read (a
coalition contract with a partner's private agency, a shared meeting with a private target):
to that reader the record answers with no id there, as if it pointed at nothing, so no answer
tells that a record with that id exists."""

from collections.abc import Iterable
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from api.auth import permissions, scoping, table_access
from api.db import table_of


def scoped_class(table: str) -> Any:
    """The mapped class of the named table if its rows have a visibility, or None."""
    return _scoped_class(table, table_access.generation())


@cache
def _scoped_class(table: str, generation: int) -> Any:
    # Worked out again once more tables are defined: one defined later may be the answer.
    for model in (*permissions.owned(), *permissions.children()):
        if model.__tablename__ == table:
            return model
    return None


@cache
def scoped_references(model: type[SQLModel]) -> dict[str, Any]:
    """The model's foreign keys to records with a visibility: field name to mapped class."""
    # A child is read only with its parents, so its parents' ids are always readable with it.
    child = permissions.children().get(model)
    parents = {name for _, name in child.parents} if child else set()
    found = {}
    for fk in table_of(model).foreign_keys:
        table, _, column = fk.target_fullname.rpartition(".")
        target = scoped_class(table)
        if target is not None and column == "id" and fk.parent.name not in parents:
            found[fk.parent.name] = target
    return found


@cache
def embedded_references(model: type[SQLModel]) -> dict[str, tuple[str, Any]]:
    """The model's JSON lists whose items name records with a visibility: field name to the
    item's key and the mapped class it names (declared with api.fields.json_field)."""
    found = {}
    for column in table_of(model).columns:
        refers_to = column.info.get("refers_to")
        if refers_to and (target := scoped_class(refers_to[1])) is not None:
            found[column.name] = (refers_to[0], target)
    return found


def hidden_items(session: Session, model: type[SQLModel], name: str,
                 items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of the JSON list `name` that name a record the session's reader may not
    read."""
    key, target = embedded_references(model)[name]
    readable = readable_ids(session, target, (int(i[key]) for i in items))
    return [i for i in items if int(i[key]) not in readable]


def readable_ids(session: Session, target: Any, ids: Iterable[int]) -> set[int]:
    """Those of the ids the session's reader may read (all of them for the system)."""
    wanted = sorted(set(ids))
    if not wanted or scoping.ACTOR not in session.info:
        return set(wanted)
    # Through the mapped class, so the session's visibility criteria apply.
    return set(session.execute(sa.select(target.id).where(target.id.in_(wanted))).scalars())


def hide_unreadable(session: Session, model: type[SQLModel], rows: list[dict[str, Any]],
                    links: dict[str, Any] | None = None) -> None:
    """Empties, in place, every reference of the rows the session's reader may not read:
    foreign keys become None, and ids the reader may not read leave link lists (`links` maps
    a row's list field to the mapped class its ids name)."""
    if not rows or scoping.ACTOR not in session.info:
        return
    if permissions.sees_everything(scoping.actor_of(session)):
        return
    for name, target in scoped_references(model).items():
        readable = readable_ids(session, target, (row[name] for row in rows
                                                  if row.get(name) is not None))
        for row in rows:
            if row.get(name) is not None and row[name] not in readable:
                row[name] = None
    for name, (key, target) in embedded_references(model).items():
        readable = readable_ids(session, target, (int(i[key]) for row in rows
                                                  for i in row.get(name) or []))
        for row in rows:
            if row.get(name):
                row[name] = [i for i in row[name] if int(i[key]) in readable]
    for name, target in (links or {}).items():
        readable = readable_ids(session, target, (i for row in rows for i in row[name]))
        for row in rows:
            row[name] = [i for i in row[name] if i in readable]


def hide_in_changes(session: Session, entries: list[tuple[type[SQLModel], dict[str, Any]]]
                    ) -> None:
    """Empties, in place, what logged changes (field: [before, after]) name that the
    session's reader may not read, as hide_unreadable does for records."""
    if not entries or scoping.ACTOR not in session.info:
        return
    if permissions.sees_everything(scoping.actor_of(session)):
        return
    def sides(changes: dict[str, Any], name: str) -> list[Any]:
        value = changes.get(name)
        return value if isinstance(value, list) and len(value) == 2 else []

    def items(side: Any, key: str) -> list[dict[str, Any]]:
        return [i for i in side if isinstance(i, dict) and key in i] \
            if isinstance(side, list) else []

    wanted: dict[Any, set[int]] = {}
    for model, changes in entries:
        for name, target in scoped_references(model).items():
            wanted.setdefault(target, set()).update(
                v for v in sides(changes, name) if isinstance(v, int))
        for name, (key, target) in embedded_references(model).items():
            wanted.setdefault(target, set()).update(
                int(i[key]) for side in sides(changes, name) for i in items(side, key))
    readable = {target: readable_ids(session, target, ids) for target, ids in wanted.items()}
    for model, changes in entries:
        for name, target in scoped_references(model).items():
            if sides(changes, name):
                changes[name] = [v if not isinstance(v, int) or v in readable[target] else None
                                 for v in changes[name]]
        for name, (key, target) in embedded_references(model).items():
            if sides(changes, name):
                changes[name] = [side if not isinstance(side, list) else
                                 [i for i in items(side, key) if int(i[key]) in readable[target]]
                                 for side in changes[name]]
