"""The ``geobuk`` command's entry point, light on purpose.

Worker processes that read logs import the program's main module (the ``geobuk`` script, which
imports this one), once, in the process they are forked from; the whole CLI (every stage, DuckDB,
Rich) took 0.6 s to import there and delayed the workers by as much.
"""

from __future__ import annotations

import sys


def main() -> None:
    from geobuk.cli.main import run

    sys.exit(run())
