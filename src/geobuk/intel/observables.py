"""The one vocabulary of indicator types geobuk uses, and how to recognise and canonicalise them.

Every stage (importers, log hunting, vetting, crypto tracing) names indicator types with these
strings, and compares values only in the canonical form ``normalize`` gives, so the same IOC read
from a MISP event, a vendor IOC list and a proxy log is one thing.

``classify`` is deliberately conservative: a value that is not unmistakably one type is ``None``,
because a wrong type becomes a wrong STIX pattern that silently never matches (or matches the
wrong thing). It runs on every line of large IOC lists, so it tries cheap shape checks before any
parsing.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

from geobuk.intel.crypto_addresses import BITCOIN, ETHEREUM, TRON, is_valid_address

MD5 = "md5"
SHA1 = "sha1"
SHA256 = "sha256"
SHA512 = "sha512"
IPV4 = "ipv4"
IPV6 = "ipv6"
IPV4_CIDR = "ipv4-cidr"
IPV6_CIDR = "ipv6-cidr"
DOMAIN = "domain"
URL = "url"
EMAIL = "email"
FILENAME = "filename"
BTC_ADDRESS = "btc-address"
ETH_ADDRESS = "eth-address"
TRON_ADDRESS = "tron-address"
CVE = "cve"
REGISTRY_KEY = "registry-key"

HASH_KINDS = (MD5, SHA1, SHA256, SHA512)
IP_KINDS = (IPV4, IPV6, IPV4_CIDR, IPV6_CIDR)
CRYPTO_KINDS = (BTC_ADDRESS, ETH_ADDRESS, TRON_ADDRESS)
# What ``classify`` can answer; CVE and registry keys are only found by explicit extraction.
CLASSIFIED_KINDS = (*HASH_KINDS, *IP_KINDS, DOMAIN, URL, EMAIL, FILENAME, *CRYPTO_KINDS)
KINDS = (*CLASSIFIED_KINDS, CVE, REGISTRY_KEY)

CHAIN_OF_KIND = {BTC_ADDRESS: BITCOIN, ETH_ADDRESS: ETHEREUM, TRON_ADDRESS: TRON}
KIND_OF_CHAIN = {chain: kind for kind, chain in CHAIN_OF_KIND.items()}

_HASH_BY_LENGTH = {32: MD5, 40: SHA1, 64: SHA256, 128: SHA512}
_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_IPV4_SHAPE_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?")
_IPV6_SHAPE_RE = re.compile(r"[0-9a-fA-F:.]*:[0-9a-fA-F:.]*(?:/\d{1,3})?")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_DOMAIN_RE = re.compile(rf"(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})")
_EMAIL_RE = re.compile(r"[a-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?P<domain>[^@\s]+)")
_URL_RE = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]{1,15})://(?P<netloc>[^/?#\s]+)(?P<rest>[/?#]\S*)?", re.IGNORECASE
)
# Normalizing is looser than classifying: a URL stored by someone else may hold spaces.
_URL_PARTS_RE = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]{1,15})://(?P<netloc>[^/?#\s]+)(?P<rest>[/?#].*)?",
                           re.IGNORECASE | re.DOTALL)
_BARE_URL_RE = re.compile(r"(?P<netloc>[^/?#\s:@]+(?::\d{1,5})?)(?P<rest>/\S*)")
_BASE58_ADDRESS_RE = re.compile(r"[13T][1-9A-HJ-NP-Za-km-z]{25,34}")
_BECH32_PREFIX = ("bc1", "BC1")
_FILENAME_BAD = frozenset('/\\:*?"<>|\t\r\n\x00')
_CVE_RE = re.compile(r"CVE-\d{4}-\d{4,}", re.IGNORECASE)
_REGISTRY_KEY_RE = re.compile(
    r"(?:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG"
    r"|HKLM|HKCU|HKCR|HKU|HKCC)(?:\\[^\\\r\n]+)+\\?",
    re.IGNORECASE,
)

URL_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "sftp", "ws", "wss", "smb", "tcp", "udp", "ldap"})

# Extensions that make a name a file analysts hunt for: executables, scripts, documents that carry
# macros or exploits, archives and disk images used to smuggle them, and the opaque blobs
# (.bin/.dat/.tmp) DPRK loaders drop. Images and plain media are left out on purpose.
_FILE_EXTENSIONS_TEXT = """
    exe dll sys scr cpl ocx drv efi msi msp msu msix appx appxbundle lnk pif elf dylib ko bin dat tmp
    bat cmd ps1 psm1 psd1 vbs vbe js jse wsf wsc wsh hta jar class dex apk ipa sh py rb php asp aspx
    jsp jspx lua au3 ahk applescript scpt command reg inf url library-ms search-ms settingcontent-ms
    doc docx docm dot dotm dotx xls xlsx xlsm xlsb xlt xltm xll xla xlam ppt pptx pptm pps ppsx ppsm
    pot potm pdf rtf odt ods odp one onepkg chm hlp iqy slk mht mhtml htm html txt wll
    zip rar 7z tar gz tgz bz2 xz cab iso img vhd vhdx arj ace lzh z01 dmg pkg deb rpm
"""
FILE_EXTENSIONS = frozenset(_FILE_EXTENSIONS_TEXT.split())

_PSL = PublicSuffixList(accept_unknown=False, only_icann=True)

# Defanging styles seen in reports and feeds, mapped to what they stand for.
_REFANG_RE = re.compile(
    r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\[@\]|\(@\)|\[at\]|\(at\)|\[:\]|\[://\]"
    r"|\b(?:hxxp|fxp)(?=s?(?::|\[:\]|\[://\]))",
    re.IGNORECASE,
)
_REFANG_MAP = {
    "[.]": ".", "(.)": ".", "{.}": ".", "[dot]": ".", "(dot)": ".", "{dot}": ".",
    "[@]": "@", "(@)": "@", "[at]": "@", "(at)": "@", "[:]": ":", "[://]": "://",
    "hxxp": "http", "fxp": "ftp",
}


def refang(text: str) -> str:
    """Undo the usual defanging (``hxxp``, ``[.]``, ``(.)``, ``[dot]``, ``[@]``, ``[:]``)."""
    if "[" not in text and "(" not in text and "{" not in text:
        lowered = text.lower()
        if "hxxp" not in lowered and "fxp" not in lowered:
            return text
    return _REFANG_RE.sub(lambda m: _REFANG_MAP[m.group(0).lower()], text)


@lru_cache(maxsize=4096)
def _is_public_tld(tld: str) -> bool:
    return _PSL.publicsuffix("x." + tld) is not None


def is_domain(value: str) -> bool:
    """A lower-case host name whose last label is a real ICANN top-level domain."""
    if len(value) > 253 or not _DOMAIN_RE.fullmatch(value):
        return False
    return _is_public_tld(value.rsplit(".", 1)[1])


def _is_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    host = host.lower().rstrip(".")
    if _IPV4_SHAPE_RE.fullmatch(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return is_domain(host)


def _split_netloc(netloc: str) -> tuple[str, str, str]:
    """``(userinfo@, host, :port)`` of a URL authority."""
    userinfo, _, hostport = netloc.rpartition("@")
    userinfo = userinfo + "@" if userinfo else ""
    if hostport.startswith("["):
        end = hostport.find("]")
        return userinfo, hostport[: end + 1], hostport[end + 1:]
    host, sep, port = hostport.partition(":")
    return userinfo, host, sep + port


def _is_url(value: str) -> bool:
    match = _URL_RE.fullmatch(value)
    if match:
        if match["scheme"].lower() not in URL_SCHEMES:
            return False
        netloc = match["netloc"]
    else:
        match = _BARE_URL_RE.fullmatch(value)
        if not match:
            return False
        netloc = match["netloc"]
    _, host, port = _split_netloc(netloc)
    if port and not (port[0] == ":" and port[1:].isdigit() and 0 < int(port[1:]) < 65536):
        return False
    return _is_host(host)


def _file_extension(value: str) -> str | None:
    stem, dot, ext = value.rpartition(".")
    if not dot or not stem.strip() or not ext:
        return None
    ext = ext.lower()
    return ext if ext in FILE_EXTENSIONS else None


def is_filename(value: str) -> bool:
    """A bare file name (no directory) with an extension from ``FILE_EXTENSIONS``."""
    if len(value) > 255 or value != value.strip() or _FILENAME_BAD.intersection(value):
        return False
    return _file_extension(value) is not None


def _classify_ip(value: str) -> str | None:
    try:
        if "/" in value:
            net = ipaddress.ip_network(value, strict=False)
            return IPV4_CIDR if net.version == 4 else IPV6_CIDR
        return IPV4 if ipaddress.ip_address(value).version == 4 else IPV6
    except ValueError:
        return None


def _classify_name(value: str) -> str | None:
    """A dotted name: a file name or a domain, telling the two apart by the extension.

    ``kernel32.dll`` has no public TLD, ``example.com`` has no file extension. Some extensions are
    also TLDs (``.zip``, ``.sh``, ``.py``, ``.one``): a single-label name such as ``invoice.zip``
    is read as the file it nearly always is in IOC lists, ``cdn.example.zip`` as a domain.
    """
    ext = _file_extension(value)
    lowered = value.lower().rstrip(".")
    if ext is not None and is_filename(value) and not (value.count(".") > 1 and is_domain(lowered)):
        return FILENAME
    if is_domain(lowered):
        return DOMAIN
    return None


def classify(value: str) -> str | None:
    """The indicator type of one stand-alone value (refanged first), or None if it is none of them."""
    value = refang(value.strip())
    n = len(value)
    if n == 0:
        return None
    if n in _HASH_BY_LENGTH and _HEX_RE.fullmatch(value):
        return _HASH_BY_LENGTH[n]
    if n == 42 and value[:2] in ("0x", "0X") and _HEX_RE.fullmatch(value, 2):
        # A bad EIP-55 checksum is a mistyped address, not some other kind of indicator.
        return ETH_ADDRESS if is_valid_address(value, ETHEREUM) else None
    first = value[0]
    if first.isdigit() and _IPV4_SHAPE_RE.fullmatch(value):
        return _classify_ip(value)
    if ":" in value:
        if "://" in value:
            return URL if _is_url(value) else None
        if _IPV6_SHAPE_RE.fullmatch(value):
            return _classify_ip(value)
    if "@" in value:
        lowered = value.lower()
        match = _EMAIL_RE.fullmatch(lowered)
        return EMAIL if match and is_domain(match["domain"].rstrip(".")) else None
    if value.startswith(_BECH32_PREFIX) and "." not in value and is_valid_address(value, BITCOIN):
        return BTC_ADDRESS
    if 26 <= n <= 35 and first in "13T" and _BASE58_ADDRESS_RE.fullmatch(value):
        if first == "T":
            return TRON_ADDRESS if is_valid_address(value, TRON) else None
        return BTC_ADDRESS if is_valid_address(value, BITCOIN) else None
    if "/" in value:
        return URL if _is_url(value) else None
    if "." in value:
        return _classify_name(value)
    return None


def fits(kind: str, value: str) -> bool:
    """True if ``value`` can be a ``kind`` when a source declares it so (e.g. a typed CSV column).

    Looser than ``classify`` only where classify needs corroboration a declaration supplies: a
    domain under a TLD not in the public list, a file name without a known extension, a URL of an
    unusual scheme. Values with a checkable shape (hashes, IPs, addresses) must still have it.
    """
    value = refang(value.strip())
    if not value:
        return False
    if kind == DOMAIN:
        return _DOMAIN_RE.fullmatch(value.lower().rstrip(".")) is not None
    if kind == FILENAME:
        return len(value) <= 255 and not _FILENAME_BAD.intersection(value)
    if kind == URL:
        return bool(_URL_RE.fullmatch(value)) or _is_url(value)
    if kind == CVE:
        return is_cve(value)
    if kind == REGISTRY_KEY:
        return is_registry_key(value)
    return classify(value) == kind


def is_cve(value: str) -> bool:
    """A CVE identifier; only text extraction asks, ``classify`` never answers ``cve``."""
    return _CVE_RE.fullmatch(value.strip()) is not None


def is_registry_key(value: str) -> bool:
    """A Windows registry key path under one of the standard hives."""
    return _REGISTRY_KEY_RE.fullmatch(value.strip()) is not None


def _normalize_url(value: str) -> str:
    match = _URL_PARTS_RE.fullmatch(value)
    if match:
        scheme, netloc, rest = match["scheme"].lower() + "://", match["netloc"], match["rest"] or ""
    else:
        match = _BARE_URL_RE.fullmatch(value)
        if not match:
            raise ValueError(f"not a URL: {value!r}")
        scheme, netloc, rest = "", match["netloc"], match["rest"]
    userinfo, host, port = _split_netloc(netloc)
    return f"{scheme}{userinfo}{host.lower().rstrip('.')}{port}{rest}"


def normalize(kind: str, value: str) -> str:
    """The canonical form of ``value`` as a ``kind``, the only form geobuk compares or stores.

    Raises ``ValueError`` for an unknown kind, or for an IP/URL that cannot be parsed as one.
    """
    value = refang(value.strip())
    if kind in HASH_KINDS:
        return value.lower()
    if kind in (IPV4, IPV6):
        return str(ipaddress.ip_address(value))
    if kind in (IPV4_CIDR, IPV6_CIDR):
        return str(ipaddress.ip_network(value, strict=False))
    if kind == DOMAIN:
        return value.lower().rstrip(".")
    if kind == EMAIL:
        return value.lower()
    if kind == URL:
        return _normalize_url(value)
    if kind == ETH_ADDRESS:
        return value.lower()
    if kind == BTC_ADDRESS:
        # Bech32 is case-insensitive (lower is canonical); Base58 is case-sensitive.
        return value.lower() if value[:3].lower() in ("bc1", "tb1") else value
    if kind in (TRON_ADDRESS, FILENAME, REGISTRY_KEY):
        return value
    if kind == CVE:
        return value.upper()
    raise ValueError(f"unknown indicator type {kind!r}")
