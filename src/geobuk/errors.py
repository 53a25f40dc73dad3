"""Errors a user can act on.

Every failure caused by input (a bad file, an unknown name) is a ``GeobukError``: the CLI prints
its one-line message and exits 2, never a traceback. Anything else is a bug and is allowed to show
its traceback.
"""

from __future__ import annotations

from pathlib import Path


class GeobukError(Exception):
    """An error caused by the user's input, shown as one line."""

    exit_code = 2


class InputError(GeobukError):
    """A file that cannot be used, with where in it the problem is."""

    def __init__(self, path: str | Path, message: str, *, index: int | None = None,
                 what: str = "object") -> None:
        self.path = str(path)
        self.index = index
        self.message = message
        where = f"{self.path}: {what} {index}: " if index is not None else f"{self.path}: "
        super().__init__(where + message)
