"""A small EVTX writer, so the EVTX tests read real files without shipping binary fixtures.

It writes what Windows writes, in miniature: a 4 KiB file header, 64 KiB chunks, and records whose
BinXML is a template instance carrying its own template definition and typed substitution values
(strings, integers, FILETIME, hex). Checksums are correct. ``corrupt`` damages chosen records the
way a torn write does (an invalid BinXML token), to test that one bad record does not lose a file.

Layout references: the libevtx format notes (file header, chunk header, record, BinXML tokens).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FILE_HEADER_SIZE = 4096
CHUNK_SIZE = 65536
CHUNK_HEADER_SIZE = 512

# BinXML value types.
STRING, UINT8, UINT16, UINT32, UINT64 = 0x01, 0x04, 0x06, 0x08, 0x0A
BOOL, FILETIME, HEXINT64, STRING_ARRAY = 0x0D, 0x11, 0x15, 0x81
_EPOCH_1601 = datetime(1601, 1, 1, tzinfo=UTC)
PROVIDER_GUID = "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"


@dataclass
class Value:
    """A typed value: becomes one substitution of the record's template."""

    kind: int
    value: object


@dataclass
class Element:
    name: str
    attributes: list[tuple[str, Value]] = field(default_factory=list)
    children: list[Element | Value] = field(default_factory=list)


def text(value: str) -> Value:
    return Value(STRING, value)


def event(record_id: int, *, event_id: int, provider: str = "Microsoft-Windows-Sysmon",
          channel: str = "Microsoft-Windows-Sysmon/Operational", computer: str = "WS01",
          time: str = "2024-03-01T10:00:00.000000Z", qualifiers: int | None = None,
          data: dict[str, str] | None = None, unnamed: list[str] | None = None,
          user_data: Element | None = None, pid: int = 3120, user_sid: str | None = None) -> Element:
    """An ``Event`` element shaped like the ones Windows writes (System, then EventData or UserData)."""
    event_id_attrs = [("Qualifiers", Value(UINT16, qualifiers))] if qualifiers is not None else []
    system = [
        Element("Provider", [("Name", text(provider)), ("Guid", text(PROVIDER_GUID))]),
        Element("EventID", event_id_attrs, [Value(UINT16, event_id)]),
        Element("Version", children=[Value(UINT8, 5)]),
        Element("Level", children=[Value(UINT8, 4)]),
        Element("Task", children=[Value(UINT16, 1)]),
        Element("Keywords", children=[Value(HEXINT64, 0x8000000000000000)]),
        Element("TimeCreated", [("SystemTime", Value(FILETIME, time))]),
        Element("EventRecordID", children=[Value(UINT64, record_id)]),
        Element("Execution", [("ProcessID", Value(UINT32, pid)), ("ThreadID", Value(UINT32, 4412))]),
        Element("Channel", children=[text(channel)]),
        Element("Computer", children=[text(computer)]),
    ]
    if user_sid:
        system.append(Element("Security", [("UserID", text(user_sid))]))
    body: list[Element | Value] = [Element("System", children=list(system))]
    if data is not None or unnamed is not None:
        items = [Element("Data", [("Name", text(k))], [text(v)]) for k, v in (data or {}).items()]
        items += [Element("Data", children=[text(v)]) for v in (unnamed or [])]
        body.append(Element("EventData", children=list(items)))
    if user_data is not None:
        body.append(Element("UserData", children=[user_data]))
    ns = ("xmlns", text("http://schemas.microsoft.com/win/2004/08/events/event"))
    return Element("Event", [ns], body)


def write_evtx(path: Path, events: list[Element], *, first_id: int = 1, corrupt: frozenset[int] = frozenset(),
               truncate: int = 0) -> Path:
    """Write ``events`` with record ids from ``first_id``; ``corrupt`` holds record ids to damage."""
    chunks: list[bytes] = []
    chunk = _Chunk()
    record_id = first_id
    for element in events:
        record = _record(element, record_id, chunk.offset, record_id in corrupt)
        if not chunk.fits(record):
            chunks.append(chunk.finish())
            chunk = _Chunk()
            record = _record(element, record_id, chunk.offset, record_id in corrupt)
        chunk.add(record, record_id)
        record_id += 1
    chunks.append(chunk.finish())
    data = _file_header(len(chunks), record_id) + b"".join(chunks)
    path.write_bytes(data[:len(data) - truncate] if truncate else data)
    return path


class _Chunk:
    def __init__(self) -> None:
        self.records = bytearray()
        self.first = self.last = 0
        self.last_offset = 0

    @property
    def offset(self) -> int:
        return CHUNK_HEADER_SIZE + len(self.records)

    def fits(self, record: bytes) -> bool:
        return self.offset + len(record) <= CHUNK_SIZE

    def add(self, record: bytes, record_id: int) -> None:
        self.first = self.first or record_id
        self.last = record_id
        self.last_offset = self.offset
        self.records += record

    def finish(self) -> bytes:
        free = self.offset
        body = bytes(self.records).ljust(CHUNK_SIZE - CHUNK_HEADER_SIZE, b"\x00")
        head = bytearray(CHUNK_HEADER_SIZE)
        head[0:8] = b"ElfChnk\x00"
        struct.pack_into("<QQQQIII", head, 8, 1, self.last - self.first + 1, self.first, self.last,
                         128, self.last_offset, free)
        struct.pack_into("<I", head, 52, zlib.crc32(body[:free - CHUNK_HEADER_SIZE]))
        struct.pack_into("<I", head, 124, zlib.crc32(bytes(head[:120]) + bytes(head[128:])))
        return bytes(head) + body


def _file_header(chunk_count: int, next_id: int) -> bytes:
    head = bytearray(FILE_HEADER_SIZE)
    head[0:8] = b"ElfFile\x00"
    struct.pack_into("<QQQIHHHH", head, 8, 0, chunk_count - 1, next_id, 128, 1, 3, FILE_HEADER_SIZE,
                     chunk_count)
    struct.pack_into("<I", head, 124, zlib.crc32(bytes(head[:120])))
    return bytes(head)


def _record(element: Element, record_id: int, offset: int, corrupt: bool) -> bytes:
    """One record at chunk offset ``offset`` (BinXML names are located by chunk offsets)."""
    w = _Writer(offset + 24)
    w.raw(b"\x0f\x01\x01\x00")  # fragment header
    w.u8(0x0C)  # template instance
    w.u8(0x01)
    w.u32(record_id)  # template id
    w.u32(w.pos + 4)  # the definition follows right here
    w.u32(0)  # next template offset
    w.raw(struct.pack("<IHH8s", record_id, 0, 0, b"geobuktp"))  # template GUID
    size_at = w.reserve()
    start = w.pos
    w.raw(b"\x0f\x01\x01\x00")
    values: list[Value] = []
    w.element(element, values)
    w.u8(0x00)  # end of template fragment
    w.patch(size_at, w.pos - start)
    encoded = [_encode(v) for v in values]
    w.u32(len(values))
    for value, data in zip(values, encoded, strict=True):
        w.raw(struct.pack("<HBB", len(data), value.kind, 0))
    for data in encoded:
        w.raw(data)
    w.u8(0x00)  # end of record fragment
    binxml = bytes(w.out)
    if corrupt:
        binxml = binxml[:4] + b"\xff" + binxml[5:]  # the template instance token, torn
    size = (24 + len(binxml) + 4 + 7) // 8 * 8
    body = binxml.ljust(size - 28, b"\x00")
    written = _filetime(datetime(2024, 3, 1, tzinfo=UTC))
    header = struct.pack("<4sIQQ", b"\x2a\x2a\x00\x00", size, record_id, written)
    return header + body + struct.pack("<I", size)


class _Writer:
    def __init__(self, base: int) -> None:
        self.base = base
        self.out = bytearray()

    @property
    def pos(self) -> int:
        return self.base + len(self.out)

    def raw(self, data: bytes) -> None:
        self.out += data

    def u8(self, n: int) -> None:
        self.out += struct.pack("<B", n)

    def u16(self, n: int) -> None:
        self.out += struct.pack("<H", n)

    def u32(self, n: int) -> None:
        self.out += struct.pack("<I", n)

    def reserve(self) -> int:
        at = len(self.out)
        self.u32(0)
        return at

    def patch(self, at: int, n: int) -> None:
        struct.pack_into("<I", self.out, at, n)

    def name(self, name: str) -> None:
        self.u32(self.pos + 4)  # inline: the name structure follows
        chars = name.encode("utf-16-le")
        self.raw(struct.pack("<IHH", 0, _hash(name), len(name)) + chars + b"\x00\x00")

    def element(self, element: Element, values: list[Value]) -> None:
        self.u8(0x41 if element.attributes else 0x01)
        self.u16(0xFFFF)  # dependency identifier (template definitions carry one)
        size_at = self.reserve()
        start = self.pos
        self.name(element.name)
        if element.attributes:
            attributes_at = self.reserve()
            attributes_start = self.pos
            for i, (name, value) in enumerate(element.attributes):
                self.u8(0x46 if i < len(element.attributes) - 1 else 0x06)
                self.name(name)
                self.substitution(value, values)
            self.patch(attributes_at, self.pos - attributes_start)
        if element.children:
            self.u8(0x02)  # close start element
            for child in element.children:
                if isinstance(child, Element):
                    self.element(child, values)
                else:
                    self.substitution(child, values)
            self.u8(0x04)  # end element
        else:
            self.u8(0x03)  # close empty element
        self.patch(size_at, self.pos - start)

    def substitution(self, value: Value, values: list[Value]) -> None:
        self.u8(0x0E)  # optional substitution
        self.u16(len(values))
        self.u8(value.kind)
        values.append(value)


def _encode(value: Value) -> bytes:
    kind, v = value.kind, value.value
    if kind == STRING:
        return str(v).encode("utf-16-le")
    if kind == STRING_ARRAY:
        return b"".join(s.encode("utf-16-le") + b"\x00\x00" for s in v)  # type: ignore[union-attr]
    if kind == FILETIME:
        return struct.pack("<Q", _filetime(datetime.fromisoformat(str(v))))
    formats = {UINT8: "<B", UINT16: "<H", UINT32: "<I", UINT64: "<Q", HEXINT64: "<Q", BOOL: "<I"}
    return struct.pack(formats[kind], v)


def _filetime(moment: datetime) -> int:
    """100-nanosecond ticks since 1601 (integer arithmetic: a float loses the microseconds)."""
    delta = moment - _EPOCH_1601
    return (delta.days * 86400 + delta.seconds) * 10**7 + delta.microseconds * 10


def _hash(name: str) -> int:
    h = 0
    for ch in name:
        h = (h * 65599 + ord(ch)) & 0xFFFFFFFF
    return h & 0xFFFF
