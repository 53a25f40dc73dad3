"""HR records of applicants and staff, from CSV or JSON (one record per person).

Beyond the columns the mapping finds, a person record is checked here: an id on every row and on one
row only (two rows with one id would silently merge two people), yes/no fields that say yes or no,
and photo hashes that are 64-bit hex. Everything else is kept as written; normalisation for linking
happens in ``normalize``.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.errors import InputError
from geobuk.vet.mapping import PEOPLE
from geobuk.vet.readers.base import READERS
from geobuk.vet.readers.rows import CsvRows, JsonRows
from geobuk.vet.readers.tabular import first_blank, first_false

TRUE = {"true", "yes", "y", "1", "t", "refused"}
FALSE = {"false", "no", "n", "0", "f", ""}
_HASH_PATTERN = "^[0-9a-fA-F]{16}$"


def validate_people(table: pa.Table, path: Path, what: str) -> pa.Table:
    """Check ids, yes/no values and photo hashes; normalise ``camera_refused`` to true/false/"".

    Each check runs over the whole column; only a failing one looks for its first bad row.
    """
    records = table.column("_record")
    ids = table.column("person_id")
    blank = first_blank(ids)
    if blank is not None:
        raise InputError(path, "no person_id", index=records[blank].as_py(), what=what)
    if pc.count_distinct(ids).as_py() != len(ids):
        _raise_duplicate(ids.to_pylist(), records, path, what)
    camera = pc.utf8_lower(table.column("camera_refused"))
    bad = first_false(pc.is_in(camera, pa.array(sorted(TRUE | FALSE))))
    if bad is not None:
        _reject(path, records, bad, what, f"camera_refused must be yes or no, not {camera[bad].as_py()!r}")
    refused = pc.if_else(pc.is_in(camera, pa.array(sorted(TRUE))), "true", "false")
    table = table.set_column(
        table.schema.get_field_index("camera_refused"),
        "camera_refused",
        pc.if_else(pc.equal(camera, ""), "", refused),
    )
    hashes = table.column("photo_hash")
    bad = first_false(pc.or_(pc.equal(hashes, ""), pc.match_substring_regex(hashes, _HASH_PATTERN)))
    if bad is not None:
        shown = hashes[bad].as_py()[:40]
        _reject(path, records, bad, what,
                f"photo_hash must be 16 hex digits (a 64-bit perceptual hash), not {shown!r}")
    return table


def _raise_duplicate(ids: list[str], records: pa.ChunkedArray, path: Path, what: str) -> None:
    """``InputError`` on the second row of the first id seen twice (the slow path, on failure only)."""
    seen: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if pid in seen:
            first = records[seen[pid]].as_py()
            _reject(path, records, i, what, f"person_id {pid!r} is also on {what} {first}")
        seen[pid] = i


@READERS.register
class PeopleCsv(CsvRows):
    name = "people-csv"
    kind = "people"
    description = "HR records as CSV, one row per person"
    names = list(PEOPLE)
    validate = staticmethod(validate_people)


@READERS.register
class PeopleJson(JsonRows):
    name = "people-json"
    kind = "people"
    description = "HR records as JSON (an array of objects or JSON Lines)"
    names = list(PEOPLE)
    validate = staticmethod(validate_people)


def _reject(path: Path, records: pa.ChunkedArray, row: int, what: str, message: str) -> NoReturn:
    """One line naming the file and the record of the first bad row."""
    raise InputError(path, message, index=records[row].as_py(), what=what)
