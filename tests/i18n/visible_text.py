"""What a reader sees of a page: its text and the attributes a browser shows or reads aloud,
and which of those words came through no catalog."""

import re
from collections.abc import Iterable
from html.parser import HTMLParser

from babel import Locale
from babel.dates import get_timezone_location, get_timezone_name
from babel.units import format_unit

from api.i18n.formatting import US_ZONES
from tests.i18n.catalog_source import CLOSE, OPEN

# Shown, or read aloud by a screen reader.
VISIBLE_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "aria-description")
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Text nodes are joined with this: a translated sentence may hold markup (a link, a code).
BREAK = "\n"
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
# Not words of any language: email addresses, web addresses, file names, zone abbreviations
# (PST, EDT, UTC) and the product's own name.
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+\.(csv|ics|zip|pdf|json)\b|"
                       r"\b[A-Z]{2,4}T\b|\bUTC\b|\bOversight\b")


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0
        # An element in another language than the page's (a letter written in English for an
        # agency, marked lang="en"), or marked translate="no" (a letter's placeholder), holds
        # words no catalog is meant to translate: the tag, once per level it nests in itself.
        self.foreign: list[str] = []
        self.page_language = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden_depth += 1
        found = dict(attrs)
        if tag == "html":
            self.page_language = found.get("lang") or ""
        elif (tag == self.foreign[0]) if self.foreign else self._not_ours(found):
            self.foreign.append(tag)
        if self.foreign:
            return
        for name in VISIBLE_ATTRIBUTES:
            if found.get(name):
                self.parts.append(str(found[name]))
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.parts.append(str(found["value"]))

    def _not_ours(self, attributes: dict[str, str | None]) -> bool:
        language = attributes.get("lang")
        return attributes.get("translate") == "no" or bool(
            language and language != self.page_language)

    def handle_endtag(self, tag: str) -> None:
        if self.foreign and tag == self.foreign[0]:
            self.foreign.pop()
        if tag in ("script", "style", "template") and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth and not self.foreign and data.strip():
            self.parts.append(data)


def calendar_words(locale: str) -> set[str]:
    """The words a date or a length of time ("2 semanas") is written with in a language
    (Babel's data), which are not ours."""
    data = Locale.parse(locale)
    words: set[str] = set()
    for table in (data.months, data.days, data.day_periods):
        for context in table.values():
            for width in context.values():
                for name in width.values():
                    words.update(WORD.findall(str(name)))
    # A time zone's name and city ("hora del Pacífico", "Los Ángeles"), Babel's too.
    for zone in US_ZONES:
        named = WORD.findall(get_timezone_name(zone, "long", zone_variant="generic",
                                               locale=locale))
        # Its first word starts a choice or a value, in capitals.
        words.update(named + [word.capitalize() for word in named])
        words.update(WORD.findall(get_timezone_location(zone, locale=locale, return_city=True)))
    for unit in ("minute", "hour", "day", "week", "month"):
        for count in (1, 2):
            words.update(WORD.findall(format_unit(count, f"duration-{unit}", length="long",
                                                  locale=locale)))
    return words


def _cut_short(part: str, known: set[str]) -> bool:
    """Whether the text is a record's words cut to the room a drawing leaves (a label of the
    sharing graph, the whole name in its node's title): the record's own, not ours."""
    said = " ".join(part.split())
    stem = said.removesuffix("…").removeprefix("⚠").strip()
    return said.endswith("…") and len(stem) >= 4 and any(k.startswith(stem) for k in known)


def untranslated(html: str, *, known: Iterable[str], allowed_words: set[str]) -> list[str]:
    """The pieces of visible text left outside the catalog's marks once the records' own
    values (`known`, longest first) and the calendar's words are taken out."""
    reader = VisibleText()
    reader.feed(html)
    text = BREAK.join(reader.parts)
    while True:
        stripped = MARKED.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    known = {k for k in known if k}
    text = BREAK.join(part for part in text.split(BREAK) if not _cut_short(part, known))
    for value in sorted(known, key=len, reverse=True):
        if value in text:
            text = text.replace(value, " ")
    left = []
    for line in NOT_WORDS.sub(" ", text).split(BREAK):
        if [w for w in WORD.findall(line) if w not in allowed_words]:
            left.append(" ".join(line.split())[:120])
    return left
