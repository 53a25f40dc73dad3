"""Importing files into the store: pick the importer, read, and write all files in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from geobuk.errors import InputError
from geobuk.intel.importers import IMPORTERS, ImportContext, Importer
from geobuk.intel.pack import PACK_VERSION, load_pack
from geobuk.intel.store import BadObject, ImportCounts, Store


def detect_importer(path: Path, forced: str | None = None) -> type[Importer]:
    """The importer for ``path``: the one named by ``forced``, else the first that recognises it."""
    return IMPORTERS.for_file(path, forced)


def import_files(store: Store, paths: Sequence[Path], *, fmt: str | None = None,
                 on_file: Callable[[Path, str], None] | None = None) -> ImportCounts:
    """Import every file, all or nothing: the first bad file aborts the whole import."""
    total = ImportCounts()
    ctx = ImportContext(resolve_actor=store.resolve, actor_candidates=store.candidates)
    with store.transaction():
        for path in paths:
            importer = detect_importer(path, fmt)
            if on_file:
                on_file(path, importer.name)
            batch = importer().read(path, ctx)
            try:
                counts = store.add_objects(batch.objects, source=str(path))
            except BadObject as exc:
                raise InputError(path, exc.problem, index=exc.index) from None
            counts.aliases = store.add_alias_claims(batch.aliases)
            counts.warnings = [f"{path}: {w}" for w in batch.warnings]
            total += counts
    return total


def ensure_builtin_pack(store: Store) -> ImportCounts | None:
    """Store the built-in DPRK knowledge pack unless this version of it is already there.

    Every command opens the store through this, so the embedded intel is there from the first run.
    """
    if store.meta("pack_version") == PACK_VERSION:
        return None
    with store.transaction():
        counts = store.add_objects(load_pack(), source=f"geobuk-pack {PACK_VERSION}")
        store.set_meta("pack_version", PACK_VERSION)
    return counts
