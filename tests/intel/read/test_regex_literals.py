from __future__ import annotations

import re
from importlib import resources

import pytest

from geobuk.intel.read.regex_literals import MIN_LENGTH, fold, required_literals
from geobuk.intel.read.techniques_cues import find_cues, phrase_book


def words(pattern: str, flags: int = re.IGNORECASE) -> frozenset[str] | None:
    return required_literals(re.compile(pattern, flags))


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"schtasks(?:\.exe)?", {"schtasks"}),
    (r"(?:HTTP|HTTPS|TLS) (?:\w+ ){0,2}port\d+", {"port"}),  # the longer of the two requirements
    (r"(?:mshta|rundll32)\.x", {"mshta", "rundll32"}),        # one of the branches must occur
    (r"(?:powershell|pwsh)\.x", {"owershell", "wsh"}),        # re's parser takes out the common "p"
    (r"Remote Desktop(?! Software)", {"remote desktop"}),     # folded; lookarounds require nothing
    (r"hameçonnage", {"onnage"}),                               # non-ASCII letters cut words
    (r"(?:autorun){1,3} k", {"autorun"}),                      # a repeat at least once is required
])
def test_required_words(pattern, expected):
    assert words(pattern) == frozenset(expected)


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"(?:mimikatz)?\s+dump", {"dump"}),  # an optional group requires nothing
    (r"(?:a|bcd)\d", None),               # a one-letter branch is too weak a test
    (r"\b[A-Z][a-z]+\b", None),          # classes only
    (r"(?=registry)\w+", None),           # only inside a lookahead
    (r"\bx{2,}yz", None),                 # words shorter than MIN_LENGTH
])
def test_weak_or_missing_requirements(pattern, expected):
    assert words(pattern) == (frozenset(expected) if expected else None)
    assert MIN_LENGTH == 3


def test_fold_keeps_every_letter_a_case_insensitive_pattern_matches():
    """Every character ``re.IGNORECASE`` takes for an ASCII letter folds to that letter."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(0x10000):
        ch = chr(code)
        if letter.fullmatch(ch):
            assert re.fullmatch(re.escape(fold(ch)), ch, re.IGNORECASE), hex(code)
            assert fold(ch).isascii(), hex(code)


def _texts() -> list[str]:
    news = resources.files("geobuk.demo").joinpath("news")
    texts = [f.read_text(encoding="utf-8") for f in news.iterdir() if f.name.endswith(".md")]
    texts += [phrase for entry in phrase_book().values() for phrase in entry.en + entry.fr]
    texts += ["SCHTASKS /create", "ſchtasks and \u212aerberos and \u0130nject", "REMOTE DESKTOP",
              "HTTPS over port 8443", "Des courriels d'HAMEÇONNAGE", ""]
    return texts


def test_prefiltered_scan_finds_exactly_what_every_pattern_finds():
    texts = _texts()
    assert len(texts) > 100
    total = 0
    for text in texts:
        hits = list(find_cues(text))
        assert hits == list(find_cues(text, prefilter=False)), text[:80]
        total += len(hits)
    assert total > 100  # the corpus exercises many patterns


def test_every_match_contains_one_of_its_required_words():
    every = [p for entry in phrase_book().values() for p in entry.cues + entry.hints]
    patterns = [(p, required) for p in every if (required := required_literals(p)) is not None]
    assert len(patterns) > 1000  # nearly every pattern of the book has a word to look for
    checked = 0
    for text in _texts():
        for pattern, required in patterns:
            for m in pattern.finditer(text):
                assert any(w in fold(m.group()) for w in required), (pattern.pattern, m.group())
                checked += 1
    assert checked > 100
