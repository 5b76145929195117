"""The page the service worker shows without a connection is a file kept on the device, which
knows no reader: it says everything in every supported language, each part marked with its own."""

import re

from api.i18n.locales import SUPPORTED
from tests.i18n.catalog_source import PROJECT_ROOT

OFFLINE = PROJECT_ROOT / "web" / "static" / "offline.html"
SECTION = re.compile(r'<section lang="(\w+)"[^>]*>(.*?)</section>', re.DOTALL)


def test_the_offline_page_speaks_every_language() -> None:
    sections = dict(SECTION.findall(OFFLINE.read_text(encoding="utf-8")))
    assert sorted(sections) == sorted(SUPPORTED)
    shapes = {lang: (part.count("<p>"), part.count('href="/meetings/new"'))
              for lang, part in sections.items()}
    assert len(set(shapes.values())) == 1, shapes
    assert "Esta página necesita conexión" in sections["es"]
