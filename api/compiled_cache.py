"""SQLAlchemy's compiled-statement cache, found by the statement object for statements that are
built once and run again.

SQLAlchemy finds a statement's compiled form by its cache key, a tuple of the whole statement's
structure, which it hashes and compares on every run: for the statements a page runs, with the
reader's criteria in them, about a twentieth of the campaign page's time. A statement built once
keeps its cache key (SQLAlchemy works it out once per statement object), so the same key object
coming back means the same statement: the compiled form is found by the key's identity, and by
its value only when a statement comes anew.
"""

import threading
from typing import Any

from sqlalchemy.util import LRUCache

# Distinct statements kept by identity; past this many they are forgotten together and found
# by value again, the same statements each one compile.
MAX_BY_IDENTITY = 4096


class CompiledByIdentity:
    """A `compiled_cache` (see `Connection.execution_options`): a mapping SQLAlchemy reads with
    `get(key)` and fills with `cache[key] = compiled`, where key is (dialect, cache key, column
    keys, schema translation, many)."""

    def __init__(self, size: int = 1000) -> None:
        self._by_value: LRUCache[Any, Any] = LRUCache(size)
        # (id of dialect, id of cache key, rest of key) -> (dialect, cache key, compiled): the
        # objects are kept beside what they name, so an id names no other meanwhile.
        self._by_identity: dict[tuple[Any, ...], tuple[Any, Any, Any]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _identity(key: tuple[Any, ...]) -> tuple[Any, ...]:
        return (id(key[0]), id(key[1]), *key[2:])

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        found = self._by_identity.get(self._identity(key))
        if found is not None and found[0] is key[0] and found[1] is key[1]:
            return found[2]
        compiled = self._by_value.get(key)
        if compiled is None:
            return default
        self._remember(key, compiled)
        return compiled

    def __setitem__(self, key: tuple[Any, ...], compiled: Any) -> None:
        self._by_value[key] = compiled
        self._remember(key, compiled)

    def _remember(self, key: tuple[Any, ...], compiled: Any) -> None:
        with self._lock:
            if len(self._by_identity) >= MAX_BY_IDENTITY:
                self._by_identity.clear()
            self._by_identity[self._identity(key)] = (key[0], key[1], compiled)


COMPILED = CompiledByIdentity()
