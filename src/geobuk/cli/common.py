"""Helpers every command shares: opening the store the user chose."""

from __future__ import annotations

from pathlib import Path

import typer

from geobuk.intel.importing import ensure_builtin_pack
from geobuk.intel.store import Store


def db_path(ctx: typer.Context) -> Path:
    root = ctx.find_root()
    return Path((root.obj or {}).get("db"))


def open_store(ctx: typer.Context) -> Store:
    """The store at ``--db``, created and loaded with the built-in pack on first use."""
    store = Store(db_path(ctx))
    ensure_builtin_pack(store)
    return store
