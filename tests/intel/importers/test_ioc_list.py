"""The flat IOC-list importer on small invented lists in the shapes real feeds use."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from stix2patterns.validator import run_validator
from stix2validator import ValidationOptions, validate_instance

from geobuk.errors import InputError
from geobuk.intel.ids import stable_id
from geobuk.intel.importers.base import IMPORTERS, ImportContext
from geobuk.intel.importers.ioc_list import IocListImporter
from geobuk.intel.stix import check

FIXTURES = Path(__file__).parent / "fixtures" / "ioc_list"
LAZARUS = "intrusion-set--2f7d7fd4-3d5c-4a5e-9d4c-6a1f0a6c1a01"
KIMSUKY = "intrusion-set--2f7d7fd4-3d5c-4a5e-9d4c-6a1f0a6c1a02"
ACTORS = {"Lazarus Group": LAZARUS, "Kimsuky": KIMSUKY}
MTIME = datetime(2024, 3, 5, 6, 7, 8, tzinfo=UTC)


def _copy(name: str, tmp_path: Path) -> Path:
    """A fixture copy with a known mtime, since the STIX timestamps come from it."""
    path = tmp_path / name
    shutil.copyfile(FIXTURES / name, path)
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


def _read(path: Path, actors: dict[str, str] | None = None) -> list[dict]:
    known = actors or {}
    return IocListImporter().read(path, ImportContext(resolve_actor=known.get)).objects


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _indicators(objects: list[dict]) -> dict[tuple[str, str], dict]:
    return {
        (o["x_geobuk_observable"]["type"], o["x_geobuk_observable"]["value"]): o
        for o in objects if o["type"] == "indicator"
    }


def test_registered_under_its_name() -> None:
    assert IMPORTERS.get("ioc-list") is IocListImporter


def test_grouped_list_indicators(tmp_path: Path) -> None:
    objects = _read(_copy("grouped.txt", tmp_path), ACTORS)
    found = _indicators(objects)
    assert sorted(found) == [
        ("domain", "update-check.example.com"),
        ("md5", "015dee1ff6734b4de59f593fa5c52c99"),
        ("md5", "28c6278f3c2612e339791da8487ac127"),
        ("sha1", "de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea"),
        ("sha256", "570ba394a92e7f20fdd80629fa608e3bccef1b8fdd16c96fa559527f53c2b454"),
    ]
    loader = found[("md5", "28c6278f3c2612e339791da8487ac127")]
    assert loader["id"] == stable_id("indicator", "md5", "28c6278f3c2612e339791da8487ac127")
    assert loader["pattern"] == "[file:hashes.MD5 = '28c6278f3c2612e339791da8487ac127']"
    assert loader["pattern_type"] == "stix"
    assert loader["spec_version"] == "2.1"
    assert loader["indicator_types"] == ["malicious-activity"]
    assert loader["created"] == loader["modified"] == loader["valid_from"] == "2024-03-05T06:07:08.000Z"


def test_group_header_and_line_comment_describe_the_indicator(tmp_path: Path) -> None:
    found = _indicators(_read(_copy("grouped.txt", tmp_path)))
    backdoor = found[("sha1", "de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea")]
    header = "Lazarus Group job-lure campaign https://example.org/reports/dream-job"
    assert backdoor["description"] == f"{header} - Backdoor"
    assert backdoor["external_references"] == [
        {"source_name": "grouped.txt", "url": "https://example.org/reports/dream-job"},
    ]
    # A line without its own comment still gets the group's header; a new group drops the old one.
    assert found[("sha256", "570ba394a92e7f20fdd80629fa608e3bccef1b8fdd16c96fa559527f53c2b454")][
        "description"] == header
    assert found[("domain", "update-check.example.com")]["description"] == \
        "Unattributed droppers - C2 of the dropper"
    assert found[("domain", "update-check.example.com")]["external_references"] == [
        {"source_name": "grouped.txt", "description": "flat IOC list"},
    ]


def test_repeated_indicator_is_one_object_with_both_comments(tmp_path: Path) -> None:
    objects = _read(_copy("grouped.txt", tmp_path))
    md5 = "28c6278f3c2612e339791da8487ac127"
    loaders = [o for o in objects if o.get("x_geobuk_observable", {}).get("value") == md5]
    assert len(loaders) == 1
    assert loaders[0]["description"].split("\n") == [
        "Lazarus Group job-lure campaign https://example.org/reports/dream-job - Loader",
        "Unattributed droppers - Same loader, second report https://example.com/second",
    ]
    assert [r.get("url") for r in loaders[0]["external_references"]] == [
        "https://example.org/reports/dream-job", "https://example.com/second",
    ]


def test_actor_named_in_comment_gets_an_indicates_relationship(tmp_path: Path) -> None:
    objects = _read(_copy("grouped.txt", tmp_path), ACTORS)
    found = _indicators(objects)
    rels = {(o["source_ref"], o["target_ref"]) for o in objects if o["type"] == "relationship"}
    lazarus_group = {found[k]["id"] for k in found if "Lazarus Group" in found[k].get("description", "")}
    kimsuky = {found[("md5", "015dee1ff6734b4de59f593fa5c52c99")]["id"]}
    assert rels == {(i, LAZARUS) for i in lazarus_group} | {(i, KIMSUKY) for i in kimsuky}
    assert len(lazarus_group) == 3
    for rel in (o for o in objects if o["type"] == "relationship"):
        assert rel["relationship_type"] == "indicates"
        assert rel["id"] == stable_id("relationship", "indicates", rel["source_ref"], rel["target_ref"])


def test_no_actor_known_means_no_relationship(tmp_path: Path) -> None:
    objects = _read(_copy("grouped.txt", tmp_path), {})
    assert not [o for o in objects if o["type"] == "relationship"]


def test_actor_lookup_is_cached(tmp_path: Path) -> None:
    text = "".join(f"{i:032x};Lazarus Group loader - AV {i % 3}\n" for i in range(1, 50))
    path = _write(tmp_path, "many.txt", text)
    calls: list[str] = []

    def resolve(name: str) -> str | None:
        calls.append(name)
        return ACTORS.get(name)

    batch = IocListImporter().read(path, ImportContext(resolve_actor=resolve))
    assert len([o for o in batch.objects if o["type"] == "relationship"]) == 49
    assert calls.count("Lazarus Group") == 1
    assert "AV" not in calls


def test_short_words_are_not_taken_for_actor_names(tmp_path: Path) -> None:
    path = _write(tmp_path, "short.txt", "198.51.100.1;IT A scan\n")
    objects = _read(path, {"IT": LAZARUS, "A": LAZARUS, "IT A": KIMSUKY})
    assert [o["target_ref"] for o in objects if o["type"] == "relationship"] == [KIMSUKY]


def test_plain_list_with_defanged_values(tmp_path: Path) -> None:
    found = _indicators(_read(_copy("plain.txt", tmp_path)))
    assert sorted(found) == sorted([
        ("url", "https://login-verify.example.com/Portal/index.php"),
        ("domain", "evil-updates.example.com"),
        ("ipv4", "198.51.100.23"),
        ("ipv4-cidr", "203.0.113.0/24"),
        ("ipv6", "2001:db8::5"),
        ("email", "recruiter@example.com"),
        ("filename", "Invoice_2024.pdf.lnk"),
        ("eth-address", "0x098b716b8aaf21512996dc57eb0615e2383e2f96"),
        ("btc-address", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
        ("btc-address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
        ("tron-address", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"),
    ])
    assert found[("eth-address", "0x098b716b8aaf21512996dc57eb0615e2383e2f96")]["pattern"] == \
        "[x-crypto-address:value = '0x098b716b8aaf21512996dc57eb0615e2383e2f96']"
    assert all("description" not in o for o in found.values())


def test_csv_with_type_column(tmp_path: Path) -> None:
    found = _indicators(_read(_copy("typed.csv", tmp_path)))
    assert sorted(found) == sorted([
        ("md5", "272df436fbcfdae8e051f768d9a839f5"),
        ("domain", "c2.example.internal"),  # declared hostname: trusted despite the unlisted TLD
        ("ipv4", "192.0.2.10"),
        ("sha256", "c237d7f5b6973ca3c164a632dcec3aa2368c641f239e9ddb0f6f6f560b267956"),
        ("filename", "payload"),
        ("domain", "www.example.org"),  # unknown type name: the value's shape decides
    ])
    assert found[("md5", "272df436fbcfdae8e051f768d9a839f5")]["description"] == "Payload, stage 2"
    assert "description" not in found[("ipv4", "192.0.2.10")]


def test_csv_without_type_column_classifies(tmp_path: Path) -> None:
    path = _write(tmp_path, "values.csv", "ioc;comment\n198.51.100.9;scanner\nevil.example.com;c2\n")
    found = _indicators(_read(path))
    assert sorted(found) == [("domain", "evil.example.com"), ("ipv4", "198.51.100.9")]
    assert found[("ipv4", "198.51.100.9")]["description"] == "scanner"


def test_same_indicator_from_two_files_has_one_id(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.txt", "28C6278F3C2612E339791DA8487AC127;first\n")
    two = _write(tmp_path, "two.csv", "type,value\nmd5,28c6278f3c2612e339791da8487ac127\n")
    assert _read(one)[0]["id"] == _read(two)[0]["id"]


def test_objects_are_valid_stix(tmp_path: Path) -> None:
    objects = []
    for name in ("grouped.txt", "plain.txt", "typed.csv"):
        objects += _read(_copy(name, tmp_path), ACTORS)
    options = ValidationOptions(version="2.1", strict=False)
    for obj in objects:
        assert check(obj)[0] == obj["id"]
        result = validate_instance(obj, options)
        assert result.errors == [], obj
        if obj["type"] == "indicator":
            assert run_validator(obj["pattern"], stix_version="2.1") == []


def test_line_that_is_no_indicator_is_reported_with_its_number(tmp_path: Path) -> None:
    path = _copy("bad_line.txt", tmp_path)
    with pytest.raises(InputError) as err:
        _read(path)
    assert err.value.index == 3
    assert err.value.path == str(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line 3: ")
    assert "C:\\\\Users\\\\Public\\\\run.exe" in message
    assert "\n" not in message


def test_declared_type_that_contradicts_the_value_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "typed.csv", "type,value\nmd5,28c6278f3c2612e339791da8487ac127\n"
                                         "md5,de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea\n")
    with pytest.raises(InputError) as err:
        _read(path)
    assert err.value.index == 3
    assert "'md5'" in str(err.value)


def test_short_csv_row_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "short.csv", "type,value,comment\nmd5\n")
    with pytest.raises(InputError) as err:
        _read(path)
    assert err.value.index == 2


def test_unknown_type_and_unknown_value_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "mutex.csv", "type,value\nmutex,Global\\\\QWERTY\n")
    with pytest.raises(InputError) as err:
        _read(path)
    assert "'mutex'" in str(err.value)


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "latin1.txt", "198.51.100.1;caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        _read(path)


def test_file_of_comments_only_warns(tmp_path: Path) -> None:
    path = _write(tmp_path, "empty.txt", "# Lazarus C2 servers\n# (none published yet)\n")
    batch = IocListImporter().read(path, ImportContext())
    assert batch.objects == []
    assert batch.warnings == ["no indicators in the file"]


def test_separator_splits_a_url_from_its_comment(tmp_path: Path) -> None:
    path = _write(tmp_path, "urls.txt", "http://evil.example.com/a;jsessionid=1\n")
    found = _indicators(_read(path))
    assert list(found) == [("url", "http://evil.example.com/a")]
    assert found[("url", "http://evil.example.com/a")]["description"] == "jsessionid=1"


def test_url_is_kept_whole_when_only_the_whole_line_is_an_indicator(tmp_path: Path) -> None:
    path = _write(tmp_path, "urls.txt", "ftp://user;type=a@files.example.com/x.bin\n")
    assert list(_indicators(_read(path))) == [("url", "ftp://user;type=a@files.example.com/x.bin")]


@pytest.mark.parametrize("name", ["grouped.txt", "plain.txt", "typed.csv", "bad_line.txt"])
def test_sniff_accepts_ioc_lists(name: str) -> None:
    path = FIXTURES / name
    assert IocListImporter.sniff(path, path.read_bytes())


@pytest.mark.parametrize("head", [
    b'{"type": "bundle", "id": "bundle--1", "objects": []}\n',
    b"This report describes a campaign.\nIt has several paragraphs.\nNone of them is an indicator.\n",
    b"# only comments\n# nothing else\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"name,comment\nLazarus,actor\n",
])
def test_sniff_rejects_other_files(head: bytes, tmp_path: Path) -> None:
    assert not IocListImporter.sniff(tmp_path / "x", head)


def test_sniff_ignores_a_line_cut_by_the_window() -> None:
    head = b"198.51.100.1\n198.51.100.2\nthis line was cu"
    assert IocListImporter.sniff(Path("x.txt"), head)
    assert not IocListImporter.sniff(Path("x.txt"), b"198.51.100.1\nnot one\nnor this\n")
