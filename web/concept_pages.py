"""The shape of a concept's pages (columns, filters, form sections, related records), derived
from the concept's declaration (api.concepts), and the queries behind its list: only the
columns shown, names of referenced records joined in, one page at a time."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter
from sqlmodel import Session

from api.auth import permissions, scoping
from api.auth.models import User
from api.concepts import Concept
from api.crud import Crud, ListQuery
from api.documents.models import AttachedTo
from api.errors import Invalid
from api.i18n.catalogs import N_, gettext
from api.i18n.formatting import format_number
from api.keyset import KEY_PREFIX, MAX_CURSOR_CHARS, Window, read_window
from api.organizations.models import Organization
from web.forms import FormField, infer
from web.ids import given_id
from web.words import SHARING_WORDS, ChoiceWords, humanize, owner_sharing_words

# The pages' own words are English here, marked for the catalog, and translated where they
# are shown: a section's slug stays the English title's, so its address is the same in every
# language.
SHARING_SECTION = N_("Who can see this")
SHARING_FIELD = {
    "label": N_("Who can see this"),
    "choices": list(SHARING_WORDS.items()),
    "help": N_("Besides your organization, who may read this record and everything drawn "
               "from it: stances seen, timelines, counts, alerts."),
}
DETAILS = N_("Details")

PAGE_SIZE = 25
# Far past any list's end, and small enough that its offset fits every database's integers.
MAX_PAGE_NUMBER = 1_000_000
EXPORT_LIMIT = 10_000
# The key of the list's total in each row of a page, taken out before the rows are shown.
TOTAL = "list_total_"


@dataclass(frozen=True)
class Column:
    """A column of a list: `expr` is what the query selects under `key` (None: the spec's
    `annotate` fills it in after the query). `href` names the noun and the row key of the
    record a cell links to; `zone` the row key of a timezone."""

    key: str
    label: str
    expr: Any
    kind: str = "text"
    sort: str | None = None
    href: tuple[str, str] | None = None
    zone: str | None = None


@dataclass(frozen=True)
class Filter:
    name: str
    label: str
    kind: str = "enum"
    choices: tuple[tuple[str, str], ...] = ()
    ref: str | None = None


@dataclass(frozen=True)
class Through:
    """A many-to-many link table: rows whose id is in `other` where `own` is the record."""

    table: Any
    own: str
    other: str


@dataclass(frozen=True)
class Related:
    """Records of another concept that point at this one, shown on its detail page."""

    title: str
    noun: str
    fk: str | None = None
    through: Through | None = None
    value_from: str | None = None


@dataclass(frozen=True)
class Nouns:
    """How the pages name a concept's records, each phrase marked for the catalog whole: in
    Spanish the article agrees with the noun ("una campaña", "este contrato"), so a sentence
    takes the phrase, never the noun with an article of its own."""

    singular: str
    plural: str
    title: str
    a: str
    the: str
    this: str
    new: str

    @classmethod
    def of(cls, singular: str, plural: str) -> "Nouns":
        """English phrases made from the two nouns, for a concept that names no phrases of its
        own (not translated)."""
        article = "an" if singular[:1] in "aeiou" else "a"
        return cls(singular, plural, plural[:1].upper() + plural[1:], f"{article} {singular}",
                   f"the {singular}", f"this {singular}",
                   f"New {singular}")

    def said(self) -> "Nouns":
        """The phrases in the reader's language."""
        return Nouns(*(gettext(getattr(self, name)) for name in self.__dataclass_fields__))


@dataclass(frozen=True)
class ListLink:
    """A page of its own that starts from a list: a batch letter, an import."""

    url: str
    label: str
    leads_only: bool = False


@dataclass
class Spec:
    """Everything the generic pages need to know about one concept."""

    noun: str
    crud: Crud[Any, Any]
    singular: str
    plural: str
    title_key: str
    columns: list[Column]
    joins: list[tuple[Any, Any]] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    related: list[Related] = field(default_factory=list)
    attached: AttachedTo | None = None
    zone: Callable[[Session, Any], str] | None = None
    detail_template: str | None = None
    detail_context: Callable[[Session, Any, Any], dict[str, Any]] | None = None
    # More of the detail page's context, each from a panel of its own (outside data).
    panels: list[Callable[[Session, Any, Any], dict[str, Any]]] = field(default_factory=list)
    intro: str = ""
    # Values computed from a page of rows (a countdown), added to each row after the query.
    annotate: Callable[[Session, list[dict[str, Any]]], None] | None = None
    # Pages of their own that start from the list.
    list_links: list[ListLink] = field(default_factory=list)
    # Fields of the forms the actor may not set (a lead's override), left off their forms.
    withheld: Callable[[Any], frozenset[str]] | None = None
    # The declaration the columns, filters and sections were derived from.
    concept: Concept | None = None
    # The phrases that name its records (English from the two nouns when none are given).
    nouns: Nouns | None = None

    def __post_init__(self) -> None:
        if self.nouns is None:
            self.nouns = Nouns.of(self.singular, self.plural)
        # Every concept whose records carry a visibility shows and sets it the same way: on
        # each form, each record page and each list row.
        if "visibility" not in self.create_schema.model_fields:
            return
        if self.sections and not any("visibility" in names for _, names in self.sections):
            self.sections.append((SHARING_SECTION, ["visibility"]))
        self.overrides["visibility"] = {**SHARING_FIELD, **self.overrides.get("visibility", {})}
        if not any(c.key == "visibility" for c in self.columns):
            self.columns.append(Column("visibility", N_("Shared with"), self.model.visibility,
                                       "sharing"))

    @property
    def model(self) -> Any:
        return self.crud.model

    @property
    def create_schema(self) -> type[BaseModel]:
        return self.crud.create_schema

    def links(self) -> dict[str, str]:
        return {name: link.other_table for name, link in self.crud.links.items()}

    @property
    def words(self) -> Nouns:
        """The phrases naming its records, in the reader's language."""
        assert self.nouns is not None
        return self.nouns.said()

    def form_fields(self, names: Sequence[str] | None = None) -> list[FormField]:
        """The fields of its forms, their labels, help and choices in the reader's language
        (made for each page: the language is the reader's)."""
        chosen = names if names is not None else self.all_field_names()
        return [said(infer(self.create_schema, name, links=self.links(),
                           **self.overrides.get(name, {}))) for name in chosen]

    def all_field_names(self) -> list[str]:
        if self.sections:
            return [name for _, names in self.sections for name in names]
        return list(self.create_schema.model_fields)

    def section_list(self) -> list[tuple[str, str, list[FormField]]]:
        """(slug, title, fields) of each editable section of the detail page."""
        sections = self.sections or [(DETAILS, list(self.create_schema.model_fields))]
        return [(_slug(title), gettext(title), self.form_fields(names))
                for title, names in sections]

    def section(self, slug: str) -> tuple[str, str, list[FormField]] | None:
        return next((s for s in self.section_list() if s[0] == slug), None)

    def hidden_from(self, actor: User, record: Any) -> frozenset[str]:
        """Fields of the record the actor may not read (an organization's notes), with who
        may read them: left off its page and its forms, since saving them empty would erase
        them."""
        hidden = permissions.unreadable_fields(actor, record, model=self.model)
        guards = permissions.guarded().get(self.model, {})
        return hidden | {guards[name].visibility for name in hidden}

    def readable_sections(self, actor: User, record: Any) -> list[tuple[str, str, list[FormField]]]:
        """The detail page's sections as the actor may read them; one left empty is gone."""
        hidden = self.hidden_from(actor, record)
        shown = [(slug, title, [f for f in fields if f.name not in hidden])
                 for slug, title, fields in self.section_list()]
        return [section for section in shown if section[2]]

    def readable_section(self, actor: User, record: Any,
                         slug: str) -> tuple[str, str, list[FormField]] | None:
        return next((s for s in self.readable_sections(actor, record) if s[0] == slug), None)

    def withheld_from(self, actor: User) -> frozenset[str]:
        return self.withheld(actor) if self.withheld else frozenset()

    def fields_for(self, actor: User, fields: list[FormField]) -> list[FormField]:
        """The form's fields less those the actor may not set."""
        left_out = self.withheld_from(actor)
        return [f for f in fields if f.name not in left_out]

    def sort_keys(self) -> list[str]:
        return [c.sort for c in self.columns if c.sort]


def said(made: FormField) -> FormField:
    """A form field's label, help and choices in the reader's language: each is marked for the
    catalog where it is declared (a field's own label with the field, `Field(title=N_(...))`).
    Stored choices come already said (web.words.humanize)."""
    made.label = gettext(made.label) if made.label else made.label
    made.help = gettext(made.help) if made.help else made.help
    made.choices = [(value, words.said() if isinstance(words, ChoiceWords)
                     else gettext(words) if words else words) for value, words in made.choices]
    return made


@dataclass(frozen=True)
class Ref:
    """How a record of one table is named when another refers to it, and where it lives."""

    model: Any
    label: Any
    noun: str | None
    fmt: Callable[[Any], str] = str


# Cell kinds that show a time or a day counted down, on the clock of the record's place.
ZONED_KINDS = frozenset({"datetime", "datetime-title", "deadline"})
# The hidden column of that clock's timezone.
ZONE_KEY = "timezone"


def declared_spec(concept: Concept, crud: Crud[Any, Any], refs: Mapping[str, Ref], *, noun: str,
                  nouns: Nouns | None = None, list_zone: str | None = None,
                  computed: Sequence[tuple[str, Column]] = (), also_select: Sequence[str] = (),
                  **pages: Any) -> Spec:
    """A concept's pages from its declaration: the list's columns, with the name of each
    referenced record joined in under an alias of its own, its filters with their labels and
    choices, and the form's sections. The rest is the pages' own (`pages`: templates, panels,
    related records, ...). `list_zone` names the reference whose jurisdiction's clock times in
    the list are shown on; `computed` adds columns the spec's `annotate` fills in, each after
    the column it names; `also_select` adds hidden columns of the concept's own fields."""
    model = concept.table
    if crud.model is not model or crud.filters != tuple(f.name for f in concept.filters()) \
            or crud.search != concept.search_fields() \
            or crud.default_sort != concept.default_sort:
        raise ValueError(f"The {noun} pages' Crud is not the one its concept declares.")
    columns: list[Column] = []
    joins: list[tuple[Any, Any]] = []
    aliases: dict[str, Any] = {}
    for declared in concept.columns():
        if declared.ref is None:
            columns.append(Column(declared.name, declared.label,
                                  getattr(model, declared.name), declared.kind,
                                  sort=declared.name if declared.sort else None,
                                  zone=ZONE_KEY if list_zone and declared.kind in ZONED_KINDS
                                  else None))
            continue
        ref = refs[declared.ref]
        # Under a name of its own: a list may refer to one table twice, or to its own table.
        alias = aliased(ref.model, name=f"{declared.name}_ref")
        aliases[declared.name] = alias
        key = declared.name.removesuffix("_id") + "_name"
        if key in model.model_fields:
            raise ValueError(f"{noun}: the name column '{key}' would hide a field.")
        joins.append((alias, alias.id == getattr(model, declared.name)))
        columns.append(Column(key, declared.label, getattr(alias, ref.label.key), "ref",
                              href=(ref.noun, declared.name) if ref.noun else None))
        columns.append(Column(declared.name, "", getattr(model, declared.name), "hidden"))
    if list_zone is not None:
        place = aliased(refs["jurisdiction"].model, name="list_place")
        joins.append((place, place.id == aliases[list_zone].jurisdiction_id))
        columns.append(Column(ZONE_KEY, "", place.timezone, "hidden"))
    for after, column in computed:
        at = next(i for i, c in enumerate(columns) if c.key == after)
        columns.insert(at + 1, column)
    columns += [Column(name, "", getattr(model, name), "hidden") for name in also_select]
    return Spec(noun=noun, crud=crud, singular=nouns.singular if nouns else concept.label,
                plural=nouns.plural if nouns else noun.replace("-", " "), nouns=nouns,
                title_key=concept.title,
                columns=columns, joins=joins, filters=_filters(concept, noun),
                sections=concept.sections(), concept=concept, **pages)


def _filters(concept: Concept, noun: str) -> list[Filter]:
    found = []
    for declared in concept.page_filters():
        assert declared.label is not None
        if declared.kind == "enum" and declared.enum is not None:
            # In English here; the list page says each in the reader's language.
            choices = tuple((m.value, humanize(m.value)) for m in declared.enum)
            found.append(Filter(declared.name, declared.label, "enum", choices))
        elif declared.kind in ("ref", "bool"):
            found.append(Filter(declared.name, declared.label, declared.kind, ref=declared.ref))
        else:
            raise ValueError(f"{noun}: the list page can filter only by a choice, a reference "
                             f"or yes/no, not by '{declared.name}'.")
    return found


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")


@dataclass
class ListRequest:
    q: str = ""
    sort: str = ""
    page: int = 1
    # Where the page starts, from a Next or Previous link; a typed page number goes by offset.
    cursor: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class ListResult:
    rows: list[dict[str, Any]]
    # All the rows, or (with `more_than`) as many as were counted before the count stopped.
    total: int
    page: int
    pages: int
    # Set when there are more rows than this and they were not all counted.
    more_than: int | None = None


@dataclass
class ListWindow:
    """A list page's rows, where they start (`first`, from 1), the cursors of the pages beside
    it, and the list's length when it is known cheaply (else `more_than`)."""

    rows: list[dict[str, Any]]
    first: int
    next: str | None
    previous: str | None
    total: int | None
    more_than: int | None
    page: int

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


# The list's date range, as its refusals name it.
DATE_WORDS = {"date_from": N_("From: use a date like 2026-03-31."),
              "date_to": N_("To: use a date like 2026-03-31.")}


def parse_list_request(spec: Spec, params: Any) -> ListRequest:
    """Query parameters into a list request; a malformed one is refused with a clear message."""
    wanted = ListRequest(q=str(params.get("q") or "").strip()[:200],
                         sort=str(params.get("sort") or ""))
    if wanted.sort and wanted.sort.lstrip("-") not in spec.crud.sort_fields:
        raise Invalid(gettext("Cannot sort {things} by '{field}'.").format(
            things=spec.words.plural, field=wanted.sort.lstrip("-")), field="sort")
    # Digits only, as the records batch reads them: "-1" or " 2" is no page number.
    page = str(params.get("page") or 1)
    if not (page.isascii() and page.isdigit()):
        raise Invalid(gettext("The page must be a number."), field="page")
    wanted.page = max(1, int(page)) if len(page) <= 12 else MAX_PAGE_NUMBER + 1
    if wanted.page > MAX_PAGE_NUMBER:
        raise Invalid(gettext("The page must be at most {number}.").format(
            number=format_number(MAX_PAGE_NUMBER)), field="page")
    wanted.cursor = str(params.get("cursor") or "")
    if len(wanted.cursor) > MAX_CURSOR_CHARS:
        raise Invalid(gettext("This page link is too long; start again from the first page."),
                      field="cursor")
    for f in spec.filters:
        raw = params.get(f.name)
        if raw in (None, ""):
            continue
        if f.kind == "ref":
            wanted.filters[f.name] = given_id(raw, field=f.name, message=gettext(
                "{label}: choose one from the list.").format(label=gettext(f.label)))
        elif f.kind == "bool":
            wanted.filters[f.name] = raw in ("true", "on", "1", "yes")
        else:
            if raw not in {value for value, _ in f.choices}:
                raise Invalid(gettext("{label}: '{value}' is not one of the choices.").format(
                    label=gettext(f.label), value=raw), field=f.name)
            wanted.filters[f.name] = raw
    for name in ("date_from", "date_to"):
        raw = params.get(name)
        if raw and spec.crud.date_column:
            try:
                setattr(wanted, name, date.fromisoformat(raw))
            except ValueError as exc:
                raise Invalid(gettext(DATE_WORDS[name]), field=name) from exc
    return wanted


def _bounds(spec: Spec, wanted: ListRequest) -> tuple[Any, Any]:
    column = getattr(spec.model, spec.crud.date_column) if spec.crud.date_column else None
    is_time = column is not None and isinstance(column.type, sa.types.TypeDecorator)
    start, end = wanted.date_from, wanted.date_to
    if is_time:
        return (datetime.combine(start, time.min, UTC) if start else None,
                datetime.combine(end, time.max, UTC) if end else None)
    return start, end


def _readable_join(table: Any, onclause: Any, actor: User) -> Any:
    """A joined record's columns (a contract's agency name) only where the actor may read that
    record: the session's scope narrows a table by its own name, not under an alias."""
    found = sa.inspect(table, raiseerr=False)
    model = getattr(getattr(found, "mapper", None), "class_", None)
    if model is None or model not in permissions.owned():
        return onclause
    condition = permissions.visible(model, actor)
    if condition is None:
        return onclause
    return sa.and_(onclause, ClauseAdapter(found.selectable).traverse(condition))


def _list_query(spec: Spec, wanted: ListRequest) -> ListQuery:
    date_from, date_to = _bounds(spec, wanted)
    return ListQuery(filters=wanted.filters, q=wanted.q or None, sort=wanted.sort or None,
                     date_from=date_from, date_to=date_to)


def select_rows(spec: Spec, actor: User, wanted: ListRequest,
                where: Sequence[Any] = (), *,
                count_up_to: int | None = None) -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The statement of the rows (only the shown columns, referenced names joined in) and the
    statement of their count (of at most `count_up_to` + 1 rows when given)."""
    base = spec.crud.query(actor, _list_query(spec, wanted))
    for clause in where:
        base = base.where(clause)
    counted = base.with_only_columns(spec.model.id)
    if count_up_to is not None:
        counted = counted.limit(count_up_to + 1)
    count = sa.select(sa.func.count()).select_from(counted.subquery())
    columns = [spec.model.id.label("id"),
               *(c.expr.label(c.key) for c in spec.columns if c.expr is not None)]
    owner = _sharing_owner(spec)
    if owner is not None:
        columns.append(owner.label(SHARING_OWNER))
        # The owner's name comes with the row: a statement of its own per list cost more in
        # SQLAlchemy than the list's own (built afresh, with the reader's criteria walked).
        named = aliased(Organization, name="sharing_owner_org")
        columns.append(sa.select(named.name).where(named.id == owner)
                       .scalar_subquery().label(SHARING_OWNER_NAME))
    stmt = base.with_only_columns(*columns).select_from(spec.model)
    for table, onclause in spec.joins:
        stmt = stmt.outerjoin(table, _readable_join(table, onclause, actor))
    stmt = stmt.order_by(*spec.crud.order(wanted.sort or None))
    return stmt, count


# Who owns each row, selected beside a list's "Shared with" column: who may see a record is
# said in the reader's words, "our organization" only to the members of the one that owns it.
SHARING_OWNER = "sharing_owner"
SHARING_OWNER_NAME = "sharing_owner_name"
# The row's "Shared with" said to the reader, as its record page says it.
SHARING_SAID = "sharing_said"


def _sharing_column(spec: Spec) -> "Column | None":
    return next((c for c in spec.columns if c.kind == "sharing"), None)


def _sharing_owner(spec: Spec) -> Any:
    if _sharing_column(spec) is None:
        return None
    owned = permissions.owned().get(spec.model)
    if owned is not None:
        return getattr(spec.model, owned.owner)
    return spec.model.id if spec.model in permissions.own_choices() else None


def say_sharing(actor: User, spec: Spec, rows: Sequence[dict[str, Any]]) -> None:
    """Each row's "Shared with" in the reader's words, naming another organization that owns
    it (the words alone would say "our organization" of every row); the owner's name was read
    with the row."""
    column = _sharing_column(spec)
    if column is None:
        return
    table = str(spec.model.__tablename__)
    for row in rows:
        row[SHARING_SAID] = owner_sharing_words(
            row.get(column.key), owner=row.get(SHARING_OWNER),
            owner_name=row.pop(SHARING_OWNER_NAME, None), reader=actor, table=table)


def list_rows(session: Session, actor: User, spec: Spec, wanted: ListRequest, *,
              where: Sequence[Any] = (), limit: int = PAGE_SIZE) -> ListResult:
    stmt, count = select_rows(spec, actor, wanted, where)
    # The total comes with the page's rows, a column the database computes once: one statement
    # where the count and the page were two, and the page keeps its own plan.
    counted = stmt.add_columns(count.scalar_subquery().label(TOTAL))

    def fetch(page: int) -> list[dict[str, Any]]:
        found = session.execute(counted.limit(limit).offset((page - 1) * limit))
        return [r._asdict() for r in found]

    page = max(1, wanted.page)
    rows = fetch(page)
    if rows:
        total = int(rows[0][TOTAL])
    elif page > 1:
        # Past the last page (the list shrank, or a hand-made link): the last page instead.
        total = int(session.execute(count).scalar_one())
        page = min(page, max(1, -(-total // limit)))
        rows = fetch(page) if total else []
    else:
        total = 0
    say_sharing(actor, spec, rows)
    return _result(session, spec, rows, total, page, limit)


def _result(session: Session, spec: Spec, rows: list[dict[str, Any]], total: int, page: int,
            limit: int) -> ListResult:
    for row in rows:
        del row[TOTAL]
    if spec.annotate:
        spec.annotate(session, rows)
    return ListResult(rows=rows, total=total, page=page, pages=max(1, -(-total // limit)))


# A detail page's related lists, each built once per kind of reader with the record's value as
# a parameter: built afresh, each cost more in SQLAlchemy's walk of the reader's criteria than
# the query itself (api.auth.scoping.built_once).
_RELATED: dict[tuple[Any, ...], sa.Select[Any]] = {}
_MAX_RELATED = 4096
# A related list shows its first few rows; its count stops here ("more than 100"). Counting a
# campaign's thousand tasks, each checked for who may read it, cost more than the rest of the
# list; the whole list, a link away, says how many more there are.
RELATED_COUNT_CAP = 100


def related_rows(session: Session, actor: User, spec: Spec, related: Related, record: Any,
                 *, limit: int) -> ListResult:
    """The first records of `spec` that point at `record` as `related` says."""
    value = record.id if related.through is not None or not related.value_from \
        else getattr(record, related.value_from)
    if value is None or (related.fk is None and related.through is None):
        return ListResult(rows=[], total=0, page=1, pages=1)
    key = (spec.noun, related, limit, *scoping.reader_key(actor))
    first = _RELATED.get(key)
    if first is None:
        if len(_RELATED) >= _MAX_RELATED:
            _RELATED.clear()
        stmt, count = select_rows(spec, actor, ListRequest(),
                                  related_where(spec, related, sa.bindparam("related_value")),
                                  count_up_to=RELATED_COUNT_CAP)
        first = _RELATED[key] = scoping.built_once(
            stmt.add_columns(count.scalar_subquery().label(TOTAL)).limit(limit))
    rows = [r._asdict() for r in scoping.read(session, first, {"related_value": value})]
    say_sharing(actor, spec, rows)
    counted = int(rows[0][TOTAL]) if rows else 0
    if counted > RELATED_COUNT_CAP:
        result = _result(session, spec, rows, RELATED_COUNT_CAP, 1, limit)
        result.more_than = RELATED_COUNT_CAP
        return result
    return _result(session, spec, rows, counted, 1, limit)


def list_window(session: Session, actor: User, spec: Spec, wanted: ListRequest, *,
                limit: int = PAGE_SIZE) -> ListWindow:
    """The list page's rows: after or before the cursor a Next or Previous link carries, by
    the sort key, else at the typed page's offset; counted only up to a cap."""
    params = _list_query(spec, wanted)
    values = spec.crud.query_values(params)
    terms = spec.crud.sort_terms(params.sort)
    keys = [f"{KEY_PREFIX}{i}" for i in range(len(terms))]
    searching = bool(params.q)

    def make() -> tuple[sa.Select[Any], sa.Select[Any]]:
        stmt, _ = select_rows(spec, actor, wanted)
        keyed = stmt.order_by(None).add_columns(
            *(term.column.label(key) for term, key in zip(terms, keys, strict=True)))
        return keyed, spec.crud.query(actor, params).with_only_columns(spec.model.id)

    def read(page: int) -> Window:
        return read_window(
            session, make, terms=terms, keys=keys, limit=limit,
            order=lambda reverse: spec.crud.order(params.sort, searching=searching,
                                                  reverse=reverse),
            scope=spec.crud.list_scope(params), cursor=wanted.cursor or None,
            offset=0 if wanted.cursor else (page - 1) * limit, values=values,
            counted_in_passing=spec.crud.sorts_every_match(params.sort, searching=searching),
            kept=("page", spec.model, spec.noun, params.sort or spec.crud.default_sort,
                  *sorted(values), *scoping.reader_key(actor)))

    page = max(1, wanted.page)
    window = read(page)
    if not window.rows and page > 1 and not wanted.cursor:
        # Past the last page (the list shrank, or a typed number): the last page instead.
        _, count = select_rows(spec, actor, wanted)
        total = int(session.execute(count).scalar_one())
        page = max(1, -(-total // limit))
        window = read(page) if total else window
    if spec.annotate:
        spec.annotate(session, window.rows)
    say_sharing(actor, spec, window.rows)
    return ListWindow(rows=window.rows, first=window.start + 1, next=window.next,
                      previous=window.previous, total=window.total,
                      more_than=window.more_than, page=window.start // limit + 1)


def export_rows(session: Session, actor: User, spec: Spec,
                wanted: ListRequest) -> list[dict[str, Any]]:
    stmt, _ = select_rows(spec, actor, wanted)
    rows = [dict(r._mapping) for r in session.execute(stmt.limit(EXPORT_LIMIT))]
    if spec.annotate:
        spec.annotate(session, rows)
    say_sharing(actor, spec, rows)
    return rows


def related_where(spec: Spec, related: Related, value: Any) -> list[Any]:
    """Where `spec`'s records point at the one whose id (or `value_from` field) is `value`."""
    model = spec.model
    if related.through is not None:
        link = related.through
        ids = sa.select(getattr(link.table, link.other)).where(
            getattr(link.table, link.own) == value)
        return [model.id.in_(ids)]
    if related.fk is None:
        return [sa.false()]
    return [getattr(model, related.fk) == value]
