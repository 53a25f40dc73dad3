"""Synthetic portrait-like photos whose perceptual hashes behave like real ones.

Each person's photo is a smooth random pattern (a few blobs at low frequency, which is what a DCT
perceptual hash looks at) with fine noise. A ring reuses one photo with the edits operators make: a
resize, a brightness change and recompression, which move the hash by a few bits at most.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageEnhance

SIZE = 128


def portrait(seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, size=(6, 6), dtype=np.uint8)
    image = Image.fromarray(coarse, "L").resize((SIZE, SIZE), Image.Resampling.BICUBIC)
    noise = rng.normal(0, 6, size=(SIZE, SIZE))
    return Image.fromarray(np.clip(np.asarray(image, float) + noise, 0, 255).astype(np.uint8), "L").convert(
        "RGB"
    )


def variant(image: Image.Image, seed: int) -> Image.Image:
    """The same photo, lightly edited: resized and a little brightened or darkened."""
    rng = random.Random(seed)
    edited = image.resize((SIZE - 8, SIZE - 8))
    return ImageEnhance.Brightness(edited).enhance(rng.uniform(0.95, 1.05))


def hash_variant(value: int, seed: int, max_bits: int = 3) -> int:
    """A 64-bit hash with up to ``max_bits`` bits flipped (what edits do to a perceptual hash)."""
    rng = random.Random(seed)
    for bit in rng.sample(range(64), rng.randrange(0, max_bits + 1)):
        value ^= 1 << bit
    return value
