"""Loading rule files into compiled rules, with an on-disk cache keyed by each file's content.

Parsing and compiling thousands of Sigma rules takes seconds (YAML and pySigma's pipelines); a hunt
over the same rules again should not pay that. Each file's compiled rules are pickled under a key
made of the file's bytes, the pipeline and ``COMPILER_VERSION``: change any of them and the file is
compiled again. Which key a file has is remembered by its stat (``stat_index``), so unchanged files
are not read again either.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from geobuk.config import home
from geobuk.detect.ir import CompiledRule, Correlation
from geobuk.detect.plan import Plan
from geobuk.detect.stat_index import StatIndex, stat_of
from geobuk.errors import InputError

#: Bump when the compiled form, the compiler's output or the field plan (cached with a rule set) changes:
#: old cache entries are then ignored.
COMPILER_VERSION = "9"
RULE_SUFFIXES = (".yml", ".yaml")
BUILTIN_RULES = Path(__file__).parent / "rules"


def default_cache_dir() -> Path:
    """Where compiled rules are cached unless told otherwise: ``$GEOBUK_HOME/cache/rules``."""
    return home() / "cache" / "rules"

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RuleProblem:
    """A rule geobuk could not load, and why."""

    source: str
    rule: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.rule or 'file'}: {self.reason}"


@dataclass
class RuleSet:
    rules: list[CompiledRule] = field(default_factory=list)
    correlations: list[Correlation] = field(default_factory=list)
    problems: list[RuleProblem] = field(default_factory=list)
    cached_files: int = 0
    compiled_files: int = 0
    plan: Plan | None = field(default=None, repr=False, compare=False)

    def extend(self, other: RuleSet) -> None:
        self.rules += other.rules
        self.correlations += other.correlations
        self.problems += other.problems
        self.cached_files += other.cached_files
        self.compiled_files += other.compiled_files
        self.plan = None

    def field_plan(self) -> Plan:
        """The field plan of every rule (built once, and cached with the set: building the automata
        of thousands of rules costs more than loading them). A hunt of a subset of the rules (a
        higher ``--min-level``) uses it too: the extra patterns are scanned and never asked."""
        if self.plan is None:
            self.plan = Plan(self.rules)
        return self.plan


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """Rule files named by ``paths`` (files, or folders searched recursively), in a stable order."""
    out: list[Path] = []
    for path in paths:
        try:
            mode = os.stat(path).st_mode  # one call for both questions: thousands of rule files are named
        except OSError:
            mode = 0
        if stat.S_ISDIR(mode):
            out += sorted(p for p in path.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
        elif stat.S_ISREG(mode):
            out.append(path)
        else:
            raise InputError(path, "no such rule file or folder")
    return out


def _cache_key(data: bytes, pipeline: str) -> str:
    h = hashlib.sha256()
    for part in (COMPILER_VERSION.encode(), pipeline.encode(), data):
        h.update(part)
        h.update(b"\0")
    return h.hexdigest()


def compile_file(path: Path, data: bytes, pipeline: str = "windows") -> RuleSet:
    """Parse one rule file (possibly several YAML documents) and compile every rule in it."""
    from geobuk.detect.sigma.loader import compile_documents

    try:
        documents = [d for d in yaml.load_all(data, Loader=_Loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        return RuleSet(problems=[RuleProblem(str(path), None, f"not valid YAML{where}")])
    if not all(isinstance(d, dict) for d in documents):
        return RuleSet(problems=[RuleProblem(str(path), None, "not a Sigma rule (not a YAML mapping)")])
    return compile_documents(documents, str(path), pipeline)


def load_ruleset(paths: Sequence[Path], *, cache_dir: Path | None = None,
                 pipeline: str = "windows") -> RuleSet:
    """Compiled rules from every rule file under ``paths``; unloadable rules listed in ``problems``.

    With a cache, the whole set is also kept as one entry keyed by every file's key and path: a
    hunt with the same rules as last time then reads one file instead of thousands (opening and
    unpickling 2,858 small entries cost more than the hunt of a day of logs).
    """
    files = rule_files(paths)
    if cache_dir is None:
        result = RuleSet()
        for path in files:
            result.extend(compile_file(path, path.read_bytes(), pipeline))
            result.compiled_files += 1
        return result
    cache_dir.mkdir(parents=True, exist_ok=True)
    contents, keys = _keys(files, pipeline, cache_dir)
    bundle = cache_dir / f"set-{_bundle_key(files, keys)}.pickle"
    cached = _read_entry(bundle)
    if cached is not None:
        # Unpickled while collections were off, the set's half a million objects all sit in the
        # youngest generation: the next collection would walk them all (60 ms), and later ones
        # again. They live as long as the hunts that use them, so they are kept out of the
        # collector's sight; a hunt gives them back to it when it ends (see ``hunt``).
        gc.freeze()
        cached.cached_files, cached.compiled_files = len(files), 0
        return cached
    result = RuleSet()
    for i, (path, key) in enumerate(zip(files, keys, strict=True)):
        entry = cache_dir / f"{key}.pickle"
        compiled = _read_entry(entry)
        if compiled is not None:
            result.extend(_relocate(compiled, path))
            result.cached_files += 1
            continue
        data = contents[i] if i in contents else path.read_bytes()
        compiled = compile_file(path, data, pipeline)
        _write_entry(entry, compiled)
        result.extend(compiled)
        result.compiled_files += 1
    gc.disable()
    try:
        result.field_plan()
    finally:
        gc.enable()
    _write_entry(bundle, result)
    return result


def _keys(files: Sequence[Path], pipeline: str, cache_dir: Path) -> tuple[dict[int, bytes], list[str]]:
    """Each file's cache key, from the stat index when the file is unchanged, else from its bytes
    (returned too, by position, so that a file to compile is not read twice)."""
    index = StatIndex.load(cache_dir, _cache_key(b"", pipeline)[:16])
    contents: dict[int, bytes] = {}
    keys: list[str] = []
    for i, path in enumerate(files):
        try:
            file_stat = stat_of(os.stat(path))
            key = index.key(path, file_stat)
            if key is None:
                contents[i] = path.read_bytes()
                key = _cache_key(contents[i], pipeline)
                index.put(path, file_stat, key)
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror}") from None
        keys.append(key)
    index.save()
    return contents, keys


def _bundle_key(files: Sequence[Path], keys: Sequence[str]) -> str:
    h = hashlib.sha256()
    for path, key in zip(files, keys, strict=True):
        h.update(f"{path}\0{key}\0".encode())
    return h.hexdigest()


def _read_entry(entry: Path) -> RuleSet | None:
    """A cache entry, or None if there is none or it is damaged or foreign (it is then removed)."""
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    gc.disable()  # thousands of small objects: collections while unpickling only cost time
    try:
        loaded = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged or foreign cache entry: compile again
        loaded = None
    finally:
        gc.enable()
    if not isinstance(loaded, RuleSet):
        entry.unlink(missing_ok=True)
        return None
    return loaded


def _write_entry(entry: Path, compiled: RuleSet) -> None:
    tmp = entry.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(entry)


def _relocate(compiled: RuleSet, path: Path) -> RuleSet:
    """A cached entry may come from an identical file elsewhere: name the file it was loaded from."""
    source = str(path)
    for rule in compiled.rules:
        rule.source = source
    compiled.correlations = [c if c.source == source else _with_source(c, source)
                             for c in compiled.correlations]
    compiled.problems = [RuleProblem(source, p.rule, p.reason) for p in compiled.problems]
    compiled.cached_files = compiled.compiled_files = 0
    return compiled


def _with_source(corr: Correlation, source: str) -> Correlation:
    from dataclasses import replace

    return replace(corr, source=source)
