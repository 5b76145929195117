"""The compiled-statement cache finds a statement run again by the statement itself, without
hashing its whole structure, and a statement that merely looks the same by its value."""

from typing import Any

from api.compiled_cache import CompiledByIdentity


class Counted:
    """A part of a cache key that counts how often it is hashed and compared."""

    def __init__(self, name: str, tally: dict[str, int]) -> None:
        self.name, self.tally = name, tally

    def __hash__(self) -> int:
        self.tally["hashed"] += 1
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        self.tally["compared"] += 1
        return isinstance(other, Counted) and other.name == self.name


def _key(dialect: object, part: Counted) -> tuple[Any, ...]:
    return (dialect, (part, ("where", 1)), ("record_id",), False, False)


def test_the_same_statement_again_is_found_without_hashing_it() -> None:
    tally = {"hashed": 0, "compared": 0}
    cache, dialect = CompiledByIdentity(), object()
    key = _key(dialect, Counted("select", tally))
    cache[key] = "compiled"
    tally.update(hashed=0, compared=0)
    for _ in range(3):
        assert cache.get(key) == "compiled"
    assert tally == {"hashed": 0, "compared": 0}


def test_a_statement_equal_in_value_is_found_by_value_then_by_itself() -> None:
    tally = {"hashed": 0, "compared": 0}
    cache, dialect = CompiledByIdentity(), object()
    cache[_key(dialect, Counted("select", tally))] = "compiled"
    again = _key(dialect, Counted("select", tally))
    assert cache.get(again) == "compiled"
    tally.update(hashed=0, compared=0)
    assert cache.get(again) == "compiled"
    assert tally["hashed"] == 0


def test_another_statement_or_dialect_is_not_given_the_compiled_form() -> None:
    tally = {"hashed": 0, "compared": 0}
    cache, dialect = CompiledByIdentity(), object()
    key = _key(dialect, Counted("select", tally))
    cache[key] = "compiled"
    assert cache.get(_key(dialect, Counted("other", tally))) is None
    assert cache.get((object(), *key[1:])) is None
    assert cache.get((*key[:2], ("other_column",), False, False)) is None


def test_forgetting_the_statements_kept_by_identity_keeps_them_by_value(
        monkeypatch: Any) -> None:
    from api import compiled_cache

    monkeypatch.setattr(compiled_cache, "MAX_BY_IDENTITY", 2)
    tally = {"hashed": 0, "compared": 0}
    cache, dialect = CompiledByIdentity(), object()
    keys = [_key(dialect, Counted(f"select {n}", tally)) for n in range(5)]
    for n, key in enumerate(keys):
        cache[key] = f"compiled {n}"
    assert [cache.get(key) for key in keys] == [f"compiled {n}" for n in range(5)]
