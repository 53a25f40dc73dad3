"""Reading many small logs for a hunt: one table per source (before) vs sources gathered (after).

The hunt glues what ``iter_batches`` gives into tables of about ``batch_size`` events (matching has a
fixed cost per table), and takes the matched rows from them. With one table per source, a folder of
short EVTX files arrived as thousands of tiny tables: gluing them (``pa.concat_tables`` with schema
promotion) and taking rows from columns of thousands of chunks cost more than matching.

This script reads the evtx-attack-samples folder ``--copies`` times (symlinks in a temp dir, each
named on the command line, as a user naming many folders would) both ways, in one process,
alternately, ``--repeat`` times, and keeps each way's best time:

- before: one task per source (``batches.read_source``, as ``iter_batches`` did before sources were
  gathered into groups), same workers, same spelling merge;
- after: ``iter_batches`` as it is.

Consumption is the hunt's: tables are appended until ``batch_size`` events, then concatenated with
``promote_options="default"``, and one row in 100 is taken from the result. Printed per way: batches
received, tables glued, chunks per column of the glued tables, seconds (total and in the glue), and
the ratios. Timings move between runs on a shared 2-core machine: read the ratios.

    .venv/bin/python bench/bench_sources.py [--copies 20] [--repeat 3] [--workers N] [--batch-size N]
                                            [--group-mb 64]
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from geobuk.sources import EventBatch, expand, groups, iter_batches
from geobuk.sources.batches import from_wire, read_source, to_wire, wire_size
from geobuk.sources.columns import ColumnNames
from geobuk.sources.pipeline import PARALLEL_FROM_BYTES
from geobuk.sources.pool import default_workers, ordered_map

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOGS = ROOT.parent / "shared" / "data" / "evtx-attack-samples"


@dataclass
class Figures:
    seconds: float = 0.0
    glue_seconds: float = 0.0
    batches: int = 0
    events: int = 0
    tables: int = 0
    max_chunks: int = 0
    mean_chunks: float = 0.0


def per_source(paths: list[Path], batch_size: int, workers: int | None) -> Iterator[EventBatch]:
    """``iter_batches`` before gathering: every source its own task, its own tables."""
    sources = expand(paths)
    if workers is None:
        workers = default_workers() if sum(s.size for s in sources) >= PARALLEL_FROM_BYTES else 1
    parallel = workers > 1 and len(sources) > 1
    work = functools.partial(read_source, batch_size=batch_size, threads=1 if parallel else 0)
    names = ColumnNames()
    for batch in ordered_map(sources, work, workers=workers if parallel else 1, encode=to_wire,
                             decode=from_wire, weigh=wire_size):
        batch.table = names.apply(batch.table)
        yield batch


def gathered(paths: list[Path], batch_size: int, workers: int | None) -> Iterator[EventBatch]:
    return iter_batches(paths, batch_size=batch_size, workers=workers)


def consume(batches: Iterator[EventBatch], batch_size: int) -> Figures:
    """What the hunt does with the batches, short of matching: glue to ~batch_size, take rows."""
    figures = Figures()
    chunks: list[int] = []
    pending: list[pa.Table] = []
    rows = 0
    start = time.perf_counter()

    def glue() -> None:
        nonlocal pending, rows
        if not pending:
            return
        began = time.perf_counter()
        table = pending[0] if len(pending) == 1 else pa.concat_tables(pending, promote_options="default")
        table.take(pa.array(range(0, table.num_rows, 100)))
        figures.glue_seconds += time.perf_counter() - began
        figures.tables += 1
        chunks.extend(column.num_chunks for column in table.columns)
        pending, rows = [], 0

    for batch in batches:
        figures.batches += 1
        if batch.table.num_rows:
            figures.events += batch.table.num_rows
            pending.append(batch.table)
            rows += batch.table.num_rows
            if rows >= batch_size:
                glue()
    glue()
    figures.seconds = time.perf_counter() - start
    figures.max_chunks = max(chunks, default=0)
    figures.mean_chunks = sum(chunks) / len(chunks) if chunks else 0.0
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--logs", type=Path, default=DEFAULT_LOGS)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=50_000)
    parser.add_argument("--group-mb", type=int, default=groups.GROUP_BYTES >> 20,
                        help="bytes of sources per group (after), to try other budgets")
    args = parser.parse_args()
    groups.GROUP_BYTES = args.group_mb << 20
    ways: dict[str, Callable[..., Iterator[EventBatch]]] = {"before": per_source, "after": gathered}
    best: dict[str, Figures] = {}
    with tempfile.TemporaryDirectory(prefix="geobuk-bench-") as tmp:
        paths = []
        for n in range(args.copies):
            link = Path(tmp, f"copy{n:02}")
            os.symlink(args.logs.resolve(), link, target_is_directory=True)
            paths.append(link)
        sources = expand(paths)
        print(f"input: {args.copies} x {args.logs.name}: {len(sources)} files, "
              f"{sum(s.size for s in sources) / 1e6:.0f} MB; batch_size {args.batch_size}, "
              f"workers {args.workers or 'default'}, groups of {args.group_mb} MB")
        for _ in range(args.repeat):
            for name, way in ways.items():
                figures = consume(way(paths, args.batch_size, args.workers), args.batch_size)
                print(f"  {name}: {figures.seconds:.2f} s")
                if name not in best or figures.seconds < best[name].seconds:
                    best[name] = figures
    for name, f in best.items():
        print(f"{name}: best {f.seconds:.2f} s (glue {f.glue_seconds:.2f} s), {f.batches} batches received, "
              f"{f.events} events, {f.tables} tables glued, chunks per column max {f.max_chunks} "
              f"mean {f.mean_chunks:.1f}")
    before, after = best["before"], best["after"]
    print(f"ratio before/after: time {before.seconds / after.seconds:.2f}x, "
          f"glue {before.glue_seconds / max(after.glue_seconds, 1e-9):.1f}x, "
          f"batches {before.batches / after.batches:.0f}x, "
          f"chunks per column (mean) {before.mean_chunks / max(after.mean_chunks, 1e-9):.0f}x")


if __name__ == "__main__":
    main()
