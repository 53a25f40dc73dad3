"""Indicator extraction: geobuk vs iocsearcher, ioc-finder and iocx, side by side.

1. Accuracy on the labelled corpus of ``eval/ioc_corpus.py`` (generated, seeded): micro precision,
   recall and F1 per tool, overall, on the types the tool supports, and per type. Each tool's
   output is mapped onto geobuk's types and put in geobuk's canonical form
   (``observables.normalize``) before comparison, so spelling differences (case, trailing dot)
   do not count; wrong boundaries (a URL with a trailing ")") do.
2. Speed on ~10 MB of report text from the same generator: each tool in its own process (import
   and set-up excluded from the time), under a timeout that is reported as such. Wall and CPU
   seconds are both printed and ratios use CPU time: on the shared 2-core machine other work
   can stretch wall time, CPU time is what the extractor itself costs.

The labels follow the corpus's conventions (see ``eval/ioc_corpus.py``): a URL's host and an
e-mail's domain are not indicators of their own. Tools that report them anyway are configured
not to where they can be (ioc-finder's ``parse_domain_from_url`` / ``parse_domain_from_email_address``
/ ``parse_address_from_cidr``), and iocsearcher's domain/IP matches lying inside one of its own URL
or e-mail matches are dropped (it reports their positions). iocsearcher is asked only for the
indicator types geobuk knows (not phone numbers, social handles...), its fastest fair setting.

Competitors are bench-only dependencies: ``.venv/bin/pip install iocsearcher ioc-finder iocx``.

Run: .venv/bin/python bench/bench_iocs.py [--docs 300] [--seed 7] [--mb 10] [--timeout 120]
     [--tools geobuk,iocsearcher,ioc-finder,iocx] [--skip-speed] [--show-errors TOOL]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from geobuk.intel import observables as obs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import ioc_corpus  # noqa: E402  (eval/ is a folder of scripts, not a package)

Label = tuple[str, str]
TOOLS = ("geobuk", "iocsearcher", "ioc-finder", "iocx")


def canon(kind: str | None, value: str) -> Label | None:
    """A tool's (type, value) in geobuk's canonical form; None when it has no geobuk type."""
    if kind is None:
        return None
    value = value.strip()
    try:
        return kind, obs.normalize(kind, value)
    except ValueError:
        return kind, value


def _basename(path: str) -> str:
    return re.split(r"[\\/]", path)[-1]


def _hash_kind(value: str) -> str | None:
    return {32: obs.MD5, 40: obs.SHA1, 64: obs.SHA256, 128: obs.SHA512}.get(len(value.strip()))


def _ip_kind(value: str) -> str | None:
    kind = obs.classify(value)
    return kind if kind in obs.IP_KINDS else None


# --- adapters: each returns (extract function, the geobuk types the tool can report) ----------

def _geobuk() -> tuple[Callable[[str], set[Label]], frozenset[str]]:
    from geobuk.intel.read.iocs import extract_indicators

    def extract(text: str) -> set[Label]:
        return {(f.type, f.value) for f in extract_indicators(text)}
    return extract, frozenset(obs.KINDS)


_IOCSEARCHER_TYPES = {
    "ip4": obs.IPV4, "ip6": obs.IPV6, "ip4Net": obs.IPV4_CIDR, "fqdn": obs.DOMAIN, "url": obs.URL,
    "email": obs.EMAIL, "md5": obs.MD5, "sha1": obs.SHA1, "sha256": obs.SHA256, "cve": obs.CVE,
    "bitcoin": obs.BTC_ADDRESS, "ethereum": obs.ETH_ADDRESS, "tron": obs.TRON_ADDRESS,
    "registry": obs.REGISTRY_KEY,
}


def _iocsearcher() -> tuple[Callable[[str], set[Label]], frozenset[str]]:
    from iocsearcher.searcher import Searcher

    searcher = Searcher()
    targets = list(_IOCSEARCHER_TYPES)

    def extract(text: str) -> set[Label]:
        matches = searcher.search_matches(text, targets=targets)
        containers = [(m.start_offset, m.start_offset + len(m.raw_value)) for m in matches
                      if m.name in ("url", "email", "ip4Net")]
        out: set[Label] = set()
        for m in matches:
            if m.name in ("fqdn", "ip4", "ip6"):
                end = m.start_offset + len(m.raw_value)
                if any(s <= m.start_offset and end <= e and (s, e) != (m.start_offset, end)
                       for s, e in containers):
                    continue  # the host of a URL, an e-mail's domain, a CIDR's address: also reported
            label = canon(_IOCSEARCHER_TYPES[m.name], m.value)
            if label:
                out.add(label)
        return out
    return extract, frozenset(_IOCSEARCHER_TYPES.values())


_IOC_FINDER_TYPES = {
    "urls": obs.URL, "email_addresses": obs.EMAIL, "domains": obs.DOMAIN, "ipv4s": obs.IPV4,
    "ipv6s": obs.IPV6, "ipv4_cidrs": obs.IPV4_CIDR, "md5s": obs.MD5, "sha1s": obs.SHA1,
    "sha256s": obs.SHA256, "sha512s": obs.SHA512, "cves": obs.CVE, "bitcoin_addresses": obs.BTC_ADDRESS,
    "registry_key_paths": obs.REGISTRY_KEY, "file_paths": obs.FILENAME,
}


def _ioc_finder() -> tuple[Callable[[str], set[Label]], frozenset[str]]:
    from ioc_finder import find_iocs

    def extract(text: str) -> set[Label]:
        found = find_iocs(text, included_ioc_types=list(_IOC_FINDER_TYPES), parse_domain_from_url=False,
                          parse_domain_from_email_address=False, parse_address_from_cidr=False,
                          parse_domain_name_from_xmpp_address=False)
        out: set[Label] = set()
        for key, kind in _IOC_FINDER_TYPES.items():
            for value in found.get(key, []):
                label = canon(kind, _basename(value) if kind == obs.FILENAME else value)
                if label:
                    out.add(label)
        return out
    return extract, frozenset(_IOC_FINDER_TYPES.values())


_IOCX_TYPES: dict[str, Callable[[str], str | None]] = {
    "urls": lambda v: obs.URL, "domains": lambda v: obs.DOMAIN, "ips": _ip_kind, "hashes": _hash_kind,
    "emails": lambda v: obs.EMAIL, "filepaths": lambda v: obs.FILENAME,
    "crypto.btc": lambda v: obs.BTC_ADDRESS, "crypto.eth": lambda v: obs.ETH_ADDRESS,
}


def _iocx() -> tuple[Callable[[str], set[Label]], frozenset[str]]:
    from iocx.engine import Engine, EngineConfig

    engine = Engine(EngineConfig(enable_cache=False))  # its cache keys every text as "<text>"

    def extract(text: str) -> set[Label]:
        found = engine.extract_from_text(text)["iocs"]
        out: set[Label] = set()
        for key, kind_of in _IOCX_TYPES.items():
            for value in found.get(key, []):
                kind = kind_of(value)
                label = canon(kind, _basename(value) if kind == obs.FILENAME else value)
                if label:
                    out.add(label)
        return out
    types = frozenset({obs.URL, obs.DOMAIN, *obs.IP_KINDS, *obs.HASH_KINDS, obs.EMAIL, obs.FILENAME,
                       obs.BTC_ADDRESS, obs.ETH_ADDRESS})
    return extract, types


ADAPTERS = {"geobuk": _geobuk, "iocsearcher": _iocsearcher, "ioc-finder": _ioc_finder, "iocx": _iocx}


# --- scoring --------------------------------------------------------------------------------

class Score:
    """Micro counts, overall and per type."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.errors: list[tuple[str, str, Label]] = []

    def add(self, doc_id: str, expected: set[Label], got: set[Label]) -> None:
        for kind, _ in expected & got:
            self.tp[kind] += 1
        for label in got - expected:
            self.fp[label[0]] += 1
            self.errors.append(("FP", doc_id, label))
        for label in expected - got:
            self.fn[label[0]] += 1
            self.errors.append(("FN", doc_id, label))

    def prf(self, kinds: Iterable[str] | None = None) -> tuple[float, float, float]:
        keys = set(kinds) if kinds is not None else set(self.tp) | set(self.fp) | set(self.fn)
        tp = sum(self.tp[k] for k in keys)
        fp = sum(self.fp[k] for k in keys)
        fn = sum(self.fn[k] for k in keys)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


Results = dict[str, tuple[Score, float, frozenset]]


def run_corpus(tools: list[str], corpus: list[ioc_corpus.LabelledDoc]) -> Results:
    results = {}
    for tool in tools:
        try:
            extract, types = ADAPTERS[tool]()
        except ImportError as exc:
            print(f"{tool}.status: not installed ({exc.name})")
            continue
        score = Score()
        start = time.perf_counter()
        for doc in corpus:
            score.add(doc.id, doc.expected, extract(doc.text))
        results[tool] = (score, time.perf_counter() - start, types)
    return results


def report_corpus(results: Results, corpus: list[ioc_corpus.LabelledDoc], args: argparse.Namespace) -> None:
    chars = sum(len(d.text) for d in corpus)
    expected = sum(len(d.expected) for d in corpus)
    print(f"corpus.documents: {len(corpus)}")
    print(f"corpus.characters: {chars}")
    print(f"corpus.expected_indicators: {expected}")
    print(f"corpus.seed: {args.seed}")
    for tool, (score, seconds, types) in results.items():
        p, r, f = score.prf()
        print(f"{tool}.precision: {p:.3f}")
        print(f"{tool}.recall: {r:.3f}")
        print(f"{tool}.f1: {f:.3f}")
        _, _, f_own = score.prf([k for k in obs.KINDS if k in types])
        print(f"{tool}.f1_on_own_types: {f_own:.3f}")
        print(f"{tool}.types_supported: {len(types)}")
        print(f"{tool}.corpus_seconds: {seconds:.2f}")
    if "geobuk" in results:
        f_geobuk = results["geobuk"][0].prf()[2]
        for tool, (score, _, _) in results.items():
            if tool != "geobuk":
                print(f"f1.geobuk_minus_{tool}: {f_geobuk - score.prf()[2]:+.3f}")
    kinds = [k for k in obs.KINDS if any(s.tp[k] or s.fp[k] or s.fn[k] for s, _, _ in results.values())]
    for kind in kinds:
        for tool, (score, _, types) in results.items():
            p, r, f = score.prf([kind])
            shown = f"{f:.3f} (P {p:.3f} R {r:.3f})" if kind in types else "n/a (type not supported)"
            print(f"f1.{kind}.{tool}: {shown}")
    if args.show_errors and args.show_errors in results:
        for kind, doc_id, label in results[args.show_errors][0].errors[: args.max_errors]:
            print(f"error.{args.show_errors}: {kind} {doc_id} {label[0]} {label[1]}")


# --- speed ----------------------------------------------------------------------------------

def worker(tool: str, path: Path, repeat: int) -> None:
    """Child process: set the tool up, then time its extraction of the whole file."""
    text = path.read_text(encoding="utf-8")
    extract, _ = ADAPTERS[tool]()
    wall, cpu = [], []
    found = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        found = len(extract(text))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"{statistics.median(wall):.3f} {statistics.median(cpu):.3f} {found}")


def run_speed(tools: list[str], args: argparse.Namespace) -> None:
    text = ioc_corpus.build_speed_text(int(args.mb * 1_000_000), seed=args.seed + 4)
    print(f"speed.megabytes: {len(text.encode('utf-8')) / 1e6:.1f}")
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speed.txt"
        path.write_text(text, encoding="utf-8")
        for tool in tools:
            repeat = args.repeat if tool == "geobuk" else 1
            cmd = [sys.executable, __file__, "--worker", tool, str(path), "--repeat", str(repeat)]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, check=False)
            except subprocess.TimeoutExpired:
                print(f"speed.{tool}.seconds: timeout (> {args.timeout:.0f} s)")
                continue
            if done.returncode != 0:
                last = done.stderr.strip().splitlines()[-1:] or ["?"]
                print(f"speed.{tool}.seconds: failed ({last[0]})")
                continue
            wall, cpu, found = done.stdout.split()
            seconds[tool] = float(cpu)
            print(f"speed.{tool}.seconds: {float(wall):.2f}")
            print(f"speed.{tool}.cpu_seconds: {float(cpu):.2f}")
            print(f"speed.{tool}.distinct_indicators: {found}")
    if "geobuk" in seconds:
        for tool, secs in seconds.items():
            if tool != "geobuk":
                print(f"speed.ratio.{tool}/geobuk: {secs / seconds['geobuk']:.1f} (CPU time)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--repeat", type=int, default=3, help="timed geobuk runs on the big text (median)")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--show-errors", metavar="TOOL")
    ap.add_argument("--max-errors", type=int, default=80)
    ap.add_argument("--worker", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), args.repeat)
        return
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - set(ADAPTERS)
    if unknown:
        ap.error(f"unknown tools: {', '.join(sorted(unknown))}")
    corpus = ioc_corpus.build_corpus(args.docs, args.seed)
    report_corpus(run_corpus(tools, corpus), corpus, args)
    if not args.skip_speed:
        run_speed(tools, args)


if __name__ == "__main__":
    main()
