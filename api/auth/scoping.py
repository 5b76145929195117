"""Applies the permission rules to every database session: each SELECT gets the acting user's
visibility criteria, and each flush is refused if it writes what the actor may not."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from api.auth import permissions, table_access
from api.auth.models import AuditEntry, User
from api.auth.table_access import Owned
from api.compiled_cache import COMPILED
from api.errors import NO_SUCH, Forbidden, Invalid, Term
from api.i18n.catalogs import N_, gettext

ACTOR = "oversight_actor"

# What a user may change on their own account; the rest is an administrator's.
SELF_EDITABLE = frozenset({"name", "password_hash", "totp_secret", "totp_enabled",
                           "totp_last_step", "last_login_at", "updated_at", "language"})


def act_as(session: Session, actor: permissions.Actor) -> None:
    """Scope this session to what the actor may read and write (None: trusted code, no limit)."""
    session.info[ACTOR] = actor


def actor_of(session: Session) -> permissions.Actor:
    return session.info.get(ACTOR)


@contextmanager
def as_system(session: Session) -> Iterator[None]:
    """Trusted work inside a user's request, such as accepting an invitation before any account
    exists; the session's actor is restored afterwards."""
    had = ACTOR in session.info
    before = session.info.get(ACTOR)
    session.info[ACTOR] = None
    try:
        yield
    finally:
        if had:
            session.info[ACTOR] = before
        else:
            session.info.pop(ACTOR, None)


# The criteria by what visibility depends on: made once per kind of actor rather than on every
# query, where they cost as much as a short query itself.
_CRITERIA: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_MAX_CRITERIA = 1024


def criteria_for(actor: permissions.Actor) -> tuple[Any, ...]:
    # A table defined later brings its own rules, so what was made before it is not reused.
    key = reader_key(actor)
    options = _CRITERIA.get(key)
    if options is None:
        if len(_CRITERIA) >= _MAX_CRITERIA:
            _CRITERIA.clear()
        options = _CRITERIA[key] = tuple(
            with_loader_criteria(model, condition)
            for model in (*permissions.owned(), *permissions.children())
            if (condition := permissions.visible(model, actor)) is not None)
    return options


# A statement made once and kept (marked by `built_once`), with each kind of actor's criteria
# added, kept in turn: SQLAlchemy works out a statement's cache key once for each statement
# object, and for a statement with the criteria added afresh on every run that took longer
# than running many of the queries (every criterion's expression walked each time).
BUILT_ONCE = "oversight_built_once"
S = TypeVar("S", bound=sa.Executable)
_SCOPED: dict[tuple[Any, ...], tuple[Any, Any]] = {}
_MAX_SCOPED = 4096


def reader_key(actor: permissions.Actor) -> tuple[Any, ...]:
    """What a statement built once for one reader depends on: readers alike in it are given
    the same rows by the same statement."""
    return (table_access.generation(), *permissions.visibility_key(actor))


def built_once(statement: S) -> S:
    """Marks a statement the caller keeps and runs again: the reader's criteria are added to
    it once per kind of reader, not on every run."""
    return statement.execution_options(**{BUILT_ONCE: True})


_KEPT: dict[tuple[Any, ...], Any] = {}
_ABSENT = object()


def kept_or_none(key: tuple[Any, ...], actor: permissions.Actor,
                 make: Callable[[], S | None]) -> S | None:
    """A statement whose own conditions depend on who reads (a rule written into it), made
    once per kind of reader by `make` and kept (`built_once`); what changes between runs is
    left to bound parameters. None, kept too, where `make` finds the reader may read nothing."""
    full = (*key, *reader_key(actor))
    found = _KEPT.get(full, _ABSENT)
    if found is _ABSENT:
        if len(_KEPT) >= _MAX_SCOPED:
            _KEPT.clear()
        made = make()
        found = _KEPT[full] = None if made is None else built_once(made)
    return cast("S | None", found)


def kept_for(key: tuple[Any, ...], actor: permissions.Actor, make: Callable[[], S]) -> S:
    """`kept_or_none` for a statement every reader has."""
    found = kept_or_none(key, actor, make)
    assert found is not None
    return found


def _scoped(statement: Any, actor: permissions.Actor, options: tuple[Any, ...]) -> Any:
    if not statement.get_execution_options().get(BUILT_ONCE):
        return statement.options(*options)
    key = (id(statement), *reader_key(actor))
    found = _SCOPED.get(key)
    # The statement itself is kept beside its scoped copy, so its id names no other meanwhile.
    if found is None or found[0] is not statement:
        if len(_SCOPED) >= _MAX_SCOPED:
            _SCOPED.clear()
        found = _SCOPED[key] = (statement, statement.options(*options))
    return found[1]


# Rows of any shape, as Session.execute gives them.
Rows = sa.CursorResult[*tuple[Any, ...]]


def read(session: Session, statement: sa.Executable,
         params: Mapping[str, Any] | None = None) -> Rows:
    """Runs a statement of columns built once (`built_once`) on the session's connection,
    with the reader's criteria added as `_scope_reads` adds them (kept once per kind of
    reader): the same SQL, without the ORM's own work on each run, which cost a short read
    as much as the database did. Pending changes are flushed first, as the ORM would."""
    assert statement.get_execution_options().get(BUILT_ONCE), "read() takes built_once statements"
    if session.autoflush:
        session.flush()
    if ACTOR in session.info:
        actor = session.info[ACTOR]
        options = criteria_for(actor)
        if options:
            statement = _scoped(statement, actor, options)
    return session.connection().execute(statement, params, execution_options=_FOUND_BY_IDENTITY)


# Statements built once are found in the compiled cache by what they are, not by their value.
_FOUND_BY_IDENTITY = {"compiled_cache": COMPILED}
_BY_ID: dict[type[Any], Any] = {}
RECORD_ID: sa.BindParameter[Any] = sa.bindparam("record_id")


def load(session: Session, model: type[Any], record_id: Any) -> Any:
    """`session.get` by a statement built once per table: one already in the session is given
    as it is; otherwise it is read under the reader's criteria without flushing first, as `get`
    does. `get` builds its statement afresh, and the walk of the reader's criteria added to it
    cost a couple of milliseconds a record."""
    if session.identity_map.get(session.identity_key(model, record_id)) is not None:
        return session.get(model, record_id)
    stmt = _BY_ID.get(model)
    if stmt is None:
        key = sa.inspect(model).primary_key[0]
        stmt = _BY_ID[model] = built_once(sa.select(model).where(key == RECORD_ID))
    with session.no_autoflush:
        return session.execute(stmt, {RECORD_ID.key: record_id}).scalars().first()


@event.listens_for(Session, "do_orm_execute")
def _scope_reads(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load or state.is_relationship_load:
        return
    if state.statement.get_execution_options().get(BUILT_ONCE):
        state.update_execution_options(**_FOUND_BY_IDENTITY)
    if ACTOR not in state.session.info:
        return
    actor = state.session.info[ACTOR]
    options = criteria_for(actor)
    if options:
        state.statement = _scoped(state.statement, actor, options)


# ---- writes ----------------------------------------------------------------------------------


def _as_it_was(obj: Any) -> Any:
    """The record with the values it had before this flush's changes."""
    state = sa.inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            values[attr.key] = history.deleted[0]
        else:
            values[attr.key] = getattr(obj, attr.key)
    return SimpleNamespace(**values)


def changed_fields(obj: Any) -> set[str]:
    state = sa.inspect(obj)
    return {attr.key for attr in state.mapper.column_attrs
            if state.attrs[attr.key].history.has_changes()}


def _check_parents(session: Session, actor: permissions.Actor, obj: Any) -> None:
    child = permissions.children()[type(obj)]
    with session.no_autoflush:
        for parent_model, column in child.parents:
            parent_id = getattr(obj, column)
            if parent_id is None and column in child.optional:
                continue
            parent = session.get(parent_model, parent_id) if parent_id is not None else None
            if parent is None or not permissions.can_read(actor, parent):
                # The same answer as for an id that was never there.
                raise Invalid(NO_SUCH, noun=Term(permissions.record_noun(parent_model)),
                              id=parent_id, field=column)
            if column in child.read_parents:
                continue
            if parent_model in permissions.owned() and not permissions.can_write(actor, parent):
                permissions.require_write(actor, parent)


def _check_member_lists(actor: permissions.Actor, obj: Any, *, new: bool) -> None:
    """A row on an organization's member list is written by those who keep that list, both
    the list it was on and the one it is moved to."""
    columns = permissions.children()[type(obj)].members_of
    rows = (obj,) if new else (obj, _as_it_was(obj))
    for row in rows:
        for column in columns:
            if not permissions.may_change_members(actor, getattr(row, column)):
                raise Forbidden(N_("Only an organization's own members and the coalition's "
                                   "leads can change who belongs to it."))


def _check_user(actor: permissions.Actor, user: User, *, new: bool) -> None:
    if permissions.can_administer(actor):
        return
    if not new and getattr(actor, "id", None) == user.id and changed_fields(user) <= SELF_EDITABLE:
        return
    raise Forbidden(N_("Only an administrator can change user accounts."))


def check_write(session: Session, actor: permissions.Actor, obj: Any, *, new: bool = False,
                deleting: bool = False) -> None:
    """Refuses a write the actor may not make; the one gate every ORM write passes."""
    model = type(obj)
    if isinstance(obj, AuditEntry) and not new:
        raise Forbidden(N_("The audit log is append-only."))
    if model in permissions.ACCOUNT_TABLES:
        return
    if model is User:
        _check_user(actor, obj, new=new)
        return
    if model in permissions.children() and model not in permissions.owned():
        permissions.require_write(actor, obj)
        _check_parents(session, actor, obj)
        _check_member_lists(actor, obj, new=new)
        return
    spec = permissions.owned().get(model)
    if (spec is not None and new and getattr(obj, spec.owner) is None):
        setattr(obj, spec.owner, permissions.default_owner(actor))
    if not new and spec is not None:
        before = _as_it_was(obj)
        permissions.require_write(actor, before, model=model, deleting=deleting)
        if (spec.coalition_kept and getattr(before, spec.owner) is None
                and permissions.role_of(actor) not in ("admin", "lead")
                and changed_fields(obj) & {spec.owner, spec.visibility}):
            # Partners keep the coalition's records up to date; taking one, or hiding it,
            # is for the leads.
            raise Forbidden(N_("Only the coalition's leads change who keeps or sees this {noun}."),
                            noun=Term(permissions.record_noun(model)))
    permissions.require_write(actor, obj, deleting=deleting)
    if model in permissions.children() and not deleting:
        # A record with its own visibility about another is written only about one its
        # writer may read.
        _check_parents(session, actor, obj)
    if spec is not None and not deleting:
        _check_named_readers(session, obj, spec, new=new)


def _check_named_readers(session: Session, obj: Any, spec: Owned, *, new: bool) -> None:
    """Whoever a partner or lead names as a record's reader (a task's assignee) reads it as
    it is shared. Administrators and trusted code, who keep the whole instance, are left to
    build what they build; a row that names someone still lets them read it."""
    if not spec.reader_users or permissions.sees_everything(session.info.get(ACTOR)):
        return
    sharing = {spec.owner, spec.visibility, *spec.reader_organizations, *spec.reader_users}
    if not new and not changed_fields(obj) & sharing:
        return
    for column in spec.reader_users:
        user_id = getattr(obj, column)
        with session.no_autoflush:
            user = session.get(User, user_id) if user_id is not None else None
        if user is not None and not permissions.may_be_named_reader(user, obj,
                                                                    model=type(obj)):
            raise Invalid(gettext(
                "%(name)s may not read this as it is shared: assign it to someone who may, or "
                "share it more widely first.") % {"name": user.name}, field=column)


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, flush_context: Any, instances: Any) -> None:
    if ACTOR not in session.info:
        return
    actor = session.info[ACTOR]
    if permissions.is_system(actor):
        return
    for obj in list(session.new):
        check_write(session, actor, obj, new=True)
    for obj in list(session.dirty):
        if session.is_modified(obj, include_collections=False):
            check_write(session, actor, obj)
    for obj in list(session.deleted):
        check_write(session, actor, obj, deleting=True)
