"""STIX patterns: what pattern_for writes is valid STIX 2.1 and reads back to the same observable."""

from __future__ import annotations

import pytest
from stix2patterns.validator import run_validator

from geobuk.intel import observables as obs
from geobuk.intel.patterns import observables_in_pattern, pattern_for

SHA256 = "570ba394a92e7f20fdd80629fa608e3bccef1b8fdd16c96fa559527f53c2b454"
SHA1 = "de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea"
MD5 = "28c6278f3c2612e339791da8487ac127"

EXAMPLES = [
    (obs.MD5, MD5.upper(), f"[file:hashes.MD5 = '{MD5}']"),
    (obs.SHA1, SHA1, f"[file:hashes.'SHA-1' = '{SHA1}']"),
    (obs.SHA256, SHA256, f"[file:hashes.'SHA-256' = '{SHA256}']"),
    (obs.SHA512, "AB" * 64, f"[file:hashes.'SHA-512' = '{'ab' * 64}']"),
    (obs.IPV4, "198.51.100.23", "[ipv4-addr:value = '198.51.100.23']"),
    (obs.IPV4_CIDR, "203.0.113.0/24", "[ipv4-addr:value = '203.0.113.0/24']"),
    (obs.IPV6, "2001:db8::5", "[ipv6-addr:value = '2001:db8::5']"),
    (obs.IPV6_CIDR, "2001:db8::/32", "[ipv6-addr:value = '2001:db8::/32']"),
    (obs.DOMAIN, "Evil.Example.com", "[domain-name:value = 'evil.example.com']"),
    (obs.URL, "https://evil.example.com/a?b=c", "[url:value = 'https://evil.example.com/a?b=c']"),
    (obs.EMAIL, "ops@example.com", "[email-addr:value = 'ops@example.com']"),
    (obs.FILENAME, "kernel32.dll", "[file:name = 'kernel32.dll']"),
    (obs.ETH_ADDRESS, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
     "[x-crypto-address:value = '0x098b716b8aaf21512996dc57eb0615e2383e2f96']"),
    (obs.BTC_ADDRESS, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
     "[x-crypto-address:value = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa']"),
    (obs.BTC_ADDRESS, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
     "[x-crypto-address:value = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']"),
    (obs.TRON_ADDRESS, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
     "[x-crypto-address:value = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t']"),
    (obs.REGISTRY_KEY, "HKLM\\Software\\Run",
     "[windows-registry-key:key = 'HKLM\\\\Software\\\\Run']"),
]


@pytest.mark.parametrize(("kind", "value", "expected"), EXAMPLES)
def test_pattern_for(kind: str, value: str, expected: str) -> None:
    pattern = pattern_for(kind, value)
    assert pattern == expected
    assert run_validator(pattern, stix_version="2.1") == []


@pytest.mark.parametrize(("kind", "value", "expected"), EXAMPLES)
def test_round_trip(kind: str, value: str, expected: str) -> None:
    assert observables_in_pattern(pattern_for(kind, value)) == [(kind, obs.normalize(kind, value))]


def test_quotes_and_backslashes_are_escaped() -> None:
    name = "it's a \\trap.exe"
    pattern = pattern_for(obs.FILENAME, name)
    assert pattern == "[file:name = 'it\\'s a \\\\trap.exe']"
    assert run_validator(pattern, stix_version="2.1") == []
    assert observables_in_pattern(pattern) == [(obs.FILENAME, name)]


def test_unknown_kind_has_no_pattern() -> None:
    with pytest.raises(ValueError):
        pattern_for("mutex", "Global\\x")
    with pytest.raises(ValueError):
        pattern_for(obs.CVE, "CVE-2021-44228")


@pytest.mark.parametrize("path", [
    "file:hashes.'SHA-256'", "file:hashes.'SHA256'", "file:hashes.sha256", "file:hashes.SHA256",
    "file:hashes.'sha-256'",
])
def test_hash_name_spellings_of_real_feeds(path: str) -> None:
    assert observables_in_pattern(f"[{path} = '{SHA256.upper()}']") == [(obs.SHA256, SHA256)]


def test_ors_ands_and_in_lists() -> None:
    pattern = (
        f"[file:hashes.MD5 = '{MD5}' OR file:hashes.'SHA-1' = '{SHA1}'] AND "
        "[domain-name:value IN ('A.example.com', 'b.example.com') AND ipv4-addr:value = '198.51.100.23']"
        " FOLLOWEDBY [url:value = 'HTTP://Evil.example.com/X'] WITHIN 60 SECONDS"
    )
    assert observables_in_pattern(pattern) == [
        (obs.MD5, MD5), (obs.SHA1, SHA1), (obs.DOMAIN, "a.example.com"), (obs.DOMAIN, "b.example.com"),
        (obs.IPV4, "198.51.100.23"), (obs.URL, "http://evil.example.com/X"),
    ]


def test_other_comparisons_and_paths_are_ignored() -> None:
    pattern = (
        "[domain-name:value != 'no.example.com' AND url:value LIKE '%evil%' AND "
        "file:name NOT IN ('x.exe') AND process:name = 'cmd.exe' AND file:size = 12 AND "
        "network-traffic:dst_ref.value = '198.51.100.1' AND file:hashes.'SSDEEP' = '3:abc:def' AND "
        "email-addr:value = 'ops@example.com']"
    )
    assert observables_in_pattern(pattern) == [(obs.EMAIL, "ops@example.com")]


def test_text_inside_a_string_is_not_a_comparison() -> None:
    pattern = "[url:value = 'http://x.example.com/?q=domain-name:value = \\'fake.example.com\\'']"
    found = observables_in_pattern(pattern)
    assert found == [(obs.URL, "http://x.example.com/?q=domain-name:value = 'fake.example.com'")]


def test_values_that_are_not_their_kind_are_dropped() -> None:
    pattern = (
        "[file:hashes.MD5 = 'not-a-hash' OR file:hashes.'SHA-256' = '" + MD5 + "' OR "
        "ipv4-addr:value = '300.1.1.1' OR "
        "x-crypto-address:value = '0x098B716B8Aaf21512996dC57EB0615e2383E2f97'"
        " OR x-crypto-address:value = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t']"
    )
    assert observables_in_pattern(pattern) == [(obs.TRON_ADDRESS, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")]


def test_duplicates_are_reported_once() -> None:
    pattern = f"[file:hashes.MD5 = '{MD5}'] OR [file:hashes.md5 = '{MD5.upper()}']"
    assert observables_in_pattern(pattern) == [(obs.MD5, MD5)]
