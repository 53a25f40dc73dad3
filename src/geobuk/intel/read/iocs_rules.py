"""The judgement calls that turn a well-shaped candidate into an indicator, or not.

The scanner (``iocs_patterns``) only knows shapes; these rules hold what a shape cannot say: where a
URL written in prose really ends, when a dotted quad is a version number, and which dotted words are
code or product names rather than domains or files. Each rule names the false positive it removes.
"""

from __future__ import annotations

import re

from geobuk.intel.observables import refang

# A dotted quad right after one of these is a version, a build or a section number ("version
# 1.2.3.4", "Chrome/120.0.0.0", "build 10.0.1.5"), or a subnet mask; not an address. The text can
# still say it is one: see ``iocs.py`` (defanged, with a port or a prefix length).
_VERSION_CUE_RE = re.compile(
    r"(?:\b(?:versions?|ver|v|build|release|rel|rev|revision|update|patch|firmware|fw|sdk|jdk|java|"
    r"python|node|chrome|chromium|firefox|edge|safari|opera|windows|android|ios|macos|kernel|"
    r"agent|client|section|chapter|chapitre|figure|fig|table|tableau|step|étape|mask|netmask|"
    r"masque)\.?\s*[:#]?\s*|[A-Za-z][\w.-]*/)$",
    re.IGNORECASE,
)
_CUE_WINDOW = 40

# Dotted words that are software names in reports, not files or domains: "Node.js" is everywhere
# in the fake-recruiter (Contagious Interview) write-ups, ".NET" namespaces in loader analyses.
NOT_INDICATORS = frozenset({
    "node.js", "vue.js", "next.js", "nuxt.js", "react.js", "angular.js", "express.js", "three.js",
    "d3.js", "chart.js", "ember.js", "backbone.js", "deno.js", "nest.js", "electron.js",
    "asp.net", "vb.net", "ado.net",
})

# A news outlet named as the source of what the text reports ("Selon 01net.com", "d'après l'article
# de alliancy.fr", "according to bleepingcomputer.com"): the reporter, not an indicator. Only a
# domain written plainly: a defanged one is marked by the author as an indicator.
_SOURCE_CUE_RE = re.compile(
    r"\b(?:selon|d['’]apr[eè]s|according\s+to|reported\s+by|rapport[ée]e?s?\s+par|cit[ée]e?s?\s+par|"
    r"source\s*:|sources\s*:)"
    r"(?:\s*\b(?:the|le|la|les|un|une|an?|article|report|rapport|de|du|des|of|by|par|site|m[ée]dia|"
    r"journal|magazine)\b|\s*\b[ld]['’]){0,5}\s*$",
    re.IGNORECASE,
)
_SOURCE_WINDOW = 60

_CLOSERS = {")": "(", "]": "[", "}": "{"}
_TRAILING = ".,;:!?*'\""
_PADDED_DEFANG_RE = re.compile(r" ?(\[[^\]\s]{1,4}\]|\([^)\s]{1,4}\)|\{[^}\s]{1,4}\}) ?")


def follows_version_cue(text: str, start: int) -> bool:
    """True if the words just before ``start`` make a dotted quad a version, not an address."""
    return _VERSION_CUE_RE.search(text, max(0, start - _CUE_WINDOW), start) is not None


def follows_source_cue(text: str, start: int) -> bool:
    """True if the words just before ``start`` name what follows as the source of the report."""
    return _SOURCE_CUE_RE.search(text, max(0, start - _SOURCE_WINDOW), start) is not None


def trim_end(value: str) -> str:
    """Drop what prose glues to the end of a URL or key: final punctuation, a closing bracket the
    value never opened (the one around "(see hxxp://x[.]com/a)"), Markdown emphasis."""
    while value:
        last = value[-1]
        unopened = last in _CLOSERS and value.count(last) > value.count(_CLOSERS[last])
        if last in _TRAILING or unopened:
            value = value[:-1]
        else:
            break
    return value


def refang_padded(value: str) -> str:
    """``observables.refang``, after removing the single spaces some authors put around a
    bracketed separator ("evil [.] com", "kim [at] example [dot] com")."""
    if " " in value:
        value = _PADDED_DEFANG_RE.sub(r"\1", value)
    return refang(value)


def is_code_name(name: str) -> bool:
    """A mixed-case dotted name whose later labels carry capitals ("System.IO",
    "Microsoft.Windows", "Net.WebClient") is a .NET/Java identifier, not a domain: domains are
    written in lower case, all in capitals, or with a capitalised first word at most."""
    if name.isupper() or name.islower():
        return False
    _, _, rest = name.partition(".")
    return not rest.islower()
