"""Flat IOC lists: the plain-text files most public DPRK indicators are actually shared in.

Three shapes are read: one indicator a line; ``indicator;comment`` lines where the ``#`` comment line
just above a group of indicators describes them (signature-base's ``hash-iocs.txt`` / ``c2-iocs.txt``);
and CSV with a header naming a value column and usually a type column. Types come from
``observables.classify`` (or the type column), and a line that is no indicator is an error naming
the line: guessing a type would store a pattern that silently never matches.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from geobuk.errors import InputError
from geobuk.intel import observables as obs
from geobuk.intel.ids import stable_id, stix_timestamp
from geobuk.intel.importers.base import IMPORTERS, ImportBatch, ImportContext, Importer
from geobuk.intel.patterns import pattern_for

VALUE_COLUMNS = ("value", "indicator", "ioc", "observable", "ioc_value", "indicator_value")
TYPE_COLUMNS = ("type", "indicator_type", "ioc_type", "kind", "value_type")
COMMENT_COLUMNS = ("comment", "description", "comments", "context", "note", "notes")
_CSV_DELIMITERS = (",", "\t", ";", "|")
# Separators between an indicator and its comment on a plain line, tried in this order.
_LINE_SEPARATORS = (";", "\t", " #")

# Type names used by common exports (MISP, OTX, vendor CSVs) -> the geobuk kinds they may hold.
_IPS = (obs.IPV4, obs.IPV6, obs.IPV4_CIDR, obs.IPV6_CIDR)
_HASHES = obs.HASH_KINDS
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    **{kind: (kind,) for kind in obs.KINDS},
    "hash": _HASHES, "filehash": _HASHES, "file-hash": _HASHES,
    "filehash-md5": (obs.MD5,), "sha-1": (obs.SHA1,), "filehash-sha1": (obs.SHA1,),
    "sha-256": (obs.SHA256,), "filehash-sha256": (obs.SHA256,),
    "sha-512": (obs.SHA512,), "filehash-sha512": (obs.SHA512,),
    "ip": _IPS, "ip-dst": _IPS, "ip-src": _IPS, "ip-address": _IPS, "ip address": _IPS, "ipaddress": _IPS,
    "ipv4-addr": (obs.IPV4, obs.IPV4_CIDR), "ipv6-addr": (obs.IPV6, obs.IPV6_CIDR),
    "cidr": (obs.IPV4_CIDR, obs.IPV6_CIDR),
    "hostname": (obs.DOMAIN,), "domain-name": (obs.DOMAIN,), "fqdn": (obs.DOMAIN,), "host": (obs.DOMAIN,),
    "uri": (obs.URL,), "link": (obs.URL,),
    "email-addr": (obs.EMAIL,), "email-src": (obs.EMAIL,), "email-dst": (obs.EMAIL,),
    "e-mail": (obs.EMAIL,), "email address": (obs.EMAIL,),
    "file": (obs.FILENAME,), "file-name": (obs.FILENAME,), "file name": (obs.FILENAME,),
    "btc": (obs.BTC_ADDRESS,), "bitcoin": (obs.BTC_ADDRESS,), "xbt": (obs.BTC_ADDRESS,),
    "eth": (obs.ETH_ADDRESS,), "ethereum": (obs.ETH_ADDRESS,),
    "trx": (obs.TRON_ADDRESS,), "tron": (obs.TRON_ADDRESS,),
    "crypto": obs.CRYPTO_KINDS, "wallet": obs.CRYPTO_KINDS, "crypto-address": obs.CRYPTO_KINDS,
}

_URL_IN_TEXT_RE = re.compile(r"\b(?:https?|hxxps?)://[^\s\"'<>]+", re.IGNORECASE)
# Runs of capitalised words ("Lazarus Group", "UNC4736", "ScarCruft"): where actor names hide.
_CAPITALISED_RUN_RE = re.compile(r"(?<![\w-])[A-Z][\w-]*(?: [A-Z][\w-]*)*")
_MAX_NAME_WORDS = 4
_MIN_NAME_CHARS = 3
_NOT_AN_INDICATOR = "is not an indicator geobuk knows (hash, IP, CIDR, domain, URL, e-mail, file name, " \
    "BTC/ETH/Tron address)"


@dataclass(frozen=True)
class _Entry:
    """One indicator read from the file, before it becomes STIX."""

    kind: str
    value: str
    comment: str | None


def _short(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text (byte {exc.start})") from None


def _csv_columns(line: str) -> tuple[str, int, int | None, int | None] | None:
    """``(delimiter, value column, type column, comment column)`` if ``line`` is a CSV header."""
    for delimiter in _CSV_DELIMITERS:
        if delimiter not in line:
            continue
        names = [c.strip().strip('"').lower() for c in next(csv.reader([line], delimiter=delimiter))]
        value = next((names.index(n) for n in VALUE_COLUMNS if n in names), None)
        if value is None:
            continue
        kind = next((names.index(n) for n in TYPE_COLUMNS if n in names), None)
        comment = next((names.index(n) for n in COMMENT_COLUMNS if n in names), None)
        return delimiter, value, kind, comment
    return None


def _split_line(line: str) -> tuple[str, str | None, str | None]:
    """``(indicator, comment, kind)`` of a plain line; kind None when it is no indicator."""
    for sep in _LINE_SEPARATORS:
        if sep in line:
            head, _, tail = line.partition(sep)
            head = head.strip()
            kind = obs.classify(head)
            if kind is not None:
                return head, tail.strip() or None, kind
            # A URL may itself hold the separator: try the whole line before giving up.
            whole = obs.classify(line)
            return (line, None, whole) if whole else (head, tail.strip() or None, None)
    return line, None, obs.classify(line)


def _typed_kind(declared: str, value: str) -> str | None:
    """The kind of ``value`` given a type column's ``declared`` name; None if they disagree.

    The declared type wins over ``classify`` where classify is stricter than the source
    (``hostname`` for a name under an unusual TLD, ``filename`` without a known extension), but
    never against the value's shape: an "md5" that is not 32 hex digits is an error.
    """
    allowed = TYPE_ALIASES.get(declared.strip().lower())
    found = obs.classify(value)
    if allowed is None:
        return found
    if found in allowed:
        return found
    if len(allowed) == 1 and obs.fits(allowed[0], value):
        return allowed[0]
    return None


def _entries_plain(path: Path, lines: list[str]) -> list[_Entry]:
    entries: list[_Entry] = []
    header: str | None = None  # the comment line just above the current group
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            header = None
            continue
        if line.startswith("#"):
            header = line.lstrip("#").strip() or header
            continue
        value, comment, kind = _split_line(line)
        if kind is None:
            raise InputError(path, f"{_short(value)} {_NOT_AN_INDICATOR}", index=number, what="line")
        description = " - ".join(part for part in (header, comment) if part) or None
        entries.append(_Entry(kind, value, description))
    return entries


def _entries_csv(path: Path, lines: list[str], start: int,
                 columns: tuple[str, int, int | None, int | None]) -> list[_Entry]:
    delimiter, value_col, type_col, comment_col = columns
    width = 1 + max(c for c in (value_col, type_col, comment_col) if c is not None)
    entries: list[_Entry] = []
    reader = csv.reader(lines[start + 1:], delimiter=delimiter)
    for row in reader:
        number = start + 1 + reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) < width:
            raise InputError(path, f"expected at least {width} columns, found {len(row)}",
                             index=number, what="line")
        value = row[value_col].strip()
        if type_col is None:
            kind = obs.classify(value)
            if kind is None:
                raise InputError(path, f"{_short(value)} {_NOT_AN_INDICATOR}", index=number, what="line")
        else:
            declared = row[type_col].strip()
            kind = _typed_kind(declared, value)
            if kind is None:
                raise InputError(path, f"{_short(value)} is not a {declared!r} geobuk can use",
                                 index=number, what="line")
        comment = row[comment_col].strip() if comment_col is not None else ""
        entries.append(_Entry(kind, value, comment or None))
    return entries


def _first_data_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")),
                None)


def read_entries(path: Path, text: str) -> list[_Entry]:
    """Every indicator of the file's text, in file order (duplicates included)."""
    lines = text.splitlines()
    first = _first_data_line(lines)
    if first is None:
        return []
    columns = _csv_columns(lines[first])
    if columns is not None:
        return _entries_csv(path, lines, first, columns)
    return _entries_plain(path, lines)


def _url_in(comment: str) -> str | None:
    match = _URL_IN_TEXT_RE.search(comment)
    if not match:
        return None
    return obs.refang(match.group(0)).rstrip(").,;]")


class _ActorFinder:
    """Actor ids named in comments, through ``ctx.resolve_actor``.

    Feeds repeat one comment over hundreds of lines, so results are cached per distinct comment
    and per candidate name: the store is asked about each name once per file.
    """

    def __init__(self, resolve: Callable[[str], str | None]) -> None:
        self._resolve_uncached = resolve
        self._cache: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, str | None] = {}

    def _resolve(self, name: str) -> str | None:
        if name not in self._names:
            self._names[name] = self._resolve_uncached(name)
        return self._names[name]

    def __call__(self, comment: str) -> tuple[str, ...]:
        if comment not in self._cache:
            self._cache[comment] = self._find(comment)
        return self._cache[comment]

    def _find(self, comment: str) -> tuple[str, ...]:
        text = _URL_IN_TEXT_RE.sub(" ", comment)
        found: list[str] = []
        for run in _CAPITALISED_RUN_RE.findall(text):
            words = [w.strip("-_") for w in run.split(" ")]
            i = 0
            while i < len(words):
                # Longest name first, so "Silent Chollima" wins over a bare "Chollima".
                for j in range(min(len(words), i + _MAX_NAME_WORDS), i, -1):
                    if j == i + 1 and len(words[i]) < _MIN_NAME_CHARS:
                        continue  # "A", "AV", "IT": too short to name an actor on their own
                    actor = self._resolve(" ".join(words[i:j]))
                    if actor:
                        if actor not in found:
                            found.append(actor)
                        i = j
                        break
                else:
                    i += 1
        return tuple(found)


def _external_reference(path: Path, comment: str | None) -> dict:
    """The file the indicator came from, with the report URL its comment cites (if any).

    STIX requires a reference to carry a url, external_id or description beside its source_name,
    so a reference without a URL says what the file is.
    """
    url = _url_in(comment) if comment else None
    if url:
        return {"source_name": path.name, "url": url}
    return {"source_name": path.name, "description": "flat IOC list"}


@IMPORTERS.register
class IocListImporter(Importer):
    name = "ioc-list"
    description = "flat IOC list: an indicator a line, 'indicator;comment' lines, or CSV with type/value"
    sniff_order = 90

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """A CSV header with type and value columns, or data lines that mostly are indicators."""
        text = head.decode("utf-8-sig", errors="replace")
        lines = text.splitlines()
        if len(lines) > 1 and not text.endswith(("\n", "\r")):
            lines.pop()  # cut off by the sniff window
        data = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        if not data:
            return False
        columns = _csv_columns(data[0])
        if columns is not None and columns[2] is not None:
            return True
        sample = data[:200]
        hits = sum(1 for line in sample if _split_line(line)[2] is not None)
        return hits * 2 > len(sample)

    def read(self, path: Path, ctx: ImportContext) -> ImportBatch:
        try:
            data = path.read_bytes()
            mtime = path.stat().st_mtime
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror}") from None
        entries = read_entries(path, _decode(path, data))
        batch = ImportBatch()
        if not entries:
            batch.warnings.append("no indicators in the file")
            return batch
        timestamp = stix_timestamp(datetime.fromtimestamp(mtime, UTC))
        find_actors = _ActorFinder(ctx.resolve_actor)
        indicators: dict[str, dict] = {}
        relationships: dict[str, dict] = {}
        for entry in entries:
            value = obs.normalize(entry.kind, entry.value)
            indicator_id = stable_id("indicator", entry.kind, value)
            existing = indicators.get(indicator_id)
            if existing is None:
                indicators[indicator_id] = _indicator(path, indicator_id, entry, value, timestamp)
            else:
                _merge(existing, path, entry.comment)
            for actor_id in find_actors(entry.comment) if entry.comment else ():
                rel_id = stable_id("relationship", "indicates", indicator_id, actor_id)
                relationships.setdefault(rel_id, {
                    "type": "relationship", "spec_version": "2.1", "id": rel_id,
                    "created": timestamp, "modified": timestamp, "relationship_type": "indicates",
                    "source_ref": indicator_id, "target_ref": actor_id,
                })
        batch.objects = [*indicators.values(), *relationships.values()]
        return batch


def _indicator(path: Path, indicator_id: str, entry: _Entry, value: str, timestamp: str) -> dict:
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": indicator_id,
        "created": timestamp,
        "modified": timestamp,
        "valid_from": timestamp,
        "name": value,
        "indicator_types": ["malicious-activity"],
        "pattern": pattern_for(entry.kind, value),
        "pattern_type": "stix",
        "x_geobuk_observable": {"type": entry.kind, "value": value},
        "external_references": [_external_reference(path, entry.comment)],
    }
    if entry.comment:
        obj["description"] = entry.comment
    return obj


def _merge(obj: dict, path: Path, comment: str | None) -> None:
    """Fold a repeated indicator's comment into the first occurrence (one id, one object)."""
    if not comment:
        return
    description = obj.get("description")
    if not description:
        obj["description"] = comment
    elif comment not in description.split("\n"):
        obj["description"] = f"{description}\n{comment}"
    ref = _external_reference(path, comment)
    refs = obj["external_references"]
    if "url" in ref and all(r.get("url") != ref["url"] for r in refs):
        if len(refs) == 1 and "url" not in refs[0]:
            refs[0] = ref
        else:
            refs.append(ref)
