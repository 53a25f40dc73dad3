"""Candidate pairs from equal keys: the one step every blocking scheme (LSH bands, hash bands) shares."""

from __future__ import annotations

import numpy as np


def pairs_in_runs(keys: np.ndarray, max_run: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j) positions of every pair of equal ``keys``; runs longer than ``max_run`` are left out.

    Returns the pairs and the positions that were in runs too long to pair (for reporting). Pairs
    are made by comparing each sorted key with the one ``k`` places further, for k up to the longest
    run kept: vectorised, and linear in the number of keys for small runs.
    """
    n = len(keys)
    empty = np.empty(0, np.int64)
    if n < 2:
        return empty, empty, empty
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    lengths = np.diff(np.append(starts, n))
    run_of = np.repeat(np.arange(len(starts)), lengths)
    too_long = lengths[run_of] > max_run
    longest = int(lengths[lengths <= max_run].max(initial=1))
    out_i, out_j = [], []
    for k in range(1, longest):
        same = (run_of[k:] == run_of[:-k]) & ~too_long[k:]
        pos = np.flatnonzero(same)
        if len(pos):
            out_i.append(order[pos])
            out_j.append(order[pos + k])
    skipped = order[too_long]
    if not out_i:
        return empty, empty, skipped
    return np.concatenate(out_i), np.concatenate(out_j), skipped
