"""Indicator types: what classify recognises, what it refuses to guess, and canonical forms."""

from __future__ import annotations

import pytest

from geobuk.intel import observables as obs
from geobuk.intel.observables import classify, fits, is_cve, is_registry_key, normalize, refang


@pytest.mark.parametrize(("value", "kind"), [
    ("28c6278f3c2612e339791da8487ac127", obs.MD5),
    ("28C6278F3C2612E339791DA8487AC127", obs.MD5),
    ("de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea", obs.SHA1),
    ("570ba394a92e7f20fdd80629fa608e3bccef1b8fdd16c96fa559527f53c2b454", obs.SHA256),
    ("ab" * 64, obs.SHA512),
    ("0x098B716B8Aaf21512996dC57EB0615e2383E2f96", obs.ETH_ADDRESS),  # 40 hex after 0x: not a sha1
    ("0x098b716b8aaf21512996dc57eb0615e2383e2f96", obs.ETH_ADDRESS),
    ("198.51.100.23", obs.IPV4),
    ("203.0.113.0/24", obs.IPV4_CIDR),
    ("2001:db8::5", obs.IPV6),
    ("2001:db8::/32", obs.IPV6_CIDR),
    ("example.com", obs.DOMAIN),
    ("Evil-Updates.Example.COM.", obs.DOMAIN),
    ("xn--80ak6aa92e.com", obs.DOMAIN),
    ("cdn.example.zip", obs.DOMAIN),  # .zip is a TLD; a multi-label name under it is a domain
    ("https://example.com/a/b?c=d", obs.URL),
    ("http://198.51.100.23:8080/gate.php", obs.URL),
    ("example.com/path/x.php", obs.URL),
    ("ops@example.com", obs.EMAIL),
    ("kernel32.dll", obs.FILENAME),
    ("evil.exe", obs.FILENAME),
    ("Invoice_2024.pdf.lnk", obs.FILENAME),
    ("3CX Desktop App.exe", obs.FILENAME),
    ("invoice.zip", obs.FILENAME),  # a single-label name with an archive extension is a file
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", obs.BTC_ADDRESS),
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", obs.BTC_ADDRESS),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", obs.BTC_ADDRESS),
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", obs.TRON_ADDRESS),
    ("  example.org  ", obs.DOMAIN),
])
def test_classify(value: str, kind: str) -> None:
    assert classify(value) == kind


@pytest.mark.parametrize("value", [
    "",
    "hello",
    "localhost",
    "example.invalidtld",  # not a public TLD
    "www.google.png",  # neither a TLD nor a hunted file extension
    "a.b",
    "example.com:443",  # host and port is not one of the types
    "C:\\Windows\\System32\\evil.exe",  # a path, not a bare file name
    "28c6278f3c2612e339791da8487ac12",  # 31 hex digits
    "28c6278f3c2612e339791da8487ac12g",  # 32 characters, not all hex
    "0x098B716B8Aaf21512996dC57EB0615e2383E2f97",  # EIP-55 checksum broken
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # Base58Check broken
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # Bech32 broken
    "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",  # testnet
    "LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb",  # Litecoin
    "999.1.1.1",
    "010.1.1.1",  # leading zero: ambiguous octal
    "gopher://example.com/",
    "user@localhost",
    "CVE-2021-44228",  # only through is_cve
    "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",  # only through is_registry_key
])
def test_classify_does_not_guess(value: str) -> None:
    assert classify(value) is None


def test_bc1_prefixed_domain_is_still_a_domain() -> None:
    assert classify("bc1.example.com") == obs.DOMAIN


@pytest.mark.parametrize(("value", "kind"), [
    ("evil[.]com", obs.DOMAIN),
    ("evil(.)com", obs.DOMAIN),
    ("evil[dot]com", obs.DOMAIN),
    ("hxxp://evil[.]com/x", obs.URL),
    ("hXXps[:]//evil[.]com/x", obs.URL),
    ("ops[@]example[.]com", obs.EMAIL),
    ("198.51.100[.]23", obs.IPV4),
])
def test_classify_refangs_first(value: str, kind: str) -> None:
    assert classify(value) == kind


@pytest.mark.parametrize(("text", "expected"), [
    ("hxxps://evil[.]com/a", "https://evil.com/a"),
    ("evil(.)com", "evil.com"),
    ("evil[dot]com", "evil.com"),
    ("a[@]b[.]com", "a@b.com"),
    ("http[:]//x.com", "http://x.com"),
    ("fxp://files.example.com/a", "ftp://files.example.com/a"),
    ("fxp.exe", "fxp.exe"),  # only a scheme is defanged, not a name that starts alike
    ("nothing to do", "nothing to do"),
])
def test_refang(text: str, expected: str) -> None:
    assert refang(text) == expected


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (obs.MD5, "28C6278F3C2612E339791DA8487AC127", "28c6278f3c2612e339791da8487ac127"),
    (obs.DOMAIN, "Evil.Example.COM.", "evil.example.com"),
    (obs.DOMAIN, "evil[.]com", "evil.com"),
    (obs.EMAIL, "Ops@Example.com", "ops@example.com"),
    (obs.IPV6, "2001:0db8:0000:0000:0000:0000:0000:0005", "2001:db8::5"),
    (obs.IPV4_CIDR, "203.0.113.7/24", "203.0.113.0/24"),
    (obs.URL, "HTTPS://Evil.Example.COM/Path/To?Q=A", "https://evil.example.com/Path/To?Q=A"),
    (obs.URL, "http://User@Evil.COM:8080/A", "http://User@evil.com:8080/A"),
    (obs.URL, "Evil.COM/Gate.php", "evil.com/Gate.php"),
    (obs.ETH_ADDRESS, "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
     "0x098b716b8aaf21512996dc57eb0615e2383e2f96"),
    (obs.BTC_ADDRESS, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
    (obs.BTC_ADDRESS, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
     "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    (obs.TRON_ADDRESS, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    (obs.FILENAME, "Invoice.PDF.lnk", "Invoice.PDF.lnk"),
    (obs.CVE, "cve-2021-44228", "CVE-2021-44228"),
])
def test_normalize(kind: str, value: str, expected: str) -> None:
    assert normalize(kind, value) == expected


def test_normalize_is_idempotent_for_everything_classify_finds() -> None:
    values = ("Evil.COM.", "HTTP://X.example.com/A", "2001:0db8::0005", "0x" + "ABCDEF0123" * 4)
    for value in values:
        kind = classify(value)
        assert kind is not None
        once = normalize(kind, value)
        assert normalize(kind, once) == once
        assert classify(once) == kind


def test_normalize_rejects_unknown_kind_and_bad_ip() -> None:
    with pytest.raises(ValueError):
        normalize("mutex", "x")
    with pytest.raises(ValueError):
        normalize(obs.IPV4, "300.1.1.1")


@pytest.mark.parametrize(("kind", "value", "expected"), [
    (obs.DOMAIN, "c2.example.internal", True),  # declared: an unlisted TLD is accepted
    (obs.DOMAIN, "not a domain", False),
    (obs.FILENAME, "payload", True),
    (obs.FILENAME, "C:\\x\\payload.exe", False),
    (obs.MD5, "28c6278f3c2612e339791da8487ac127", True),
    (obs.MD5, "de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea", False),  # a sha1 is not an md5
    (obs.URL, "gopher://example.com/", True),
    (obs.IPV4, "2001:db8::5", False),
])
def test_fits(kind: str, value: str, expected: bool) -> None:
    assert fits(kind, value) is expected


def test_cve_and_registry_key_are_explicit_only() -> None:
    assert is_cve("CVE-2023-29059")
    assert not is_cve("CVE-23-1")
    assert is_registry_key("HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run")
    assert is_registry_key("HKEY_CURRENT_USER\\Software\\Classes")
    assert not is_registry_key("SOFTWARE\\Microsoft")


def test_kinds_vocabulary() -> None:
    assert set(obs.CLASSIFIED_KINDS) == {
        "md5", "sha1", "sha256", "sha512", "ipv4", "ipv6", "ipv4-cidr", "ipv6-cidr", "domain", "url",
        "email", "filename", "btc-address", "eth-address", "tron-address",
    }
    assert set(obs.KINDS) - set(obs.CLASSIFIED_KINDS) == {"cve", "registry-key"}
