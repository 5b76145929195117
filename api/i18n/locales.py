"""The supported languages and how one is chosen for a reader: their account's choice, then the
language switch's cookie, then what the browser asks for, then English."""

from collections.abc import Mapping

from babel import Locale, UnknownLocaleError

DEFAULT = "en"
# The order is the switch's order. A language joins here once its catalog is complete.
SUPPORTED: tuple[str, ...] = ("en", "es")
# Each language named in itself: a reader who cannot read the page can still find theirs.
NAMES: Mapping[str, str] = {"en": "English", "es": "Español"}
COOKIE = "oversight_language"


def is_supported(code: str | None) -> bool:
    return code in SUPPORTED


def negotiate(accept_language: str | None) -> str | None:
    """The supported language the browser prefers most (a region such as es-MX counts for es),
    or None when it asks for none of them."""
    if not accept_language:
        return None
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        # Spaces are allowed around ";" and "=" ("es ;q=0.9"), as browsers and proxies send.
        tag, _, params = part.partition(";")
        tag = tag.strip()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            wanted.append((-quality, position, tag))
    for _, _, tag in sorted(wanted):
        try:
            language = Locale.parse(tag.replace("*", DEFAULT), sep="-").language
        except (ValueError, UnknownLocaleError):
            continue
        if language in SUPPORTED:
            return language
    return None


def choose(*, account: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of one request."""
    for choice in (account, cookie):
        if is_supported(choice):
            return str(choice)
    return negotiate(accept_language) or DEFAULT


# Where a command line's language is read from, first found first: Oversight's own setting,
# then the POSIX locale variables in the order the C library reads them.
LANGUAGE_VARIABLES = ("OVERSIGHT_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def from_environment(environ: Mapping[str, str]) -> str:
    """The language of the `oversight` command: OVERSIGHT_LANGUAGE (en, es), else the locale
    of the terminal (LANG=es_US.UTF-8 is Spanish), else English."""
    for name in LANGUAGE_VARIABLES:
        value = environ.get(name, "").strip()
        if not value:
            continue
        language = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
        return language if is_supported(language) else DEFAULT
    return DEFAULT
