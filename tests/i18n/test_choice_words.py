"""Every stored choice the models declare is marked for the catalog, so it reads in the
reader's language wherever a page shows it."""

from api.fields import StrEnum
from web.choice_words import CHOICE_WORDS
from web.words import WORDS


def _subclasses(kind: type) -> list[type]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_every_choice_is_marked(app: object) -> None:
    # The app is built first, so every model module, and so every choice, is imported.
    declared = {WORDS.get(m.value, m.value.replace("_", " "))
                for kind in _subclasses(StrEnum) if kind.__module__.startswith("api.")
                for m in kind}  # type: ignore[attr-defined]
    assert len(declared) > 100
    assert sorted(declared - set(CHOICE_WORDS)) == []
