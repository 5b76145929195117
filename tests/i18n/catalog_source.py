"""The translatable text of the code and templates as it is now, extracted as `make messages`
does (babel.cfg), and a pseudo-language made from it for the page check."""

import subprocess
import sys
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

PROJECT_ROOT = Path(__file__).resolve().parents[2]
OPEN, CLOSE = "⟦", "⟧"


@cache
def extracted(tmp_dir: str) -> Catalog:
    """Every message the code and templates mark for translation."""
    out = Path(tmp_dir) / "messages.pot"
    subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "babel.messages.frontend", "extract", "--mapping-file",
         "babel.cfg", "--keywords", "N_", "--keywords", "_", "--no-location",
         "--output-file", str(out), "."],
        cwd=PROJECT_ROOT, check=True, capture_output=True)
    with out.open("rb") as source:
        return read_po(source)


def pseudo_translations(source: Catalog) -> Translations:
    """Each message wrapped in ⟦…⟧, so a page shows which of its words went through the
    catalog; what is left outside the marks was never translated."""
    catalog = Catalog(locale="es")
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            catalog.add(message.id, tuple(f"{OPEN}{form}{CLOSE}" for form in message.id),
                        context=message.context)
        else:
            catalog.add(message.id, f"{OPEN}{message.id}{CLOSE}", context=message.context)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)
