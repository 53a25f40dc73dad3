"""Perceptual hashes of ID and profile photos, so one face reused under two names is found.

Operators reuse one (often AI-retouched) photo across personas, resized, recompressed or lightly
edited: byte hashes differ, a perceptual hash (DCT ``phash`` from ``imagehash``) barely moves.
Hashes are 64-bit; near-identical means within ``VetConfig.photo_max_distance`` bits.
"""

from __future__ import annotations

from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, UnidentifiedImageError

from geobuk.errors import InputError


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
