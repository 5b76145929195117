"""The one place that decides who may read and write what: roles, owner organizations and
visibility, as Python checks on one record and as SQL criteria on every query."""

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlalchemy as sa
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
from api.errors import Forbidden, NotFound

SHARED_VISIBILITY = (Visibility.coalition.value, Visibility.public.value)
LEADS = (Role.admin, Role.lead)


class Anonymous:
    """The actor of a request nobody signed in to: it can read no scoped record."""

    id = None
    role = None
    organization_id = None
    is_active = False


ANONYMOUS = Anonymous()


@dataclass(frozen=True)
class Owned:
    """A table whose rows belong to an organization and carry a visibility."""

    owner: str
    visibility: str = "visibility"
    # Columns naming more organizations, or users, that may read a row (a task's assignees).
    reader_organizations: tuple[str, ...] = ()
    reader_users: tuple[str, ...] = ()


@dataclass(frozen=True)
class Child:
    """A table whose rows are readable, and writable, only with their parent rows."""

    parents: tuple[tuple[type[SQLModel], str], ...]
    # Parents a writer only has to be able to read: a partner links their own meeting to a
    # shared target, or records the stance they observed, without owning the target.
    read_parents: tuple[str, ...] = ()


# Tables the account services write themselves, under their own rules.
ACCOUNT_TABLES: tuple[type[SQLModel], ...] = (
    AuthSession, ApiToken, Invitation, PasswordReset, LoginAttempt, AuditEntry, InstanceSetting,
)


@cache
def owned() -> dict[type[SQLModel], Owned]:
    # Imported here: the domain models import this package's models.
    from api.models import (  # noqa: PLC0415
        Action,
        Document,
        Meeting,
        Person,
        RecordsRequest,
        Target,
        Task,
    )

    return {
        Meeting: Owned("organization_id"),
        Person: Owned("owner_organization_id"),
        Target: Owned("owner_organization_id"),
        Task: Owned("owner_organization_id", reader_organizations=("assignee_organization_id",),
                    reader_users=("assignee_user_id",)),
        Document: Owned("owner_organization_id"),
        RecordsRequest: Owned("requester_organization_id"),
        Action: Owned("owner_organization_id"),
        AuditEntry: Owned("organization_id"),
    }


@cache
def children() -> dict[type[SQLModel], Child]:
    from api.models import (  # noqa: PLC0415
        Affiliation,
        Meeting,
        MeetingAttendee,
        MeetingTarget,
        Person,
        Stance,
        StanceChange,
        Target,
    )

    return {
        Affiliation: Child(((Person, "person_id"),)),
        Stance: Child(((Target, "target_id"),), read_parents=("target_id",)),
        StanceChange: Child(((Target, "target_id"),), read_parents=("target_id",)),
        MeetingTarget: Child(((Meeting, "meeting_id"), (Target, "target_id")),
                             read_parents=("target_id",)),
        MeetingAttendee: Child(((Meeting, "meeting_id"), (Person, "person_id")),
                               read_parents=("person_id",)),
    }


@cache
def leads_write_only() -> tuple[type[SQLModel], ...]:
    """Shared tables only leads and administrators change: the coalition's own shape."""
    from api.models import Campaign, CampaignLead, Organization  # noqa: PLC0415

    return (Organization, Campaign, CampaignLead)


def is_system(actor: Any) -> bool:
    """No actor at all is the command line, a migration or the scheduler: trusted code."""
    return actor is None


def is_anonymous(actor: Any) -> bool:
    return isinstance(actor, Anonymous)


def sees_everything(actor: Any) -> bool:
    return is_system(actor) or getattr(actor, "role", None) == Role.admin


# ---- reading ---------------------------------------------------------------------------------


def visible(model: type[SQLModel], actor: Any) -> sa.ColumnElement[bool] | None:
    """The SQL condition rows of a table must meet for the actor to read them; None when the
    actor may read every row."""
    if sees_everything(actor):
        return None
    if is_anonymous(actor):
        return sa.false() if model in owned() or model in children() else None
    spec = owned().get(model)
    if spec is not None:
        return _owned_condition(model, spec, actor)
    child = children().get(model)
    if child is not None:
        conditions = []
        for parent, column in child.parents:
            parent_condition = visible(parent, actor)
            if parent_condition is not None:
                # A lookup of the row's own parent: "IN (the ids of every visible parent)"
                # made SQLite list every visible meeting for each query that read a link.
                # The parent table is never the query's own, so a query that also reads
                # parents still checks this row's parent, not the row it is reading.
                parents = (sa.select(sa.literal(1)).select_from(parent)
                           .where(parent.id == getattr(model, column),  # type: ignore[attr-defined]
                                  parent_condition)
                           .correlate_except(parent))
                conditions.append(parents.exists())
        return sa.and_(*conditions) if conditions else None
    return None


def visibility_key(actor: Any) -> tuple[Any, ...]:
    """Everything `visible` reads of the actor: conditions made for one actor hold for every
    actor with the same key, so they may be kept and reused under it."""
    if sees_everything(actor):
        return ("everything",)
    if is_anonymous(actor):
        return ("anonymous",)
    return (role_of(actor), actor.organization_id, actor.id)


def _owned_condition(model: type[SQLModel], spec: Owned, actor: Any) -> sa.ColumnElement[bool]:
    owner = getattr(model, spec.owner)
    visibility = getattr(model, spec.visibility)
    if actor.role == Role.lead:
        # Leads read everything but other organizations' private records; a private record
        # that no organization owns belongs to the coalition's leads.
        # Left as "!=", which no index serves: SQLite, without statistics, would otherwise
        # gather every coalition-visible row through the visibility index (hundreds of
        # thousands) in place of reading a date range or a campaign's rows.
        allowed = [visibility != Visibility.private.value, owner.is_(None)]
    else:
        allowed = [visibility.in_(SHARED_VISIBILITY)]
    return sa.or_(*allowed, *_readers(model, spec, actor))


def _readers(model: type[SQLModel], spec: Owned, actor: Any) -> list[sa.ColumnElement[bool]]:
    """The rows the actor reads as their owner or a named reader, whatever their visibility."""
    org = actor.organization_id
    allowed = []
    if org is not None:
        allowed.append(getattr(model, spec.owner) == org)
        allowed.extend(getattr(model, c) == org for c in spec.reader_organizations)
    if actor.id is not None:
        allowed.extend(getattr(model, c) == actor.id for c in spec.reader_users)
    return allowed


def visible_parts(model: type[SQLModel], actor: Any) -> list[sa.ColumnElement[bool]] | None:
    """`visible` of a table with owners, as conditions whose OR is the same rows, each one an
    equality (or IS NULL) that an index led by its column can seek; None when the actor may
    read every row, empty when none.

    For "the first few rows by time the actor may read": under the single condition the
    database walks the time index past every row the actor may not read, which for someone
    who may read few of them is every row; a query per part stops after a few rows each."""
    if sees_everything(actor):
        return None
    if is_anonymous(actor):
        return []
    spec = owned()[model]
    owner = getattr(model, spec.owner)
    visibility = getattr(model, spec.visibility)
    if actor.role == Role.lead:
        shown = [v.value for v in Visibility if v != Visibility.private]
        allowed = [visibility == v for v in shown]
        allowed.append(owner.is_(None))
    else:
        allowed = [visibility == v for v in SHARED_VISIBILITY]
    return allowed + _readers(model, spec, actor)


def can_read(actor: Any, record: Any) -> bool:
    if sees_everything(actor):
        return True
    model = type(record)
    if is_anonymous(actor):
        return model not in owned() and model not in children()
    spec = owned().get(model)
    if spec is not None:
        return _may_read_owned(actor, record, spec)
    return True


def _may_read_owned(actor: Any, record: Any, spec: Owned) -> bool:
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


def require_read(actor: Any, record: Any, label: str = "record") -> None:
    """Refuses as if the record did not exist, so its existence does not leak either."""
    if not can_read(actor, record):
        raise NotFound(f"No {label} with id {getattr(record, 'id', '')}.")


# ---- writing ---------------------------------------------------------------------------------


def role_of(actor: Any) -> str | None:
    role = getattr(actor, "role", None)
    return None if role is None else str(role)


def can_write(actor: Any, record: Any, *, model: type[Any] | None = None,
              deleting: bool = False) -> bool:
    """May the actor create, change or (with deleting) remove this record as it now stands?
    `model` names the table when the record is a stand-in holding its earlier values."""
    if sees_everything(actor):
        return True
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
        return owner is not None and owner == actor.organization_id
    if model in children():
        return True  # checked through the parent by the caller of this function
    if actor.role == Role.lead:
        return True
    if model in leads_write_only():
        # A partner member may keep their own organization's details up to date.
        from api.models import Organization  # noqa: PLC0415

        return (model is Organization and not deleting
                and record.id is not None and record.id == actor.organization_id)
    return not deleting


def can_create(actor: Any, model: type[Any], **values: Any) -> bool:
    """May the actor add a record of this table, with these values? A new record of a table
    with owners belongs to the actor's organization unless the values name another, as the
    write gate makes it; pages ask this before offering an "Add" they would refuse."""
    spec = owned().get(model)
    if spec is not None and values.get(spec.owner) is None:
        values[spec.owner] = default_owner(actor)
    return can_write(actor, model(**values), model=model)


def record_noun(model: type[Any]) -> str:
    """A table's name as a person reads it: RecordsRequest is "records request"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", model.__name__).lower()


def require_write(actor: Any, record: Any, *, model: type[Any] | None = None,
                  deleting: bool = False) -> None:
    model = model or type(record)
    if not can_write(actor, record, model=model, deleting=deleting):
        what = record_noun(model)
        if getattr(actor, "role", None) == Role.viewer:
            raise Forbidden("Viewers can read but not change records.")
        if model in owned():
            raise Forbidden(f"This {what} belongs to another organization: you can only "
                            "change your own organization's records.")
        raise Forbidden(f"Your role cannot {'delete' if deleting else 'change'} this {what}.")


def can_administer(actor: Any) -> bool:
    return sees_everything(actor)


def can_read_audit(actor: Any) -> bool:
    return sees_everything(actor) or getattr(actor, "role", None) == Role.lead


def can_invite(actor: Any, role: Role) -> bool:
    """Administrators invite anyone; leads invite anyone but administrators."""
    if sees_everything(actor):
        return True
    return getattr(actor, "role", None) == Role.lead and role != Role.admin


def may_manage_organization(actor: Any, organization_id: int) -> bool:
    """Export and erasure on behalf of an organization: its members who write, leads, admins."""
    if sees_everything(actor) or getattr(actor, "role", None) == Role.lead:
        return True
    return (getattr(actor, "role", None) == Role.partner
            and actor.organization_id == organization_id)


def default_owner(actor: Any) -> int | None:
    return getattr(actor, "organization_id", None)
