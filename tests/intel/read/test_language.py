"""Language detection: English, French, others, and texts too short or unclear to tell."""

from __future__ import annotations

import pytest

from geobuk.intel.read.language import detect_language


@pytest.mark.parametrize(("text", "lang"), [
    ("Les agences de sécurité ont publié jeudi un avis commun sur une campagne d'espionnage visant "
     "des entreprises de la défense.", "fr"),
    ("The agencies published a joint advisory on Thursday about an espionage campaign against defence "
     "companies.", "en"),
    ("Die Behörden veröffentlichten am Donnerstag eine gemeinsame Warnung vor einer Spionagekampagne.", "de"),
    ("Las agencias publicaron el jueves un aviso conjunto sobre una campaña de espionaje.", "es"),
])
def test_languages(text, lang):
    assert detect_language(text) == lang


def test_the_same_text_always_gives_the_same_answer():
    text = "Le groupe a visé des banques et des plateformes d'échange."
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_name_heavy_short_text_falls_back_on_function_words():
    # The model alone is unsure on these (under 0.5); the French function words decide.
    assert detect_language("Pyongyang a ciblé les banques") == "fr"
    assert detect_language("APT45 et UNC4899 selon le FBI") == "fr"
    # Names and one conjunction: nothing to decide on.
    assert detect_language("Lazarus et BlueNoroff") is None


@pytest.mark.parametrize("text", ["", "   ", "ok", "2024-07-25 10.0.0.1", "APT45 UNC4899 G0138 S0433"])
def test_too_little_to_tell(text):
    assert detect_language(text) is None
