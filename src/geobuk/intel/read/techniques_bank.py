"""The prototypes each technique is compared with, and where their vectors come from.

Three banks, kept apart because they are not equally telling: geobuk's own phrases and the ATT&CK
names (shipped, always there), sentences of the ATT&CK descriptions and the procedure examples
(both only when the store holds ATT&CK). The shipped bank's vectors are precomputed in
``data/techniques_vectors.npz``; after editing the phrase lists, rebuild it with
``python -m geobuk.intel.read.techniques_bank`` (it is also rebuilt, and cached, when stale).
"""

from __future__ import annotations

import sys
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from geobuk.intel.read.techniques_catalog import StoreKnowledge, Technique, parent_of, shipped_catalog
from geobuk.intel.read.techniques_cues import phrase_book
from geobuk.intel.read.techniques_semantic import DIM, Prototypes, cached_embed, embed, texts_key
from geobuk.intel.read.techniques_sentences import sentence_spans

_VECTORS = "data/techniques_vectors.npz"
#: Description sentences used per technique: the first ones say what the technique is; the rest
#: are mostly platform details and examples of other techniques' words.
DESCRIPTION_SENTENCES = 3
#: Procedure examples kept per technique (the most common techniques have hundreds of near-copies).
PROCEDURES_PER_TECHNIQUE = 200


def name_text(technique: Technique, catalog: dict[str, Technique]) -> str:
    """A sub-technique's name alone is often a bare word ("DLL", "Python"): prefix the parent's."""
    parent = catalog.get(parent_of(technique.id))
    if parent is not None and parent.id != technique.id:
        return f"{parent.name}: {technique.name}"
    return technique.name


#: Languages of geobuk's phrase lists.
LANGUAGES = ("en", "fr")


def geobuk_texts() -> list[tuple[str, str, str]]:
    """(technique id, text, language) for every shipped prototype: names ("" language) and phrases."""
    catalog = shipped_catalog()
    rows = [(t.id, name_text(t, catalog), "") for t in catalog.values() if not t.status]
    for tid, entry in phrase_book().items():
        for lang in LANGUAGES:
            rows.extend((tid, text, lang) for text in getattr(entry, lang))
    return rows


@lru_cache(maxsize=1)
def _geobuk_vectors() -> np.ndarray:
    texts = [t for _, t, _ in geobuk_texts()]
    key = texts_key(texts)
    try:
        with resources.files("geobuk.intel.read").joinpath(_VECTORS).open("rb") as handle, \
                np.load(handle, allow_pickle=False) as data:
            if str(data["key"]) == key:
                return data["vectors"].astype(np.float32)
    except (FileNotFoundError, KeyError, OSError, ValueError):
        pass
    return cached_embed(texts)


@lru_cache(maxsize=4)
def geobuk_bank(language: str | None = None) -> Prototypes:
    """Names and phrases; with a known ``language``, only that language's phrases (and the names)."""
    rows = geobuk_texts()
    vectors = _geobuk_vectors()
    keep = [i for i, (_, _, lang) in enumerate(rows)
            if language not in LANGUAGES or lang in ("", language)]
    return Prototypes.build([(rows[i][0], rows[i][1]) for i in keep], vectors[keep])


def description_texts(know: StoreKnowledge) -> list[tuple[str, str]]:
    """First sentences of each description, and the names of techniques the package does not ship."""
    shipped = shipped_catalog()
    pairs = [(t.id, name_text(t, know.techniques)) for t in know.techniques.values()
             if not t.status and t.id not in shipped]
    for tid, description in sorted(know.descriptions.items()):
        spans = list(sentence_spans(description))[:DESCRIPTION_SENTENCES]
        pairs.extend((tid, s.text) for s in spans if len(s.text) > 20)
    return pairs


def procedure_texts(know: StoreKnowledge) -> list[tuple[str, str]]:
    pairs, seen, per = [], set(), {}
    for tid, text in know.procedures:
        if text in seen or per.get(tid, 0) >= PROCEDURES_PER_TECHNIQUE:
            continue
        seen.add(text)
        per[tid] = per.get(tid, 0) + 1
        pairs.append((tid, text))
    return pairs


class StoreTexts:
    """The store's description and procedure texts, listed once and embedded at most once.

    The lexical bank, the two similarity banks and the classifier all read the same texts; their
    vectors come from the disk cache, which is read once here rather than once per user.
    """

    def __init__(self, know: StoreKnowledge) -> None:
        self.descriptions = description_texts(know)
        self.procedures = procedure_texts(know)

    @cached_property
    def description_vectors(self) -> np.ndarray:
        return _vectors(self.descriptions)

    @cached_property
    def procedure_vectors(self) -> np.ndarray:
        return _vectors(self.procedures)

    def banks(self) -> tuple[Prototypes | None, Prototypes | None]:
        """The description and procedure banks (embedded once per ATT&CK version, then cached)."""
        return (Prototypes.build(self.descriptions, self.description_vectors) if self.descriptions else None,
                Prototypes.build(self.procedures, self.procedure_vectors) if self.procedures else None)

    def classifier_examples(self) -> tuple[list[tuple[str, str]], np.ndarray]:
        """What the store's classifier learns from, and their vectors: the procedure examples, and the
        descriptions' first sentences (ATT&CK's own words for what a technique is, and the only text
        of techniques no group is known to use)."""
        return (self.procedures + self.descriptions,
                np.vstack([self.procedure_vectors, self.description_vectors]))


def _vectors(pairs: list[tuple[str, str]]) -> np.ndarray:
    return cached_embed([t for _, t in pairs]) if pairs else np.zeros((0, DIM), dtype=np.float32)


def write_shipped_vectors(path: Path) -> int:
    texts = [t for _, t, _ in geobuk_texts()]
    np.savez_compressed(path, key=np.array(texts_key(texts)), vectors=embed(texts).astype(np.float16))
    return len(texts)


if __name__ == "__main__":  # rebuild the shipped vectors after editing the phrase lists
    target = Path(__file__).with_name("data") / "techniques_vectors.npz"
    print(f"{write_shipped_vectors(target)} prototypes -> {target}", file=sys.stderr)
