"""A labelled corpus of advisory-style text for indicator extraction, generated from a seed.

Every document is built from paragraph templates (English and French) whose slots are filled with
generated indicators, so the expected (type, value) set of each document is known by construction,
not by running any extractor. The same seed always gives the same corpus. Nothing is copied from
elsewhere: the only real values are a few public, widely published addresses (the Ronin bridge
exploiter, the Bitcoin genesis address, the USDT contract on Tron, BIP-173/BIP-350 examples).

What the labels count (the conventions ``bench/bench_iocs.py`` scores every tool by):

- values in geobuk's canonical form (``observables.normalize``), types from its vocabulary;
- a URL is one indicator; its host is not counted again as a domain/IP, nor the domain of an
  e-mail address; a hash or wallet address inside a URL path is counted as well as the URL;
- a file name is counted where it stands alone or ends a Windows/Unix path, not inside a URL; a
  name with spaces counts whole, quoted or not (unquoted, no tool can know where it starts: the
  corpus keeps a few because reports do);
- system DLL names are file names (never domains);
- private and documentation addresses are counted when the text presents them as indicators;
- hard negatives count nothing: version numbers ("version 2.0.1.5", "Chrome 120.0.6099.109"),
  dates, times, phone numbers, prices, section numbers, MAC addresses, ``config.json``,
  ``Node.js``, .NET names such as ``System.IO.Compression``, mixed-case Ethereum addresses whose
  EIP-55 checksum is wrong (a typo, not an address).

The corpus is written by geobuk's authors, with these conventions in mind: read other tools'
scores with that in mind, and the per-type figures of the bench for where differences come from.

Run: .venv/bin/python eval/ioc_corpus.py [--docs 300] [--seed 7] [--out DIR] [--mb 10]
(prints counts; with --out writes corpus.jsonl and, with --mb, speed.txt).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import base58

from geobuk.intel import observables as obs
from geobuk.intel.crypto_addresses import (
    _BECH32_CHARSET,
    _bech32_polymod,
    _convert_bits,
    _hrp_expand,
    eip55_checksum,
)

Label = tuple[str, str]

RONIN_EXPLOITER = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
GENESIS_BTC = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
USDT_TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
BIP_EXAMPLES = [
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
]


@dataclass
class LabelledDoc:
    """One generated document and the indicators it contains."""

    id: str
    language: str
    text: str
    expected: set[Label] = field(default_factory=set)


# A filled slot: the text as written, and what it counts.
Slot = tuple[str, list[Label]]

_WORDS = ["update", "cdn", "secure", "login", "api", "docs", "drive", "mail", "auth", "cloud", "sync",
          "portal", "jobs", "careers", "hr", "invest", "wallet", "swap", "defi", "assets", "static", "files",
          "share", "meet", "verify", "check", "support"]
_BRANDS = ["microsoft", "office365", "onedrive", "naver", "daum", "kakao", "coinbase", "binance", "linkedin",
           "indeed", "npmjs", "zoom", "teams", "google", "dropbox", "okx", "bybit", "upbit", "bithumb"]
_SUFFIXES = ["service", "online", "center", "hub", "check", "verify", "help", "team", "pro", "app", "cloud",
             "net", "web"]
_TLDS = ["com", "com", "com", "net", "org", "info", "xyz", "top", "io", "co", "biz", "site", "online",
         "live", "kr", "jp", "us", "cc", "me", "dev", "cloud", "tech", "store", "club"]
_PROVIDERS = ["gmail.com", "protonmail.com", "naver.com", "outlook.com", "yahoo.com", "daum.net"]
_FIRST = ["kim", "lee", "park", "choi", "jung", "james", "john", "david", "sarah", "emily", "alex", "daniel",
          "minsoo", "jiwoo"]
_LAST = ["smith", "brown", "lee", "kim", "park", "wilson", "taylor", "moore", "clark", "walker"]
_EXE_EXT = ["exe", "dll", "lnk", "hta", "ps1", "vbs", "js", "zip", "iso", "docx", "pdf", "msi", "dmg", "pkg",
            "scr", "bat", "jar", "py", "sh", "chm", "rar"]
_STEMS = ["update", "installer", "setup", "loader", "agent", "svchost_upd", "msupdate", "chrome_update",
          "zoom_fix", "Job_Description", "Salary_Table", "Assessment", "Invoice", "Whitepaper",
          "CryptoTrader", "WalletSync", "NodeProject", "interview_task", "payload", "dropper", "config_tool",
          "patch"]
_COMPANIES = ["Coinbase", "Binance", "Crypto_com", "Kraken", "Upbit", "Samsung", "Lockheed", "Boeing",
              "Ledger", "Bybit"]
_DLLS = ["kernel32.dll", "ntdll.dll", "advapi32.dll", "wininet.dll", "user32.dll", "ws2_32.dll",
         "winhttp.dll", "version.dll", "crypt32.dll", "shell32.dll"]
_PUBLIC_FIRST_OCTETS = [5, 23, 31, 37, 45, 46, 51, 62, 77, 78, 80, 81, 82, 85, 89, 91, 93, 94, 95, 103,
                        104, 109, 141, 146, 149, 151, 154, 158, 167, 176, 178, 185, 188, 193, 194, 195,
                        209, 212, 213, 217]
_REG_KEYS = [
    r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run",
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnce",
    r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon",
    r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders",
    r"HKLM\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths",
    r"HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server",
    r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options",
]
_SERVICE_NAMES = ["WinUpdSvc", "NetSyncHost", "MsCtfMon", "DiagTrackSvc", "AdobeFlashSvc", "WmiPrvSvc"]
_VERBS_EN = ["used", "relied on", "contacted", "beaconed to", "resolved", "staged payloads on"]
_ACTORS = ["Lazarus Group", "Kimsuky", "Andariel", "BlueNoroff", "APT37", "TraderTraitor",
           "Moonstone Sleet", "the actor", "the operators"]
_MALWARE = ["AppleJeus", "BeaverTail", "InvisibleFerret", "RustBucket", "KANDYKORN", "Dtrack",
            "ScarCruft's RokRAT", "the loader", "the implant", "the backdoor"]


class Generator:
    """Indicator values and their defanged spellings, all drawn from one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # --- values -----------------------------------------------------------------------------

    def public_ip(self) -> str:
        r = self.rng
        return f"{r.choice(_PUBLIC_FIRST_OCTETS)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"

    def private_ip(self) -> str:
        r = self.rng
        return r.choice([f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                         f"172.{r.randint(16, 31)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                         f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}",
                         f"{r.choice(['192.0.2', '198.51.100', '203.0.113'])}.{r.randint(1, 254)}"])

    def cidr4(self) -> str:
        prefix = self.rng.randint(16, 29)
        return str(ipaddress.ip_network(f"{self.public_ip()}/{prefix}", strict=False))

    def ipv6(self) -> str:
        r = self.rng
        if r.random() < 0.5:
            value = (0x20010DB8 << 96) | r.getrandbits(64)
        else:
            value = (r.choice([0x2A01, 0x2A02, 0x2604, 0x2001]) << 112) | r.getrandbits(80)
        return str(ipaddress.IPv6Address(value))

    def domain(self) -> str:
        r = self.rng
        shape = r.randint(0, 3)
        if shape == 0:
            name = f"{r.choice(_BRANDS)}-{r.choice(_WORDS)}"
        elif shape == 1:
            name = f"{r.choice(_WORDS)}{r.choice(_SUFFIXES)}"
        elif shape == 2:
            name = f"{r.choice(_BRANDS)}{r.choice(_SUFFIXES)}{r.randint(1, 99)}"
        else:
            name = f"{r.choice(_WORDS)}-{r.choice(_BRANDS)}-{r.choice(_SUFFIXES)}"
        host = f"{name}.{r.choice(_TLDS)}"
        if r.random() < 0.3:
            host = f"{r.choice(_WORDS)}.{host}"
        return host

    def md5(self) -> str:
        return self._hex(128)

    def sha1(self) -> str:
        return self._hex(160)

    def sha256(self) -> str:
        return self._hex(256)

    def sha512(self) -> str:
        return self._hex(512)

    def _hex(self, bits: int) -> str:
        value = f"{self.rng.getrandbits(bits):0{bits // 4}x}"
        return value.upper() if self.rng.random() < 0.15 else value

    def md5_base58_like(self) -> str:
        """An MD5 with a Base58 shape (starts with 1 or 3, no 0): a Bitcoin look-alike."""
        digits = "123456789abcdef"
        return self.rng.choice("13") + "".join(self.rng.choice(digits) for _ in range(31))

    def eth(self) -> str:
        address = "0x" + f"{self.rng.getrandbits(160):040x}"
        return eip55_checksum(address) if self.rng.random() < 0.7 else address

    def eth_bad_checksum(self) -> str:
        good = eip55_checksum("0x" + f"{self.rng.getrandbits(160):040x}")
        letters = [i for i, c in enumerate(good) if i > 1 and c.isalpha()]
        i = self.rng.choice(letters)
        flipped = good[:i] + good[i].swapcase() + good[i + 1:]
        body = flipped[2:]
        if body.islower() or body.isupper():  # flipping made it plain hex, which has no checksum
            return self.eth_bad_checksum()
        return flipped

    def btc(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.35:
            return base58.b58encode_check(b"\x00" + r.randbytes(20)).decode()
        if kind < 0.6:
            return base58.b58encode_check(b"\x05" + r.randbytes(20)).decode()
        if kind < 0.9:
            return _bech32_p2wpkh(r.randbytes(20))
        return r.choice([GENESIS_BTC, *BIP_EXAMPLES])

    def tron(self) -> str:
        if self.rng.random() < 0.1:
            return USDT_TRON
        return base58.b58encode_check(b"\x41" + self.rng.randbytes(20)).decode()

    def cve(self) -> str:
        return f"CVE-{self.rng.randint(2017, 2025)}-{self.rng.randint(1000, 52000)}"

    def registry_key(self) -> str:
        key = self.rng.choice(_REG_KEYS)
        if self.rng.random() < 0.3:
            key = rf"HKLM\SYSTEM\CurrentControlSet\Services\{self.rng.choice(_SERVICE_NAMES)}"
        return key

    def filename(self) -> str:
        r = self.rng
        stem = r.choice(_STEMS)
        if stem in ("Job_Description", "Assessment", "Salary_Table"):
            stem = f"{stem}_{r.choice(_COMPANIES)}"
        ext = r.choice(_EXE_EXT)
        if ext == "lnk":
            return f"{stem}.pdf.lnk"
        if r.random() < 0.2:
            stem = f"{stem}_v{r.randint(1, 4)}.{r.randint(0, 9)}"
        return f"{stem}.{ext}"

    def url(self, host: str | None = None, with_hash: bool = False) -> tuple[str, list[Label]]:
        """A URL (not defanged) and the indicators inside it that count on their own."""
        r = self.rng
        host = host or (self.domain() if r.random() < 0.75 else self.public_ip())
        scheme = r.choice(["http", "https", "https"])
        port = f":{r.choice([8080, 443, 8443, 3000, 1244])}" if r.random() < 0.15 else ""
        segments = [r.choice(_WORDS) for _ in range(r.randint(0, 3))]
        inner: list[Label] = []
        if with_hash:
            digest = self.sha256().lower() if r.random() < 0.5 else self.md5().lower()
            segments.append(digest)
            inner.append((obs.classify(digest), digest))
        leaf = r.choice(["", "index.php", "gate.php", "upload.aspx", "dl", "api/v1/check", "c.js",
                         f"{r.choice(_STEMS)}.{r.choice(['zip', 'exe', 'msi'])}"])
        path = "/".join([*segments, leaf]) if segments or leaf else ""
        query = f"?id={r.randint(1000, 99999)}&t={r.choice(_WORDS)}" if r.random() < 0.25 else ""
        url = f"{scheme}://{host}{port}/{path}{query}" if path or query else f"{scheme}://{host}{port}"
        return url, inner

    # --- defanging --------------------------------------------------------------------------

    def defang_dots(self, host: str, every: bool | None = None, padded: bool = True) -> str:
        r = self.rng
        styles = ["[.]", "[.]", "[.]", "(.)", "{.}", "[dot]", "(dot)"] + ([" [.] "] if padded else [])
        style = r.choice(styles)
        every = r.random() < 0.5 if every is None else every
        if every:
            return host.replace(".", style)
        head, _, tail = host.rpartition(".")
        return f"{head}{style}{tail}"

    def defang_url(self, url: str) -> str:
        r = self.rng
        scheme, _, rest = url.partition("://")
        host_end = len(rest) if "/" not in rest else rest.index("/")
        host, path = rest[:host_end], rest[host_end:]
        fscheme = {"http": "hxxp", "https": "hxxps"}.get(scheme, scheme)
        sep = r.choice(["://", "://", "[:]//", "[://]"])
        if r.random() < 0.15:  # some reports defang every dot, the path's included
            path = path.replace(".", "[.]")
        return f"{fscheme}{sep}{self.defang_dots(host, every=r.random() < 0.3, padded=False)}{path}"

    def defang_email(self, email: str) -> str:
        local, _, domain = email.partition("@")
        at = self.rng.choice(["[@]", "[at]", "(at)", "(@)", " [at] "])
        return f"{local}{at}{self.defang_dots(domain)}"

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p


def _bech32_p2wpkh(program: bytes) -> str:
    """A witness v0 mainnet address for a 20-byte program (BIP-173 encoding)."""
    data = [0, *_convert_bits(list(program), 8, 5)]
    polymod = _bech32_polymod(_hrp_expand("bc") + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(_BECH32_CHARSET[d] for d in data + checksum)


# --- slots: each returns the text to insert and what it counts ---------------------------------

def _ip(g: Generator) -> Slot:
    ip = g.public_ip()
    return (g.defang_dots(ip) if g.maybe(0.6) else ip), [(obs.IPV4, ip)]


def _ip_private(g: Generator) -> Slot:
    ip = g.private_ip()
    return (g.defang_dots(ip) if g.maybe(0.3) else ip), [(obs.IPV4, ip)]


def _ip_port(g: Generator) -> Slot:
    ip = g.public_ip()
    shown = g.defang_dots(ip) if g.maybe(0.5) else ip
    return f"{shown}:{g.rng.choice([443, 8080, 1224, 3389])}", [(obs.IPV4, ip)]


def _cidr(g: Generator) -> Slot:
    cidr = g.cidr4()
    return cidr, [(obs.IPV4_CIDR, cidr)]


def _ip6(g: Generator) -> Slot:
    ip = g.ipv6()
    if g.maybe(0.2):
        net = str(ipaddress.ip_network(f"{ip}/48", strict=False))
        return net, [(obs.IPV6_CIDR, net)]
    return ip, [(obs.IPV6, ip)]


def _domain(g: Generator) -> Slot:
    d = g.domain()
    return (g.defang_dots(d) if g.maybe(0.7) else d), [(obs.DOMAIN, d)]


def _url(g: Generator) -> Slot:
    url, inner = g.url(with_hash=g.maybe(0.2))
    return (g.defang_url(url) if g.maybe(0.7) else url), [(obs.URL, obs.normalize(obs.URL, url)), *inner]


def _bare_url(g: Generator) -> Slot:
    host = g.domain()
    path = f"/{g.rng.choice(_WORDS)}/{g.rng.choice(['gate.php', 'index.php', 'load.js', 'a.aspx'])}"
    shown = g.defang_dots(host) if g.maybe(0.6) else host
    return shown + path, [(obs.URL, host + path)]


def _email(g: Generator) -> Slot:
    r = g.rng
    local = r.choice([f"{r.choice(_FIRST)}.{r.choice(_LAST)}", f"hr.{r.choice(_WORDS)}",
                      f"{r.choice(_FIRST)}{r.randint(1, 999)}", "talent-acquisition", "recruiter"])
    domain = g.domain() if g.maybe(0.6) else r.choice(_PROVIDERS)
    email = f"{local}@{domain}"
    return (g.defang_email(email) if g.maybe(0.6) else email), [(obs.EMAIL, email.lower())]


def _hash_slot(kind: str, make: Callable[[Generator], str]) -> Callable[[Generator], Slot]:
    def slot(g: Generator) -> Slot:
        value = make(g)
        return value, [(kind, value.lower())]
    return slot


_md5 = _hash_slot(obs.MD5, Generator.md5)
_sha1 = _hash_slot(obs.SHA1, Generator.sha1)
_sha256 = _hash_slot(obs.SHA256, Generator.sha256)
_sha512 = _hash_slot(obs.SHA512, Generator.sha512)
_md5_b58 = _hash_slot(obs.MD5, Generator.md5_base58_like)


def _eth(g: Generator) -> Slot:
    value = RONIN_EXPLOITER if g.maybe(0.1) else g.eth()
    return value, [(obs.ETH_ADDRESS, value.lower())]


def _btc(g: Generator) -> Slot:
    value = g.btc()
    return value, [(obs.BTC_ADDRESS, obs.normalize(obs.BTC_ADDRESS, value))]


def _tron(g: Generator) -> Slot:
    value = g.tron()
    return value, [(obs.TRON_ADDRESS, value)]


def _cve(g: Generator) -> Slot:
    value = g.cve()
    return value, [(obs.CVE, value)]


def _reg(g: Generator) -> Slot:
    value = g.registry_key()
    return value, [(obs.REGISTRY_KEY, value)]


def _file(g: Generator) -> Slot:
    value = g.filename()
    return value, [(obs.FILENAME, value)]


def _path(g: Generator) -> Slot:
    name = g.filename()
    folder = g.rng.choice([r"C:\Users\Public\Libraries", r"%APPDATA%\Microsoft\Windows",
                           r"C:\ProgramData\Intel", "/tmp/.cache", "/Users/Shared", "/Library/LaunchAgents"])
    sep = "\\" if "\\" in folder else "/"
    return f"{folder}{sep}{name}", [(obs.FILENAME, name)]


def _dll(g: Generator) -> Slot:
    value = g.rng.choice(_DLLS)
    return value, [(obs.FILENAME, value)]


# Hard negatives: shapes that look like indicators and count nothing.

def _version(g: Generator) -> Slot:
    r = g.rng
    quad = f"{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(1, 99)}"
    return r.choice([f"version {quad}", f"v{quad}", f"build {quad}", f"Version: {quad}",
                     f"Chrome {r.randint(100, 131)}.0.{r.randint(5000, 6999)}.{r.randint(10, 200)}",
                     f"Chrome/{r.randint(100, 131)}.0.0.0", f"OpenSSL 1.1.1{r.choice('tuvw')}",
                     f"build 10.0.{r.randint(17000, 22631)}.{r.randint(1, 3000)}",
                     f"section {r.randint(1, 9)}.{r.randint(1, 9)}.{r.randint(1, 9)}.{r.randint(1, 9)}"]), []


def _date(g: Generator) -> Slot:
    r = g.rng
    d, m, y = r.randint(1, 28), r.randint(1, 12), r.randint(2019, 2025)
    hh, mm, ss = r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)
    return r.choice([f"{d:02d}.{m:02d}.{y}", f"{y}.{m:02d}.{d:02d}", f"{hh:02d}:{mm:02d}:{ss:02d}",
                     f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}Z", f"{d:02d}/{m:02d}/{y}"]), []


def _phone(g: Generator) -> Slot:
    r = g.rng
    return r.choice([f"+82 2-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}",
                     f"+33 1 {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)} {r.randint(10, 99)}",
                     f"0{r.randint(1, 9)}.{r.randint(10, 99)}.{r.randint(10, 99)}.{r.randint(10, 99)}."
                     f"{r.randint(10, 99)}",
                     f"({r.randint(200, 999)}) {r.randint(200, 999)}-{r.randint(1000, 9999)}"]), []


def _price(g: Generator) -> Slot:
    r = g.rng
    return r.choice([f"${r.randint(1, 999)},{r.randint(100, 999)},{r.randint(100, 999)}.{r.randint(10, 99)}",
                     f"{r.randint(1, 9)}.{r.randint(100, 999)}.{r.randint(100, 999)} €",
                     f"{r.randint(1, 99)}.{r.randint(1, 9)} BTC",
                     f"{r.randint(1, 999)},{r.randint(10, 99)} €"]), []


def _mac(g: Generator) -> Slot:
    return ":".join(f"{g.rng.randint(0, 255):02X}" for _ in range(6)), []


def _code_name(g: Generator) -> Slot:
    return g.rng.choice(["config.json", "package.json", "Node.js", "System.IO.Compression",
                         "System.Net.WebClient", "Microsoft.Win32.Registry", "ASP.NET", "settings.yaml",
                         "e.g.", "i.e.", "U.S.", "Vue.js", "tsconfig.json"]), []


def _eth_bad(g: Generator) -> Slot:
    return g.eth_bad_checksum(), []


def _tech_terms(g: Generator) -> Slot:
    return g.rng.choice(["TLS 1.2", "HTTP/1.1", "x86_64", "UTF-8", "SHA-256", "OID 1.3.6.1.4.1.311.2",
                         "Python 3.11.4", "glibc 2.35", "Win32", "AES-256-CBC", "RFC 5246"]), []


def _md_link(g: Generator) -> Slot:
    host = g.rng.choice(["www.cisa.gov", "www.ic3.gov", "home.treasury.gov"])
    url = f"https://{host}/news/{g.rng.randint(1000, 9999)}"
    return f"[{g.rng.choice(['advisory', 'press release', 'source'])}]({url})", [(obs.URL, url)]


def _upper_domain(g: Generator) -> Slot:
    d = g.domain()
    return d.upper(), [(obs.DOMAIN, d)]


def _cve_lower(g: Generator) -> Slot:
    value = g.cve()
    return value.lower(), [(obs.CVE, value)]


def _prefixed_hash(g: Generator) -> Slot:
    kind, value = g.rng.choice([("sha256", g.sha256()), ("md5", g.md5()), ("sha1", g.sha1())])
    return f"{kind}:{value}", [(obs.classify(value), value.lower())]


def _named_mail(g: Generator) -> Slot:
    text, labels = _email(g)
    return f"{g.rng.choice(_FIRST).title()} {g.rng.choice(_LAST).title()} <{text}>", labels


def _spaced_path(g: Generator) -> Slot:
    name = g.filename()
    folder = g.rng.choice([r"C:\Program Files\Common Files\System", r"C:\Program Files (x86)\Google\Update",
                           r"%LOCALAPPDATA%\Microsoft\Edge\User Data"])
    return f"{folder}\\{name}", [(obs.FILENAME, name)]


def _spaced_name(g: Generator) -> str:
    r = g.rng
    stem = r.choice(["Job Description", "Salary Table 2024", "Interview Questions", "Coinbase Offer Letter",
                     "Project Brief (1)", "Compte rendu réunion", "Grille salariale"])
    return f"{stem}.{r.choice(['pdf.lnk', 'zip', 'docx', 'xlsx', 'iso', 'chm'])}"


def _quoted_file(g: Generator) -> Slot:
    name = _spaced_name(g)
    left, right = g.rng.choice([('"', '"'), ("“", "”"), ("« ", " »")])
    return f"{left}{name}{right}", [(obs.FILENAME, name)]


def _unquoted_spaced_file(g: Generator) -> Slot:
    name = _spaced_name(g)
    return name, [(obs.FILENAME, name)]


def _csv_row(g: Generator) -> Slot:
    ip = g.public_ip()
    d = g.domain()
    return f"{ip},{d},C2,{g.rng.randint(2021, 2025)}-0{g.rng.randint(1, 9)}-1{g.rng.randint(0, 9)}", \
        [(obs.IPV4, ip), (obs.DOMAIN, d)]


def _file_hash_row(g: Generator) -> Slot:
    name, value = g.filename(), g.sha256()
    return f"{name} ({value})", [(obs.FILENAME, name), (obs.SHA256, value.lower())]


SLOTS: dict[str, Callable[[Generator], Slot]] = {
    "ip": _ip, "ip_private": _ip_private, "ip_port": _ip_port, "cidr": _cidr, "ip6": _ip6,
    "domain": _domain, "url": _url, "bare_url": _bare_url, "email": _email,
    "md5": _md5, "sha1": _sha1, "sha256": _sha256, "sha512": _sha512, "md5_b58": _md5_b58,
    "eth": _eth, "btc": _btc, "tron": _tron, "cve": _cve, "reg": _reg, "file": _file, "path": _path,
    "dll": _dll, "version": _version, "date": _date, "phone": _phone, "price": _price, "mac": _mac,
    "code_name": _code_name, "eth_bad": _eth_bad, "tech": _tech_terms, "md_link": _md_link,
    "upper_domain": _upper_domain, "cve_lower": _cve_lower, "prefixed_hash": _prefixed_hash,
    "named_mail": _named_mail, "spaced_path": _spaced_path, "csv_row": _csv_row, "file_hash": _file_hash_row,
    "quoted_file": _quoted_file, "spaced_file": _unquoted_spaced_file,
}

# --- paragraph templates -------------------------------------------------------------------------

EN_TEMPLATES = [
    "{actor} {verb} {ip} as its primary C2 server, with {domain} as a fallback.",
    "The first-stage payload was downloaded from {url} and saved as {path}.",
    "Victims received a message from {email} offering a position; the attached {file} launched {malware}.",
    "{malware} resolves APIs from {dll} and {dll} at run time, then writes its configuration to config.json.",
    "The sample (MD5 {md5_b58}, SHA-1 {sha1}) was first submitted on {date}.",
    "SHA-256: {sha256}",
    "Persistence is achieved through the {reg} key, with the value pointing to {path}.",
    "The operators exploited {cve} and {cve} on exposed servers before moving laterally to {ip_private}.",
    "Stolen funds were sent to {eth}, then bridged and swapped to Bitcoin at {btc}.",
    "A Tron wallet, {tron}, received {price} in USDT from the laundering chain.",
    "Note that {version} of the legitimate client is not affected; users of {version} should update.",
    "The implant beacons every 60 seconds to {ip_port} and to {url}.",
    "The actor scanned {cidr} and the internal range {cidr} before deploying {malware}.",
    "IPv6 infrastructure was also observed: {ip6}.",
    "The fake recruiter asked candidates to run a Node.js project; its package.json pulled {url}.",
    "A PowerShell one-liner used System.Net.WebClient to fetch {bare_url} and run it in memory.",
    "Contact the SOC at {phone} (available 24/7) or by e-mail; do not reply to {email}.",
    "The ransom note demanded {price}, payable to {btc} within 72 hours (see section 4.2.1.3).",
    "A NIC with MAC address {mac} was seen on the compromised host at {date}.",
    "Hashes of the second stage: {md5}, {sha1}, {sha256}.",
    "The SHA-512 of the installer is {sha512}.",
    "In {malware}, the string {code_name} is used to locate settings, not as a network indicator.",
    "An address with a mistyped checksum, {eth_bad}, appears in the ransom note and is not valid.",
    "Downloads were hosted on {url}, {url} and {domain}; the latter resolved to {ip}.",
    "The dropper {file} was signed with a stolen certificate and contacted {domain} over TLS.",
    "Telemetry showed the victim running {version} at the time of the intrusion on {date}.",
    "See the joint {md_link} for context; the infrastructure included {upper_domain} and {ip}.",
    "The connection used {tech} and {tech}; the exploit ({cve_lower}) targets {tech} builds.",
    "YARA hits: {prefixed_hash}, {prefixed_hash}.",
    "The lure came from {named_mail} and dropped {spaced_path}.",
    "Exported firewall log line: {csv_row}",
    "Dropped files: {file_hash}; {file_hash}.",
    "The stealer targets wallets and uploads archives to {url}, using {tech} for transport.",
    "The archive {quoted_file} contained a shortcut that ran {file}.",
    "Candidates were sent {spaced_file} by a recruiter using {email}.",
]

FR_TEMPLATES = [
    "{actor} a utilisé {ip} comme serveur de commande et de contrôle (C2), avec {domain} en secours.",
    "La charge utile a été téléchargée depuis {url} puis enregistrée sous {path}.",
    "Les victimes ont reçu un courriel de {email} ; la pièce jointe {file} lançait {malware}.",
    "{malware} charge {dll} et lit sa configuration dans config.json.",
    "L'échantillon (MD5 {md5_b58}, SHA-1 {sha1}) a été soumis le {date}.",
    "Empreinte SHA-256 : {sha256}",
    "La persistance repose sur la clé de registre {reg}, dont la valeur pointe vers {path}.",
    "Les attaquants ont exploité la vulnérabilité {cve} avant de rebondir vers {ip_private}.",
    "Les fonds volés ont été transférés vers {eth}, puis convertis en bitcoins à l'adresse {btc}.",
    "Le portefeuille Tron {tron} a reçu {price} en USDT.",
    "La {version} du logiciel légitime n'est pas concernée.",
    "L'implant contacte {ip_port} toutes les 60 secondes, ainsi que {url}.",
    "Le réseau interne {cidr} a été balayé le {date}.",
    "Pour toute question, appelez le {phone} ; ne répondez pas à {email}.",
    "Les empreintes de la deuxième charge : {md5}, {sha1}.",
    "Un script PowerShell s'appuie sur System.Net.WebClient pour récupérer {bare_url}.",
    "Le domaine {domain} hébergeait une fausse page de connexion ; il résolvait vers {ip}.",
    "Voir l'{md_link} ; l'infrastructure comprenait {upper_domain} et {ip}.",
    "Le leurre provenait de {named_mail} et déposait {spaced_path}.",
    "Fichiers déposés : {file_hash} ; la connexion utilisait {tech}.",
    "Ligne de journal exportée : {csv_row}",
    "Le document {quoted_file} contenait une macro qui téléchargeait {url}.",
]

_TITLES_EN = ["Advisory: {actor} targets cryptocurrency firms", "Threat report: {malware} returns",
              "Joint advisory on North Korean IT worker activity", "Incident analysis: fake job offers"]
_TITLES_FR = ["Avis : {actor} cible les plateformes de cryptomonnaies",
              "Rapport de menace : retour de {malware}", "Analyse d'incident : fausses offres d'emploi"]
FILLER_EN = [
    "The campaign relied on social engineering over professional networks and messaging apps.",
    "Analysts observed long dwell times and careful removal of logs after each session.",
    "Defenders should review remote access tools and enforce phishing-resistant authentication.",
    "The activity overlaps with previously reported clusters, although tooling has evolved.",
    "Several victims were developers who had been asked to complete a coding assessment.",
]
FILLER_FR = [
    "La campagne reposait sur l'ingénierie sociale via les réseaux professionnels.",
    "Les analystes ont observé un effacement méthodique des journaux après chaque session.",
    "Il est recommandé de renforcer l'authentification et de surveiller les outils d'accès distant.",
]


def _fill(template: str, g: Generator) -> Slot:
    """Render one template; every slot is drawn anew, so a repeated slot name is a new value."""
    out: list[str] = []
    labels: list[Label] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        if name == "actor":
            out.append(g.rng.choice(_ACTORS))
        elif name == "malware":
            out.append(g.rng.choice(_MALWARE))
        elif name == "verb":
            out.append(g.rng.choice(_VERBS_EN))
        else:
            text, found = SLOTS[name](g)
            out.append(text)
            labels.extend(found)
    return "".join(out), labels


def _ioc_table(g: Generator, labels: list[Label], language: str) -> Slot:
    """An appendix re-listing some indicators of the document (dedup across spellings), plus new ones."""
    head = "| Type | Indicator |" if language == "en" else "| Type | Indicateur |"
    rows = [head, "|---|---|"]
    listed: list[Label] = []
    for kind, value in labels:
        if kind in (obs.DOMAIN, obs.IPV4) and g.maybe(0.6):
            rows.append(f"| {kind} | {g.defang_dots(value)} |")
            listed.append((kind, value))
        elif kind in obs.HASH_KINDS and g.maybe(0.5):
            rows.append(f"| {kind} | {value.upper() if g.maybe(0.3) else value} |")
            listed.append((kind, value))
    for slot in ("sha256", "domain", "url", "ip"):
        text, found = SLOTS[slot](g)
        rows.append(f"| {slot} | {text} |")
        listed.extend(found)
    return "\n".join(rows), listed


def build_document(doc_id: str, g: Generator) -> LabelledDoc:
    """One report: a title, paragraphs from the templates, some prose, maybe an IOC appendix."""
    language = "fr" if g.maybe(0.3) else "en"
    templates, fillers, titles = ((FR_TEMPLATES, FILLER_FR, _TITLES_FR) if language == "fr"
                                  else (EN_TEMPLATES, FILLER_EN, _TITLES_EN))
    title, _ = _fill(g.rng.choice(titles), g)
    parts = [title, ""]
    labels: list[Label] = []
    for _ in range(g.rng.randint(3, 8)):
        text, found = _fill(g.rng.choice(templates), g)
        if g.maybe(0.4):
            text = f"{text} {g.rng.choice(fillers)}"
        parts.append(text)
        labels.extend(found)
    if g.maybe(0.4):
        table, found = _ioc_table(g, labels, language)
        parts += ["", "Indicators of compromise" if language == "en" else "Indicateurs de compromission",
                  table]
        labels.extend(found)
    return LabelledDoc(doc_id, language, "\n".join(parts) + "\n", set(labels))


def build_corpus(n_docs: int = 300, seed: int = 7) -> list[LabelledDoc]:
    """``n_docs`` labelled documents; the same seed gives the same corpus."""
    g = Generator(random.Random(seed))
    return [build_document(f"doc-{i:04d}", g) for i in range(n_docs)]


def build_speed_text(size: int = 10_000_000, seed: int = 11) -> str:
    """About ``size`` characters of report text for timing: generated documents, each followed by
    the kind of indicator-free prose that makes up most of a real report."""
    g = Generator(random.Random(seed))
    parts: list[str] = []
    total = 0
    i = 0
    while total < size:
        doc = build_document(f"speed-{i}", g)
        fillers = FILLER_FR if doc.language == "fr" else FILLER_EN
        prose = " ".join(g.rng.choice(fillers) for _ in range(g.rng.randint(8, 20)))
        parts.append(doc.text)
        parts.append(prose + "\n\n")
        total += len(doc.text) + len(prose) + 2
        i += 1
    return "".join(parts)[:size]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--mb", type=float, default=0.0, help="also write speed.txt of this many MB")
    args = ap.parse_args()
    corpus = build_corpus(args.docs, args.seed)
    labels = sum(len(d.expected) for d in corpus)
    chars = sum(len(d.text) for d in corpus)
    print(f"documents: {len(corpus)}")
    print(f"characters: {chars}")
    print(f"expected indicators: {labels}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        with (args.out / "corpus.jsonl").open("w", encoding="utf-8") as f:
            for d in corpus:
                f.write(json.dumps({"id": d.id, "language": d.language, "text": d.text,
                                    "expected": sorted(d.expected)}, ensure_ascii=False) + "\n")
        if args.mb:
            (args.out / "speed.txt").write_text(build_speed_text(int(args.mb * 1_000_000)), encoding="utf-8")
        print(f"written: {args.out}")


if __name__ == "__main__":
    main()
