"""Each concept's pages are derived from the same declaration as its Crud: the list page offers
only filters the API accepts, with the labels, kinds and choices the declaration gives, sorts
only by what the API sorts by, and a new field shows in a list, a filter and a form from its
declaration alone."""

import copy
from typing import Any

import pytest

from api.concepts import Concept, FieldRole, ListColumn
from api.targets import models as targets_models
from api.targets import service as targets
from tests.api.test_concepts import declared_concepts
from web.concept_pages import declared_spec
from web.concepts import REFS, SPECS
from web.words import humanize

NOUNS = sorted(SPECS)


def test_every_concept_with_pages_has_them_from_its_declaration() -> None:
    concepts = declared_concepts()
    assert {spec.model for spec in SPECS.values()} <= set(concepts)
    for spec in SPECS.values():
        assert spec.concept is concepts[spec.model]


@pytest.mark.parametrize("noun", NOUNS)
def test_page_filters_are_the_crud_filters_the_declaration_labels(noun: str) -> None:
    spec = SPECS[noun]
    assert spec.concept is not None
    declared = spec.concept.page_filters()
    assert [(f.name, f.label, f.kind) for f in spec.filters] == [
        (f.name, f.label, f.kind) for f in declared]
    assert {f.name for f in spec.filters} <= set(spec.crud.filters)
    for page, concept in zip(spec.filters, declared, strict=True):
        if concept.enum is not None:
            assert page.choices == tuple((m.value, humanize(m.value)) for m in concept.enum)
        assert page.ref == concept.ref


@pytest.mark.parametrize("noun", NOUNS)
def test_columns_sort_and_sections_come_from_the_declaration(noun: str) -> None:
    spec = SPECS[noun]
    assert spec.concept is not None
    assert set(spec.sort_keys()) <= set(spec.crud.sort_fields)
    shown = [c.label for c in spec.columns if c.kind not in ("hidden", "sharing", "countdown")]
    assert shown == [c.label for c in spec.concept.columns()]
    declared = dict(spec.concept.sections())
    assert {title: names for title, names in spec.sections if title in declared} == declared


def test_pages_refuse_a_crud_that_is_not_the_declared_one() -> None:
    crud = copy.copy(targets.crud)
    crud.filters = (*crud.filters, "phone")
    with pytest.raises(ValueError, match="not the one its concept declares"):
        declared_spec(targets_models.TARGETS, crud, REFS, noun="targets")


def test_a_new_field_is_one_declaration() -> None:
    """What the README shows: one FieldRole puts a field in the list, its filters and a form."""
    declared = targets_models.TARGETS
    website = FieldRole("website", column=ListColumn("Website", "url"), filter=True,
                        section="Contact")
    fields = tuple(r for r in declared.fields if r.name != "website") + (website,)
    concept = Concept(**{**vars(declared), "fields": fields})
    crud: Any = copy.copy(targets.crud)
    crud.filters = concept.crud_options()["filters"]
    spec = declared_spec(concept, crud, REFS, noun="targets")
    assert "website" in crud.filters
    assert [c.key for c in spec.columns if c.label == "Website"] == ["website"]
    assert "website" in dict(spec.sections)["Contact"]
