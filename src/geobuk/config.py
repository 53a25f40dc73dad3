"""Where geobuk keeps its state: one DuckDB file, no server."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """``$GEOBUK_HOME``, else ``~/.local/share/geobuk``."""
    env = os.environ.get("GEOBUK_HOME")
    return Path(env).expanduser() if env else Path.home() / ".local" / "share" / "geobuk"


def default_db() -> Path:
    return home() / "geobuk.duckdb"
