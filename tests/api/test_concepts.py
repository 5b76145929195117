"""Each concept is declared once (api.concepts): its Crud is derived from the declaration, the
vocabulary infers what a field's type says, and a declaration that names what is not there
is refused when it is made."""

import importlib
import pkgutil
from typing import Any

import pytest

import api
from api.concepts import Concept, FieldRole, ListColumn
from api.targets.models import Target, TargetCreate, TargetRead, TargetTitle, TargetUpdate
from web.concepts import SPECS


def declared_concepts() -> dict[Any, Concept]:
    """Every concept declared in a domain package's models, by its table."""
    found = {}
    for module in pkgutil.iter_modules(api.__path__):
        try:
            models = importlib.import_module(f"api.{module.name}.models")
        except ModuleNotFoundError:
            continue
        for value in vars(models).values():
            if isinstance(value, Concept):
                found[value.table] = value
    return found


def _targets(*fields: FieldRole, **kwargs: Any) -> Concept:
    return Concept(table=Target, create=TargetCreate, update=TargetUpdate, read=TargetRead,
                   label="target", title="name",
                   fields=(FieldRole("name", sort=True), *fields), **kwargs)


def test_every_concept_crud_is_the_one_its_declaration_derives() -> None:
    concepts = declared_concepts()
    assert len(concepts) >= 16
    cruds = {spec.crud.model: spec.crud for spec in SPECS.values()}
    assert set(cruds) == set(concepts)
    for model, concept in concepts.items():
        crud, options = cruds[model], concept.crud_options()
        assert crud.search == options["search"], model
        assert crud.filters == options["filters"], model
        assert crud.sort_fields[:len(options["sort"])] == options["sort"], model
        assert crud.default_sort == options["default_sort"], model
        assert crud.date_column == options["date_column"], model
        assert (crud.create_schema, crud.update_schema, crud.read_schema) == (
            concept.create, concept.update, concept.read)


def test_a_filter_takes_its_kind_and_choices_from_the_field() -> None:
    concept = _targets(FieldRole("title", filter="Title"), FieldRole("body_id", filter="Body"),
                       FieldRole("district", filter=True))
    by_name = {f.name: f for f in concept.filters()}
    assert (by_name["title"].kind, by_name["title"].enum) == ("enum", TargetTitle)
    assert (by_name["body_id"].kind, by_name["body_id"].ref) == ("ref", "body")
    assert by_name["district"].label is None
    assert [f.name for f in concept.page_filters()] == ["title", "body_id"]
    assert concept.crud_options()["filters"] == ("title", "body_id", "district")


def test_a_column_takes_its_kind_from_the_field_unless_it_says() -> None:
    concept = _targets(FieldRole("term_ends", column="Term ends"),
                       FieldRole("owner_organization_id", column="Owner"),
                       FieldRole("website", column=ListColumn("Website", "url")))
    kinds = {c.name: (c.kind, c.ref) for c in concept.columns()}
    assert kinds == {"term_ends": ("date", None), "owner_organization_id": ("ref", "organization"),
                     "website": ("url", None)}


def test_a_column_is_headed_by_the_fields_title_unless_it_says() -> None:
    concept = _targets(FieldRole("term_ends", column=True),
                       FieldRole("website", column=ListColumn(kind="url")),
                       FieldRole("owner_organization_id", column="Relationship owner"),
                       FieldRole("district", column=ListColumn("Ward", "text")))
    labels = {c.name: (c.label, c.kind) for c in concept.columns()}
    assert labels == {"term_ends": ("Term ends", "date"), "website": ("Website", "url"),
                      "owner_organization_id": ("Relationship owner", "ref"),
                      "district": ("Ward", "text")}


def test_orders_put_some_first_and_the_rest_follow_in_declaration_order() -> None:
    concept = _targets(FieldRole("title", sort=True, column="Title", section="Seat"),
                       FieldRole("district", search=True, sort=True, column="District",
                                 section="Seat"),
                       FieldRole("email", search=True, column="Email", section="Contact"),
                       orders={"columns": ("district",), "sort": ("title",),
                               "search": ("email",), "sections": ("Contact",)})
    assert [c.name for c in concept.columns()] == ["district", "title", "email"]
    assert concept.sort_fields() == ("title", "name", "district")
    assert concept.search_fields() == ("email", "district")
    assert concept.sections() == [("Contact", ["email"]), ("Seat", ["title", "district"])]


@pytest.mark.parametrize(("fields", "kwargs", "problem"), [
    ((FieldRole("nickname", column="Nickname"),), {}, "nickname: no such field"),
    ((FieldRole("title"), FieldRole("title")), {}, "title: declared twice"),
    ((), {"orders": {"columns": ("title",)}}, "orders['columns'] names ['title']"),
    ((), {"orders": {"rows": ("name",)}}, "no role 'rows'"),
    ((), {"default_sort": "district"}, "default_sort 'district' is not sortable"),
    ((FieldRole("visibility", column=True),), {},
     "visibility: a list column needs a label or a field title"),
])
def test_a_declaration_naming_what_is_not_there_is_refused(
        fields: tuple[FieldRole, ...], kwargs: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        _targets(*fields, **kwargs)
