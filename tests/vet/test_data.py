"""Sign-ins and devices are matched to people: by id, work e-mail or e-mail, ignoring case."""

from __future__ import annotations

import pyarrow as pa

from geobuk.vet.data import _person_index


def test_first_column_then_first_row_wins_and_unknown_users_are_minus_one():
    people = pa.table(
        {
            "person_id": ["E1", "E2", "E3", ""],
            "work_email": ["e1@corp.example", "", "SHARED@corp.example", "x@corp.example"],
            "email": ["e2", "shared@corp.example", "ann@mail.example", ""],
        }
    )
    users = pa.array(["e1", "E2", "shared@CORP.example", "ANN@mail.example", "nobody", "", "x@corp.example"])
    found = _person_index(people, users, ("person_id", "work_email", "email")).to_pylist()
    # "e2" is E1's e-mail but E2's id: ids are looked at first. "shared@..." is E3's work e-mail and
    # E2's e-mail: work e-mails come first. Blank values never match a blank user.
    assert found == [0, 1, 2, 2, -1, -1, 3]
    assert _person_index(people, pa.array([], pa.string()), ("person_id",)).to_pylist() == []
    none = pa.table({"person_id": ["", ""]})
    assert _person_index(none, pa.array(["a"]), ("person_id",)).to_pylist() == [-1]
