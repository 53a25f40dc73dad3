"""Indicators of compromise in running text (English or French), each with its original span.

``extract_indicators`` runs one compiled scanner over the text (``iocs_patterns``) and validates
each candidate with the project's indicator vocabulary (``observables``, ``crypto_addresses``), so a
value found here is typed and normalised exactly as an imported one and matches it in the store.

Choices, because false positives cost more than misses in a threat-intel store:

- One fact per (type, value), in order of first appearance. ``span`` is the first occurrence and
  ``data["spans"]`` lists every occurrence, so a reader can cite each place without the store
  holding duplicates.
- Spans are the text as written, defanged or not; values are refanged and normalised.
- A URL is one fact; its host is not repeated as a domain or IP fact (it is derivable, and hosts
  such as github.com or a mail provider would become false indicators). Hashes and wallet
  addresses inside a URL, a file name or an e-mail address are facts of their own.
- A dotted quad right after a version cue ("version", "v", "build", "Chrome/", "section",
  "mask"...) is a version number, unless the text marks it as an address: defanged, or followed
  by a port or a prefix length. Private, loopback and documentation addresses are kept: in a
  report they are presented as indicators (lateral movement, proxies, examples).
- A plain (not defanged) domain named as the source of the report ("Selon 01net.com", "according
  to bleepingcomputer.com") is the reporter, not an indicator.
- Mixed-case dotted names with capitals after the first label ("System.IO") and well-known
  framework names ("Node.js", "ASP.NET") are neither domains nor files.
- A mixed-case Ethereum address with a wrong EIP-55 checksum, or a Base58 string without a valid
  Base58Check, is dropped: it is a typo or not an address at all (MD5s are valid Base58 shapes).
- A 32/40/64/128-hex run is a hash only if it has both digits and letters: all-digit runs are
  numbers. ``0x`` + 40 hex is an Ethereum address, never a SHA-1.
- A file name with spaces is recognised only between double or typographic quotes
  ("Job Description.pdf.lnk", « Compte rendu.docx »): unquoted, nothing says where it starts.
- Not recognised: IPv6 with defanged colons, a URL broken across lines, a name glued to the
  word that follows it without a space (Korean particles: "update.exe를").
"""

from __future__ import annotations

import re
from functools import lru_cache

from geobuk.intel import observables as obs
from geobuk.intel.crypto_addresses import BITCOIN, ETHEREUM, TRON, is_valid_address
from geobuk.intel.read.iocs_patterns import AT_SIGN, EMBEDDED, SCANNER
from geobuk.intel.read.iocs_rules import (
    NOT_INDICATORS,
    follows_source_cue,
    follows_version_cue,
    is_code_name,
    refang_padded,
    trim_end,
)
from geobuk.intel.read.model import Fact, Span

_HASH_BY_LENGTH = {32: obs.MD5, 40: obs.SHA1, 64: obs.SHA256, 128: obs.SHA512}
_DEFANG_CHARS = frozenset("[({ ")
_CIDR_TAIL_RE = re.compile(r"/(\d{1,3})")
_HYPHENS_RE = re.compile("[\u2010\u2011\u2013]")
_DOUBLE_BACKSLASH_RE = re.compile(r"\\\\")
_DIGITS = frozenset("0123456789")
_HEX_LETTERS = frozenset("abcdefABCDEF")
# A quoted file name has a few words; a longer quote is a sentence that happens to end in one.
_MAX_SPACES_IN_NAME = 6

# A found indicator: (type, value, start, end).
Hit = tuple[str, str, int, int]


def extract_indicators(text: str) -> list[Fact]:
    """Every indicator in ``text``: one fact per (type, value), with all its spans."""
    spans: dict[tuple[str, str], list[Span]] = {}
    for kind, value, start, end in _hits(text):
        spans.setdefault((kind, value), []).append(Span(start, end, text[start:end]))
    return [Fact(kind="indicator", value=value, span=found[0], type=kind, data={"spans": found})
            for (kind, value), found in spans.items()]


def _hits(text: str, pos: int = 0, endpos: int | None = None) -> list[Hit]:
    """The hits of ``text[pos:endpos]`` in text order; a handler that refuses a composite candidate
    (an e-mail, a URL, a quote) scans its inside again through here, so nothing it held is lost."""
    hits: list[Hit] = []
    end_at = len(text) if endpos is None else endpos
    for match in SCANNER.finditer(text, pos, end_at):
        group = match.lastgroup
        if group == "tail":
            group = "name"
        hits.extend(_HANDLERS[group](text, match))
    return hits


def _embedded(text: str, start: int, end: int) -> list[Hit]:
    """Hashes and wallet addresses inside a longer indicator (a URL path, a file name)."""
    if end - start < 26:
        return []
    hits: list[Hit] = []
    for match in EMBEDDED.finditer(text, start, end):
        hits.extend(_HANDLERS[match.lastgroup](text, match))
    return hits


# --- handlers: one per scanner alternative, each returns the hits of one match ------------------

def _url(text: str, match: re.Match) -> list[Hit]:
    start = match.start()
    raw = trim_end(match.group())
    value = refang_padded(raw)
    if obs.classify(value) != obs.URL:
        # An unknown scheme ("file://", "chrome://") or host: what follows may still hold some.
        return _hits(text, match.start("sep"), match.end())
    end = start + len(raw)
    return [(obs.URL, obs.normalize(obs.URL, value), start, end), *_embedded(text, start, end)]


def _registry(text: str, match: re.Match) -> list[Hit]:
    raw = trim_end(match.group())
    hive, sep, rest = raw.partition("\\")
    value = hive.rstrip(":") + _DOUBLE_BACKSLASH_RE.sub(r"\\", sep + rest)
    if not obs.is_registry_key(value):
        return []
    start = match.start()
    return [(obs.REGISTRY_KEY, obs.normalize(obs.REGISTRY_KEY, value), start, start + len(raw))]


def _cve(text: str, match: re.Match) -> list[Hit]:
    value = _HYPHENS_RE.sub("-", match.group())
    return [(obs.CVE, obs.normalize(obs.CVE, value), match.start(), match.end())]


def _eth(text: str, match: re.Match) -> list[Hit]:
    value = match.group()
    if not is_valid_address(value, ETHEREUM):
        return []
    return [(obs.ETH_ADDRESS, obs.normalize(obs.ETH_ADDRESS, value), match.start(), match.end())]


def _hash(text: str, match: re.Match) -> list[Hit]:
    value = match.group()
    chars = set(value)
    if not (chars & _DIGITS and chars & _HEX_LETTERS):
        return []
    kind = _HASH_BY_LENGTH[len(value)]
    return [(kind, value.lower(), match.start(), match.end())]


def _bech32(text: str, match: re.Match) -> list[Hit]:
    value = match.group()
    if not is_valid_address(value, BITCOIN):
        return []
    return [(obs.BTC_ADDRESS, obs.normalize(obs.BTC_ADDRESS, value), match.start(), match.end())]


def _base58(text: str, match: re.Match) -> list[Hit]:
    value = match.group()
    if value[0] == "T":
        if len(value) != 34 or not is_valid_address(value, TRON):
            return []
        return [(obs.TRON_ADDRESS, value, match.start(), match.end())]
    if not is_valid_address(value, BITCOIN):
        return []
    return [(obs.BTC_ADDRESS, value, match.start(), match.end())]


def _ip6(text: str, match: re.Match) -> list[Hit]:
    raw = match.group()
    if "::" not in raw and raw.count(":") < 7:
        return []  # times (12:30:45) and MAC addresses, not an address with 8 groups or "::"
    address, _, prefix = raw.partition("/")
    if sum(1 for group in address.split(":") if group) < (1 if prefix else 2):
        return []  # "::", "a::" or "::1": fragments of code rather than addresses
    try:
        if prefix:
            return [(obs.IPV6_CIDR, obs.normalize(obs.IPV6_CIDR, raw), match.start(), match.end())]
        return [(obs.IPV6, obs.normalize(obs.IPV6, raw), match.start(), match.end())]
    except ValueError:
        return []


def _email(text: str, match: re.Match) -> list[Hit]:
    raw = match.group()
    value = refang_padded(raw).lower()
    if obs.classify(value) == obs.EMAIL:
        hits: list[Hit] = [(obs.EMAIL, obs.normalize(obs.EMAIL, value), match.start(), match.end())]
        return hits + _embedded(text, match.start(), match.end())
    # Not an address ("user@1.2.3.4", "name@host"): the part after the at-sign may still hold one.
    at = AT_SIGN.search(text, match.start(), match.end())
    return _hits(text, at.end(), match.end()) if at else []


def _name(text: str, match: re.Match) -> list[Hit]:
    """A dotted run, with the port or path glued to it: IPv4/CIDR, scheme-less URL, domain, file."""
    start, end = match.start(), match.start("name")
    raw = text[start:end]
    defanged = not _DEFANG_CHARS.isdisjoint(raw)
    host = refang_padded(raw) if defanged else raw
    tail = trim_end(text[end:match.end()]) if match.lastgroup == "tail" else None
    labels = host.split(".")
    if all(label.isdigit() for label in labels):
        if len(labels) == 4 and all(_is_octet(label) for label in labels):
            return _ipv4(text, host, start, end, tail, defanged)
        # 3 or 5+ dotted numbers, an octet over 255 or with a leading zero: versions, dates,
        # prices, phone numbers, nothing anyone writes meaning an address.
        return []
    if tail and _has_path(tail):
        url = host + tail
        if obs.classify(url) == obs.URL and (defanged or not is_code_name(raw)):
            url_end = end + len(tail)
            return [(obs.URL, obs.normalize(obs.URL, url), start, url_end), *_embedded(text, start, url_end)]
    return _dotted_name(text, host, raw, start, end, defanged)


def _is_octet(label: str) -> bool:
    return label.isascii() and len(label) <= 3 and int(label) <= 255 and (label[0] != "0" or label == "0")


def _has_path(tail: str) -> bool:
    """A port-and-path tail with something after the slash ("/gate.php", not a bare "/")."""
    slash = tail.find("/")
    return slash >= 0 and slash + 1 < len(tail)


def _ipv4(text: str, host: str, start: int, end: int, tail: str | None, marked: bool) -> list[Hit]:
    """A dotted quad; ``marked`` if the text already says it is an address (defanged)."""
    if tail:
        cidr = _CIDR_TAIL_RE.fullmatch(tail)
        if cidr:
            if int(cidr.group(1)) > 32:
                return [(obs.IPV4, host, start, end)]
            value = obs.normalize(obs.IPV4_CIDR, host + tail)
            return [(obs.IPV4_CIDR, value, start, end + len(tail))]
        if _has_path(tail):
            url = host + tail
            if obs.classify(url) == obs.URL:
                url_end = end + len(tail)
                return [(obs.URL, obs.normalize(obs.URL, url), start, url_end),
                        *_embedded(text, start, url_end)]
        if tail.startswith(":"):
            marked = True  # "1.2.3.4:443": a port says the text means an address
    if not marked and follows_version_cue(text, start):
        return []
    return [(obs.IPV4, host, start, end)]


def _dotted_name(text: str, host: str, raw: str, start: int, end: int, defanged: bool) -> list[Hit]:
    ext = host[host.rfind(".") + 1:].lower()
    if ext not in obs.FILE_EXTENSIONS and not _is_tld(ext):
        return _embedded(text, start, end)  # "3.5", "e.g", "config.json": the common case, cheaply
    kind = obs.classify(host)
    if kind is None or host.lower() in NOT_INDICATORS:
        return _embedded(text, start, end)
    if kind == obs.DOMAIN:
        if not defanged and (is_code_name(raw) or follows_source_cue(text, start)):
            return []
        if ext in obs.FILE_EXTENSIONS and _looks_like_file(host):
            kind = obs.FILENAME
    if kind not in (obs.DOMAIN, obs.FILENAME):
        return _embedded(text, start, end)
    return [(kind, obs.normalize(kind, host), start, end), *_embedded(text, start, end)]


def _quoted_file(text: str, match: re.Match) -> list[Hit]:
    """A quoted name with spaces and a file extension is one file name; anything else in quotes
    (a domain, a plain file name, a quoted sentence) is read like the rest of the text."""
    start, end = match.start() + 1, match.end() - 1
    while text[start] == " ":
        start += 1
    while text[end - 1] == " ":
        end -= 1
    name = text[start:end]
    if " " in name and name.count(" ") < _MAX_SPACES_IN_NAME and obs.is_filename(name):
        return [(obs.FILENAME, obs.normalize(obs.FILENAME, name), start, end)]
    return _hits(text, start, end)


@lru_cache(maxsize=4096)
def _is_tld(label: str) -> bool:
    return obs.is_domain("x." + label)


def _looks_like_file(name: str) -> bool:
    """A name under a TLD that is also a file extension (.zip, .py, .sh) that no host would have:
    an underscore ("update_v1.2.zip") or a number just before the extension ("tool-1.2.zip")."""
    return "_" in name or name.rsplit(".", 2)[-2].isdigit()


_HANDLERS = {
    "url": _url,
    "reg": _registry,
    "cve": _cve,
    "eth": _eth,
    "at": _email,
    "name": _name,
    "ip6": _ip6,
    "hash": _hash,
    "bech32": _bech32,
    "b58": _base58,
    "qfile": _quoted_file,
}
