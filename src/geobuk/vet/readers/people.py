"""HR records of applicants and staff, from CSV or JSON (one record per person).

Beyond the columns the mapping finds, a person record is checked here: an id on every row and on one
row only (two rows with one id would silently merge two people), yes/no fields that say yes or no,
and photo hashes that are 64-bit hex. Everything else is kept as written; normalisation for linking
happens in ``normalize``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.errors import InputError
from geobuk.vet.mapping import PEOPLE
from geobuk.vet.readers.base import READERS
from geobuk.vet.readers.rows import CsvRows, JsonRows
from geobuk.vet.readers.tabular import first_blank

TRUE = {"true", "yes", "y", "1", "t", "refused"}
FALSE = {"false", "no", "n", "0", "f", ""}
_HASH_RE = re.compile(r"[0-9a-fA-F]{16}")


def validate_people(table: pa.Table, path: Path, what: str) -> pa.Table:
    """Check ids, yes/no values and photo hashes; normalise ``camera_refused`` to true/false/""."""
    records = table.column("_record")
    blank = first_blank(table.column("person_id"))
    if blank is not None:
        raise InputError(path, "no person_id", index=records[blank].as_py(), what=what)
    ids = table.column("person_id").to_pylist()
    seen: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if pid in seen:
            raise InputError(
                path,
                f"person_id {pid!r} is also on {what} {records[seen[pid]].as_py()}",
                index=records[i].as_py(),
                what=what,
            )
        seen[pid] = i
    camera = pc.utf8_lower(table.column("camera_refused")).to_pylist()
    for i, value in enumerate(camera):
        if value not in TRUE and value not in FALSE:
            raise InputError(
                path, f"camera_refused must be yes or no, not {value!r}", index=records[i].as_py(), what=what
            )
    table = table.set_column(
        table.schema.get_field_index("camera_refused"),
        "camera_refused",
        pa.array(["true" if v in TRUE else ("false" if v else "") for v in camera], pa.string()),
    )
    for i, value in enumerate(table.column("photo_hash").to_pylist()):
        if value and not _HASH_RE.fullmatch(value):
            raise InputError(
                path,
                f"photo_hash must be 16 hex digits (a 64-bit perceptual hash), not {value[:40]!r}",
                index=records[i].as_py(),
                what=what,
            )
    return table


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
