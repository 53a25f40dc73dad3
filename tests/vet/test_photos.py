"""Perceptual hashes of photo files: an edited copy stays close, another face does not."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from geobuk.errors import InputError
from geobuk.vet.generate.photos import portrait, variant
from geobuk.vet.photos import hashes_for, photo_hash, table_hashes


def test_variant_close_other_far(tmp_path):
    portrait(1).save(tmp_path / "a.png")
    variant(portrait(1), 9).save(tmp_path / "b.jpg", quality=80)
    portrait(2).save(tmp_path / "c.png")
    a, b, c = (photo_hash(tmp_path / n) for n in ("a.png", "b.jpg", "c.png"))
    assert (a ^ b).bit_count() <= 4 < (a ^ c).bit_count()


def test_unreadable_photo_names_the_row(tmp_path):
    (tmp_path / "x.png").write_text("not an image")
    people = tmp_path / "people.csv"
    with pytest.raises(InputError, match=r"people.csv: row 3: photo 'x.png' cannot be read"):
        hashes_for(["", ""], ["", "x.png"], [2, 3], [str(people)] * 2)


def test_hex_hash_used_as_given():
    values, present = hashes_for(["00000000000000ff", ""], ["", ""], [2, 3], ["p.csv"] * 2)
    assert int(values[0]) == 255 and present.tolist() == [True, False]


def test_table_hashes_equal_hashes_for_row_by_row(tmp_path):
    portrait(3).save(tmp_path / "p.png")
    rng = random.Random(6)
    hexes = [f"{rng.getrandbits(64):016x}" for _ in range(50)]
    hexes[1] = hexes[1].upper()
    hexes[2] = ""  # no hash: the photo file is hashed instead
    hexes[3] = ""  # neither: no photo
    hexes[4] = "ff"  # another length: left to int(h, 16), as before
    paths = [""] * 50
    paths[2] = "p.png"
    source = str(tmp_path / "people.csv")
    table = pa.table(
        {
            "photo_hash": hexes,
            "photo_path": paths,
            "_record": list(range(2, 52)),
            "_source": [source] * 50,
        }
    )
    values, present = table_hashes(table)
    expected_values, expected_present = hashes_for(hexes, paths, list(range(2, 52)), [source] * 50)
    assert np.array_equal(values, expected_values) and np.array_equal(present, expected_present)
    assert present.sum() == 49 and int(values[4]) == 255 and int(values[2]) == photo_hash(tmp_path / "p.png")
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=7))  # Arrow chunks change nothing
    assert np.array_equal(table_hashes(chunked)[0], values)


def test_table_hashes_not_hex_is_an_error():
    table = pa.table(
        {"photo_hash": ["zz00000000000000"], "photo_path": [""], "_record": [2], "_source": ["p.csv"]}
    )
    with pytest.raises(ValueError):
        table_hashes(table)
