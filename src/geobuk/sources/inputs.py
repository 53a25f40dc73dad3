"""What the user points at, turned into a flat list of streams to read: files, folders, archives.

A hunt is usually pointed at a collection (a triage zip, a folder of exported logs, a ``.gz`` from a
SIEM), so every input is expanded here, in the parent process, into ``Source`` descriptors: small,
picklable values that a worker process can open by itself. Compression is recognised from content
(gzip and zip magic), not from the file name, because collected evidence is often renamed.

Folders are walked recursively in sorted order so that the output order, and with it every
``_record`` and error line, is the same on every run and every machine.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from geobuk.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
MEMBER_SEPARATOR = "!"
_HEAD_STEP = 8192  # read the head in steps, so a damaged gzip still yields the part before the damage


@dataclass(frozen=True)
class Source:
    """One stream of log data: a file, or a member of a zip archive, possibly gzip-compressed.

    ``name`` is what every event and error names as its origin (``case.zip!Security.evtx``);
    ``size`` is in the unit ``Opened.position`` counts (bytes on disk for files and ``.gz``,
    uncompressed member bytes for zip members), so progress can add positions and sizes.
    ``explicit`` is true for a file the user named directly: a file that turns out not to be a
    log is then an error, while one met inside a folder or archive is reported and skipped.
    ``problem`` says why a source found while expanding cannot be read at all (a damaged archive);
    reading it then only reports that.
    """

    name: str
    path: str
    size: int
    member: str | None = None
    gzipped: bool = False
    explicit: bool = False
    problem: str | None = None

    def open(self) -> Opened:
        """A binary stream of the (decompressed) content and a counter of how far it has got."""
        if self.member is None:
            raw: BinaryIO = open(self.path, "rb")  # noqa: SIM115 - closed by Opened
        else:
            raw = _archive(self.path).open(self.member)
        counted = _Counting(raw)
        buffered = io.BufferedReader(counted, 1 << 16)
        stream: BinaryIO = buffered
        if self.gzipped:
            stream = gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[assignment]
        return Opened(stream, counted, [buffered, raw])  # type: ignore[list-item]

    @contextmanager
    def local_path(self) -> Iterator[Path]:
        """A real file with the decompressed content, for parsers that need a path.

        A plain file is its own path; anything compressed or inside a zip is copied to a
        temporary file (streamed, so memory stays bounded) that is removed afterwards.
        """
        if self.member is None and not self.gzipped:
            yield Path(self.path)
            return
        suffix = Path(self.member or self.path).suffix.removesuffix(".gz")
        fd, tmp = tempfile.mkstemp(prefix="geobuk-", suffix=suffix)
        try:
            with os.fdopen(fd, "wb") as out, self.open() as opened:
                shutil.copyfileobj(opened.stream, out, 1 << 20)
            yield Path(tmp)
        finally:
            os.unlink(tmp)

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes of the decompressed content, for format detection."""
        if self.member is None and not self.gzipped:
            try:
                with open(self.path, "rb") as fh:
                    return fh.read(size)
            except OSError as exc:
                raise InputError(self.name, f"cannot read: {_reason(exc)}") from None
        parts: list[bytes] = []
        got = 0
        try:
            with self.open() as opened:
                while got < size:
                    part = opened.stream.read(min(_HEAD_STEP, size - got))
                    if not part:
                        break
                    parts.append(part)
                    got += len(part)
        except (OSError, EOFError, zipfile.BadZipFile) as exc:
            if not parts:  # a damaged end is the reader's to report; only nothing readable is fatal
                raise InputError(self.name, f"cannot read: {_reason(exc)}") from None
        return b"".join(parts)


class Opened:
    """An open source: ``stream`` to read, ``position()`` for how much of ``Source.size`` is done."""

    def __init__(self, stream: BinaryIO, counted: _Counting, closers: list[BinaryIO]) -> None:
        self.stream = stream
        self._counted = counted
        self._closers = closers

    def position(self) -> int:
        return self._counted.count

    def close(self) -> None:
        self.stream.close()
        for closer in self._closers:
            closer.close()

    def __enter__(self) -> Opened:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Counting(io.RawIOBase):
    """Counts the bytes read below any decompression, the unit ``Source.size`` is in."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


# Zip archives kept open in this process: a triage zip holds hundreds of logs, and opening the
# archive again for each (reading its whole central directory) would cost more than the logs.
_ARCHIVES: dict[tuple[str, int, int], zipfile.ZipFile] = {}
_MAX_OPEN_ARCHIVES = 4


def _archive(path: str) -> zipfile.ZipFile:
    """An open ``ZipFile`` for ``path``, reused while the file is unchanged (size and mtime)."""
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns)
    archive = _ARCHIVES.get(key)
    if archive is None:
        if len(_ARCHIVES) >= _MAX_OPEN_ARCHIVES:
            _ARCHIVES.pop(next(iter(_ARCHIVES))).close()
        archive = _ARCHIVES[key] = zipfile.ZipFile(path)
    return archive


def expand(paths: Iterable[str | Path]) -> list[Source]:
    """Every stream under ``paths``, in a stable order; a missing path is an ``InputError``."""
    sources: list[Source] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in _walk(path):
                sources.extend(_file_sources(file, explicit=False))
        elif path.exists():
            sources.extend(_file_sources(str(path), explicit=True))
        else:
            raise InputError(path, "no such file or folder")
    return sources


def _walk(folder: Path) -> Iterator[str]:
    """Files under ``folder``, sorted by relative path, skipping hidden files and folders.

    Linked folders are followed (collected logs are often a folder of links to where each host's
    logs were copied), except a link back to a folder on its own path, which would never end.
    Paths are plain strings: a folder of thousands of logs is walked before any is read."""
    above: dict[str, frozenset[str]] = {}  # each folder visited -> the real folders on its path
    for root, dirs, files in os.walk(folder, followlinks=True):
        chain = above.get(os.path.dirname(root), frozenset()) | {os.path.realpath(root)}
        above[root] = chain
        dirs[:] = sorted(d for d in dirs
                         if not d.startswith(".") and os.path.realpath(os.path.join(root, d)) not in chain)
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(root, name)


def _file_sources(path: str, *, explicit: bool) -> list[Source]:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            magic = os.read(fd, 4)
        finally:
            os.close(fd)
    except OSError as exc:
        return [Source(path, path, 0, explicit=explicit, problem=f"cannot read: {_reason(exc)}")]
    if magic.startswith(ZIP_MAGIC):
        return _zip_sources(Path(path), size, explicit=explicit)
    return [Source(path, path, size, gzipped=magic.startswith(GZIP_MAGIC), explicit=explicit)]


def _zip_sources(path: Path, size: int, *, explicit: bool) -> list[Source]:
    """One source per file member, in archive order; gzip members are decompressed too."""
    try:
        with zipfile.ZipFile(path) as archive:
            sources = []
            for member in archive.infolist():
                if member.is_dir():
                    continue
                with archive.open(member) as fh:
                    gzipped = fh.read(2) == GZIP_MAGIC
                sources.append(Source(f"{path}{MEMBER_SEPARATOR}{member.filename}", str(path),
                                      member.file_size, member=member.filename, gzipped=gzipped))
    except (OSError, EOFError, zipfile.BadZipFile, RuntimeError, ValueError) as exc:
        # RuntimeError: an encrypted member; BadZipFile/EOFError: a damaged or truncated archive.
        problem = f"cannot read the zip archive: {_reason(exc)}"
        return [Source(str(path), str(path), size, explicit=explicit, problem=problem)]
    return sources


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
