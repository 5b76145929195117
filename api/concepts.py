"""The vocabulary a concept is declared in, once: its schemas and the part each field plays in
searches, filters, sorting, lists and forms. The JSON API's Crud and the web's pages are both
derived from the declaration, so they cannot disagree about a field."""

import types
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

# The orders a concept may give where its fields' declaration order is not the one wanted.
ORDERED_ROLES = ("columns", "filters", "sort", "search", "sections")
# What every list may be sorted by, declared or not (api.crud).
ALWAYS_SORTABLE = ("id", "created_at", "updated_at")


@dataclass(frozen=True)
class ListColumn:
    """How a field shows as a column of the concept's list. `label` left empty is the field's
    title; `kind` left empty follows the field's type (a reference shows the name of the record
    it refers to)."""

    label: str = ""
    kind: str = ""


@dataclass(frozen=True)
class FieldRole:
    """What one field does. `filter`: a label offers the filter on the list page as well as in
    the API; True offers it in the API alone. `column`: True shows the field in the list under
    its title, a label under another heading; a ListColumn says how its cells show too (under
    the title when its label is left empty). `section`: the title of the form section it is
    edited in. Labels and titles are English, marked with N_: the pages translate them where
    they show them, and the JSON API never shows them."""

    name: str
    search: bool = False
    sort: bool = False
    filter: str | bool = False
    column: ListColumn | str | bool = False
    section: str | None = None


@dataclass(frozen=True)
class FilterOf:
    """A filter as derived: its kind and choices come from the field's type. `label` is None
    for a filter the pages do not offer."""

    name: str
    label: str | None
    kind: str
    enum: type[Enum] | None = None
    ref: str | None = None


@dataclass(frozen=True)
class ColumnOf:
    """A list column as derived. `ref` names the table a reference points at."""

    name: str
    label: str
    kind: str
    sort: bool
    ref: str | None = None


@dataclass(frozen=True)
class Concept:
    """One concept, declared once. `title` is the field that names a record; `fields` are in
    the order the form shows them. `orders` puts some fields (or section titles) of a role
    first, in another order: "columns", "filters" (those the list page offers), "sort" (as the
    API lists them), "search" (the columns of the full-text index, in order) or "sections";
    the role's others follow in declaration order, so a new field never has to be added
    there."""

    table: Any
    create: type[BaseModel]
    update: type[BaseModel]
    read: type[BaseModel]
    label: str
    title: str
    fields: tuple[FieldRole, ...] = ()
    default_sort: str = "id"
    date_column: str | None = None
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        known = set(self.table.model_fields) | set(self.create.model_fields)
        names = [role.name for role in self.fields]
        problems = [f"{name}: no such field" for name in names if name not in known]
        problems += [f"{name}: declared twice" for name in names if names.count(name) > 1]
        problems += [f"orders: no role '{role}'" for role in self.orders
                     if role not in ORDERED_ROLES]
        for ordered, declared in (("columns", self._with("column")),
                               ("filters", self._offered()), ("sort", self._with("sort")),
                               ("search", self._with("search")),
                               ("sections", self._section_titles())):
            stray = [name for name in self.orders.get(ordered, ()) if name not in declared]
            if stray:
                problems.append(f"orders[{ordered!r}] names {stray}, which have no such role")
        for role in self.fields:
            if role.section and role.name not in self.create.model_fields:
                problems.append(f"{role.name}: in a form section, not in {self.create.__name__}")
            queried = role.filter or role.sort or role.search or role.column
            if queried and role.name not in self.table.model_fields:
                problems.append(f"{role.name}: not a column of {self.table.__name__}")
            elif role.column and not self._column_label(role):
                problems.append(f"{role.name}: a list column needs a label or a field title")
        if self.default_sort.lstrip("-") not in (*self.sort_fields(), *ALWAYS_SORTABLE):
            problems.append(f"default_sort {self.default_sort!r} is not sortable")
        if self.date_column is not None and self.date_column not in self.table.model_fields:
            problems.append(f"date_column {self.date_column!r}: not a column")
        if problems:
            raise ValueError(f"The {self.label} concept: " + "; ".join(problems))

    # ---- what the declaration says, role by role ------------------------------------------

    def role(self, name: str) -> FieldRole | None:
        return next((r for r in self.fields if r.name == name), None)

    def _with(self, attribute: str) -> list[str]:
        return [r.name for r in self.fields if getattr(r, attribute)]

    def _offered(self) -> list[str]:
        return [r.name for r in self.fields if isinstance(r.filter, str)]

    def _ordered(self, role: str, names: list[str]) -> list[str]:
        first = list(self.orders.get(role, ()))
        return first + [name for name in names if name not in first]

    def _section_titles(self) -> list[str]:
        return list(dict.fromkeys(r.section for r in self.fields if r.section))

    def search_fields(self) -> tuple[str, ...]:
        return tuple(self._ordered("search", self._with("search")))

    def sort_fields(self) -> tuple[str, ...]:
        return tuple(self._ordered("sort", self._with("sort")))

    def filters(self) -> list[FilterOf]:
        """Every filter: those the list page offers, in its order, then the API's own."""
        found = []
        offered = self._ordered("filters", self._offered())
        for name in offered + [n for n in self._with("filter") if n not in offered]:
            role = self.role(name)
            assert role is not None
            kind, enum, ref = self._filter_kind(name)
            label = role.filter if isinstance(role.filter, str) else None
            found.append(FilterOf(name, label, kind, enum, ref))
        return found

    def page_filters(self) -> list[FilterOf]:
        return [f for f in self.filters() if f.label is not None]

    def columns(self) -> list[ColumnOf]:
        found = []
        sortable = set(self.sort_fields())
        for name in self._ordered("columns", self._with("column")):
            role = self.role(name)
            assert role is not None and role.column
            kind = role.column.kind if isinstance(role.column, ListColumn) else ""
            ref = references(self.table).get(name)
            kind = kind or ("ref" if ref else _kind_of(self.table, name))
            found.append(ColumnOf(name, self._column_label(role), kind, name in sortable, ref))
        return found

    def _column_label(self, role: FieldRole) -> str:
        """The heading of a field's list column: its own label, or else the field's title."""
        label = role.column.label if isinstance(role.column, ListColumn) else role.column
        if isinstance(label, str) and label:
            return label
        return self.table.model_fields[role.name].title or ""

    def sections(self) -> list[tuple[str, list[str]]]:
        """(title, field names) of each form section; none when no field has one (the form then
        has every field of the create schema)."""
        titles = self._ordered("sections", self._section_titles())
        return [(title, [r.name for r in self.fields if r.section == title]) for title in titles]

    def crud_options(self) -> dict[str, Any]:
        """The arguments of the concept's Crud that the declaration decides."""
        return {"model": self.table, "create": self.create, "update": self.update,
                "read": self.read, "label": self.label, "search": self.search_fields(),
                "filters": tuple(f.name for f in self.filters()), "sort": self.sort_fields(),
                "default_sort": self.default_sort, "date_column": self.date_column}

    # ---- kinds from the field's type -------------------------------------------------------

    def _filter_kind(self, name: str) -> tuple[str, type[Enum] | None, str | None]:
        ref = references(self.table).get(name)
        if ref:
            return "ref", None, ref
        python = python_type(self.table, name)
        if isinstance(python, type) and issubclass(python, Enum):
            return "enum", python, None
        if python is bool:
            return "bool", None, None
        return "value", None, None


def references(table: Any) -> dict[str, str]:
    """Each foreign-key column of a table, with the name of the table it refers to."""
    # By name, not by the referenced table itself, which may not be declared yet.
    return {column.name: next(iter(column.foreign_keys)).target_fullname.rsplit(".", 1)[0]
            for column in table.__table__.columns if column.foreign_keys}


def python_type(table: Any, name: str) -> Any:
    """The field's type, out of Optional and Annotated: `str` for a text field."""
    annotation = table.model_fields[name].annotation
    return _unwrapped(annotation)


def _unwrapped(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrapped(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
        return _unwrapped(kept[0]) if len(kept) == 1 else annotation
    return annotation


def _kind_of(table: Any, name: str) -> str:
    python = python_type(table, name)
    if not isinstance(python, type):
        return "text"
    # bool before int, datetime before date: each is a subclass of the other.
    for kind_type, kind in ((bool, "bool"), (Enum, "enum"), (datetime, "datetime"),
                            (date, "date"), (Decimal, "money"), (int, "number")):
        if issubclass(python, kind_type):
            return kind
    return "text"

