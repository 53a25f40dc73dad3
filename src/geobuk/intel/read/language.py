"""Which language a text is in: "en", "fr", another ISO 639-1 code, or None when it cannot tell.

py3langid (a maintained fork of langid.py) does the work: its naive-Bayes model over byte n-grams
ships inside the wheel (no download), covers 97 languages and gives the same answer for the same
text every time (no sampling, unlike langdetect). On short or name-heavy texts ("Andariel APT45
Onyx Sleet") it is unsure; there a count of English and French function words settles between
the two languages the reader handles, and a text with neither gives None.
"""

from __future__ import annotations

import re
from functools import cache

from geobuk.intel.read.entities_data import load

#: Below this probability py3langid's answer is not taken as is.
MIN_PROBABILITY = 0.5
#: Fewer letters than this and there is nothing to detect.
MIN_LETTERS = 12

_WORD = re.compile(r"[^\W\d_]+")


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _stopwords() -> dict[str, frozenset[str]]:
    return {lang: frozenset(words) for lang, words in load("stopwords").items()}


def _by_stopwords(text: str) -> str | None:
    stopwords = _stopwords()
    counts = dict.fromkeys(stopwords, 0)
    for word in _WORD.findall(text.lower()):
        for lang, words in stopwords.items():
            counts[lang] += word in words
    (top, n), (_, m) = sorted(counts.items(), key=lambda kv: -kv[1])
    return top if n >= 2 and n >= 2 * m else None


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None if the text is too short or unclear."""
    sample = text[:20_000]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None
    lang, prob = _identifier().classify(sample)
    if prob >= MIN_PROBABILITY and lang != "zxx":  # zxx: "no linguistic content"
        return lang
    return _by_stopwords(sample)
