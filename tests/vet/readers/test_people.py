"""People readers: CSV and JSON, column mapping, and one clear error per broken file."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from geobuk.errors import InputError
from geobuk.vet.mapping import Mapping
from geobuk.vet.readers import read_all
from geobuk.vet.readers.tabular import _needs_trim


def test_csv_reads_canonical_columns_with_header_aliases(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(
        "Employee ID,Legal Name,Personal Email,Camera Refused\nE1,Ann Lee,ann@x.example,YES\n"
        "E2,Bo Kim,bo@x.example,\n"
    )
    table = read_all("people", [path], Mapping())
    assert table.column("person_id").to_pylist() == ["E1", "E2"]
    assert table.column("full_name").to_pylist() == ["Ann Lee", "Bo Kim"]
    assert table.column("camera_refused").to_pylist() == ["true", ""]
    assert table.column("_record").to_pylist() == [2, 3]


def test_mapping_renames_a_column(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("EmpNo,Nom\nE1,Ann\n")
    table = read_all("people", [path], Mapping({"people": {"person_id": "EmpNo", "full_name": "Nom"}}))
    assert table.column("person_id").to_pylist() == ["E1"] and table.column("full_name").to_pylist() == [
        "Ann"
    ]


def test_json_people(tmp_path):
    path = tmp_path / "hr.json"
    path.write_text(json.dumps([{"person_id": "E1", "email": "a@b.example", "contact": {"phone": "1"}}]))
    table = read_all("people", [path], Mapping())
    assert table.column("email").to_pylist() == ["a@b.example"]


@pytest.mark.parametrize(
    ("text", "message", "index"),
    [
        ("name,email\nAnn,a@b.example\n", "no person_id column", None),
        ("person_id,name\nE1,Ann\n,Bo\n", "no person_id", 3),
        ("person_id,name\nE1,Ann\nE1,Bo\n", "also on row 2", 3),
        ("person_id,camera_refused\nE1,maybe\n", "camera_refused must be yes or no", 2),
        ("person_id,photo_hash\nE1,xyz\n", "photo_hash must be 16 hex digits", 2),
        ("person_id,name\nE1,Ann\nE2,Bo,extra\n", "expected 2 fields, found 3", 3),
        ("", "empty", None),
    ],
)
def test_broken_csv_names_the_file_and_row(tmp_path, text, message, index):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_all("people", [path], Mapping())
    assert message in str(err.value) and str(path) in str(err.value)
    assert err.value.index == index
    assert "\n" not in str(err.value)


def test_broken_json_record(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"person_id": "E1"}, 5]')
    with pytest.raises(InputError, match="record 2: expected an object"):
        read_all("people", [path], Mapping())


def test_one_bad_file_of_several_fails_the_whole_read(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("person_id\nE1\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("person_id\n\n,\n")
    with pytest.raises(InputError, match="bad.csv"):
        read_all("people", [good, bad], Mapping())


def test_values_trimmed_only_at_the_ends(tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(
        'person_id,full_name,email,camera_refused\nE1," Ann  Lee ",a@b.example,Refused\n'
        "E2,Bo\u00a0,\tb@c.example,N\nE3,Cy,c@d.example,\n",
        encoding="utf-8",
    )
    table = read_all("people", [path], Mapping())
    assert table.column("full_name").to_pylist() == ["Ann  Lee", "Bo", "Cy"]
    assert table.column("email").to_pylist() == ["a@b.example", "b@c.example", "c@d.example"]
    assert table.column("camera_refused").to_pylist() == ["true", "false", ""]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "b c"], False),
        (["a ", "b"], True),
        ([" a"], True),
        (["é", "x\u00e9y"], False),  # non-ASCII ends checked exactly, not assumed
        (["a\u00a0"], True),
        (["\u3000x"], True),
        (["", ""], False),
        (["ab", "c\x1f"], True),
    ],
)
def test_needs_trim_reads_only_the_ends(values, expected):
    column = pa.chunked_array([pa.array(["pad", *values]).slice(1), pa.array([], pa.string())])
    assert _needs_trim(column) is expected
    assert expected == (pc.utf8_trim_whitespace(column).to_pylist() != column.to_pylist())
