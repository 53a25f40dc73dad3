"""Countries and regions, from nouns, adjectives and capitals in English and French.

Values are ISO 3166-1 alpha-2 codes ("sud-coréens" -> KR, "Pyongyang" -> KP) or, for a region, a
value of the STIX region vocabulary with type "region" ("Europe", "européennes" -> "europe").
pycountry gives every country's English and French names; ``data/countries.yaml`` adds everyday
forms, adjectives and capitals. Nouns and English adjectives must be capitalised ("Inde" yes,
"inde" and "Indes" no); French adjectives may be in lower case; abbreviations ("US", "UK",
"DPRK") must be written in capitals.

``data["role"]`` is a simple reading of the sentence:
- "origin": North Korea always (this tool's subject), or any country next to an attacker word
  ("pirates chinois", "Russian hackers", "Iran-backed");
- "mention": a country that qualifies a teller ("les services britanniques", "l'agence américaine",
  "US officials");
- "victim": a country after a targeting or stealing word in its clause ("ont ciblé des banques
  japonaises", "attaques contre des hôpitaux aux États-Unis", "stole from a Japanese exchange");
- "mention" otherwise.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import pycountry

from geobuk.intel.read.entities_data import expand, load
from geobuk.intel.read.entities_text import Gazetteer, Sentences, Squeezed, capitals_kept, word_pattern
from geobuk.intel.read.model import Fact, Span

_WORD = re.compile(r"\w[\w'’-]*")


@dataclass(frozen=True)
class _Place:
    code: str
    type: str  # "country" | "region"
    exact: bool
    any_case: bool


def _country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_2=code)
    return (getattr(c, "common_name", None) or c.name) if c else code


@cache
def _gazetteer() -> Gazetteer[_Place]:
    data = load("countries")
    skip = set(data["not_countries"])
    forms: list[tuple[str, _Place]] = []

    def add(entries: dict, kind: str) -> None:
        for code, langs in entries.items():
            for lang in ("en", "fr"):
                for form in langs.get(lang) or []:
                    for word in expand(form):
                        forms.append((word, _Place(code, kind, False, lang == "fr" and word[0].islower())))
            for form in langs.get("abbr") or []:
                forms.append((form, _Place(code, kind, True, False)))

    add(data["countries"], "country")
    add(data["regions"], "region")
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
    for c in pycountry.countries:
        names = {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None),
                 french.gettext(c.name)}
        for name in names:
            if name and "," not in name and "(" not in name and name not in skip:
                forms.append((name, _Place(c.alpha_2, "country", False, False)))
    return Gazetteer(forms, min_key=2)


@cache
def _role_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    roles = load("countries")["roles"]
    breaks = re.compile("|".join(load("attribution")["clause_breaks"]), re.IGNORECASE)
    return (word_pattern(roles["victim_cues"]), re.compile("|".join(roles["victim_phrases"]), re.IGNORECASE),
            word_pattern(roles["origin_words"]), word_pattern(roles["teller_words"]), breaks)


def _near(text: str, start: int, end: int, n: int) -> tuple[str, str]:
    """The ``n`` words before and after a span, within its sentence."""
    before = " ".join(_WORD.findall(text[max(0, start - 80):start])[-n:])
    after = text[end:end + 80]
    after = after if after[:1] in ("-", "\u2011") else " ".join(_WORD.findall(after)[:n])
    return before, after


def _role(text: str, start: int, end: int, code: str, sentences: Sentences) -> str:
    if code == "KP":
        return "origin"
    victim, phrase, origin, teller, breaks = _role_patterns()
    before, after = _near(text, start, end, 2)
    if origin.search(before) or origin.search(after):
        return "origin"
    before3, after1 = _near(text, start, end, 3)[0], _near(text, start, end, 1)[1]
    if teller.search(before3) or teller.search(after1):
        return "mention"
    s_start, _ = sentences.bounds(start)
    head = text[s_start:start]
    clauses = list(breaks.finditer(head))
    if clauses:  # a cue before "while", "tandis que" or ";" belongs to another clause
        head = head[clauses[-1].end():]
    if victim.search(head) or phrase.search(head):
        return "victim"
    return "mention"


def find_places(sq: Squeezed, sentences: Sentences) -> list[Fact]:
    """One fact per country or region mention, with the role the sentence suggests."""

    def accept(written: str, start: int, items: list) -> list:
        kept = []
        for surface, place in items:
            if place.exact:
                ok = "".join(c for c in written if c.isalnum()) == "".join(c for c in surface if c.isalnum())
            elif place.any_case:
                ok = True
            else:
                ok = capitals_kept(written, surface)
            if ok:
                kept.append(place)
        return kept

    facts = []
    text = sq.text
    for hit in _gazetteer().find(sq, accept):
        place = hit.entries[0]
        if hit.end < len(text) and text[hit.end] == "$":  # "US$": a currency, not the country
            continue
        name = _country_name(place.code) if place.type == "country" else place.code
        role = _role(text, hit.start, hit.end, place.code, sentences)
        data = {"role": role, "name": name, "written": hit.text}
        facts.append(Fact("country", place.code, Span(hit.start, hit.end, hit.text), place.type, data))
    return facts
