"""The Spanish catalog keeps up with the code: every message the code and templates mark is in
it, translated, and none is left fuzzy; and `make messages` has been run (the template catalog
holds what the code marks)."""

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from api.i18n import catalogs, locales
from api.i18n.catalogs import use_locale
from tests.i18n.catalog_source import extracted

TRANSLATED = [code for code in locales.SUPPORTED if code != locales.DEFAULT]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return extracted(str(tmp_path_factory.mktemp("messages")))


def _ids(catalog: Catalog) -> set[object]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id))
            for m in catalog if m.id}


def test_the_template_catalog_holds_what_the_code_marks(marked: Catalog) -> None:
    kept = _read(catalogs.LOCALE_DIR / "messages.pot")
    missing = _ids(marked) - _ids(kept)
    stale = _ids(kept) - _ids(marked)
    assert not missing and not stale, (
        f"run `make messages`: {len(missing)} new, {len(stale)} gone, e.g. "
        f"{sorted(map(str, missing))[:5]} {sorted(map(str, stale))[:5]}")


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(marked: Catalog, locale: str) -> None:
    po = _read(catalogs.LOCALE_DIR / locale / "LC_MESSAGES" / f"{catalogs.DOMAIN}.po", locale)
    problems = []
    for message in marked:
        if not message.id:
            continue
        found = po.get(message.id, context=message.context)
        if found is None:
            problems.append(f"missing: {message.id!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not found.string or (isinstance(found.string, tuple | list)
                                  and not all(found.string)):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, f"{len(problems)} in {locale}:\n" + "\n".join(problems[:40])
    errors = [f"{m.id!r}: {error}" for m, errors in po.check() for error in errors]
    assert not errors, "\n".join(errors[:20])


def test_plural_forms_follow_the_number() -> None:
    from api.i18n.formatting import countdown

    with use_locale("es"):
        assert countdown(1) == "mañana"
        assert countdown(2) == "en 2 días"
        assert countdown(-3) == "hace 3 días"
    with use_locale("en"):
        assert countdown(2) == "in 2 days"
        assert countdown(-1) == "yesterday"
