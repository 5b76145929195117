"""The translated words: one gettext catalog per language, and the language in force for the
code running now (a page's request, or one recipient's alert)."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from api.i18n.locales import DEFAULT

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"

log = logging.getLogger(__name__)

# Filled on first use. Tests put a catalog of their own here to render pages with it.
LOADED: dict[str, NullTranslations] = {}
_current: ContextVar[str] = ContextVar("oversight_locale", default=DEFAULT)


def _load(locale: str) -> NullTranslations:
    folder = LOCALE_DIR / locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if not po.exists():
        return NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    # A checkout that has not run `make catalogs` yet still speaks the language: the catalog is
    # compiled in memory, which costs a moment at the first page.
    log.warning("%s is missing or older than its .po; `make catalogs` compiles it", mo)
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translations(locale: str) -> NullTranslations:
    found = LOADED.get(locale)
    if found is None:
        found = LOADED[locale] = _load(locale)
    return found


def current() -> str:
    """The language of the code running now."""
    return _current.get()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Speak `locale` inside the block: an alert is written in its recipient's language."""
    token = _current.set(locale)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(current()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current()).upgettext(context, message)


def N_(message: str) -> str:  # noqa: N802 - the name xgettext and pybabel know
    """Marks a string for the catalog where it is declared; it is translated where it is shown."""
    return message
