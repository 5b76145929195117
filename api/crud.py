"""The shared read/write machinery each concept's service is built on: validation of references,
link lists, search, filters, sorting and pagination. Domain rules plug in through hooks."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.compiler import compiles
from sqlmodel import Session, SQLModel, select

from api import clock
from api.auth import audit, permissions, references, scoping
from api.auth.models import User, Visibility
from api.db import table_of
from api.errors import (
    NO_SUCH,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Problems,
    PydanticWords,
    Term,
)
from api.fields import TableBase, describe_error, stored_id
from api.i18n.catalogs import N_
from api.keyset import SortTerm, read_window

T = TypeVar("T", bound=TableBase)
# A concept's read schema: what the JSON API answers with for one record.
R = TypeVar("R", bound=BaseModel)

MAX_PAGE = 500


@dataclass(frozen=True)
class Link:
    """A many-to-many list kept in a link table and shown on the record as a list of ids."""

    table: type[SQLModel]
    own_column: str
    other_column: str
    other_table: str
    label: str


@dataclass
class Page(Generic[R]):
    """A page of a list. `total` is None when counting every row would be dear: the list then
    holds more than `more_than`. `next` and `previous` are cursors to the pages beside it."""

    items: list[R]
    total: int | None
    limit: int
    offset: int
    next: str | None = None
    previous: str | None = None
    more_than: int | None = None


@dataclass
class ListQuery:
    filters: dict[str, Any] = field(default_factory=dict)
    q: str | None = None
    sort: str | None = None
    limit: int = 50
    offset: int = 0
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None
    # Where the page starts, from a page's `next` or `previous`; instead of `offset`.
    cursor: str | None = None
    # Count every row, however many: only when asked, since it reads the whole list.
    exact_count: bool = False


Hook = Callable[[Session, Any, dict[str, Any], Any], dict[str, Any]]


Schema = TypeVar("Schema", bound=BaseModel)


def validated(schema: type[Schema], data: dict[str, Any]) -> Schema:
    """Validate with a schema, turning pydantic's error into the domain's Invalid."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        # Every problem at once (a rule across fields beside a field's own), the first first.
        raise Problems.of([_invalid(error) for error in exc.errors()]) from exc


def _invalid(error: Any) -> Invalid:
    where, message = describe_error(error)
    # A validator's own words are marked N_ where declared; pydantic's are left as they
    # are, since they name the values an API client may send.
    problem = PydanticWords(message, error, labelled=bool(where))
    if not where:
        # A rule of the whole record that names no field is about the body as a whole.
        return Invalid(N_("{problem}"), problem=problem, field="body")
    return Invalid(N_("{where}: {problem}"), where=where, problem=problem, field=where)


def to_utc(value: datetime, field: str) -> datetime:
    """A time in UTC; one without an offset is taken as UTC."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:
        # Near year 1 or 9999 an offset can push the time outside what a datetime can hold.
        raise Invalid(N_("{name}: the date is out of range."), name=field, field=field) from exc


def as_utc(values: dict[str, Any]) -> dict[str, Any]:
    """Every time stored is UTC; one still without an offset at this point is taken as UTC."""
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = to_utc(value, name)
    return values


def _mapped_class(table: sa.Table) -> Any:
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


# The names of the parameters a list's statement binds (Crud.query_values).
_FILTER = "list_filter_"
_NEEDLE = "list_needle"
_DATE = "list_"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class _CaseInsensitiveLike(sa.BinaryExpression[bool]):
    inherit_cache = True


def contains_text(column: Any, pattern: str | sa.BindParameter[Any]) -> sa.ColumnElement[bool]:
    """`column` matches the LIKE pattern, ignoring case, with backslash as the escape."""
    expr = column.ilike(pattern, escape="\\")
    return _CaseInsensitiveLike(expr.left, expr.right, expr.operator, type_=expr.type,
                                negate=expr.negate, modifiers=expr.modifiers)


@compiles(_CaseInsensitiveLike, "sqlite")
def _like_on_sqlite(element: _CaseInsensitiveLike, compiler: Any, **kw: Any) -> str:
    # SQLite's LIKE already ignores case, for ASCII letters, exactly as its lower() folds them;
    # the lower(x) LIKE lower(y) an ilike renders there is the same test, four times slower.
    return compiler.visit_like_op_binary(element, element.operator, **kw)


class _SortKey(sa.sql.functions.FunctionElement[Any]):
    """A column as a sort key that SQLite may not read in order from an index."""

    inherit_cache = True
    name = "sort_key"


@compiles(_SortKey)
def _sort_key(element: _SortKey, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(_SortKey, "sqlite")
def _sort_key_on_sqlite(element: _SortKey, compiler: Any, **kw: Any) -> str:
    # A unary + is SQLite's way to keep an index from serving ORDER BY; values and collation
    # are those of the column.
    return "+" + compiler.process(next(iter(element.clauses)), **kw)


def insert_with_ids(session: Session, model: Any, records: list[dict[str, Any]]) -> list[int]:
    """Insert many rows and give back their new ids, in order; each record gets its id too.
    The ids are taken first, so the rows go as one executemany: RETURNING in order costs
    SQLite a statement per row, and over batched VALUES is several times slower on
    PostgreSQL."""
    if session.get_bind().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(model.__tablename__, "id")
        ids = list(session.execute(sa.select(sa.func.nextval(sequence)).select_from(
            sa.func.generate_series(1, len(records)))).scalars())
    else:
        # A writing SQLite transaction holds the database's write lock from its BEGIN
        # IMMEDIATE, so nobody else can take the ids after the largest one, which are the ones
        # SQLite itself would give. The table, not the model: the largest of every row, not
        # of those the actor may read.
        table = model.__table__
        largest = session.execute(sa.select(sa.func.max(table.c.id))).scalar_one() or 0
        ids = list(range(largest + 1, largest + 1 + len(records)))
    for record, new_id in zip(records, ids, strict=True):
        record["id"] = new_id
    session.execute(sa.insert(model.__table__), records)
    return ids


def _gate_columns(model: Any) -> tuple[str, ...]:
    """The columns the write gate reads of a new record of an owned or child table: who owns
    and reads it, and the records it hangs from. Records alike in these are passed or refused
    alike. Every column for any other table."""
    spec = permissions.owned().get(model)
    child = permissions.children().get(model)
    if spec is None and child is None:
        return tuple(column.key for column in table_of(model).c)
    names = (spec.owner, spec.visibility, *spec.reader_organizations,
             *spec.reader_users) if spec else ()
    if child is not None:
        names += (*(column for _, column in child.parents), *child.members_of)
    return names


def insert_checked(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """New rows (every column but the id) written as one bulk INSERT, passed first through
    the gate a flush passes each new record through (api.auth.scoping.check_write, which also
    gives it its default owner) and filed in the audit log as a flush files each. Each row
    gets its id. The gate sees one record of each kind the rows hold (`_gate_columns`):
    building one per row would cost more than writing them."""
    if not rows:
        return
    if scoping.ACTOR in session.info and not permissions.is_system(
            session.info[scoping.ACTOR]):
        actor = session.info[scoping.ACTOR]
        names = _gate_columns(model)
        passed: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in rows:
            key = tuple(row.get(name) for name in names)
            if key not in passed:
                obj = model(**row)
                scoping.check_write(session, actor, obj, new=True)
                passed[key] = {name: getattr(obj, name) for name in names}
            row.update(passed[key])
    insert_with_ids(session, model, list(rows))
    audit.record_bulk_insert(session, model, rows)


class Crud(Generic[T, R]):
    """Create, read, update, delete and list one concept's table; reads answer with the
    concept's read schema."""

    def __init__(
        self,
        model: type[T],
        *,
        create: type[BaseModel],
        update: type[BaseModel],
        read: type[R],
        label: str,
        search: Sequence[str] = ("name",),
        filters: Sequence[str] = (),
        sort: Sequence[str] = ("id",),
        default_sort: str = "id",
        date_column: str | None = None,
        links: dict[str, Link] | None = None,
        prepare: Hook | None = None,
        after_save: Callable[[Session, Any, T, dict[str, Any]], None] | None = None,
        prepare_sees_links: bool = False,
    ) -> None:
        self.model = model
        self.create_schema = create
        self.update_schema = update
        self.read_schema = read
        self.label = label
        self.search = tuple(search)
        self.filters = tuple(filters)
        self.sort_fields = tuple(dict.fromkeys((*sort, "id", "created_at", "updated_at")))
        self.default_sort = default_sort
        self.date_column = date_column
        self.links = links or {}
        self.prepare = prepare
        self.after_save = after_save
        # The hook is handed the record's link lists as they will be (a campaign's deadline
        # follows the contracts it links to); they are saved apart from the row all the same.
        self.prepare_sees_links = prepare_sees_links
        # Built once, so the reader's criteria are added once per kind of reader rather than
        # on every read (api.auth.scoping.built_once).
        self._by_id = scoping.built_once(
            select(model).where(table_of(model).c.id == sa.bindparam("record_id")))
        self._link_rows = {name: scoping.built_once(
            select(own, other).where(own.in_(sa.bindparam("ids", expanding=True)))
            .order_by(other))
            for name, link in self.links.items()
            for own, other in [(getattr(link.table, link.own_column),
                                getattr(link.table, link.other_column))]}

    # ---- reads -------------------------------------------------------------------------

    def get(self, session: Session, actor: User, record_id: int) -> T:
        obj = self.load(session, record_id)
        if obj is None:
            raise NotFound(NO_SUCH, noun=Term(self.label), id=record_id)
        # The session's criteria already hide what the actor may not read; this also covers a
        # record that was in the session before them.
        permissions.require_read(actor, obj, self.label)
        return obj

    def load(self, session: Session, record_id: int) -> T | None:
        """The record by id, as `session.get` finds it: one already in the session is given
        as it is; otherwise it is read without flushing first, as `get` does."""
        if session.identity_map.get(session.identity_key(self.model, record_id)) is not None:
            return session.get(self.model, record_id)
        with session.no_autoflush:
            return session.exec(self._by_id, params={"record_id": record_id}).first()

    def read(self, session: Session, actor: User, record_id: int) -> R:
        return self.to_read(session, [self.get(session, actor, record_id)])[0]

    def to_read(self, session: Session, objs: Sequence[T | sa.Row[Any]]) -> list[R]:
        """The records (ORM objects or rows of their columns) as the reader may read them."""
        return [self.read_schema.model_validate(row) for row in self.read_rows(session, objs)]

    def read_rows(self, session: Session,
                  objs: Sequence[T | sa.Row[Any]]) -> list[dict[str, Any]]:
        """The values to_read validates: the record's fields as the reader may read them, and
        its link lists. A concept with more to say (computed fields) adds them here."""
        names = list(self.model.model_fields)
        rows = [obj._asdict() if isinstance(obj, sa.Row) else
                {name: getattr(obj, name) for name in names} for obj in objs]
        if permissions.guarded().get(self.model):
            # A field with a visibility of its own reads as empty to whoever may not read it,
            # in every answer made from rows: details, lists, exports.
            actor = scoping.actor_of(session)
            for row in rows:
                for name in permissions.unreadable_fields(actor, row, model=self.model):
                    row[name] = ""
        ids = [row["id"] for row in rows]
        for name, statement in self._link_rows.items():
            found: dict[int, list[int]] = {i: [] for i in ids}
            if ids:
                for own_id, other_id in session.exec(statement, params={"ids": ids}):
                    found[own_id].append(other_id)
            for row in rows:
                row[name] = found[row["id"]]
        references.hide_unreadable(session, self.model, rows, links={
            name: target for name, link in self.links.items()
            if (target := references.scoped_class(link.other_table))})
        return rows

    def query(self, actor: User, params: ListQuery) -> sa.Select[Any]:
        """The filtered statement a list runs; pages may narrow it further. What the request
        gave is in bound parameters named as `query_values` names them, carrying its values:
        the statement of one request runs as it is, or, kept, with another's values."""
        values = self.query_values(params)
        stmt = select(self.model)
        for name in params.filters:
            column = getattr(self.model, name)
            value = sa.bindparam(_FILTER + name, values[_FILTER + name], type_=column.type)
            stmt = stmt.where(column == value)
            target = references.scoped_references(self.model).get(name)
            if target is not None and \
                    (readable := permissions.visible(target, actor)) is not None:
                # A record the actor may not read names nothing, as one that does not exist.
                stmt = stmt.where(sa.exists().where(target.id == value, readable))
        if _NEEDLE in values:
            needle: sa.BindParameter[str] = sa.bindparam(_NEEDLE, values[_NEEDLE])
            stmt = stmt.where(sa.or_(*(self._matching(c, needle, actor) for c in self.search)))
        if self.date_column:
            column = getattr(self.model, self.date_column)
            for name in ("date_from", "date_to"):
                if _DATE + name in values:
                    bound = sa.bindparam(_DATE + name, values[_DATE + name], type_=column.type)
                    stmt = stmt.where(column >= bound if name == "date_from" else column <= bound)
        return stmt

    def query_values(self, params: ListQuery) -> dict[str, Any]:
        """The values `query` binds, by parameter name: the statement's shape is told by which
        names there are (with the reader and the order), never by the values."""
        values: dict[str, Any] = {}
        for name, value in params.filters.items():
            if name not in self.filters:
                raise Invalid(N_("Cannot filter {noun} lists by '{name}'."), noun=Term(self.label),
                              name=name, field=name)
            values[_FILTER + name] = value
        if params.q:
            values[_NEEDLE] = f"%{_escape_like(params.q.strip())}%"
        if self.date_column:
            for name, bound in (("date_from", params.date_from), ("date_to", params.date_to)):
                if bound is not None:
                    values[_DATE + name] = to_utc(bound, name) if isinstance(bound, datetime) \
                        else bound
        return values

    def has_words(self, words: Sequence[str], actor: User) -> sa.ColumnElement[bool]:
        """Every word is in one of the search fields the actor may read (any order)."""
        return sa.and_(*(sa.or_(*(self._matching(c, f"%{_escape_like(word)}%", actor)
                                  for c in self.search)) for word in words))

    def _matching(self, name: str, needle: str | sa.BindParameter[str],
                  actor: User) -> sa.ColumnElement[bool]:
        """The column holds the text, counted only where the actor may read the column: a
        match in notes one may not read would tell what they say."""
        found = contains_text(getattr(self.model, name), needle)
        readable = permissions.visible_field(self.model, name, actor)
        return found if readable is None else sa.and_(found, readable)

    def sort_terms(self, sort: str | None) -> list[SortTerm]:
        """The list's order as terms: the chosen field, then id, so no two rows tie and pages
        never overlap."""
        key = sort or self.default_sort
        descending = key.startswith("-")
        name = key.lstrip("-")
        if name not in self.sort_fields:
            allowed = ", ".join(self.sort_fields)
            raise Invalid(N_("Cannot sort by '{name}'; choose one of: {allowed}."), name=name,
                          allowed=allowed, field="sort")
        column = getattr(self.model, name)
        if name == "id":
            return [SortTerm(self.model.id, descending)]
        return [SortTerm(column, descending, bool(table_of(self.model).c[name].nullable)),
                SortTerm(self.model.id)]

    def order(self, sort: str | None, *, searching: bool = False,
              reverse: bool = False) -> list[Any]:
        """ORDER BY terms (`reverse`: the same order backwards, to read the page before a
        cursor). `searching`: the list is filtered by a text search, which SQLite cannot
        estimate; walking the sort column's index, it would look up every row in turn for a
        rare word (five times slower than reading the table and sorting the matches)."""
        terms = self.sort_terms(sort)
        whole = self.sorts_every_match(sort, searching=searching)
        found: list[Any] = []
        for i, term in enumerate(terms):
            descending = term.descending != reverse
            key = _SortKey(term.column) if whole and i == 0 else term.column
            if term.nullable:
                # Rows with no value sort last either way. Left out for a column that is
                # never empty, so an index on it can serve the order.
                empty = term.column.is_(None)
                found.append(empty.desc() if reverse else empty)
            found.append(key.desc() if descending else key.asc())
        return found

    def sorts_every_match(self, sort: str | None, *, searching: bool) -> bool:
        """Whether `order` has the database read and sort every matching row, no index serving
        it (a text search ordered by anything but the id)."""
        return searching and len(self.sort_terms(sort)) > 1

    def list_page(self, session: Session, actor: User, params: ListQuery) -> Page[R]:
        if not 1 <= params.limit <= MAX_PAGE:
            raise Invalid(N_("limit must be between 1 and {most}."), most=MAX_PAGE, field="limit")
        if params.offset < 0:
            raise Invalid(N_("offset must not be negative."), field="offset")
        values = self.query_values(params)
        terms = self.sort_terms(params.sort)
        searching = bool(params.q)

        def make() -> tuple[sa.Select[Any], None]:
            # Plain rows, not ORM objects: to_read only reads their attributes, and loading
            # them into the session costs more than the query itself on a short page.
            # The columns as the model's attributes, not the table's: the statement stays an
            # ORM one, so the visibility criteria every read gets apply to it too.
            columns = [getattr(self.model, c.name) for c in table_of(self.model).columns]
            return self.query(actor, params).with_only_columns(*columns), None

        window = read_window(
            session, make, terms=terms,
            order=lambda reverse: self.order(params.sort, searching=searching, reverse=reverse),
            keys=[term.column.key for term in terms], limit=params.limit,
            scope=self.list_scope(params), cursor=params.cursor, offset=params.offset,
            exact_count=params.exact_count, values=values,
            counted_in_passing=self.sorts_every_match(params.sort, searching=searching),
            kept=("records", type(self), self.model, self.label,
                  params.sort or self.default_sort, *sorted(values),
                  *scoping.reader_key(actor)))
        # Attribute access, as the concepts' own additions to to_read expect of a record.
        rows: list[Any] = [SimpleNamespace(**row) for row in window.rows]
        return Page(self.to_read(session, rows),
                    window.total, params.limit, window.start, next=window.next,
                    previous=window.previous, more_than=window.more_than)

    def list_scope(self, params: ListQuery) -> str:
        """What a page cursor belongs to: this list, searched, filtered and sorted so."""
        return "\x00".join((table_of(self.model).name, params.sort or self.default_sort,
                             params.q or "", repr(sorted(params.filters.items())),
                             str(params.date_from or ""), str(params.date_to or "")))

    # ---- writes ------------------------------------------------------------------------

    def create(self, session: Session, actor: User, data: BaseModel) -> T:
        values = validated(self.create_schema, data.model_dump()).model_dump()
        if "visibility" in values and "visibility" not in data.model_fields_set:
            values["visibility"] = (permissions.default_visibility(session, actor)
                                    or values["visibility"])
        links = {name: values.pop(name) for name in self.links if name in values}
        values = self._prepared(session, actor, values, None, links)
        obj = self.model(**values)
        session.add(obj)
        self._flush(session)
        self._set_links(session, obj, links)
        if self.after_save:
            self.after_save(session, actor, obj, values)
        return obj

    def create_many(self, session: Session, actor: User,
                    data: Sequence[BaseModel]) -> list[dict[str, Any]]:
        """Records made as `create` makes each (the same validation, default visibility and
        owner, checks of references, uniqueness and of the write itself, and a "create" audit
        entry for each), written as one bulk INSERT rather than a flush apiece. Each comes
        back as the row written, its id included, outside the session. For concepts without
        link lists or a hook after saving, which a bulk write would skip."""
        if self.links or self.after_save:
            raise TypeError(f"{self.label}: link lists and save hooks need `create`")
        if not data:
            return []
        chosen = permissions.default_visibility(session, actor)
        now = clock.now()
        rows: list[dict[str, Any]] = []
        for one in data:
            values = validated(self.create_schema, one.model_dump()).model_dump()
            if "visibility" in values and "visibility" not in one.model_fields_set:
                values["visibility"] = chosen or values["visibility"]
            values = self._prepared(session, actor, values, None, {})
            rows.append({"created_at": now, "updated_at": now, **values})
        insert_checked(session, self.model, rows)
        return rows

    def update(self, session: Session, actor: User, record_id: int, data: BaseModel) -> T:
        obj = self.get(session, actor, record_id)
        shared_before = self._visibility(obj)
        changes = data.model_dump(exclude_unset=True)
        # A reference sent as it already stands is checked as any the writer names: let
        # through unread, its answer would tell them what the record links to that they may
        # not read.
        self.check_references(session, self.model, {
            name: value for name, value in changes.items()
            if value is not None and value == getattr(obj, name, None)})
        self.check_guarded(actor, obj, changes)
        self.check_fixed(actor, obj, changes)
        # Fields kept outside the table (a subclass saves them) start from nothing here.
        current = {name: getattr(obj, name) for name in self.create_schema.model_fields
                   if name not in self.links and name in self.model.model_fields}
        # Items of a list that name records the writer may not read were never shown to them:
        # kept as they are, and neither checked nor handed to the concept's hooks.
        hidden = {name: references.hidden_items(session, self.model, name, current[name] or [])
                  for name in references.embedded_references(self.model) if name in current}
        for name, items in hidden.items():
            current[name] = [i for i in current[name] or [] if i not in items]
        for name in self.links:
            if name in self.create_schema.model_fields:
                current[name] = self._link_ids(session, obj, name)
        # Re-validate the merged record with the create rules, so a PATCH cannot null a
        # required field or break a rule that spans fields.
        merged = validated(self.create_schema, {**current, **changes}).model_dump()
        linked = {name: merged.pop(name) for name in self.links if name in merged}
        links = {name: ids for name, ids in linked.items() if name in changes}
        merged = self._prepared(session, actor, merged, obj, linked)
        for name, value in merged.items():
            if name in self.model.model_fields:
                setattr(obj, name, [*value, *hidden[name]] if hidden.get(name) else value)
        obj.updated_at = clock.now()
        session.add(obj)
        self._flush(session)
        self._set_links(session, obj, links)
        shared_now = self._visibility(obj)
        if shared_now is not None and shared_before is not None and \
                permissions.wider_than(shared_before, shared_now):
            self._narrow_attached(session, obj, shared_now)
        if self.after_save:
            self.after_save(session, actor, obj, merged)
        return obj

    def delete(self, session: Session, actor: User, record_id: int) -> None:
        obj = self.get(session, actor, record_id)
        session.delete(obj)
        try:
            session.flush()
        except IntegrityError as exc:
            session.rollback()
            raise Conflict(
                N_("This {noun} is still used by other records; remove or reassign them first."),
                noun=Term(self.label)) from exc

    # ---- internals ---------------------------------------------------------------------

    def _visibility(self, obj: T) -> Visibility | None:
        spec = permissions.owned().get(self.model)
        return None if spec is None else Visibility(getattr(obj, spec.visibility))

    def _narrow_attached(self, session: Session, obj: T, limit: Visibility) -> None:
        """What is attached to a record (its documents) is shared no more widely than the
        record: narrowing the record narrows them, whoever's they are, including those its
        maker may not read. Written past the write gate, since it only ever narrows, and
        logged as the maker's."""
        wider = [v.value for v in Visibility if permissions.wider_than(v, limit)]
        for model, spec in permissions.attached().items():
            kinds = [kind for kind, parent in spec.parents.items() if parent is self.model]
            visibility = permissions.owned()[model].visibility
            table = table_of(model)
            ids = list(session.connection().execute(sa.select(table.c.id).where(
                table.c[spec.kind].in_(kinds), table.c[spec.id] == stored_id(obj),
                table.c[visibility].in_(wider))).scalars())
            if not ids:
                continue
            audit.record_bulk_update(session, model,
                                     [{"id": i, visibility: limit.value} for i in ids])
            session.execute(sa.update(model).where(table.c.id.in_(ids))
                            .values({visibility: limit.value}))

    def check_guarded(self, actor: User, obj: T, changes: dict[str, Any]) -> None:
        """A field one may not read, or who may read it, is not one's to change: the form
        showed it empty, and saving that would erase it."""
        for name in permissions.unreadable_fields(actor, obj, model=self.model):
            spec = permissions.guarded()[self.model][name]
            touched = [n.replace("_", " ") for n in (name, spec.visibility) if n in changes]
            if touched:
                raise Forbidden(N_("Only those who may read this {noun}'s {part} may change "
                                   "{touched}."), noun=Term(self.label),
                                part=name.replace("_", " "), touched=touched[0])

    def fixed_fields(self, actor: User, obj: T) -> frozenset[str]:
        """Fields of the record the actor may not change though they may change the rest
        (permissions.fixed_fields): pages leave them off the forms they offer."""
        return permissions.fixed_fields(actor, obj, model=self.model)

    def check_fixed(self, actor: User, obj: T, changes: dict[str, Any]) -> None:
        """Who owns a record and who may read it are for its own organization to change: a
        lead keeping another organization's record up to date may neither hand it to someone
        else nor change who reads it. Refused before anything is written, naming the field;
        the write gate refuses the same change made any other way."""
        for name in sorted(self.fixed_fields(actor, obj)):
            if name in changes and changes[name] != getattr(obj, name):
                raise Forbidden(permissions.fixed_refusal(self.model), field=name)

    def _prepared(self, session: Session, actor: User, values: dict[str, Any],
                  existing: T | None, linked: dict[str, Any] | None = None) -> dict[str, Any]:
        # A reference kept as it was is the record's, not the writer's: checked again, it
        # would refuse a lead's edit of a task for naming its owner's private meeting, and
        # tell the lead that meeting's id.
        chosen = values if existing is None else {
            name: value for name, value in values.items()
            if value != getattr(existing, name, None)}
        problems: list[Invalid] = []
        try:
            self.check_references(session, self.model, chosen)
        except Invalid as exc:
            problems.append(exc)
        if self.prepare:
            given = {**values, **linked} if self.prepare_sees_links and linked else values
            try:
                values = self.prepare(session, actor, given, existing)
            except Invalid as exc:
                problems.append(exc)
            except Exception:
                # A record naming ones that do not exist can trip the concept's own checks in
                # other ways: what the references' refusal says is the answer then.
                if not problems:
                    raise
            values = {k: v for k, v in values.items() if k not in self.links}
        if problems:
            raise Problems.of(problems)
        values = as_utc(values)
        self.check_unique(session, values, existing)
        return values

    def check_unique(self, session: Session, values: dict[str, Any], existing: T | None) -> None:
        """A unique value already taken: a 409 naming the field, not a database error."""
        table = table_of(self.model)
        for constraint in table.constraints:
            if not isinstance(constraint, sa.UniqueConstraint):
                continue
            names = [column.name for column in constraint.columns]
            if any(values.get(name) is None for name in names):
                continue
            stmt = sa.select(table.c.id).where(*(table.c[n] == values[n] for n in names))
            if existing is not None:
                stmt = stmt.where(table.c.id != existing.id)
            if session.execute(stmt.limit(1)).first() is not None:
                raise Conflict(N_("There is already a {noun} with this {fields}."),
                               noun=Term(self.label), fields=" + ".join(names),
                               field=names[-1])

    @staticmethod
    def check_references(session: Session, model: type[SQLModel], values: dict[str, Any]) -> None:
        """Every foreign key given must name an existing row: a clear 422, not a database error,
        naming every one that does not at once."""
        missing: list[Invalid] = []
        for fk in table_of(model).foreign_keys:
            name = fk.parent.name
            value = values.get(name)
            if value is None:
                continue
            target = fk.column.table
            # Through the mapped class, so a record the actor may not see counts as missing.
            entity = _mapped_class(target)
            column = getattr(entity, fk.column.name) if entity is not None else fk.column
            found = session.execute(sa.select(sa.literal(1)).select_from(entity or target)
                                    .where(column == value)).first()
            if found is None:
                noun = target.name.replace("_", " ").replace("app user", "user")
                missing.append(Invalid(NO_SUCH, noun=Term(noun), id=value, field=name))
        if missing:
            raise Problems.of(missing)

    def _link_ids(self, session: Session, obj: T, name: str) -> list[int]:
        link = self.links[name]
        own = getattr(link.table, link.own_column)
        other = getattr(link.table, link.other_column)
        return list(session.exec(select(other).where(own == obj.id).order_by(other)).all())

    def _set_links(self, session: Session, obj: T, links: dict[str, list[int]]) -> None:
        for name, ids in links.items():
            link = self.links[name]
            wanted = list(dict.fromkeys(ids or []))
            # Through the mapped class, so a record the actor may not read answers as one that
            # does not exist: no way to learn another organization's ids.
            entity = _mapped_class(SQLModel.metadata.tables[link.other_table])
            if wanted:
                known = set(session.execute(
                    sa.select(entity.id).where(entity.id.in_(wanted))).scalars())
                missing = [i for i in wanted if i not in known]
                if missing:
                    raise Invalid(NO_SUCH, noun=Term(link.label), id=missing[0], field=name)
            own = getattr(link.table, link.own_column)
            other = getattr(link.table, link.other_column)
            # Links to records the writer may not read were never shown to them: not theirs to
            # take away (a lead editing a partner's shared meeting keeps its private target).
            with scoping.as_system(session):
                present = set(session.execute(sa.select(other).where(own == obj.id)).scalars())
            hidden = present - set(session.execute(
                sa.select(entity.id).where(entity.id.in_(sorted(present)))).scalars())
            session.execute(sa.delete(link.table).where(
                own == obj.id, other.not_in(sorted(hidden))))
            for other_id in wanted:
                session.add(link.table(**{link.own_column: obj.id, link.other_column: other_id}))
        if links:
            self._flush(session)

    def _flush(self, session: Session) -> None:
        try:
            session.flush()
        except IntegrityError as exc:
            session.rollback()
            raise Conflict(N_("This {noun} conflicts with an existing record."),
                           noun=Term(self.label)) from exc
