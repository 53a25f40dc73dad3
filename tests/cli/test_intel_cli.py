"""The `geobuk intel` commands, end to end through the CLI entry point."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import stix2

from factories import intrusion_set, malware, relationship
from geobuk.cli.main import run
from geobuk.intel.export import export_bundle
from geobuk.intel.importing import import_files
from geobuk.intel.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.duckdb"


def geobuk(db: Path, *args: str) -> int:
    return run(["--db", str(db), *args])


def write_bundle(path: Path, objects: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "bundle", "id": "bundle--8c6a8e4f-3f1c-4b6c-9d52-0f5a3c9e2b11",
                                "objects": objects}))
    return path


def test_actor_resolves_any_alias_spelling_to_one_card(db, capsys):
    for spelling in ("Onyx Sleet", "onyx-sleet", "ONYXSLEET", "APT45", "Silent Chollima"):
        assert geobuk(db, "intel", "actor", spelling, "--json") == 0
        card = json.loads(capsys.readouterr().out)
        assert card["name"] == "Andariel", spelling
        assert card["attack_id"] == "G0138"
    for key in ("id", "name", "aliases", "attack_id", "techniques", "malware"):
        assert key in card
    assert any(m["name"] == "Maui" for m in card["malware"])
    assert card["techniques"], "Andariel's techniques are in the pack"


def test_unknown_actor_exits_1_with_closest_names(db, capsys):
    assert geobuk(db, "intel", "actor", "Lazarus Grup") == 1
    err = capsys.readouterr().err
    assert "unknown actor" in err and "Lazarus Group" in err


def test_import_then_export_then_import_is_unchanged(db, tmp_path, capsys):
    actor = intrusion_set("Test Actor", ["Test Alias"])
    tool = malware("Test Malware")
    src = write_bundle(tmp_path / "in.json", [actor, tool, relationship("uses", actor, tool)])
    assert geobuk(db, "intel", "import", str(src)) == 0
    assert "3 new objects" in capsys.readouterr().out
    out = tmp_path / "out.json"
    assert geobuk(db, "intel", "export", "--out", str(out)) == 0
    bundle = json.loads(out.read_text())
    assert stix2.parse(bundle, allow_custom=True).type == "bundle"
    exported = {o["id"]: o for o in bundle["objects"]}
    assert exported[actor["id"]] == actor
    capsys.readouterr()
    assert geobuk(db, "intel", "import", str(out)) == 0
    assert "0 new objects, 0 new versions" in capsys.readouterr().out


def test_export_by_type_keeps_relationships_between_exported_objects(db, tmp_path, capsys):
    assert geobuk(db, "intel", "export", "--type", "intrusion-set", "--type", "malware") == 0
    bundle = json.loads(capsys.readouterr().out)
    types = {o["type"] for o in bundle["objects"]}
    assert types == {"intrusion-set", "malware", "relationship"}
    ids = {o["id"] for o in bundle["objects"]}
    for rel in (o for o in bundle["objects"] if o["type"] == "relationship"):
        assert rel["source_ref"] in ids and rel["target_ref"] in ids


def test_bad_object_is_one_line_exit_2_and_imports_nothing(db, tmp_path, capsys):
    good = intrusion_set("Good Actor")
    bad = malware("Bad")
    del bad["is_family"]
    first = write_bundle(tmp_path / "ok.json", [intrusion_set("Other Actor")])
    broken = write_bundle(tmp_path / "broken.json", [good, bad])
    assert geobuk(db, "intel", "import", str(first), str(broken)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "broken.json" in err and "object 1" in err and "is_family" in err
    assert geobuk(db, "intel", "search", "Other Actor") == 1  # the good first file was not kept either


def test_not_json_and_unknown_format_are_one_line(db, tmp_path, capsys):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02 not a feed \xff" * 10)
    assert geobuk(db, "intel", "import", str(junk)) == 2
    assert "junk.bin" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "bundle", "objects": [')
    assert geobuk(db, "intel", "import", "--format", "stix", str(broken)) == 2
    err = capsys.readouterr().err
    assert "broken.json" in err and "not valid JSON" in err


def test_search_and_stats(db, capsys):
    assert geobuk(db, "intel", "search", "jumpcloud") == 0
    assert "TraderTraitor" in capsys.readouterr().out
    assert geobuk(db, "intel", "stats", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["by_type"]["intrusion-set"] >= 10
    assert stats["pack_version"]


def test_killed_import_leaves_the_store_as_it_was(db, tmp_path, capsys):
    assert geobuk(db, "intel", "stats", "--json") == 0
    before = json.loads(capsys.readouterr().out)
    src = write_bundle(tmp_path / "big.json", [intrusion_set(f"Actor {i}") for i in range(500)])
    env = dict(os.environ, GEOBUK_FAULT="kill-before-commit")
    proc = subprocess.run([sys.executable, "-m", "geobuk", "--db", str(db), "intel", "import", str(src)],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == -9  # killed by SIGKILL just before COMMIT
    assert geobuk(db, "intel", "stats", "--json") == 0
    after = json.loads(capsys.readouterr().out)
    assert after == before


def test_every_command_has_help_with_an_example(capsys):
    for args in (["--help"], ["intel", "--help"], ["intel", "import", "--help"],
                 ["intel", "actor", "--help"], ["intel", "search", "--help"], ["intel", "stats", "--help"],
                 ["intel", "export", "--help"], ["demo", "--help"]):
        assert run(args) == 0
        assert "Example" in capsys.readouterr().out, args


def test_demo_runs_on_the_embedded_default(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEOBUK_HOME", str(tmp_path))
    assert run(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Andariel" in out and "TraderTraitor" in out
    assert (tmp_path / "demo.duckdb").exists()
    # Stage 1 reads the bundled news (French and English) and saves what they name for the hunt.
    read = [line for line in out.splitlines() if line.strip().startswith("read ")]
    assert any("(fr," in line and "Andariel" in line and "4 indicators" in line for line in read)
    assert any("(en," in line and "TraderTraitor" in line and "1 indicators" in line for line in read)
    hunt_line = next(line for line in out.splitlines() if line.startswith("2. hunt"))
    # The demo logs carry planted tradecraft of several actors: the hunt must attribute findings.
    for actor in ("Andariel", "TraderTraitor", "Famous Chollima"):
        assert actor in hunt_line
    vet_line = next(line for line in out.splitlines() if line.startswith("3. vet"))
    flagged = re.search(r"vetted: (\d+) people and (\d+) clusters flagged", vet_line)
    assert flagged and int(flagged.group(1)) > 0 and int(flagged.group(2)) > 0
    trace_line = next(line for line in out.splitlines() if line.startswith("4. trace"))
    assert "TraderTraitor" in trace_line and "mixer-deposit" in trace_line and "fan-out" in trace_line


def test_whole_store_round_trips_through_export(db, tmp_path, capsys):
    first = tmp_path / "first.json"
    assert geobuk(db, "intel", "export", "--out", str(first)) == 0
    other = tmp_path / "other.duckdb"
    assert geobuk(other, "intel", "import", str(first)) == 0
    assert "0 new objects, 0 new versions" in capsys.readouterr().out  # the pack was already there
    fresh = tmp_path / "fresh.duckdb"
    with Store(fresh) as store:  # a store without the built-in pack: the export alone must rebuild it
        import_files(store, [first])
        again = json.loads(export_bundle(store))
    assert sorted(again["objects"], key=lambda o: o["id"]) == sorted(
        json.loads(first.read_text())["objects"], key=lambda o: o["id"])
