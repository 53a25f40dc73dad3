from __future__ import annotations

import pytest

from geobuk.errors import InputError
from geobuk.vet.mapping import load_mapping


def test_mapping_file_and_missing_column(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("people:\n  person_id: EmpNo\n")
    mapping = load_mapping(path)
    assert mapping.columns("people", ["EmpNo", "Email"], "hr.csv") == {"person_id": "EmpNo", "email": "Email"}
    with pytest.raises(InputError, match="names column 'EmpNo'"):
        mapping.columns("people", ["id"], "hr.csv")


@pytest.mark.parametrize(
    ("text", "message"),
    [("staff: {}\n", "unknown input kind"), ("people: {badge: X}\n", "unknown field 'badge'")],
)
def test_bad_mapping(tmp_path, text, message):
    path = tmp_path / "map.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_mapping(path)
