"""Intel store vs the ``stix2`` library's MemoryStore: loading ATT&CK, and looking things up.

Both sides run in this one process on the same data:
- load: the ATT&CK bundle in ../shared/data/attack (read + parse + store), geobuk into a fresh
  DuckDB file, stix2 into a MemoryStore;
- lookups: 10,000 names (aliases of intrusion sets, in mixed spellings, hits and misses) and
  10,000 indicator values (signature-base DPRK hashes, OFAC ETH/XBT addresses; hits and misses).
  stix2 is queried with
  Filters on ``aliases`` / ``pattern``; it is slow, so it runs on a sample and its per-lookup time is
  extrapolated to 10,000 (said so in the output).

Run: .venv/bin/python bench/bench_intel.py [--sample 300]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import orjson
import stix2

from geobuk.intel.importers import ImportContext
from geobuk.intel.importers.ioc_list import IocListImporter
from geobuk.intel.importing import import_files
from geobuk.intel.store import Store

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ATTACK = DATA / "attack" / "enterprise-attack-v18.1-stix20.json"
IOCS = [DATA / "signature-base" / "hash-iocs-dprk.txt",
        DATA / "ofac-addresses" / "sanctioned_addresses_ETH.txt",
        DATA / "ofac-addresses" / "sanctioned_addresses_XBT.txt"]
N = 10_000


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def spellings(name: str, rng: random.Random) -> str:
    return rng.choice([name, name.upper(), name.lower(), name.replace(" ", "-"), name.replace(" ", "")])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=300, help="stix2 lookups actually run per kind")
    args = ap.parse_args()
    rng = random.Random(7)

    # ---- load ATT&CK: best of three for each side (the first run of each pays one-time warm-up)
    runs_geobuk, runs_stix2 = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            runs_geobuk.append(timed(lambda: _load_geobuk(Path(tmp) / "bench.duckdb")))  # noqa: B023
        runs_stix2.append(timed(lambda: stix2.MemoryStore(stix_data=orjson.loads(ATTACK.read_bytes()),
                                                          allow_custom=True)))
    t_geobuk, counts = min(runs_geobuk, key=lambda r: r[0])
    t_stix2, mem = min(runs_stix2, key=lambda r: r[0])
    print(f"load ATT&CK ({counts} objects, best of 3, into a store file incl. open and close): "
          f"geobuk {t_geobuk:.2f} s, stix2 MemoryStore {t_stix2:.2f} s, ratio {t_stix2 / t_geobuk:.1f}x")

    # ---- lookups
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        import_files(store, [ATTACK, *IOCS])
        iocs = []
        for path in IOCS:
            iocs += IocListImporter().read(path, ImportContext()).objects
        for obj in iocs:
            mem.add(stix2.parse(obj, allow_custom=True))
        aliases = [a for o in mem.query([stix2.Filter("type", "=", "intrusion-set")])
                   for a in o.get("aliases", [])]
        alias_queries = [spellings(rng.choice(aliases), rng) if rng.random() < 0.8 else f"Nobody {i}"
                         for i in range(N)]
        values = [o["x_geobuk_observable"]["value"] for o in iocs]
        value_queries = [rng.choice(values) if rng.random() < 0.8 else f"{i:032x}" for i in range(N)]

        t_alias, hits = timed(lambda: sum(store.resolve(q) is not None for q in alias_queries))
        t_one, vhits = timed(lambda: sum(bool(store.indicators_for([q])) for q in value_queries))
        t_batch, rows = timed(lambda: store.indicators_for(value_queries))
        store.close()

    sample = alias_queries[: args.sample]
    t_mem_alias, _ = timed(lambda: [mem.query([stix2.Filter("type", "=", "intrusion-set"),
                                               stix2.Filter("aliases", "contains", q)]) for q in sample])
    vsample = value_queries[: args.sample]
    t_mem_value, _ = timed(lambda: [mem.query([stix2.Filter("type", "=", "indicator"),
                                               stix2.Filter("pattern", "contains", q)]) for q in vsample])
    mem_alias = t_mem_alias / len(sample) * N
    mem_value = t_mem_value / len(vsample) * N
    print(f"{N} alias lookups: geobuk {t_alias:.3f} s ({hits} hits, any spelling), stix2 {mem_alias:.1f} s "
          f"(extrapolated from {len(sample)}, exact spelling only), ratio {mem_alias / t_alias:.0f}x")
    print(f"{N} indicator lookups one by one: geobuk {t_one:.3f} s ({vhits} hits), stix2 {mem_value:.1f} s "
          f"(extrapolated from {len(vsample)}), ratio {mem_value / t_one:.0f}x")
    print(f"{N} indicator lookups as one join: geobuk {t_batch:.3f} s ({len(rows)} rows), "
          f"ratio {mem_value / t_batch:.0f}x")


def _load_geobuk(path: Path) -> int:
    with Store(path) as store:
        counts = import_files(store, [ATTACK])
    return counts.added


if __name__ == "__main__":
    main()
