"""Finding ALPR business in agenda text: whole-word, case-blind keyword matching."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

DEFAULT_KEYWORDS: tuple[str, ...] = (
    "license plate", "LPR", "ALPR", "Flock", "Falcon", "Vigilant", "Motorola Solutions",
    "Rekor", "Genetec", "real time crime center", "surveillance technology",
)


def _pattern(phrase: str) -> str:
    words = [re.escape(word) for word in phrase.split()]
    # "real time" also finds "real-time"; a plural "s" is allowed; nothing may touch either end,
    # so "plate" never matches inside "template" and "LPR" not inside "ALPRS".
    return r"(?<!\w)" + r"[\s\-]+".join(words) + r"s?(?!\w)"


@dataclass(frozen=True)
class KeywordMatcher:
    """Compiled once per set of keywords; tells which keywords a text contains."""

    keywords: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, keywords: Iterable[str]) -> "KeywordMatcher":
        unique = tuple(dict.fromkeys(k.strip() for k in keywords if k and k.strip()))
        return cls(unique, tuple(re.compile(_pattern(k), re.IGNORECASE) for k in unique))

    def matches(self, texts: Sequence[str]) -> list[str]:
        joined = "\n".join(t for t in texts if t)
        return [k for k, p in zip(self.keywords, self.patterns, strict=True) if p.search(joined)]


DEFAULT_MATCHER = KeywordMatcher.of(DEFAULT_KEYWORDS)
