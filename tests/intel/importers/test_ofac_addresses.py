"""The OFAC SDN address-list importer on small lists written here (real file names, invented content)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geobuk.errors import InputError
from geobuk.intel.importers.base import IMPORTERS, ImportContext
from geobuk.intel.importers.ioc_list import IocListImporter
from geobuk.intel.importers.ofac_addresses import OfacAddressesImporter, check_address
from geobuk.intel.importing import detect_importer, import_files

RONIN = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
BTC = "1BK769SseNefb6fe9QuFEi8W4KGbtP8gi3"
TRON = "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq"


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path):
    return OfacAddressesImporter().read(path, ImportContext())


def test_wins_over_ioc_list_for_its_files(tmp_path: Path) -> None:
    path = _write(tmp_path, "sanctioned_addresses_ETH.txt", [RONIN])
    assert IocListImporter.sniff(path, path.read_bytes())  # both accept it ...
    assert detect_importer(path) is OfacAddressesImporter  # ... the specific one is tried first
    assert IMPORTERS.get("ofac-addresses") is OfacAddressesImporter
    assert not OfacAddressesImporter.sniff(tmp_path / "iocs.txt", path.read_bytes())


def test_indicators_carry_asset_and_provenance(tmp_path: Path) -> None:
    batch = _read(_write(tmp_path, "sanctioned_addresses_ETH.txt", [RONIN, "# comment", ""]))
    (obj,) = batch.objects
    assert obj["x_geobuk_observable"] == {"type": "eth-address", "value": RONIN.lower()}
    assert obj["x_geobuk_address"]["asset"] == "ETH"
    assert obj["x_geobuk_address"]["provenance"] == "OFAC SDN"
    assert obj["labels"] == ["sanctioned"]
    assert obj["pattern"] == f"[x-crypto-address:value = '{RONIN.lower()}']"
    assert obj["external_references"][0]["source_name"] == "OFAC SDN"


def test_same_address_on_two_lists_keeps_both(tmp_path: Path, store) -> None:
    usdt = _write(tmp_path, "sanctioned_addresses_USDT.txt", [RONIN, BTC])
    eth = _write(tmp_path, "sanctioned_addresses_ETH.txt", [RONIN])
    import_files(store, [usdt, eth])
    hits = store.indicators_for([RONIN.lower()])
    assert len(hits) == 2  # one indicator per (asset, address): both provenances stay visible


def test_checksum_typo_is_an_error_naming_the_line(tmp_path: Path) -> None:
    bad = RONIN[:-1] + "7"
    path = _write(tmp_path, "sanctioned_addresses_ETH.txt", [RONIN, bad])
    with pytest.raises(InputError, match=r"line 2: .*EIP-55"):
        _read(path)


def test_wrong_format_for_the_asset_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="line 1"):
        _read(_write(tmp_path, "sanctioned_addresses_XBT.txt", ["not-an-address"]))


def test_unsupported_chains_are_reported_not_stored(tmp_path: Path) -> None:
    batch = _read(_write(tmp_path, "sanctioned_addresses_LTC.txt", ["LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb"]))
    assert batch.objects == []
    assert "Litecoin" in batch.warnings[0]
    cash = _read(
        _write(tmp_path, "sanctioned_addresses_BCH.txt", [BTC, "qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq"])
    )
    assert len(cash.objects) == 1 and "CashAddr" in cash.warnings[0]


def test_valid_address_of_another_chain_is_kept_with_a_warning(tmp_path: Path) -> None:
    batch = _read(_write(tmp_path, "sanctioned_addresses_XBT.txt", [BTC, TRON]))
    kinds = sorted(o["x_geobuk_observable"]["type"] for o in batch.objects)
    assert kinds == ["btc-address", "tron-address"]
    assert "line 2" in batch.warnings[0]


def test_bad_file_imports_nothing(tmp_path: Path, store) -> None:
    good = _write(tmp_path, "sanctioned_addresses_ETH.txt", [RONIN])
    bad = _write(tmp_path, "sanctioned_addresses_XBT.txt", ["1BK769SseNefb6fe9QuFEi8W4KGbtP8gi4"])
    with pytest.raises(InputError):
        import_files(store, [good, bad])
    assert store.indicators_for([RONIN.lower()]) == []


def test_check_address_per_asset() -> None:
    assert check_address("BSC", RONIN).kind == "eth-address"
    assert check_address("TRX", TRON).chain == "tron"
    with pytest.raises(ValueError, match="testnet"):
        check_address("XBT", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn")
