"""Address checksums against the chains' own public test vectors and real addresses."""

from __future__ import annotations

import pytest

from geobuk.intel.crypto_addresses import (
    BITCOIN,
    ETHEREUM,
    MAINNET,
    TESTNET,
    TRON,
    detect_chain,
    eip55_checksum,
    is_valid_address,
    parse_address,
)

RONIN_EXPLOITER = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"

# BIP-173 / BIP-350 valid segwit addresses: (address, network, kind).
SEGWIT_VALID = [
    ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", MAINNET, "p2wpkh"),
    ("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", TESTNET, "p2wsh"),
    ("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y", MAINNET, "witness-v1"),
    ("BC1SW50QGDZ25J", MAINNET, "witness-v16"),
    ("bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", MAINNET, "witness-v2"),
    ("tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c", TESTNET, "p2tr"),
    ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", MAINNET, "p2tr"),
]

# BIP-350 invalid addresses, each for the reason given.
SEGWIT_INVALID = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # unknown HRP
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # v1 with a Bech32 checksum
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # v2 with a Bech32 checksum
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # v16 with a Bech32 checksum
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # v0 with a Bech32m checksum
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # v0 with a Bech32m checksum
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # witness version 17
    "bc1pw5dgrnzv",  # 1-byte program
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # 41-byte program
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # v0 program of 16 bytes
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # padding of more than 4 bits
    "bc1gmk9yu",  # empty data
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # BIP-173: checksum off by one character
]

# EIP-55's own examples: mixed case with a valid checksum, then all-caps and all-lower (no checksum).
EIP55_MIXED = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    RONIN_EXPLOITER,
]
EIP55_PLAIN = [
    "0x52908400098527886E0F7030069857D2E4169EE7",
    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
    "0xde709f2102306220921060314715629080e2fb77",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
]


def _flip_case_of_first_letter(address: str) -> str:
    body = address[2:]
    i = next(i for i, c in enumerate(body) if c.isalpha())
    return "0x" + body[:i] + body[i].swapcase() + body[i + 1:]


@pytest.mark.parametrize(("address", "network", "kind"), SEGWIT_VALID)
def test_bip173_bip350_valid_addresses(address: str, network: str, kind: str) -> None:
    info = parse_address(address)
    assert (info.chain, info.valid, info.network, info.kind) == (BITCOIN, True, network, kind)
    assert info.address == address.lower()


@pytest.mark.parametrize("address", SEGWIT_INVALID)
def test_bip350_invalid_addresses(address: str) -> None:
    info = parse_address(address)
    assert not info.valid
    assert info.reason
    assert not is_valid_address(address)


@pytest.mark.parametrize(("address", "network", "kind"), [
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", MAINNET, "p2pkh"),  # the genesis block's address
    ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", MAINNET, "p2sh"),
    ("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", TESTNET, "p2pkh"),
    ("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", TESTNET, "p2sh"),
])
def test_base58check_bitcoin(address: str, network: str, kind: str) -> None:
    info = parse_address(address)
    assert (info.chain, info.valid, info.network, info.kind) == (BITCOIN, True, network, kind)
    assert info.address == address  # Base58 is case-sensitive: kept as written


@pytest.mark.parametrize("address", [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",  # last character changed
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNA",  # case of one character changed
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz",
])
def test_corrupted_base58_is_invalid(address: str) -> None:
    info = parse_address(address)
    assert info.chain == BITCOIN
    assert not info.valid
    assert "checksum" in info.reason


def test_testnet_addresses_are_valid_but_not_mainnet() -> None:
    assert parse_address("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn").valid
    assert not is_valid_address("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")
    assert is_valid_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", BITCOIN)
    assert not is_valid_address("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", ETHEREUM)


@pytest.mark.parametrize("address", EIP55_MIXED)
def test_eip55_mixed_case_checksums(address: str) -> None:
    info = parse_address(address)
    assert (info.chain, info.valid) == (ETHEREUM, True)
    assert info.address == address.lower()
    assert eip55_checksum(address.lower()) == address


@pytest.mark.parametrize("address", EIP55_MIXED)
def test_eip55_one_wrong_case_is_invalid(address: str) -> None:
    corrupted = _flip_case_of_first_letter(address)
    info = parse_address(corrupted)
    assert info.chain == ETHEREUM
    assert not info.valid
    assert info.reason == "EIP-55 checksum mismatch"


@pytest.mark.parametrize("address", EIP55_PLAIN)
def test_single_case_ethereum_carries_no_checksum(address: str) -> None:
    info = parse_address(address)
    assert info.valid
    assert info.address == address.lower()


def test_ronin_exploiter_in_any_single_case() -> None:
    assert parse_address(RONIN_EXPLOITER.lower()).valid
    assert parse_address("0x" + RONIN_EXPLOITER[2:].upper()).valid
    assert parse_address(RONIN_EXPLOITER[:-1] + "7").valid is False


@pytest.mark.parametrize("address", [
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",  # the USDT-TRC20 contract
    "T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb",  # Tron's zero address (0x41 and twenty zero bytes)
])
def test_tron_addresses(address: str) -> None:
    info = parse_address(address)
    assert (info.chain, info.valid, info.address) == (TRON, True, address)


def test_corrupted_tron_address() -> None:
    info = parse_address("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")
    assert info.chain == TRON
    assert not info.valid


@pytest.mark.parametrize(("value", "chain"), [
    (RONIN_EXPLOITER, ETHEREUM),
    ("0x" + "g" * 40, None),
    ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", BITCOIN),  # shape only: checksum not looked at
    ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", BITCOIN),
    ("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", TRON),
    ("LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb", None),  # Litecoin: not a chain geobuk follows
    ("example.com", None),
    ("", None),
])
def test_detect_chain(value: str, chain: str | None) -> None:
    assert detect_chain(value) == chain


def test_unrecognised_value_is_reported_not_raised() -> None:
    info = parse_address("not an address")
    assert (info.chain, info.valid) == (None, False)
    assert info.reason
