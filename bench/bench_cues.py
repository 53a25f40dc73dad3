"""Finding geobuk's technique cues in text: the prefiltered scan against scanning every pattern.

Baseline: each of the phrase book's ~1,200 case-insensitive patterns scanned over the text with
``re.finditer`` (``find_cues(prefilter=False)``, what ``find_cues`` did before ``regex_literals``).
geobuk: one Aho-Corasick pass for the words the patterns cannot match without, then only the
patterns whose word occurs. Both run in this one process, alternately, on the same texts, and must
give identical hits:
- TRAM's 5,089 report sentences (../shared/data/tram/single_label.json): many short texts;
- the five seed articles (../shared/seeds), repeated 20 times: long news texts in French and English.

Run: .venv/bin/python bench/bench_cues.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from geobuk.intel.read.techniques_cues import CueHit, find_cues

SHARED = Path(__file__).resolve().parents[2] / "shared"


def every_pattern(text: str) -> list[CueHit]:
    return list(find_cues(text, prefilter=False))


def timed(scan, texts: list[str]) -> tuple[float, list[list[CueHit]]]:
    started = time.perf_counter()
    hits = [list(scan(t)) for t in texts]
    return time.perf_counter() - started, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the best is kept")
    args = parser.parse_args()
    items = json.loads((SHARED / "data" / "tram" / "single_label.json").read_text(encoding="utf-8"))
    tram = [i["text"] for i in items]
    seeds = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    list(find_cues("warm-up: compile the phrase book and the automaton"))
    for name, texts in ((f"TRAM sentences ({len(tram):,})", tram),
                        (f"seed articles x20 ({sum(map(len, seeds)) * 20 / 1e6:.1f} MB)", seeds * 20)):
        base, ours = [], []
        for _ in range(args.repeat):
            seconds, expected = timed(every_pattern, texts)
            base.append(seconds)
            seconds, got = timed(find_cues, texts)
            ours.append(seconds)
            if got != expected:
                raise SystemExit(f"{name}: the prefiltered scan's hits differ from every pattern's")
        hits = sum(map(len, expected))
        print(f"{name}: every pattern {min(base):.2f} s, prefiltered {min(ours):.2f} s "
              f"= {min(base) / min(ours):.1f}x; identical hits ({hits:,})")


if __name__ == "__main__":
    main()
