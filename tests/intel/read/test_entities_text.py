"""The shared text tools: one-automaton name matching, sentences, word lists."""

from __future__ import annotations

from geobuk.intel.read.entities_data import expand, load
from geobuk.intel.read.entities_text import (
    Gazetteer,
    Sentences,
    Squeezed,
    capitals_kept,
    is_common_phrase,
    is_common_word,
)


def find(vocabulary: list[str], text: str) -> list[str]:
    gazetteer = Gazetteer((form, form) for form in vocabulary)
    return [hit.text for hit in gazetteer.find(Squeezed(text), lambda written, start, items: [1])]


def test_names_match_whatever_the_separators_and_accents():
    forms = ["Corée du Nord", "Onyx Sleet", "DEV#POPPER"]
    text = "La COREE-DU-NORD, Onyx‑Sleet (with a non-breaking hyphen), OnyxSleet et DEV#POPPER."
    assert find(forms, text) == ["COREE-DU-NORD", "Onyx‑Sleet", "OnyxSleet", "DEV#POPPER"]


def test_whole_words_only_and_no_extra_splits():
    assert find(["Inde"], "Les Indes, l'Inde, in de, Indé, inde.") == ["Inde", "Indé", "inde"]
    assert find(["Onyx Sleet"], "Onyx. Sleet; Onyx\n\nSleet; Onyx,Sleet") == []


def test_longest_match_wins():
    assert find(["Corée", "Corée du Nord"], "la Corée du Nord et la Corée") == ["Corée du Nord", "Corée"]


def test_non_ascii_letters_keep_their_offsets():
    text = "Œuvre: l'ﬁrme « Straße » a signé."
    gazetteer = Gazetteer([("firme", "f"), ("strasse", "s"), ("straße", "s")])
    hits = gazetteer.find(Squeezed(text), lambda written, start, items: [1])
    assert [(h.text, text[h.start:h.end]) for h in hits] == [("ﬁrme", "ﬁrme"), ("Straße", "Straße")]


def test_sentences_keep_abbreviations_together():
    text = "M. Kim a parlé aux U.S. officials. « Andariel » a frappé. Puis Lazarus.\nNouvelle ligne"
    s = Sentences(text)
    assert s.starts_sentence(text.index("Kim")) is False
    assert s.starts_sentence(text.index("Andariel")) and s.starts_sentence(text.index("Puis"))
    assert s.starts_sentence(text.index("Lazarus")) is False
    assert s.starts_sentence(text.index("Nouvelle"))
    assert s.bounds(text.index("officials"))[0] == 0


def test_capitals_kept():
    assert capitals_kept("Hidden Cobra", "HIDDEN COBRA") is True
    assert capitals_kept("hidden cobra", "Hidden Cobra") is False
    assert capitals_kept("Labyrinth chollima", "Labyrinth Chollima") is False
    assert capitals_kept("Nations Unies", "Nations unies") is True


def test_common_words_from_the_shipped_word_lists():
    assert is_common_word("agenda") and is_common_word("défense")
    assert not is_common_word("Andariel") and not is_common_word("Kimsuky")
    assert is_common_phrase("Gold Dragon") and not is_common_phrase("Storm-0954")


def test_optional_endings_expand():
    assert sorted(expand("nord-coréen(ne)(s)")) == ["nord-coréen", "nord-coréenne", "nord-coréennes",
                                                    "nord-coréens"]
    assert expand("Japon") == ["Japon"]


def test_data_files_load():
    for name in ("countries", "organizations", "sectors", "amounts", "dates", "boilerplate", "actor_names",
                 "attribution", "stopwords"):
        assert isinstance(load(name), dict) and load(name)
