"""Perceptual hashes of ID and profile photos, so one face reused under two names is found.

Operators reuse one (often AI-retouched) photo across personas, resized, recompressed or lightly
edited: byte hashes differ, a perceptual hash (DCT ``phash`` from ``imagehash``) barely moves.
Hashes are 64-bit; near-identical means within ``VetConfig.photo_max_distance`` bits.

A people file may give the hashes as 16 hex digits (a million of them are parsed as one byte array,
not one ``int(h, 16)`` each) or photo files, hashed here one by one.
"""

from __future__ import annotations

from pathlib import Path

import imagehash
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from PIL import Image, UnidentifiedImageError

from geobuk.errors import InputError
from geobuk.vet.normalize import string_buffers


def photo_hash(path: Path) -> int:
    """The 64-bit perceptual hash of an image file; ``OSError``/``ValueError`` if it is no image."""
    with Image.open(path) as image:
        return int(str(imagehash.phash(image)), 16)


def hashes_for(
    people_hashes: list[str], photo_paths: list[str], records: list[int], sources: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each person's photo hash (given as hex, else computed from the photo file) and whether they have one.

    A relative photo path is relative to the people file's folder. A photo that cannot be read is an
    input error naming the row: a silently skipped photo is a link silently missed.
    """
    n = len(people_hashes)
    values = np.zeros(n, dtype=np.uint64)
    present = np.zeros(n, dtype=bool)
    for i in range(n):
        if people_hashes[i]:
            values[i] = np.uint64(int(people_hashes[i], 16))
            present[i] = True
        elif photo_paths[i]:
            path = Path(photo_paths[i])
            if not path.is_absolute():
                path = Path(sources[i]).parent / path
            try:
                values[i] = np.uint64(photo_hash(path))
            except (OSError, ValueError, UnidentifiedImageError) as exc:
                raise InputError(
                    sources[i],
                    f"photo {photo_paths[i]!r} cannot be read: {getattr(exc, 'strerror', None) or exc}",
                    index=records[i],
                    what="row",
                ) from None
            present[i] = True
    return values, present


_HEX = np.full(256, 255, dtype=np.uint8)  # ASCII byte -> hex digit value, 255 for a non-digit
for _digit, _char in enumerate(b"0123456789abcdef"):
    _HEX[_char] = _HEX[ord(chr(_char).upper())] = _digit
_SHIFTS = np.arange(60, -4, -4, dtype=np.uint64)


def _parse_hex16(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(values, parsed) for strings of 16 bytes each, read as one ``(n, 16)`` byte matrix."""
    _, _, data = string_buffers(texts)
    digits = _HEX[data].reshape(-1, 16)
    parsed = np.all(digits != 255, axis=1)
    values = np.bitwise_or.reduce(digits.astype(np.uint64) << _SHIFTS, axis=1)
    return values, parsed


def table_hashes(people: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """``hashes_for`` over a people table, with 16-digit hex hashes parsed in bulk and only the other
    rows (photo files, other lengths, anything that is not hex) taken one by one."""
    hexes = people.column("photo_hash")
    n = people.num_rows
    values = np.zeros(n, dtype=np.uint64)
    present = np.zeros(n, dtype=bool)
    bulk = pc.fill_null(pc.equal(pc.binary_length(hexes), 16), False).to_numpy()
    rows = np.flatnonzero(bulk)
    if len(rows):
        parsed_values, parsed = _parse_hex16(pc.take(hexes, pa.array(rows)).combine_chunks())
        values[rows[parsed]] = parsed_values[parsed]
        present[rows[parsed]] = True
        bulk[rows[~parsed]] = False
    given = pc.fill_null(
        pc.or_(pc.not_equal(hexes, ""), pc.not_equal(people.column("photo_path"), "")), False
    ).to_numpy()
    rest = np.flatnonzero(given & ~bulk)
    if len(rest):
        picked = people.select(["photo_hash", "photo_path", "_record", "_source"]).take(pa.array(rest))
        values[rest], present[rest] = hashes_for(*(picked.column(c).to_pylist() for c in picked.column_names))
    return values, present
