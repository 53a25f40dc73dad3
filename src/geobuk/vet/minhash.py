"""One-permutation MinHash signatures from hashed set elements, with numpy array operations only.

One-permutation hashing (Li, Owen & Zhang 2012): each element is hashed once, the hash's high half
picks one of ``BINS`` bins and its low half is the value; a set's signature is the minimum value per
bin, instead of ``BINS`` hash functions per element. Bins no element fell into borrow the value of
the next filled bin to their right, circularly (rotation densification, Shrivastava & Li 2014), plus
the distance, so that a borrowed value does not equal an original by accident; this keeps the
estimate unbiased for small sets (a 100-word resume leaves about a third of 96 bins empty).

Everything is a pass over flat arrays (no Python loop per set or per element), so a chunk of
10,000 sets of ~100 elements (``resumes.signatures``' default chunk) takes a fraction of a second.
"""

from __future__ import annotations

import numpy as np

BINS = 96
EMPTY = np.uint32(0xFFFFFFFF)
#: Values keep their low bit clear, so that no value (original or borrowed) is ever ``EMPTY``.
_VALUE_MASK = 0xFFFFFFFE
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: spreads every input bit over the whole 64-bit output.

    Returns a new array; the steps run in place on it, with one scratch array, not one per step.
    """
    x = x ^ (x >> np.uint64(30))
    scratch = np.empty_like(x)
    x *= _M1
    x ^= np.right_shift(x, np.uint64(27), out=scratch)
    x *= _M2
    x ^= np.right_shift(x, np.uint64(31), out=scratch)
    return x


def fill(out: np.ndarray, owner: np.ndarray, hashes: np.ndarray) -> None:
    """Take each set's minimum per bin into ``out`` (``(sets, BINS)`` uint32, ``EMPTY`` where unset).

    ``owner[k]`` is the row of ``out`` that element hash ``hashes[k]`` (uint64, well mixed) belongs to.
    Cell numbers are int32 (a chunk stays under 22 million sets), which halves the memory traffic.
    """
    if not len(hashes):
        return
    if out.size >= 2**31:
        raise ValueError("fill a chunk of fewer than 22 million sets at a time")
    cell = owner.astype(np.int32) * np.int32(BINS)
    cell += (((hashes >> np.uint64(32)) * np.uint64(BINS)) >> np.uint64(32)).astype(np.int32)
    values = (hashes & np.uint64(_VALUE_MASK)).astype(np.uint32)
    np.minimum.at(out.reshape(-1), cell, values)


def densify(sigs: np.ndarray) -> None:
    """Fill, in place, the empty bins of rows that have some filled ones.

    An empty bin takes the value of the next filled bin to its right (wrapping round to the row's
    first filled bin) plus the distance to it. Done on the flattened matrix: one reversed running
    minimum gives every cell the next filled cell after it; cells whose next filled one lies in a
    later row wrap to their own row's first filled bin instead.
    """
    rows, bins = sigs.shape
    if sigs.size >= 2**31:
        raise ValueError("densify a chunk of fewer than 22 million rows at a time")
    filled = sigs != EMPTY
    flat = filled.reshape(-1)
    empty = np.flatnonzero(~flat).astype(np.int32)
    if not len(empty):
        return
    positions = np.where(flat, np.arange(flat.size, dtype=np.int32), np.int32(flat.size))
    following = np.minimum.accumulate(positions[::-1])[::-1]
    del positions
    row = empty // np.int32(bins)
    first = np.argmax(filled, axis=1).astype(np.int32)  # 0 for rows with no filled bin: checked next
    usable = filled[np.arange(rows), first][row]
    if not usable.all():
        empty, row = empty[usable], row[usable]
    start = row * np.int32(bins)
    wrap = first[row]
    del row
    source = following[empty]
    del following
    same_row = source < start + np.int32(bins)
    distance = np.where(same_row, source - empty, wrap + np.int32(bins) - (empty - start))
    source = np.where(same_row, source, start + wrap)
    values = sigs.reshape(-1)
    values[empty] = (values[source] + distance.astype(np.uint32)) & np.uint32(_VALUE_MASK)


def _equal_bins(sigs: np.ndarray, i: np.ndarray, j: np.ndarray, columns: slice, chunk: int) -> np.ndarray:
    """How many of the ``columns`` bins the signatures of each pair share, ``chunk`` pairs at a time."""
    out = np.empty(len(i), dtype=np.int64)
    for start in range(0, len(i), chunk):
        a, b = i[start : start + chunk], j[start : start + chunk]
        out[start : start + chunk] = np.count_nonzero(sigs[a, columns] == sigs[b, columns], axis=1)
    return out


def similarity(sigs: np.ndarray, i: np.ndarray, j: np.ndarray, *, chunk: int = 20_000) -> np.ndarray:
    """Estimated Jaccard similarity of pairs (share of equal signature bins), a chunk of pairs at a time
    (a chunk gathers two ``(chunk, BINS)`` blocks: 20,000 pairs is ~15 MB, small enough for the C
    allocator to reuse rather than map afresh)."""
    return _equal_bins(sigs, i, j, slice(None), chunk) / sigs.shape[1]


def similar(
    sigs: np.ndarray, i: np.ndarray, j: np.ndarray, min_similarity: float, *, prefix: int = 40
) -> tuple[np.ndarray, np.ndarray]:
    """(mask of the pairs at least ``min_similarity`` alike, their similarity), as ``similarity`` would
    say, but cheaper when most candidates are far below the bar (as LSH candidates mostly are).

    The first ``prefix`` bins are compared first: a pair whose matches there, plus every remaining
    bin, still fall short cannot reach the bar and is dropped without reading the rest of its
    signatures; the others compare only the remaining bins. Exact: the pairs kept and their
    similarities are those of the full comparison.
    """
    bins = sigs.shape[1]
    head = _equal_bins(sigs, i, j, slice(None, prefix), 50_000)
    maybe = np.flatnonzero((head + (bins - prefix)) / bins >= min_similarity)
    sim = (head[maybe] + _equal_bins(sigs, i[maybe], j[maybe], slice(prefix, None), 20_000)) / bins
    keep = np.zeros(len(i), dtype=bool)
    keep[maybe[sim >= min_similarity]] = True
    return keep, sim[sim >= min_similarity]
