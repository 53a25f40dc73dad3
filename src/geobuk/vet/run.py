"""One vet run: read, link, flag, score. The CLI and the library both call ``vet``."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from geobuk.detect.indicators import IndicatorIndex
from geobuk.intel.store import Store
from geobuk.vet import data as data_module
from geobuk.vet.config import VetConfig
from geobuk.vet.data import VetData
from geobuk.vet.flags import raise_flags
from geobuk.vet.linking import link
from geobuk.vet.mapping import Mapping
from geobuk.vet.model import VetResult
from geobuk.vet.scoring import build

Step = Callable[[str], None]


def indicators_of(store: Store | None) -> IndicatorIndex | None:
    """The store's indicators (VPN ranges, attributed IPs, sanctioned wallets), ready to match.

    Each is labelled with its name and description: IOC lists name an indicator by its value and
    say what it is ("Astrill VPN exit") in the description, which is what a flag must show.
    """
    if store is None:
        return None
    table = store.indicator_table()
    ids = pc.unique(table.column("indicator_id")).to_pylist()
    docs = store.get_many(ids)
    labels = []
    for oid, name, value in zip(
        table.column("indicator_id").to_pylist(),
        table.column("name").to_pylist(),
        table.column("value").to_pylist(),
        strict=True,
    ):
        description = (docs.get(oid) or {}).get("description") or ""
        parts = [p for p in (name if name and name != value else "", description) if p]
        labels.append(": ".join(parts) or value)
    return IndicatorIndex.from_table(
        table.set_column(table.schema.get_field_index("name"), "name", pa.array(labels, pa.string()))
    )


def vet_data(data: VetData, step: Step = lambda _: None) -> VetResult:
    """Link, flag and score people already read and joined."""
    start = time.perf_counter()
    step("linking")
    linkage = link(data)
    step("raising red flags")
    flags = raise_flags(data, linkage)
    step("scoring")
    result = build(data, linkage, flags)
    unmatched = int(pc.sum(pc.equal(data.signins.column("person"), -1)).as_py() or 0)
    unmatched_devices = int(pc.sum(pc.equal(data.devices.column("person"), -1)).as_py() or 0)
    result.summary = {
        "people": data.people.num_rows,
        "signins": data.signins.num_rows,
        "devices": data.devices.num_rows,
        "links": len(linkage.groups),
        "clusters": len(result.clusters),
        "flagged_people": len(result.flagged_people),
        "flagged_clusters": len(result.flagged_clusters),
        "threshold": data.config.threshold,
        "cluster_threshold": data.config.cluster_threshold,
        "home_country": data.home_country,
        "unmatched_signins": unmatched,
        "unmatched_device_rows": unmatched_devices,
        "too_common": linkage.ignored,
    }
    if unmatched:
        result.notes.append(
            f"{unmatched:,} sign-ins name a user who is in no people file; they were not used"
        )
    if unmatched_devices:
        result.notes.append(
            f"{unmatched_devices:,} device rows name a person_id in no people file; they were not used"
        )
    for kind, count in sorted(linkage.ignored.items()):
        result.notes.append(
            f"{count:,} {kind} value(s) shared by too many people to identify anyone "
            "(placeholders, offices, carrier NAT) were not used to link"
        )
    result.seconds = time.perf_counter() - start
    return result


def vet(
    people: list[Path],
    signins: list[Path] = (),
    devices: list[Path] = (),
    *,
    mapping: Mapping | None = None,
    config: VetConfig | None = None,
    store: Store | None = None,
    step: Step = lambda _: None,
) -> VetResult:
    """Vet the people files against the sign-in and device files (and the store's indicators)."""
    start = time.perf_counter()
    config = config or VetConfig()
    step("reading")
    data = vet_data_from(people, signins, devices, mapping or Mapping(), config, store)
    result = vet_data(data, step)
    result.seconds = time.perf_counter() - start
    return result


def vet_data_from(
    people: list[Path],
    signins: list[Path],
    devices: list[Path],
    mapping: Mapping,
    config: VetConfig,
    store: Store | None,
) -> VetData:
    return data_module.load(
        [Path(p) for p in people],
        [Path(p) for p in signins],
        [Path(p) for p in devices],
        mapping,
        config,
        indicators_of(store),
    )
