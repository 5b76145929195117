"""Ids a reader may not follow. A shared record may point at one its reader may not read (a
coalition contract with a partner's private agency, a shared meeting with a private target):
to that reader the record answers with no id there, as if it pointed at nothing, so no answer
tells that a record with that id exists."""

from collections.abc import Iterable
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from api.auth import permissions, scoping


def scoped_class(table: str) -> Any:
    """The mapped class of the named table if its rows have a visibility, or None."""
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
    for fk in model.__table__.foreign_keys:  # type: ignore[attr-defined]
        table, _, column = fk.target_fullname.rpartition(".")
        target = scoped_class(table)
        if target is not None and column == "id" and fk.parent.name not in parents:
            found[fk.parent.name] = target
    return found


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
    for name, target in (links or {}).items():
        readable = readable_ids(session, target, (i for row in rows for i in row[name]))
        for row in rows:
            row[name] = [i for i in row[name] if i in readable]
