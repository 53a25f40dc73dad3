"""Perceptual hashes of photo files: an edited copy stays close, another face does not."""

from __future__ import annotations

import pytest

from geobuk.errors import InputError
from geobuk.vet.generate.photos import portrait, variant
from geobuk.vet.photos import hashes_for, photo_hash


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
