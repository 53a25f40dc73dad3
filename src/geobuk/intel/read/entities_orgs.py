"""Organisations that report, respond or are involved (NCSC, CISA, Mandiant, the UN, JumpCloud, AFP...).

Each organisation of ``data/organizations.yaml`` is reported under one name, whatever alias the
text uses ("Centre britannique pour la cybersécurité", "NCSC" -> "National Cyber Security Centre").
Short acronyms must be written exactly ("UN" yes, the French article "un" no).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from geobuk.intel.read.entities_data import load
from geobuk.intel.read.entities_text import Gazetteer, Sentences, Squeezed, capitals_kept
from geobuk.intel.read.model import Fact, Span

#: Organisation types that can attribute an intrusion to an actor.
ATTRIBUTING = ("vendor", "government", "international")


@dataclass(frozen=True)
class Org:
    name: str
    type: str
    country: str | None


@dataclass(frozen=True)
class _Alias:
    org: Org
    exact: bool
    common: bool


def _needs_exact(alias: str, listed: set[str]) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return alias in listed or (bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6)


def _alnum(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


@cache
def _gazetteer() -> Gazetteer[_Alias]:
    data = load("organizations")
    listed = set(data.get("exact") or [])
    ordinary = set(data.get("ordinary") or [])
    forms = []
    for entry in data["organizations"]:
        org = Org(entry["name"], entry["type"], entry.get("country"))
        for alias in entry["aliases"]:
            forms.append((alias, _Alias(org, _needs_exact(alias, listed), alias in ordinary)))
    return Gazetteer(forms, min_key=2)


def find_organizations(sq: Squeezed, sentences: Sentences) -> list[Fact]:
    """One fact per mention, value the organisation's one name, type its kind of organisation."""

    def accept(written: str, start: int, items: list) -> list:
        kept = []
        for surface, alias in items:
            if alias.exact:
                ok = _alnum(written) == _alnum(surface)
            else:
                ok = capitals_kept(written, surface) and not (
                    alias.common and sentences.starts_sentence(start) and " " not in written)
            if ok:
                kept.append(alias)
        return kept

    facts = []
    for hit in _gazetteer().find(sq, accept):
        org = hit.entries[0].org
        data = {"name": org.name, "written": hit.text}
        if org.country:
            data["country"] = org.country
        facts.append(Fact("organization", org.name, Span(hit.start, hit.end, hit.text), org.type, data))
    return facts
