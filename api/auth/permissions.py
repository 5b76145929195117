"""The one place that decides who may read and write what: roles, owner organizations and
visibility, as Python checks on one record and as SQL criteria on every query."""

import re
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlalchemy.orm import object_session
from sqlmodel import SQLModel

from api.auth.models import (
    ApiToken,
    AuditEntry,
    AuthSession,
    InstanceSetting,
    Invitation,
    LoginAttempt,
    PasswordReset,
    Role,
    User,
    Visibility,
)
from api.auth.table_access import (
    ORGANIZATIONS,
    Attached,
    Child,
    Owned,
    attached,
    children,
    guarded,
    leads_write_only,
    mapped_class,
    own_choices,
    owned,
    personal,
)
from api.db import table_of
from api.errors import NO_SUCH, Forbidden, NotFound, Term
from api.i18n.catalogs import N_

SHARED_VISIBILITY = (Visibility.coalition.value, Visibility.public.value)
# From the most closed to the most open.
WIDENING = (Visibility.private, Visibility.leads, Visibility.coalition, Visibility.public)


def shared_at_least(tier: Visibility | str) -> list[str]:
    """The visibilities at or above a tier: what a reader given that tier reads of others'
    records (a webhook endpoint's channel, an export for a funder)."""
    return [v.value for v in WIDENING[WIDENING.index(Visibility(tier)):]]
LEADS = (Role.admin, Role.lead)


class Anonymous:
    """The actor of a request nobody signed in to: it can read no scoped record."""

    id = None
    role = None
    organization_id = None
    is_active = False


ANONYMOUS = Anonymous()

# Who a read or write is for: a signed-in user, nobody signed in, or None for trusted code
# (the command line, a migration, the scheduler).
Actor = User | Anonymous | None


# Tables the account services write themselves, under their own rules.
ACCOUNT_TABLES: tuple[type[SQLModel], ...] = (
    AuthSession, ApiToken, Invitation, PasswordReset, LoginAttempt, AuditEntry, InstanceSetting,
)


def can_read_field(actor: Actor, record: Any, name: str, *,
                   model: type[Any] | None = None) -> bool:
    """May the actor read this field of a record they may read? `record` may be a mapping."""
    spec = guarded().get(model or type(record), {}).get(name)
    if spec is None or sees_everything(actor):
        return True
    if is_anonymous(actor):
        return False
    if isinstance(record, dict):
        record = SimpleNamespace(**record)
    return _may_read_owned(actor, record, Owned(spec.owner, spec.visibility))


def unreadable_fields(actor: Actor, record: Any, *,
                      model: type[Any] | None = None) -> frozenset[str]:
    """The guarded fields of a record the actor may not read: shown as empty, never changed."""
    model = model or type(record)
    return frozenset(name for name in guarded().get(model, {})
                     if not can_read_field(actor, record, name, model=model))


def visible_field(model: type[SQLModel], name: str,
                  actor: Actor) -> sa.ColumnElement[bool] | None:
    """The SQL condition a row must meet for the actor to read one of its guarded fields;
    None when the actor reads it in every row."""
    spec = guarded().get(model, {}).get(name)
    if spec is None or sees_everything(actor):
        return None
    if is_anonymous(actor):
        return sa.false()
    return _owned_condition(model, Owned(spec.owner, spec.visibility), actor)


def widest_under(parent: Any) -> Visibility:
    """The widest a row attached to this record may be shared: as widely as the record itself;
    a record everyone signed in reads (a body, a campaign) sets no limit."""
    spec = owned().get(type(parent))
    return Visibility.public if spec is None else Visibility(getattr(parent, spec.visibility))


def wider_than(visibility: Visibility | str, limit: Visibility | str) -> bool:
    return WIDENING.index(Visibility(visibility)) > WIDENING.index(Visibility(limit))


def is_system(actor: Actor) -> bool:
    """No actor at all is the command line, a migration or the scheduler: trusted code."""
    return actor is None


def is_anonymous(actor: Actor) -> bool:
    return isinstance(actor, Anonymous)


def sees_everything(actor: Actor) -> bool:
    return is_system(actor) or getattr(actor, "role", None) == Role.admin


# ---- reading ---------------------------------------------------------------------------------


def visible(model: type[SQLModel], actor: Actor) -> sa.ColumnElement[bool] | None:
    """The SQL condition rows of a table must meet for the actor to read them; None when the
    actor may read every row."""
    if sees_everything(actor):
        return None
    if is_anonymous(actor):
        return sa.false() if model in owned() or model in children() else None
    spec = owned().get(model)
    if spec is not None:
        condition = _owned_condition(model, spec, actor)
        if model in attached():
            condition = sa.and_(condition, _parent_readable(model, attached()[model], actor))
        if model is AuditEntry:
            condition = sa.and_(condition, _not_personal())
        if model in children():
            # A record with a visibility of its own about another (a sharing link about an
            # agency) is read only by those who may read both.
            parents = _parents_readable(model, children()[model], actor)
            if parents is not None:
                condition = sa.and_(condition, parents)
        return condition
    child = children().get(model)
    if child is not None:
        return _parents_readable(model, child, actor)
    return None


def _parents_readable(model: type[SQLModel], child: Child,
                      actor: Actor) -> sa.ColumnElement[bool] | None:
    """The row's parents are ones the actor may read; None when every parent is."""
    conditions = []
    for parent, column in child.parents:
        parent_condition = visible(parent, actor)
        if parent_condition is not None:
            # A lookup of the row's own parent: "IN (the ids of every visible parent)"
            # made SQLite list every visible meeting for each query that read a link.
            # The parent table is never the query's own, so a query that also reads
            # parents still checks this row's parent, not the row it is reading.
            parents = (sa.select(sa.literal(1)).select_from(parent)
                       .where(table_of(parent).c.id == getattr(model, column),
                              parent_condition)
                       .correlate_except(parent))
            if column in child.optional:
                conditions.append(sa.or_(getattr(model, column).is_(None), parents.exists()))
            else:
                conditions.append(parents.exists())
    return sa.and_(*conditions) if conditions else None


def _parent_readable(model: type[SQLModel], spec: Attached,
                     actor: Actor) -> sa.ColumnElement[bool]:
    """The record an attached row belongs to is one the actor may read."""
    kind, parent_id = getattr(model, spec.kind), getattr(model, spec.id)
    open_kinds, conditions = [], []
    for name, parent in spec.parents.items():
        condition = visible(parent, actor)
        if condition is None:
            open_kinds.append(name)
            continue
        # As for a child row: a lookup of the row's own parent, never a list of every
        # parent the actor may read.
        found = (sa.select(sa.literal(1)).select_from(parent)
                 .where(table_of(parent).c.id == parent_id, condition)
                 .correlate_except(parent))
        conditions.append(sa.and_(kind == name, found.exists()))
    if open_kinds:
        conditions.append(kind.in_(open_kinds))
    return sa.or_(*conditions)


def _not_personal() -> sa.ColumnElement[bool]:
    """An audit entry about no one's personal row: entries about those, written before they
    were kept out of the log, were filed as the coalition's and are for administrators."""
    return AuditEntry.record_kind.not_in([m.__tablename__ for m in personal()])


def visibility_key(actor: Actor) -> tuple[Any, ...]:
    """Everything `visible` reads of the actor: conditions made for one actor hold for every
    actor with the same key, so they may be kept and reused under it."""
    if sees_everything(actor):
        return ("everything",)
    assert actor is not None  # sees_everything(None) returned above
    if is_anonymous(actor):
        return ("anonymous",)
    return (role_of(actor), actor.organization_id, actor.id)


def reads_key(actor: Actor, *models: type[SQLModel]) -> tuple[Any, ...]:
    """visibility_key for reading only these tables (and their children): without the user
    when none names user readers, so that every member of an organization with one role shares
    one key."""
    key = visibility_key(actor)
    specs = owned()
    parents = {parent for m in models if m in children() for parent, _ in children()[m].parents}
    if len(key) == 3 and not any(specs[m].reader_users for m in {*models, *parents}
                                 if m in specs):
        return key[:2]
    return key


def _owned_condition(model: type[SQLModel], spec: Owned, actor: Actor) -> sa.ColumnElement[bool]:
    assert actor is not None  # trusted code sees everything and never gets here
    owner = getattr(model, spec.owner)
    visibility = getattr(model, spec.visibility)
    if actor.role == Role.lead:
        # Leads read everything but other organizations' private records; a private record
        # that no organization owns belongs to the coalition's leads.
        # Left as "!=", which no index serves: SQLite, without statistics, would otherwise
        # gather every coalition-visible row through the visibility index (hundreds of
        # thousands) in place of reading a date range or a campaign's rows.
        allowed = [visibility != _written(Visibility.private), owner.is_(None)]
    else:
        allowed = [visibility.in_([_written(v) for v in SHARED_VISIBILITY])]
    return sa.or_(*allowed, *_readers(model, spec, actor))


def _written(visibility: Visibility | str) -> sa.ColumnElement[Any]:
    """A visibility written into the SQL, not a bound parameter: the same for every reader,
    and the copies of a bound parameter that the criteria leave in each statement (one per
    table they narrow) cost SQLAlchemy a hash-and-compare on every run of it."""
    return sa.literal_column(f"'{Visibility(visibility).value}'")


def _readers(model: type[SQLModel], spec: Owned, actor: Actor) -> list[sa.ColumnElement[bool]]:
    """The rows the actor reads as their owner or a named reader, whatever their visibility."""
    assert actor is not None  # trusted code sees everything and never gets here
    org = actor.organization_id
    allowed = []
    if org is not None:
        allowed.append(getattr(model, spec.owner) == org)
        allowed.extend(getattr(model, c) == org for c in spec.reader_organizations)
    if actor.id is not None:
        allowed.extend(getattr(model, c) == actor.id for c in spec.reader_users)
    return allowed


def visible_parts(model: type[SQLModel], actor: Actor, *,
                  columns: Any = None) -> list[sa.ColumnElement[bool]] | None:
    """`visible` of a table with owners, as conditions whose OR is the same rows, each one an
    equality (or IS NULL) that an index led by its column can seek; None when the actor may
    read every row, empty when none.

    For "the first few rows by time the actor may read": under the single condition the
    database walks the time index past every row the actor may not read, which for someone
    who may read few of them is every row; a query per part stops after a few rows each.

    `columns` names another table's columns to put the conditions on, named as the model's: a
    summary of the model's rows kept per owner and visibility, a row of which stands only for
    rows with its owner and visibility, so it is readable exactly when they are."""
    if sees_everything(actor):
        return None
    assert actor is not None  # sees_everything(None) returned above
    if is_anonymous(actor):
        return []
    spec = owned()[model]
    if columns is not None:
        # Named readers are a third thing deciding who reads a row, which no summary keeps.
        assert not spec.reader_organizations and not spec.reader_users
    source = model if columns is None else columns
    owner = getattr(source, spec.owner)
    visibility = getattr(source, spec.visibility)
    if actor.role == Role.lead:
        shown = [v.value for v in Visibility if v != Visibility.private]
        allowed = [visibility == v for v in shown]
        allowed.append(owner.is_(None))
    else:
        allowed = [visibility == v for v in SHARED_VISIBILITY]
    return allowed + _readers(source, spec, actor)


def can_read(actor: Actor, record: Any) -> bool:
    if sees_everything(actor):
        return True
    model = type(record)
    if is_anonymous(actor):
        return model not in owned() and model not in children()
    spec = owned().get(model)
    if spec is not None:
        if not _may_read_owned(actor, record, spec):
            return False
        if model is AuditEntry and record.record_kind in {m.__tablename__ for m in personal()}:
            return False
        if model in attached():
            return _may_read_parent(actor, record, attached()[model])
        if model in children():
            return _may_read_parents(actor, record, children()[model])
    return True


def _may_read_parents(actor: Actor, record: Any, child: Child) -> bool:
    """The parents of a record with a visibility of its own are ones the actor may read; a
    row that is not in a session (a stand-in) is taken as its queries found it."""
    session = object_session(record) if _is_mapped(record) else None
    if session is None:
        return True
    for parent_model, column in child.parents:
        parent_id = getattr(record, column)
        if parent_id is None:
            if column in child.optional:
                continue
            return False
        with session.no_autoflush:
            parent = session.get(parent_model, parent_id)
        if parent is None or not can_read(actor, parent):
            return False
    return True


def _may_read_parent(actor: Actor, record: Any, spec: Attached) -> bool:
    """The record an attached row belongs to is one the actor may read; a row that is not
    in a session (a stand-in) is taken as its queries found it."""
    session = object_session(record) if _is_mapped(record) else None
    if session is None:
        return True
    parent_model = spec.parents.get(str(getattr(getattr(record, spec.kind), "value",
                                                getattr(record, spec.kind))))
    if parent_model is None:
        return False
    with session.no_autoflush:
        parent = session.get(parent_model, getattr(record, spec.id))
    return parent is not None and can_read(actor, parent)


def _is_mapped(record: Any) -> bool:
    return sa.inspect(record, raiseerr=False) is not None


def _may_read_owned(actor: Actor, record: Any, spec: Owned) -> bool:
    assert actor is not None  # trusted code sees everything and never gets here
    owner = getattr(record, spec.owner)
    visibility = getattr(record, spec.visibility)
    org = actor.organization_id
    if org is not None and (owner == org or any(getattr(record, c) == org
                                                for c in spec.reader_organizations)):
        return True
    if actor.id is not None and any(getattr(record, c) == actor.id for c in spec.reader_users):
        return True
    if actor.role == Role.lead:
        return visibility != Visibility.private or owner is None
    return visibility in SHARED_VISIBILITY


def reads_owned(reader: Actor | str, model: type[SQLModel], owner: int | None,
                visibility: str) -> bool:
    """Whether a reader may read a row of an owned table that has this owner and visibility
    and names no other readers: `visible` for one row, in Python. The reader is a user, or a
    tier's name for anyone given that tier (a webhook's channel)."""
    if isinstance(reader, str):
        return visibility in shared_at_least(reader)
    if sees_everything(reader):
        return True
    if is_anonymous(reader):
        return False
    spec = owned()[model]
    row = SimpleNamespace(**{spec.owner: owner, spec.visibility: visibility},
                          **dict.fromkeys((*spec.reader_organizations, *spec.reader_users)))
    return _may_read_owned(reader, row, spec)


def may_be_named_reader(user: User, record: Any, *, model: type[SQLModel]) -> bool:
    """Whether a user may be named on a record as one of its readers (a task's assignee):
    only one who reads it as it is shared without being named. Naming someone is no way to
    share a record past what its owner chose: a private task of one organization is not
    handed to another's member."""
    if sees_everything(user):
        return True
    spec = owned()[model]
    kept = (spec.owner, spec.visibility, *spec.reader_organizations)
    row = SimpleNamespace(**{c: getattr(record, c) for c in kept},
                          **dict.fromkeys(spec.reader_users))
    return _may_read_owned(user, row, spec)


def require_read(actor: Actor, record: Any, label: str = "record") -> None:
    """Refuses as if the record did not exist, so its existence does not leak either."""
    if not can_read(actor, record):
        raise NotFound(NO_SUCH, noun=Term(label), id=getattr(record, "id", ""))


# ---- writing ---------------------------------------------------------------------------------


def role_of(actor: Actor) -> str | None:
    role = getattr(actor, "role", None)
    return None if role is None else str(role)


def can_write(actor: Actor, record: Any, *, model: type[Any] | None = None,
              deleting: bool = False) -> bool:
    """May the actor create, change or (with deleting) remove this record as it now stands?
    `model` names the table when the record is a stand-in holding its earlier values. A
    stored record being changed is also checked for the fields this write changes that the
    actor may not (`fixed_fields`)."""
    return (_may_write(actor, record, model=model, deleting=deleting)
            and not _changes_fixed(actor, record, model=model or type(record)))


def writable_rows(actor: Actor, model: type[Any], *,
                  deleting: bool = False) -> Callable[[Mapping[str, Any]], bool]:
    """can_write for rows of one table that a page shows, each a mapping of its columns read
    under the actor's visibility: what depends only on the actor is decided once, and each row
    costs a comparison of its owner (a campaign's board asks for 180 cards)."""
    if sees_everything(actor):
        return lambda row: True
    if is_anonymous(actor) or not getattr(actor, "is_active", False) or model is User \
            or role_of(actor) == Role.viewer:
        return lambda row: False
    spec = owned().get(model)
    if spec is None:
        return lambda row: can_write(actor, SimpleNamespace(**row), model=model,
                                     deleting=deleting)
    if role_of(actor) == Role.lead:
        # A lead may change whatever they may read, and these rows were read as theirs.
        return lambda row: True
    organization = getattr(actor, "organization_id", None)
    unowned = spec.coalition_kept and not deleting
    return lambda row: (unowned if row[spec.owner] is None
                        else row[spec.owner] == organization)


def fixed_fields(actor: Actor, record: Any, *, model: type[Any] | None = None) -> frozenset[str]:
    """Fields of a stored record the actor may not change, however much else of it they may:
    who owns it and who may read it (its visibility, and on a task whom it is assigned to)
    are its own organization's to decide, for its members who write and administrators; a
    record no organization owns is the coalition's leads'. An organization's own choices of
    sharing are its members' to make. `record` may be a stand-in holding its values."""
    model = model or type(record)
    if sees_everything(actor):
        return frozenset()
    spec = owned().get(model)
    if spec is not None:
        owner = getattr(record, spec.owner)
        if decides_for(actor, owner) or (owner is None and role_of(actor) == Role.lead):
            return frozenset()
        return frozenset({spec.owner, spec.visibility, *spec.reader_organizations,
                          *spec.reader_users})
    choices = own_choices().get(model)
    if choices and not decides_for(actor, getattr(record, "id", None)):
        return frozenset(choices)
    return frozenset()


def owner_of(record: Any) -> int | None:
    """The organization a record belongs to: its owner; an organization's own choices are
    its own. None: the coalition's, or a kind no organization owns."""
    spec = owned().get(type(record))
    if spec is not None:
        return getattr(record, spec.owner)
    if type(record) in own_choices():
        return getattr(record, "id", None)
    return None


def decides_for(actor: Actor, organization_id: int | None) -> bool:
    """A member of the organization who may write: a partner or a lead of it."""
    return (organization_id is not None and getattr(actor, "is_active", False)
            and role_of(actor) in (Role.lead, Role.partner)
            and getattr(actor, "organization_id", None) == organization_id)


def _changes_fixed(actor: Actor, record: Any, *, model: type[Any]) -> bool:
    """Whether this write changes a field of a stored record that the actor may not change,
    judged by the record as it was before the write. A new record, or a stand-in that is no
    row of a session, changes nothing."""
    state = sa.inspect(record, raiseerr=False)
    if state is None or not getattr(state, "persistent", False):
        return False
    if sees_everything(actor) or (model not in owned() and model not in own_choices()):
        return False
    changed = set()
    before: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            changed.add(attr.key)
        before[attr.key] = history.deleted[0] if history.deleted else getattr(record, attr.key)
    if not changed:
        return False
    return bool(changed & fixed_fields(actor, SimpleNamespace(**before), model=model))


def _may_write(actor: Actor, record: Any, *, model: type[Any] | None = None,
               deleting: bool = False) -> bool:
    if sees_everything(actor):
        return True
    assert actor is not None  # sees_everything(None) returned above
    if is_anonymous(actor) or not getattr(actor, "is_active", False):
        return False
    model = model or type(record)
    if model is User:
        return False
    if actor.role == Role.viewer:
        return False
    spec = owned().get(model)
    if spec is not None:
        if not _may_read_owned(actor, record, spec):
            return False
        if actor.role == Role.lead:
            return True
        owner = getattr(record, spec.owner)
        if owner is None:
            return spec.coalition_kept and not deleting
        return owner == actor.organization_id
    if model in children():
        return True  # checked through the parent by the caller of this function
    if actor.role == Role.lead:
        return True
    if kept_by_leads(model):
        return False
    if model in leads_write_only():
        # A partner member may keep their own organization's details up to date.
        return (model.__tablename__ == ORGANIZATIONS and not deleting
                and record.id is not None and record.id == actor.organization_id)
    return not deleting


# The coalition's map: the places campaigns work in and the bodies that vote there. No
# organization owns one, and every campaign, vote, alert and deadline counts on them (a body's
# seats make every whip count, a place's timezone every "today"), so the least that is safe is
# that the coalition's leads and administrators keep them; partners read them, and ask a lead
# for a change (the refusal says so).
KEPT_BY_LEADS = frozenset({"jurisdiction", "body"})


def kept_by_leads(model: type[Any]) -> bool:
    """Whether rows of this table, which no organization owns, are added, changed and removed
    by the coalition's leads and administrators only."""
    return model not in owned() and getattr(model, "__tablename__", None) in KEPT_BY_LEADS


def can_create(actor: Actor, model: type[Any], **values: Any) -> bool:
    """May the actor add a record of this table, with these values? A new record of a table
    with owners belongs to the actor's organization unless the values name another, as the
    write gate makes it; pages ask this before offering an "Add" they would refuse."""
    spec = owned().get(model)
    if spec is not None and values.get(spec.owner) is None:
        values[spec.owner] = default_owner(actor)
    # A stand-in of the new record's values over the table's defaults: only looked at, never
    # saved. (Pydantic's model_construct inspected every default factory's signature each
    # time, a millisecond a page for its few "Add" links.)
    return can_write(actor, SimpleNamespace(**{**_defaults(model), **values}), model=model)


_DEFAULTS: dict[type[Any], dict[str, Any]] = {}


def _defaults(model: type[Any]) -> dict[str, Any]:
    """Each field of a table with its plain default, None where it has none or a factory
    (ids, times: no permission rule reads a new record's)."""
    found = _DEFAULTS.get(model)
    if found is None:
        found = _DEFAULTS[model] = {
            name: None if field.default is PydanticUndefined else field.default
            for name, field in model.model_fields.items()}
    return found


def record_noun(model: type[Any]) -> str:
    """A table's name as a person reads it: RecordsRequest is "records request"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", model.__name__).lower()


def require_write(actor: Actor, record: Any, *, model: type[Any] | None = None,
                  deleting: bool = False) -> None:
    model = model or type(record)
    if not can_write(actor, record, model=model, deleting=deleting):
        what = record_noun(model)
        if _may_write(actor, record, model=model, deleting=deleting):
            raise Forbidden(fixed_refusal(model))
        if getattr(actor, "role", None) == Role.viewer:
            raise Forbidden(N_("Viewers can read but not change records."))
        if kept_by_leads(model) or (model in owned()
                                    and getattr(record, owned()[model].owner, None) is None):
            raise Forbidden(N_("This {noun} is the coalition's, kept by its leads: ask a lead "
                               "to change it."), noun=Term(what))
        if model in owned():
            raise Forbidden(N_("This {noun} belongs to another organization: you can only "
                               "change your own organization's records."), noun=Term(what))
        if deleting:
            raise Forbidden(N_("Your role cannot delete this {noun}."), noun=Term(what))
        raise Forbidden(N_("Your role cannot change this {noun}."), noun=Term(what))


def fixed_refusal(model: type[Any]) -> str:
    """Why a change of a field in `fixed_fields` is refused."""
    if model in own_choices():
        return (f"Only the {record_noun(model)}'s own members can change its sharing choices; "
                "you can still change the rest of it.")
    return (f"Only the members of the organization this {record_noun(model)} belongs to can "
            "change who it belongs to or who may read it; you can still change the rest of it.")


def can_administer(actor: Actor) -> bool:
    return sees_everything(actor)


def can_read_audit(actor: Actor) -> bool:
    return acts_as_lead(actor)


def can_invite(actor: Actor, role: Role) -> bool:
    """Administrators invite anyone; leads invite anyone but administrators."""
    if sees_everything(actor):
        return True
    return getattr(actor, "role", None) == Role.lead and role != Role.admin


# The role an invitation form starts at: most people invited are a partner organization's.
DEFAULT_INVITED_ROLE = Role.partner


def invitable_roles(actor: Actor) -> list[Role]:
    """The roles the person may invite someone with, in the roles' own order: the choices
    their invitation form offers."""
    return [role for role in Role if can_invite(actor, role)]


def may_change_members(actor: Actor, organization_id: int | None) -> bool:
    """Who is on an organization's member list is that organization's to say (its members
    who write), or the coalition's leads' and administrators': a partner keeps their own
    people, but may not list them as another organization's members."""
    return (sees_everything(actor) or (role_of(actor) == Role.lead
                                       and getattr(actor, "is_active", False))
            or decides_for(actor, organization_id))


def may_manage_organization(actor: Actor, organization_id: int) -> bool:
    """Export and erasure on behalf of an organization: its members who write, leads, admins."""
    if sees_everything(actor) or getattr(actor, "role", None) == Role.lead:
        return True
    assert actor is not None  # sees_everything(None) returned above
    return (getattr(actor, "role", None) == Role.partner
            and actor.organization_id == organization_id)


# ---- roles ----------------------------------------------------------------------------------
# Every decision that turns on an actor's role is named here, so no other module compares roles.


def is_lead(actor: Actor) -> bool:
    """A lead, and not an administrator: the role that reads others' shared and leads-only
    records but not their private ones, and whom two-factor sign-in may be required of."""
    return role_of(actor) == Role.lead


def acts_as_lead(actor: Actor) -> bool:
    """Trusted code, an administrator or a lead: who decides for the whole coalition (the
    audit log, an agenda source, imports, a request's due date, logging a meeting for any
    organization, exporting every organization's records)."""
    return sees_everything(actor) or is_lead(actor)


def may_record_contract_outcome(actor: Actor, contract: Any) -> bool:
    """Whether the actor records how a contract's term ended (renewed, renegotiated,
    terminated): the coalition's decision, so a lead's (or an administrator's), on a contract
    they may change, whichever organization found it."""
    return acts_as_lead(actor) and can_write(actor, contract)


def require_contract_outcome(actor: Actor, contract: Any) -> None:
    if not may_record_contract_outcome(actor, contract):
        raise Forbidden(N_("Only the coalition's leads record how a contract's term ended: "
                           "ask a lead to record it."))


def is_administrator(actor: Actor) -> bool:
    """A signed-in administrator. Trusted code is no one: settings such as the mail server
    are changed by a person, and a test email goes to that person."""
    return getattr(actor, "id", None) is not None and role_of(actor) == Role.admin


def is_coalition_lead(actor: Actor) -> bool:
    """A signed-in lead or administrator: who is shown the leads' pages and who keeps the
    coalition's alert rules and webhooks, which name the person who made them. Trusted code
    and nobody signed in are neither."""
    return getattr(actor, "id", None) is not None and role_of(actor) in LEADS


def may_set_up_mail(actor: Actor) -> bool:
    """Email settings are the instance's: its administrators'."""
    return is_administrator(actor)


def may_organize_alerts(actor: Actor) -> bool:
    """Alert rules and webhooks are the coalition's: its leads' and administrators'."""
    return is_coalition_lead(actor)


def require_mail_setup(actor: Actor) -> None:
    if not may_set_up_mail(actor):
        raise Forbidden(N_("Only an administrator can change this."))


def require_webhook_keeper(actor: Actor) -> None:
    if not may_organize_alerts(actor):
        raise Forbidden(N_("Only campaign leads and administrators see the coalition's webhooks."))


def require_alert_organizer(actor: Actor) -> None:
    if not may_organize_alerts(actor):
        raise Forbidden(N_("Only campaign leads and administrators can change alert rules."))


def may_override_due_date(actor: Actor) -> bool:
    """A request's due date, set by hand, overrides the law's: the coalition's leads decide it."""
    return acts_as_lead(actor)


def may_bring_in(actor: Actor) -> bool:
    """Bringing outside data in, or asking outside services on the coalition's behalf: imports
    write many shared records at once, and syncs and counts spend the outside services'
    patience, so they are for the coalition's leads (and trusted code: the command line and
    the scheduler)."""
    return acts_as_lead(actor)


def require_bringing_in(actor: Actor) -> None:
    if not may_bring_in(actor):
        raise Forbidden(N_("Only a campaign lead or an administrator can do this."))


def may_log_meeting_for(actor: Actor, organization_id: int | None) -> bool:
    """Whom a meeting is logged for: a partner or viewer their own organization only; leads
    and administrators any."""
    return acts_as_lead(actor) or (organization_id is not None
                                   and organization_id == getattr(actor, "organization_id", None))


def coalition_leads() -> sa.ColumnElement[bool]:
    """The users who are `is_coalition_lead`, as SQL: whom the coalition's news goes to."""
    return User.role.in_(LEADS)


def needs_organization(role: Role) -> bool:
    """Partner members and viewers act for one organization, so they must belong to one."""
    return role in (Role.partner, Role.viewer)


def may_export_campaign(actor: Actor) -> bool:
    """Leads and administrators export a campaign; partners export what their organization
    shares about it; viewers read but export nothing."""
    return is_system(actor) or (bool(getattr(actor, "is_active", False))
                                and role_of(actor) in (Role.admin, Role.lead, Role.partner))


def may_export_organization(actor: Actor, organization_id: int) -> bool:
    """Its members who write (partners, and a lead who belongs to it) and administrators: what
    an organization shares is its own to hand out, not another organization's or a viewer's."""
    return sees_everything(actor) or decides_for(actor, organization_id)


def default_owner(actor: Actor) -> int | None:
    """Who owns a new record its maker left without an owner: a partner's or viewer's is their
    organization's; a lead's or administrator's is the coalition's, which its leads keep."""
    if role_of(actor) not in ("partner", "viewer"):
        return None
    return getattr(actor, "organization_id", None)


def default_visibility(session: Any, actor: Actor) -> Visibility | None:
    """Who a new record is shared with when its maker does not say: their organization's
    default, else the coalition's default for organizations; None: the kind's own default."""
    organizations = sa.inspect(mapped_class(ORGANIZATIONS)).local_table
    org_id = getattr(actor, "organization_id", None)
    if org_id is not None:
        chosen = session.execute(sa.select(organizations.c.default_visibility)
                                 .where(organizations.c.id == org_id)).scalar()
        if chosen:
            return Visibility(chosen)
    found = session.execute(sa.select(InstanceSetting.default_visibility).limit(1)).scalar()
    return Visibility(found) if found else None


# ---- the public side -------------------------------------------------------------------------
# What anyone on the internet reads: a campaign's public page shows records shared at the
# "public" tier only, whoever owns them, and nothing below it.


def may_publish_campaign(actor: Actor) -> bool:
    """Who chooses what a campaign's public page shows and turns it on or off: the coalition's
    leads and administrators, signed in. Trusted code and nobody signed in are neither."""
    return is_coalition_lead(actor) and bool(getattr(actor, "is_active", False))


def require_publishing(actor: Actor) -> None:
    if not may_publish_campaign(actor):
        raise Forbidden(N_("Only the coalition's leads choose what a campaign shows the public."))


def shown_publicly(model: type[SQLModel]) -> sa.ColumnElement[bool]:
    """The SQL condition rows of a table must meet to appear on a public page: shared at the
    "public" tier. A kind without owners (a body, a jurisdiction) is a public fact."""
    spec = owned().get(model)
    if spec is None:
        return sa.true()
    return getattr(model, spec.visibility) == _written(Visibility.public)


def is_shown_publicly(record: Any) -> bool:
    """`shown_publicly` for one record already loaded."""
    spec = owned().get(type(record))
    if spec is None:
        return True
    return str(getattr(getattr(record, spec.visibility), "value",
                       getattr(record, spec.visibility))) == Visibility.public.value


# ---- merging agencies -------------------------------------------------------------------------


def may_merge_into(actor: Actor, kept: Any) -> bool:
    """Whether an agency's page offers to fold another record of it into this one."""
    return acts_as_lead(actor) and can_write(actor, kept)


def may_merge_agencies(actor: Actor, kept: Any, folded: Any) -> bool:
    """Folding one agency into another repoints every contract, request and source of the
    folded one, whoever's they are, and removes it: the coalition's leads' (and
    administrators') decision, on two agencies they may change, the folded one also remove."""
    return may_merge_into(actor, kept) and can_write(actor, folded, deleting=True)


def require_agency_merge(actor: Actor, kept: Any, folded: Any) -> None:
    if not may_merge_agencies(actor, kept, folded):
        raise Forbidden(N_("Only the coalition's leads merge agencies: ask a lead to merge "
                           "them."))
