"""The GraphSense TagPack importer on small packs in the real format."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import intrusion_set
from geobuk.errors import InputError
from geobuk.intel.importers.base import ImportContext
from geobuk.intel.importers.tagpack import LABEL_TYPE, TagPackImporter
from geobuk.intel.importing import detect_importer, import_files

LAZARUS = intrusion_set("Lazarus Group")
HEADER = """title: Test pack
creator: geobuk tests
source: https://example.org/advisory
lastmod: 2024-03-01
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _read(path: Path, actors: dict[str, str] | None = None):
    known = {k.lower().replace(" ", ""): v for k, v in (actors or {}).items()}
    return TagPackImporter().read(
        path, ImportContext(resolve_actor=lambda n: known.get(n.lower().replace(" ", "")))
    )


def test_actor_tags_become_indicators_that_indicate_the_actor(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER
        + """label: Lazarus group
category: user
abuse: sanction
actor: lazarusgroup
tags:
- address: 134r8iHv69xdT6p5qVKTsHrcUEuBVZAYak
  currency: BTC
- address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96'
  currency: ETH
""",
    )
    assert detect_importer(path) is TagPackImporter
    objects = _read(path, {"Lazarus Group": LAZARUS["id"]}).objects
    indicators = [o for o in objects if o["type"] == "indicator"]
    rels = [o for o in objects if o["type"] == "relationship"]
    assert len(indicators) == 2 and len(rels) == 2
    assert {r["target_ref"] for r in rels} == {LAZARUS["id"]}
    assert indicators[0]["labels"] == ["sanctioned"]
    assert indicators[0]["created"] == "2024-03-01T00:00:00.000Z"
    assert indicators[0]["external_references"][0]["url"] == "https://example.org/advisory"


def test_mixers_are_risky_and_services_are_labels(tmp_path: Path) -> None:
    mixer = _read(
        _write(
            tmp_path,
            HEADER + "category: mixing_service\ncurrency: ETH\ntags:\n"
            "- address: '0xd90e2f925DA726b50C4Ed8D0Fb90Ad053324F31b '\n",
        )
    ).objects
    assert mixer[0]["type"] == "indicator" and mixer[0]["labels"] == ["mixer"]  # trailing space stripped
    exchange = _read(
        _write(
            tmp_path,
            HEADER + "category: exchange\ncurrency: ETH\nlabel: Binance\ntags:\n"
            "- address: '0x28C6c06298d514Db089934071355E5743bf21d60'\n",
        )
    ).objects
    assert exchange[0]["type"] == LABEL_TYPE and exchange[0]["labels"] == ["exchange"]


def test_bad_checksum_names_the_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEADER + "currency: BTC\ntags:\n- address: 1BK769SseNefb6fe9QuFEi8W4KGbtP8gi3\n"
        "- address: 1BK769SseNefb6fe9QuFEi8W4KGbtP8gi4\n",
    )
    with pytest.raises(InputError, match="line 8"):
        _read(path)


def test_broken_yaml_and_wrong_shape(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid YAML at line"):
        _read(_write(tmp_path, "tags:\n- address: [unclosed\n"))
    with pytest.raises(InputError, match="not a TagPack"):
        _read(_write(tmp_path, "title: x\n"))
    with pytest.raises(InputError, match="no currency"):
        _read(_write(tmp_path, "tags:\n- address: 1BK769SseNefb6fe9QuFEi8W4KGbtP8gi3\n"))


def test_unsupported_currencies_are_reported(tmp_path: Path) -> None:
    batch = _read(
        _write(tmp_path, HEADER + "tags:\n- address: LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb\n  currency: LTC\n")
    )
    assert batch.objects == [] and "Litecoin" in batch.warnings[0]


def test_imports_through_the_store(tmp_path: Path, store) -> None:
    path = _write(
        tmp_path,
        HEADER + "category: user\nabuse: sanction\ncurrency: BTC\ntags:\n"
        "- address: 3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG\n",
    )
    counts = import_files(store, [path])
    assert counts.added == 1
    assert store.indicators_for(["3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG"])
