"""STIX 2.1 patterns for simple indicators, and the simple indicators inside any pattern.

geobuk stores every indicator as a STIX pattern but hunts with plain values (a hash set, a domain
set). ``pattern_for`` writes the pattern of one value; ``observables_in_pattern`` reads the plain
values back out of patterns written by anyone (ours, OpenCTI's, MISP's, vendor feeds), so the hunt
stage never parses patterns itself. Reading is one regex pass over the pattern rather than the
ANTLR grammar of ``stix2-patterns``: it runs on every indicator of imports with hundreds of
thousands of them, and only equality tests on a few object paths matter for hunting.
"""

from __future__ import annotations

import re

from geobuk.intel import observables as obs
from geobuk.intel.crypto_addresses import parse_address

# Object path of each kind, as geobuk writes it.
_PATH_OF_KIND = {
    obs.MD5: "file:hashes.MD5",
    obs.SHA1: "file:hashes.'SHA-1'",
    obs.SHA256: "file:hashes.'SHA-256'",
    obs.SHA512: "file:hashes.'SHA-512'",
    obs.IPV4: "ipv4-addr:value",
    obs.IPV4_CIDR: "ipv4-addr:value",
    obs.IPV6: "ipv6-addr:value",
    obs.IPV6_CIDR: "ipv6-addr:value",
    obs.DOMAIN: "domain-name:value",
    obs.URL: "url:value",
    obs.EMAIL: "email-addr:value",
    obs.FILENAME: "file:name",
    obs.BTC_ADDRESS: "x-crypto-address:value",
    obs.ETH_ADDRESS: "x-crypto-address:value",
    obs.TRON_ADDRESS: "x-crypto-address:value",
    obs.REGISTRY_KEY: "windows-registry-key:key",
}

# Hash names as feeds spell them ('SHA-256', 'SHA256', sha256, 'sha-256'), squeezed to one key.
_HASH_NAME_TO_KIND = {"md5": obs.MD5, "sha1": obs.SHA1, "sha256": obs.SHA256, "sha512": obs.SHA512}
_HASH_LENGTH = {obs.MD5: 32, obs.SHA1: 40, obs.SHA256: 64, obs.SHA512: 128}

_STRING = r"'(?:[^'\\]|\\.)*'"
_PATHS = (
    r"file:hashes\.(?:'[^']*'|[A-Za-z0-9_-]+)|file:name|ipv4-addr:value|ipv6-addr:value"
    r"|domain-name:value|url:value|email-addr:value|x-crypto-address:value|windows-registry-key:key"
)
# A comparison we care about, or any other string literal (consumed so that text inside a string
# is never mistaken for a comparison).
_SCAN_RE = re.compile(
    rf"(?<![\w-])(?P<path>{_PATHS})\s*(?:(?P<eq>=)\s*(?P<value>{_STRING})|(?P<in>IN)\s*\((?P<list>(?:[^()'\\]|{_STRING})*)\))"
    rf"|{_STRING}"
)
_STRING_RE = re.compile(_STRING)
_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_UNESCAPE_RE = re.compile(r"\\(.)")


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _unquote(literal: str) -> str:
    return _UNESCAPE_RE.sub(r"\1", literal[1:-1])


def pattern_for(kind: str, value: str) -> str:
    """The STIX 2.1 pattern matching ``value`` as a ``kind`` (the value is normalized first)."""
    try:
        path = _PATH_OF_KIND[kind]
    except KeyError:
        raise ValueError(f"no STIX pattern for indicator type {kind!r}") from None
    return f"[{path} = {_quote(obs.normalize(kind, value))}]"


def _kind_for(path: str, value: str) -> str | None:
    """The geobuk kind of ``value`` compared to ``path``, or None when it is not one we hunt."""
    if path.startswith("file:hashes."):
        name = path[len("file:hashes."):].strip("'").replace("-", "").lower()
        kind = _HASH_NAME_TO_KIND.get(name)
        if kind is None or len(value) != _HASH_LENGTH[kind] or not _HEX_RE.fullmatch(value):
            return None
        return kind
    if path == "ipv4-addr:value":
        return obs.IPV4_CIDR if "/" in value else obs.IPV4
    if path == "ipv6-addr:value":
        return obs.IPV6_CIDR if "/" in value else obs.IPV6
    if path == "x-crypto-address:value":
        info = parse_address(value)
        return obs.KIND_OF_CHAIN[info.chain] if info.valid and info.chain else None
    return {
        "file:name": obs.FILENAME,
        "domain-name:value": obs.DOMAIN,
        "url:value": obs.URL,
        "email-addr:value": obs.EMAIL,
        "windows-registry-key:key": obs.REGISTRY_KEY,
    }[path]


def observables_in_pattern(pattern: str) -> list[tuple[str, str]]:
    """Every ``(kind, normalized value)`` compared with ``=`` or ``IN`` on a known path, in order.

    Other comparisons (``!=``, ``LIKE``, ``MATCHES``, other paths) are ignored, as are values
    that do not parse as their kind; duplicates are dropped.
    """
    found: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for match in _SCAN_RE.finditer(pattern):
        path = match["path"]
        if path is None:
            continue
        literals = [match["value"]] if match["eq"] else _STRING_RE.findall(match["list"])
        for literal in literals:
            value = _unquote(literal)
            kind = _kind_for(path, value)
            if kind is None:
                continue
            try:
                item = (kind, obs.normalize(kind, value))
            except ValueError:
                continue
            if item not in seen:
                seen.add(item)
                found.append(item)
    return found
