"""Every word the generic concept pages show that the concepts declare (labels of fields,
columns and filters, section titles, related lists, links, introductions, the phrases naming
the records) is marked for the catalog, for every section of every concept and not only those
the page check opens."""

import pytest
from babel.messages.catalog import Catalog

from tests.i18n.catalog_source import extracted
from web.concepts import SPECS
from web.forms import infer


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    catalog: Catalog = extracted(str(tmp_path_factory.mktemp("messages")))
    return {m.id for m in catalog if isinstance(m.id, str) and m.id}


def test_every_declared_word_is_marked(marked: set[str]) -> None:
    words: set[str] = set()
    for spec in SPECS.values():
        assert spec.nouns is not None
        words.update(getattr(spec.nouns, name) for name in spec.nouns.__dataclass_fields__)
        words.update(c.label for c in spec.columns if c.label)
        words.update(f.label for f in spec.filters)
        words.update(title for title, _ in spec.sections)
        words.update(r.title for r in spec.related)
        words.update(link.label for link in spec.list_links)
        words.update([spec.intro] if spec.intro else [])
        for name in spec.all_field_names():
            # As declared, before it is said in the reader's language.
            made = infer(spec.create_schema, name, links=spec.links(),
                         **spec.overrides.get(name, {}))
            words.update(w for w in (made.label, made.help) if w)
            if name in spec.overrides and "choices" in spec.overrides[name]:
                words.update(w for _, w in made.choices)
    assert len(words) > 200
    assert sorted(words - marked) == []
