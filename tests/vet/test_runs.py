from __future__ import annotations

import numpy as np

from geobuk.vet.runs import pairs_in_runs


def test_pairs_of_equal_keys_and_long_runs_left_out():
    keys = np.array([5, 1, 5, 2, 5, 1, 9, 9, 9, 9])
    i, j, skipped = pairs_in_runs(keys, 3)
    pairs = {tuple(sorted(p)) for p in zip(i.tolist(), j.tolist(), strict=True)}
    assert pairs == {(0, 2), (0, 4), (2, 4), (1, 5)}
    assert sorted(skipped.tolist()) == [6, 7, 8, 9]
