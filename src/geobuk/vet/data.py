"""The inputs of one vet run, joined: people, and their sign-ins and devices by person.

Sign-ins name a user by login (an e-mail or UPN) or by person_id; devices by person_id. Both get a
``person`` column, the person's position in the people table (-1 when nobody matches; counted and
reported, never dropped silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.indicators import IndicatorIndex
from geobuk.errors import InputError
from geobuk.vet.config import VetConfig
from geobuk.vet.mapping import Mapping
from geobuk.vet.readers import read_all, schema


@dataclass
class VetData:
    people: pa.Table
    signins: pa.Table
    devices: pa.Table
    config: VetConfig
    home_country: str
    indicators: IndicatorIndex | None = None

    @property
    def ids(self) -> list[str]:
        return self.people.column("person_id").to_pylist()

    def column(self, name: str) -> list[str]:
        return self.people.column(name).to_pylist()


def _person_index(people: pa.Table, users: pa.Array | pa.ChunkedArray, columns: tuple[str, ...]) -> pa.Array:
    """Each user's position in the people table: the first of ``columns`` (in order, then by row) whose
    lower-cased value equals the lower-cased user; -1 when none does.

    Vectorised: the candidate keys of all columns are dictionary-encoded, whose codes follow first
    appearance, so each distinct key's first position is one ``np.unique``.
    """
    if len(users) == 0:
        return pa.array([], pa.int64())
    n = people.num_rows
    keys = pa.chunked_array(
        [chunk for name in columns for chunk in pc.utf8_lower(people.column(name)).chunks], pa.string()
    )
    positions = np.tile(np.arange(n, dtype=np.int64), len(columns))
    nonblank = pc.not_equal(keys, "")
    keys = pc.filter(keys, nonblank).combine_chunks()
    positions = positions[nonblank.to_numpy()]
    encoded = pc.dictionary_encode(keys)
    _, first = np.unique(np.asarray(encoded.indices), return_index=True)
    found = pc.index_in(pc.utf8_lower(users), encoded.dictionary)
    return pc.fill_null(pc.take(pa.array(positions[first], pa.int64()), found), -1)


def home_country(people: pa.Table, config: VetConfig) -> str:
    """The configured home country, else the commonest ``country`` of the people file (else "")."""
    if config.home_country:
        return config.home_country
    counts = pc.value_counts(pc.utf8_upper(people.column("country")).combine_chunks()).to_pylist()
    counts = [c for c in counts if c["values"]]
    return max(counts, key=lambda c: (c["counts"], c["values"]))["values"] if counts else ""


def join(
    people: pa.Table,
    signins: pa.Table,
    devices: pa.Table,
    config: VetConfig,
    indicators: IndicatorIndex | None = None,
) -> VetData:
    """People with their sign-ins and devices matched to them."""
    signins = signins.append_column(
        "person", _person_index(people, signins.column("user"), ("person_id", "work_email", "email"))
    )
    devices = devices.append_column(
        "person", _person_index(people, devices.column("person_id"), ("person_id",))
    )
    return VetData(people, signins, devices, config, home_country(people, config), indicators)


def load(
    people: list[Path],
    signins: list[Path],
    devices: list[Path],
    mapping: Mapping,
    config: VetConfig,
    indicators: IndicatorIndex | None = None,
) -> VetData:
    """Read every input (the first bad row of any file stops the run) and join them."""
    people_table = read_all("people", people, mapping)
    ids = people_table.column("person_id")
    if len(pc.unique(ids)) != len(ids):
        duplicate = next(v for v in pc.value_counts(ids).to_pylist() if v["counts"] > 1)["values"]
        rows = people_table.filter(pc.equal(ids, duplicate))
        first, second = rows.slice(0, 1).to_pylist()[0], rows.slice(1, 1).to_pylist()[0]
        raise InputError(
            second["_source"],
            f"person_id {duplicate!r} is also in {first['_source']}",
            index=second["_record"],
            what="row",
        )
    signin_table = read_all("signins", signins, mapping) if signins else schema("signins").empty_table()
    device_table = read_all("devices", devices, mapping) if devices else schema("devices").empty_table()
    return join(people_table, signin_table, device_table, config, indicators)
