"""``geobuk vet`` linking at scale vs a plain pairwise comparison, on a generated company.

- workload: ``--people`` people (default 1,000,000) from ``geobuk.vet.generate`` (operator rings
  planted; photos as 64-bit perceptual hashes), written as one people CSV;
- geobuk: a child process reads the CSV and links everyone (exact keys grouped one kind at a time,
  photo hashes by multi-index hashing, resumes by MinHash LSH, clusters by union-find); printed per
  phase (wall clock, and the child's CPU time, which other work on the machine inflates less), with
  the child's peak RSS (``VmHWM``: ``ru_maxrss`` would count the parent holding the company);
- baseline: every pair of a ``--sample`` (default 2,000) compared directly in Python with the same
  normalised keys, exact Jaccard of word 3-grams and Hamming distance of photo hashes; its time per
  pair extrapolated to all pairs of ``--people``, and the ratio to geobuk's linking time;
- agreement: the linked pairs of geobuk and of the baseline on the sample.

Goal: 1,000,000 people linked in under 60 s with under 4 GB. Timings vary 20-40% between runs on
the 2-core machine (more when other work shares it). Run:
``.venv/bin/python bench/bench_vet.py [--people 1000000] [--sample 2000] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import numpy as np

from geobuk.vet import linking
from geobuk.vet.config import VetConfig
from geobuk.vet.data import join
from geobuk.vet.generate.people import make_company
from geobuk.vet.generate.writer import photo_hashes, write_people
from geobuk.vet.keys import key_table
from geobuk.vet.mapping import Mapping
from geobuk.vet.readers import read_all, schema
from geobuk.vet.unionfind import components

EXACT_KINDS = ("email", "email_alias", "email_pattern", "phone", "address", "payment", "github", "linkedin")


def line(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def load(path: Path, limit: int | None = None):
    people = read_all("people", [path], Mapping())
    if limit:
        people = people.slice(0, limit)
    return join(people, schema("signins").empty_table(), schema("devices").empty_table(), VetConfig())


def child(path: Path) -> None:
    """Read and link in this process; print phases (wall clock, and CPU time of this process, which
    other work on the machine does not inflate as much) and peak memory."""
    marks = [(time.perf_counter(), time.process_time())]

    def mark() -> None:
        marks.append((time.perf_counter(), time.process_time()))

    def phase(name: str, a: int, b: int) -> None:
        wall, cpu = marks[b][0] - marks[a][0], marks[b][1] - marks[a][1]
        line(name, f"{wall:.2f} s (CPU {cpu:.1f} s)")

    data = load(path)
    mark()
    groups, ignored = linking.exact_groups(data)
    mark()
    photos, _ = linking.photo_groups(data)
    mark()
    resumes = linking.resume_groups(data)
    mark()
    everything = groups + photos + resumes
    a = [np.full(len(g.members) - 1, g.members[0]) for g in everything]
    b = [np.asarray(g.members[1:]) for g in everything]
    labels = components(data.people.num_rows, np.concatenate(a), np.concatenate(b))
    mark()
    sizes = np.bincount(labels)
    line("people", data.people.num_rows)
    phase("read CSV", 0, 1)
    phase("exact keys (normalise + group by kind)", 1, 2)
    phase("photos (multi-index hashing)", 2, 3)
    phase("resumes (MinHash LSH)", 3, 4)
    phase("union-find", 4, 5)
    phase("link (all but reading)", 1, 5)
    phase("read + link", 0, 5)
    line("links", f"{len(groups)} exact, {len(photos)} photo, {len(resumes)} resume groups")
    line("clusters (2+ people)", int((sizes > 1).sum()))
    line("values too common to link", ignored)
    line("peak RSS", f"{peak_rss_mb():.0f} MB")


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB.

    ``VmHWM`` from ``/proc/self/status`` where there is one (Linux): it belongs to the process's own
    address space, which ``exec`` starts afresh. ``ru_maxrss`` survives ``exec`` on Linux, so in a
    child forked from a parent that holds the generated company it reported the parent's size.
    """
    try:
        with open("/proc/self/status") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def shingles(text: str) -> set[tuple[str, ...]]:
    words = [w.strip(".,;:!?()[]{}\"'`*-/\\|<>") for w in (text or "").lower().split()]
    words = [w for w in words if w]
    return {tuple(words[k : k + 3]) for k in range(len(words) - 2)}


def baseline(path: Path, sample: int) -> tuple[float, set[tuple[int, int]], set[tuple[int, int]]]:
    """Pairwise comparison of the first ``sample`` people; (seconds, its pairs, geobuk's pairs)."""
    data = load(path, sample)
    config = data.config
    keys = key_table(data).to_pylist()
    per_person: list[dict[str, set[str]]] = [{} for _ in range(sample)]
    for row in keys:
        if row["key"] is not None and row["kind"] in EXACT_KINDS:
            per_person[row["person"]].setdefault(row["kind"], set()).add(row["key"])
    hashes = [int(h, 16) if h else None for h in data.column("photo_hash")]
    grams = [shingles(t) for t in data.column("resume_text")]
    start = time.perf_counter()
    found = set()
    for i, j in combinations(range(sample), 2):
        a, b = per_person[i], per_person[j]
        linked = any(a[k] & b.get(k, set()) for k in a)
        if not linked and hashes[i] is not None and hashes[j] is not None:
            linked = (hashes[i] ^ hashes[j]).bit_count() <= config.photo_max_distance
        if not linked and grams[i] and grams[j]:
            linked = len(grams[i] & grams[j]) / len(grams[i] | grams[j]) >= config.resume_min_similarity
        if linked:
            found.add((i, j))
    seconds = time.perf_counter() - start
    ours = set()
    for group in linking.link(data).groups:
        if group.kind in EXACT_KINDS or group.kind in ("photo", "resume", "shipping_address"):
            ours.update(combinations(sorted(group.members), 2))
    return seconds, found, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        start = time.perf_counter()
        company = make_company(args.people, args.seed, photos="hashes")
        photo_hashes(company, args.seed)
        write_people(company, path)
        del company
        line(
            "generated",
            f"{args.people:,} people in {time.perf_counter() - start:.1f} s "
            f"({path.stat().st_size / 1e6:.0f} MB CSV)",
        )
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True
        )
        sys.stdout.write(proc.stdout)
        if proc.returncode:
            sys.stderr.write(proc.stderr)
            raise SystemExit(proc.returncode)
        link_seconds = float(
            next(x for x in proc.stdout.splitlines() if x.startswith("link (all")).split(": ")[1].split()[0]
        )
        seconds, theirs, ours = baseline(path, args.sample)
        pairs = args.sample * (args.sample - 1) // 2
        per_pair = seconds / pairs
        total = per_pair * args.people * (args.people - 1) / 2
        line(
            "baseline sample",
            f"{args.sample:,} people, {pairs:,} pairs in {seconds:.2f} s ({per_pair * 1e9:.0f} ns per pair)",
        )
        line("baseline extrapolated to all pairs", f"{total:,.0f} s ({total / 86400:.1f} days)")
        line("ratio baseline / geobuk linking", f"{total / link_seconds:,.0f}x")
        line(
            "sample pairs linked (baseline / geobuk / both)",
            f"{len(theirs)} / {len(ours)} / {len(theirs & ours)}",
        )


if __name__ == "__main__":
    main()
