"""One registry shape for every extension point (importers, log readers, rule languages, outputs).

Like plaso's parser manager: a plugin class declares its ``name`` and registers itself with the
registry of its extension point; callers look plugins up by name or ask each one whether it
recognises an input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Generic, TypeVar

from geobuk.errors import GeobukError, InputError

T = TypeVar("T")

#: How much of a file plugins get to recognise it by.
SNIFF_BYTES = 64 * 1024


class Registry(Generic[T]):
    """Plugins of one kind, by name. Detection tries them by their ``sniff_order`` (default 50)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, type[T]] = {}

    def register(self, plugin: type[T]) -> type[T]:
        name = getattr(plugin, "name", None)
        if not name:
            raise TypeError(f"{plugin!r} has no name")
        if name in self._plugins:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._plugins[name] = plugin
        return plugin

    def get(self, name: str) -> type[T]:
        try:
            return self._plugins[name]
        except KeyError:
            known = ", ".join(self._plugins)
            raise GeobukError(f"unknown {self.kind} {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return list(self._plugins)

    def __iter__(self) -> Iterator[type[T]]:
        return iter(self._plugins.values())

    def first(self, accepts: Callable[[type[T]], bool]) -> type[T] | None:
        """The first plugin that accepts, trying the most specific first (lowest ``sniff_order``)."""
        ordered = sorted(self._plugins.values(), key=lambda p: getattr(p, "sniff_order", 50))
        return next((p for p in ordered if accepts(p)), None)

    def for_file(self, path: Path, forced: str | None = None) -> type[T]:
        """The plugin named by ``forced``, else the first whose ``sniff(path, head)`` recognises the
        file's first bytes; a one-line ``InputError`` naming the file otherwise."""
        if forced:
            return self.get(forced)
        try:
            with path.open("rb") as fh:
                head = fh.read(SNIFF_BYTES)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror}") from None
        if not head.strip():
            raise InputError(path, "the file is empty")
        found = self.first(lambda plugin: plugin.sniff(path, head))  # type: ignore[attr-defined]
        if found is None:
            names = ", ".join(self.names())
            raise InputError(path, f"format not recognised (known {self.kind}s: {names}); "
                                   "force one with --format")
        return found

