"""Crypto-currency addresses: which chain an address belongs to, and whether its checksum holds.

DPRK theft (Ronin, Harmony, Atomic, Stake …) is traced through addresses copied between reports,
sanction lists and spreadsheets, where a single mistyped character produces a different, valid
looking string. Every address geobuk stores or follows is therefore checked against its chain's
own checksum: Base58Check for Bitcoin legacy and Tron, Bech32/Bech32m (BIP-173/BIP-350) for
Bitcoin segwit, EIP-55 for mixed-case Ethereum addresses.

Bech32 is written here from the BIP text because no maintained PyPI package implements Bech32m;
Base58Check comes from ``base58`` and Keccak-256 from ``pycryptodome``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import base58
from Crypto.Hash import keccak

BITCOIN = "bitcoin"
ETHEREUM = "ethereum"
TRON = "tron"
CHAINS = (BITCOIN, ETHEREUM, TRON)

MAINNET = "mainnet"
TESTNET = "testnet"

_B58 = "1-9A-HJ-NP-Za-km-z"
_BTC_BASE58_RE = re.compile(f"[13mn2][{_B58}]{{25,34}}")
_TRON_RE = re.compile(f"T[{_B58}]{{33}}")
_ETH_RE = re.compile(r"0[xX][0-9a-fA-F]{40}")
# The separator is the last "1"; the HRPs geobuk cares about are Bitcoin's main and test nets.
_BECH32_SHAPE_RE = re.compile(r"(?:bc|tb)1[ac-hj-np-z02-9]{8,87}", re.IGNORECASE)

# Version byte of a Base58Check Bitcoin address -> (network, address kind).
_BTC_VERSIONS = {
    0x00: (MAINNET, "p2pkh"),
    0x05: (MAINNET, "p2sh"),
    0x6F: (TESTNET, "p2pkh"),
    0xC4: (TESTNET, "p2sh"),
}
_TRON_VERSION = 0x41

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_VALUES = {c: i for i, c in enumerate(_BECH32_CHARSET)}
_BECH32_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_BECH32_HRPS = {"bc": MAINNET, "tb": TESTNET}


@dataclass(frozen=True)
class AddressInfo:
    """What one address string is.

    ``address`` is the canonical spelling when valid (Ethereum and Bech32 lower-cased, Base58
    unchanged since it is case-sensitive) and the input otherwise. ``reason`` says why an address
    is invalid, for messages shown to analysts.
    """

    chain: str | None
    address: str
    valid: bool
    reason: str = ""
    network: str = MAINNET
    kind: str = ""


def detect_chain(value: str) -> str | None:
    """The chain an address looks like it belongs to, from its shape alone (no checksum check).

    Kept separate from validation so a tracer can say "this is a Bitcoin address with a typo"
    rather than "this is nothing".
    """
    value = value.strip()
    if _ETH_RE.fullmatch(value):
        return ETHEREUM
    if _BECH32_SHAPE_RE.fullmatch(value) or _BTC_BASE58_RE.fullmatch(value):
        return BITCOIN
    if _TRON_RE.fullmatch(value):
        return TRON
    return None


def parse_address(value: str) -> AddressInfo:
    """Identify and validate one address; never raises on bad input (the result says why)."""
    value = value.strip()
    chain = detect_chain(value)
    if chain == ETHEREUM:
        return _parse_ethereum(value)
    if chain == TRON:
        return _parse_tron(value)
    if chain == BITCOIN:
        if value[:3].lower() in ("bc1", "tb1"):
            return _parse_bech32_address(value)
        return _parse_btc_base58(value)
    return AddressInfo(None, value, False, "not a recognised Bitcoin, Ethereum or Tron address")


def is_valid_address(value: str, chain: str | None = None) -> bool:
    """True for a valid mainnet address (of ``chain`` when given)."""
    info = parse_address(value)
    return info.valid and info.network == MAINNET and (chain is None or info.chain == chain)


# --- Ethereum -------------------------------------------------------------------------------

def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case spelling of a 0x-prefixed 40-hex-digit address."""
    hex_part = address[2:].lower()
    digest = keccak.new(digest_bits=256, data=hex_part.encode("ascii")).hexdigest()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(hex_part)
    )


def _parse_ethereum(value: str) -> AddressInfo:
    hex_part = value[2:]
    canonical = "0x" + hex_part.lower()
    # EIP-55: only a mixed-case spelling carries a checksum; all-lower and all-upper are plain hex.
    mixed_case = hex_part != hex_part.lower() and hex_part != hex_part.upper()
    if mixed_case and eip55_checksum(value) != "0x" + hex_part:
        return AddressInfo(ETHEREUM, value, False, "EIP-55 checksum mismatch", kind="account")
    return AddressInfo(ETHEREUM, canonical, True, kind="account")


# --- Base58Check (Bitcoin legacy, Tron) -----------------------------------------------------

def _b58check_payload(value: str) -> bytes | None:
    try:
        return base58.b58decode_check(value)
    except ValueError:
        return None


def _parse_btc_base58(value: str) -> AddressInfo:
    payload = _b58check_payload(value)
    if payload is None:
        return AddressInfo(BITCOIN, value, False, "Base58Check checksum mismatch")
    if len(payload) != 21 or payload[0] not in _BTC_VERSIONS:
        return AddressInfo(BITCOIN, value, False, "not a Bitcoin P2PKH/P2SH payload")
    network, kind = _BTC_VERSIONS[payload[0]]
    return AddressInfo(BITCOIN, value, True, network=network, kind=kind)


def _parse_tron(value: str) -> AddressInfo:
    payload = _b58check_payload(value)
    if payload is None:
        return AddressInfo(TRON, value, False, "Base58Check checksum mismatch")
    if len(payload) != 21 or payload[0] != _TRON_VERSION:
        return AddressInfo(TRON, value, False, "not a Tron (0x41) payload")
    return AddressInfo(TRON, value, True, kind="account")


# --- Bech32 / Bech32m (BIP-173, BIP-350) ----------------------------------------------------

def _bech32_polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, gen in enumerate(_BECH32_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(value: str) -> tuple[str, list[int], int] | None:
    """``(hrp, data without checksum, checksum constant)`` of a Bech32 or Bech32m string, or None.

    The constant tells which of the two encodings the checksum matched (1 or 0x2bc830a3).
    """
    if value.lower() != value and value.upper() != value:
        return None
    if len(value) > 90 or any(ord(c) < 33 or ord(c) > 126 for c in value):
        return None
    value = value.lower()
    sep = value.rfind("1")
    if sep < 1 or sep + 7 > len(value):
        return None
    hrp = value[:sep]
    try:
        data = [_BECH32_VALUES[c] for c in value[sep + 1:]]
    except KeyError:
        return None
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> bytes | None:
    """Regroup 5-bit words into bytes; None on leftover padding that BIP-173 forbids."""
    acc = bits = 0
    out = bytearray()
    mask = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & mask)
    if bits >= from_bits or (acc << (to_bits - bits)) & mask:
        return None
    return bytes(out)


def _parse_bech32_address(value: str) -> AddressInfo:
    decoded = bech32_decode(value)
    if decoded is None:
        return AddressInfo(BITCOIN, value, False, "Bech32 checksum or character set invalid")
    hrp, data, const = decoded
    network = _BECH32_HRPS.get(hrp)
    if network is None:
        return AddressInfo(BITCOIN, value, False, f"unknown human-readable part {hrp!r}")
    if not data or data[0] > 16:
        return AddressInfo(BITCOIN, value, False, "missing or invalid witness version")
    version = data[0]
    program = _convert_bits(data[1:], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return AddressInfo(BITCOIN, value, False, "invalid witness program")
    if version == 0 and len(program) not in (20, 32):
        return AddressInfo(BITCOIN, value, False, "witness v0 program must be 20 or 32 bytes")
    expected = _BECH32_CONST if version == 0 else _BECH32M_CONST
    if const != expected:
        wanted = "Bech32" if version == 0 else "Bech32m"
        return AddressInfo(BITCOIN, value, False, f"witness v{version} must use a {wanted} checksum")
    if version == 0:
        kind = "p2wpkh" if len(program) == 20 else "p2wsh"
    else:
        kind = "p2tr" if version == 1 and len(program) == 32 else f"witness-v{version}"
    return AddressInfo(BITCOIN, value.lower(), True, network=network, kind=kind)
