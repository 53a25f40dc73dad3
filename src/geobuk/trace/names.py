"""Entity names and name lookups for a graph whose codes came from hashes (``index``).

The graph keeps no string per entity: a name is read from the store (by row id) the first time an
output asks for it, and a lookup by name hashes the name the way the index did and checks the
string it finds, so ``entity_of`` behaves like the dict it replaced without holding two million keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from geobuk.trace.index import TransferSource


class Names(Sequence[str]):
    """Entity names by code, read from the store when first asked for and then kept.

    ``locate`` (set by the graph) gives, per entity code, a row id holding one of its addresses and
    whether that address is the row's receiver; a clustered address is named by its cluster.
    """

    def __init__(self, source: TransferSource) -> None:
        self.source = source
        self.locate: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None
        self._known: dict[int, str] = {}
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.h: np.ndarray | None = None  # per code, the two hashes (set by the builder)
        self.h2: np.ndarray | None = None
        self.exact: dict[str, int] | None = None  # after a hash collision: every name, exactly

    def __len__(self) -> int:
        if self.exact is not None:
            return len(self.exact)
        return 0 if self.h is None else len(self.h)

    def __getitem__(self, code):  # noqa: ANN001, ANN204 - Sequence protocol (int or slice)
        if isinstance(code, slice):
            return [self[i] for i in range(*code.indices(len(self)))]
        code = int(code)
        if code < 0:
            code += len(self)
        if not 0 <= code < len(self):
            raise IndexError(code)
        if code not in self._known:
            self.prefetch([code])
        return self._known[code]

    def prefetch(self, codes: Iterable[int]) -> None:
        """Read the names of ``codes`` in one query per 2,000 (outputs name hundreds of nodes)."""
        missing = sorted({int(c) for c in codes} - self._known.keys())
        if not missing:
            return
        if self.exact is not None:
            self._known.update({code: name for name, code in self.exact.items()})
            return
        assert self.locate is not None
        rows, receiver = self.locate(np.asarray(missing, dtype=np.int64))
        senders = self.source.strings("from_address", rows[~receiver].tolist())
        receivers = self.source.strings("to_address", rows[receiver].tolist())
        clusters = self.source.clusters
        for code, row, is_to in zip(missing, rows.tolist(), receiver.tolist(), strict=True):
            address = (receivers if is_to else senders)[row]
            self._known[code] = clusters.get(address, address)

    def codes(self, names: Sequence[str]) -> list[int | None]:
        """The code of each entity name, or None where it has no transfers (checked on the string)."""
        if not names or not len(self):
            return [None] * len(names)
        if self._sorted is None and self.exact is None:
            assert self.h is not None and self.h2 is not None
            order = np.argsort(self.h)
            self._sorted = (self.h[order], self.h2[order], order)
        if self.exact is not None:
            return [self.exact.get(n) for n in names]
        sorted_h, sorted_h2, order = self._sorted
        h, h2 = self.source.hashes(names)
        k = np.minimum(np.searchsorted(sorted_h, h), len(sorted_h) - 1)
        hit = (sorted_h[k] == h) & (sorted_h2[k] == h2)
        found = order[k]
        self.prefetch(found[hit].tolist())
        return [
            int(code) if ok and self._known[int(code)] == name else None
            for code, ok, name in zip(found.tolist(), hit.tolist(), names, strict=True)
        ]


class EntityIndex:
    """``name -> entity code`` with the interface of a read-only dict (``get``, ``in``, ``[]``)."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self._cache: dict[str, int | None] = {}

    def lookup(self, names: Sequence[str]) -> list[int | None]:
        """Codes of many names at once (one hashing query), remembered for later single lookups."""
        todo = [n for n in dict.fromkeys(names) if n not in self._cache]
        for name, code in zip(todo, self.names.codes(todo), strict=True):
            self._cache[name] = code
        return [self._cache[n] for n in names]

    def get(self, name: str, default: int | None = None) -> int | None:
        code = self.lookup([name])[0]
        return default if code is None else code

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __getitem__(self, name: str) -> int:
        code = self.get(name)
        if code is None:
            raise KeyError(name)
        return code
