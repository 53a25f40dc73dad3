"""Where the CLI prints: results to stdout, progress and errors to stderr (so pipes stay clean)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def interactive() -> bool:
    """Progress bars only for a person at a terminal, never into a pipe or a CI log."""
    return sys.stderr.isatty()


@contextmanager
def progress(description: str, total: float | None) -> Iterator[Progress]:
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=err, transient=True, disable=not interactive())
    with bar:
        bar.add_task(description, total=total)
        yield bar


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise SystemExit(code)
