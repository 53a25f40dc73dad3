"""Fixtures shared by all tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from geobuk.intel.store import Store


@pytest.fixture
def store(tmp_path: Path):
    """A fresh, empty store file."""
    with Store(tmp_path / "geobuk.duckdb") as s:
        yield s
