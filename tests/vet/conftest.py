"""Fixtures for vet tests: people files written from a few dicts, runs over them, a generated company."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from geobuk.vet.config import VetConfig
from geobuk.vet.data import join
from geobuk.vet.generate.writer import generate
from geobuk.vet.linking import link
from geobuk.vet.mapping import Mapping
from geobuk.vet.model import VetResult
from geobuk.vet.readers import read_all, schema
from geobuk.vet.run import vet_data

COLUMNS = (
    "person_id",
    "full_name",
    "email",
    "phone",
    "home_address",
    "shipping_address",
    "country",
    "timezone",
    "resume_text",
    "payment_account",
    "camera_refused",
    "education_country",
    "phone_type",
    "payment_holder",
    "department",
    "shift",
    "work_email",
    "github",
    "photo_hash",
)


def write_csv(path: Path, rows: list[dict], columns: tuple[str, ...] | None = None) -> Path:
    columns = columns or tuple(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def make_person(pid: str, **fields: str) -> dict:
    """A plain, unremarkable person; ``fields`` override."""
    n = int("".join(c for c in pid if c.isdigit()) or "0")
    row = {
        "person_id": pid,
        "full_name": f"Person {pid}",
        "email": f"person.{pid.lower()}@mail.example",
        "phone": f"+1 212 555 {1000 + n:04d}",
        "home_address": f"{n + 1} Main Street, Boston, MA 02101",
        "shipping_address": "",
        "country": "US",
        "timezone": "America/New_York",
        "resume_text": f"resume of {pid} " + " ".join(f"word{n}x{k}" for k in range(20)),
        "payment_account": f"US00{n:08d}",
        "camera_refused": "no",
        "education_country": "US",
        "phone_type": "mobile",
        "payment_holder": "",
        "department": "Engineering",
        "shift": "day",
        "work_email": f"{pid.lower()}@corp.example",
        "github": "",
        "photo_hash": "",
    }
    row.update(fields)
    return row


@pytest.fixture
def person() -> Callable[..., dict]:
    """``person("E1", phone=...)``: a plain person's row with some fields overridden."""
    return make_person


@pytest.fixture
def people_file(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: list[dict], name: str = "people.csv") -> Path:
        return write_csv(tmp_path / name, rows, COLUMNS)

    return make


@pytest.fixture
def vetted(tmp_path: Path) -> Callable[..., VetResult]:
    """Vet rows of people (and optional sign-in / device rows) with an optional config."""

    def run(
        rows: list[dict],
        signins: list[dict] = (),
        devices: list[dict] = (),
        config: VetConfig | None = None,
        indicators=None,
    ) -> VetResult:
        return vet_data(data_of(tmp_path, rows, signins, devices, config, indicators))

    return run


def data_of(tmp_path: Path, rows, signins=(), devices=(), config=None, indicators=None):
    people = read_all("people", [write_csv(tmp_path / "p.csv", rows, COLUMNS)], Mapping())
    sign = (
        read_all("signins", [write_csv(tmp_path / "s.csv", list(signins))], Mapping())
        if signins
        else schema("signins").empty_table()
    )
    dev = (
        read_all("devices", [write_csv(tmp_path / "d.csv", list(devices))], Mapping())
        if devices
        else schema("devices").empty_table()
    )
    return join(people, sign, dev, config or VetConfig(), indicators)


@pytest.fixture
def data_for(tmp_path: Path):
    def make(rows, signins=(), devices=(), config=None, indicators=None):
        return data_of(tmp_path, rows, signins, devices, config, indicators)

    return make


@pytest.fixture
def linkage_of(data_for):
    def make(rows, signins=(), devices=(), config=None):
        return link(data_for(rows, signins, devices, config))

    return make


@pytest.fixture(scope="session")
def company(tmp_path_factory) -> dict:
    """A generated company of 400 people (seed 11), its files and its truth."""
    folder = tmp_path_factory.mktemp("company")
    files = generate(400, 11, folder)
    return {"files": files, "truth": json.loads(files["truth"].read_text()), "folder": folder}
