"""OFAC SDN digital-currency addresses: the one-address-a-line lists named ``sanctioned_addresses_XBT.txt``.

The lists carry no attribution and no asset column: the asset is in the file name, and it decides how
each line is checked. An OFAC asset code does not always name a chain geobuk validates: EVM chains
(ETH, ETC, BSC, ARB) and USDT/USDC share Ethereum's address format, BCH and BSV share Bitcoin's legacy
Base58Check format, Tron is Tron. Chains whose formats geobuk does not validate (LTC, XMR, XRP, ZEC,
DASH, BTG, XVG, BCH CashAddr) are reported as skipped, never stored unchecked: an address that was
not checked could be a typo that matches nothing, or worse, someone else.

Each address becomes one indicator per (asset, address) with provenance "OFAC SDN", labelled
``sanctioned``, so screening shows every list an address is on. The ``AssetInfo`` table is shared with
the TagPack importer, which names currencies with the same codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geobuk.errors import InputError
from geobuk.intel import observables as obs
from geobuk.intel.crypto_addresses import BITCOIN, ETHEREUM, TRON, parse_address
from geobuk.intel.ids import stable_id, stix_timestamp
from geobuk.intel.importers.base import IMPORTERS, ImportBatch, ImportContext, Importer
from geobuk.intel.patterns import pattern_for

OFAC_PROVENANCE = "OFAC SDN"
OFAC_URL = "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists"
FILE_NAME_RE = re.compile(r"sanctioned_addresses_([A-Za-z0-9]+)\.txt", re.IGNORECASE)


@dataclass(frozen=True)
class AssetInfo:
    """What an asset code means for validation: a display name and the chains whose formats it uses."""

    name: str
    chains: tuple[str, ...]
    note: str = ""


#: Asset codes (OFAC's, also used by GraphSense TagPacks) -> the address formats geobuk can check.
ASSETS: dict[str, AssetInfo] = {
    "XBT": AssetInfo("Bitcoin", (BITCOIN,)),
    "BTC": AssetInfo("Bitcoin", (BITCOIN,)),
    "BCH": AssetInfo("Bitcoin Cash", (BITCOIN,), "legacy addresses only; CashAddr is not validated"),
    "BSV": AssetInfo("Bitcoin SV", (BITCOIN,), "legacy addresses share Bitcoin's format"),
    "ETH": AssetInfo("Ethereum", (ETHEREUM,)),
    "ETC": AssetInfo("Ethereum Classic", (ETHEREUM,)),
    "BSC": AssetInfo("BNB Smart Chain", (ETHEREUM,)),
    "ARB": AssetInfo("Arbitrum", (ETHEREUM,)),
    "MATIC": AssetInfo("Polygon", (ETHEREUM,)),
    "POLYGON": AssetInfo("Polygon", (ETHEREUM,)),
    "USDT": AssetInfo("Tether", (ETHEREUM, TRON, BITCOIN), "on Ethereum, Tron and Bitcoin's Omni layer"),
    "USDC": AssetInfo("USD Coin", (ETHEREUM, TRON)),
    "TRX": AssetInfo("Tron", (TRON,)),
}
#: Asset codes seen on the SDN list whose address formats geobuk does not validate.
UNSUPPORTED_ASSETS = {
    "LTC": "Litecoin",
    "XMR": "Monero",
    "XRP": "XRP",
    "ZEC": "Zcash",
    "DASH": "Dash",
    "BTG": "Bitcoin Gold",
    "XVG": "Verge",
    "ETHW": "EthereumPoW",
}


@dataclass(frozen=True)
class CheckedAddress:
    """An address accepted for an asset: its indicator kind and canonical value."""

    kind: str
    value: str
    chain: str
    #: A valid address of another chain than the asset's (the SDN list has a Tron address under XBT).
    other_chain: bool = False


class UnsupportedFormat(ValueError):
    """The value is in a format of the asset that geobuk does not validate (e.g. BCH CashAddr)."""


def check_address(asset: str, raw: str) -> CheckedAddress:
    """Validate ``raw`` as an address of ``asset``.

    Raises ``UnsupportedFormat`` when geobuk cannot validate the format at all, ``ValueError`` (with
    the reason) when the value is in a format geobuk knows and is wrong: a typo, not a new chain.
    """
    info = ASSETS.get(asset.upper())
    if info is None:
        raise UnsupportedFormat(f"asset {asset!r} is not validated by geobuk")
    parsed = parse_address(raw)
    other = parsed.chain is not None and parsed.chain not in info.chains
    if other and parsed.valid and parsed.network == "mainnet":
        kind = obs.KIND_OF_CHAIN[parsed.chain]
        return CheckedAddress(kind, obs.normalize(kind, parsed.address), parsed.chain, other_chain=True)
    if parsed.chain is None or other:
        if parsed.chain is None and info.chains == (BITCOIN,) and asset.upper() not in ("XBT", "BTC"):
            raise UnsupportedFormat(f"{info.name} address format not validated by geobuk")
        wanted = " or ".join(c.capitalize() for c in info.chains)
        raise ValueError(f"{raw!r} is not an address of {wanted} ({parsed.reason or 'wrong format'})")
    if not parsed.valid:
        raise ValueError(f"{raw!r} is not a valid {parsed.chain} address: {parsed.reason}")
    if parsed.network != "mainnet":
        raise ValueError(f"{raw!r} is a {parsed.network} address")
    kind = obs.KIND_OF_CHAIN[parsed.chain]
    return CheckedAddress(kind, obs.normalize(kind, parsed.address), parsed.chain)


def address_indicator(
    *,
    key: tuple[str, ...],
    checked: CheckedAddress,
    asset: str,
    timestamp: str,
    labels: list[str],
    indicator_types: list[str],
    description: str,
    references: list[dict],
    provenance: str,
    extra: dict | None = None,
) -> dict:
    """One address indicator as every geobuk address source writes it (OFAC, TagPack, built-in set).

    ``x_geobuk_address`` carries what screening and tracing read back: chain, asset, provenance.
    """
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stable_id("indicator", *key, checked.kind, checked.value),
        "created": timestamp,
        "modified": timestamp,
        "valid_from": timestamp,
        "name": checked.value,
        "description": description,
        "indicator_types": indicator_types,
        "labels": labels,
        "pattern": pattern_for(checked.kind, checked.value),
        "pattern_type": "stix",
        "external_references": references,
        "x_geobuk_observable": {"type": checked.kind, "value": checked.value},
        "x_geobuk_address": {
            "chain": checked.chain,
            "asset": asset,
            "provenance": provenance,
            **(extra or {}),
        },
    }
    return obj


def asset_of(path: Path) -> str | None:
    match = FILE_NAME_RE.fullmatch(path.name)
    return match.group(1).upper() if match else None


@IMPORTERS.register
class OfacAddressesImporter(Importer):
    name = "ofac-addresses"
    description = "OFAC SDN digital currency address lists (sanctioned_addresses_<ASSET>.txt)"
    sniff_order = 40  # before ioc-list (90), which would read the same lines without asset or provenance

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """The list's file name, and lines that are single tokens."""
        if asset_of(path) is None:
            return False
        lines = [x.strip() for x in head.decode("utf-8", errors="replace").splitlines() if x.strip()]
        return bool(lines) and all(" " not in x and "," not in x for x in lines[:50])

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        asset = asset_of(path)
        if asset is None:
            raise InputError(
                path, "cannot tell the asset from the file name (expected sanctioned_addresses_<ASSET>.txt)"
            )
        try:
            text = path.read_bytes().decode("utf-8-sig")
            mtime = path.stat().st_mtime
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None
        batch = ImportBatch()
        lines = [
            (n, x.strip())
            for n, x in enumerate(text.splitlines(), 1)
            if x.strip() and not x.lstrip().startswith("#")
        ]
        if asset not in ASSETS:
            name = UNSUPPORTED_ASSETS.get(asset, asset)
            batch.warnings.append(
                f"{len(lines)} {name} ({asset}) address(es) not imported: geobuk does not "
                "validate this chain's addresses"
            )
            return batch
        timestamp = stix_timestamp(datetime.fromtimestamp(mtime, UTC))
        info = ASSETS[asset]
        skipped = 0
        objects: dict[str, dict] = {}
        for number, value in lines:
            try:
                checked = check_address(asset, value)
            except UnsupportedFormat:
                skipped += 1
                continue
            except ValueError as exc:
                raise InputError(path, str(exc), index=number, what="line") from None
            if checked.other_chain:
                batch.warnings.append(
                    f"line {number}: {value} is a valid {checked.chain} address listed under "
                    f"{asset}; stored as a {checked.chain} address"
                )
            obj = address_indicator(
                key=("ofac-sdn", asset),
                checked=checked,
                asset=asset,
                timestamp=timestamp,
                labels=["sanctioned"],
                indicator_types=["malicious-activity"],
                description=f"{info.name} ({asset}) address on the US OFAC SDN list.",
                references=[
                    {
                        "source_name": OFAC_PROVENANCE,
                        "url": OFAC_URL,
                        "description": f"{path.name}: digital currency address ({asset})",
                    }
                ],
                provenance=OFAC_PROVENANCE,
            )
            objects.setdefault(obj["id"], obj)
        if skipped:
            batch.warnings.append(
                f"{skipped} {info.name} address(es) skipped: {info.note or 'format not validated'}"
            )
        batch.objects = list(objects.values())
        if not batch.objects and not skipped:
            batch.warnings.append("no addresses in the file")
        return batch
