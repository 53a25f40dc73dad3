"""Reading a small YAML/JSON settings file (the vet config, the column mapping) as a mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from geobuk.errors import InputError


def read_settings(path: Path, what: str, shape: str) -> dict[str, Any]:
    """The file's top-level mapping; ``InputError`` naming the file when it cannot be read or is not
    a mapping (``what`` names the file's role, ``shape`` what a mapping of it holds)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(path, f"cannot read the {what}: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise InputError(path, f"the {what} must be a mapping of {shape}")
    return data
