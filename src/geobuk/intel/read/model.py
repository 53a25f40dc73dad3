"""The shapes every extractor shares: a document, and facts with the text span they came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the document text (the evidence for a fact)."""

    start: int
    end: int
    text: str


@dataclass
class Fact:
    """One extracted fact. ``kind`` names the extractor's vocabulary (e.g. "indicator", "actor",
    "technique", "sector", "country", "organization", "amount", "date", "malware", "campaign",
    "attribution"); ``value`` is the normalised value (an indicator value, an ISO country code, a
    STIX id...); ``type`` refines the kind (the indicator type, the amount currency...); ``data``
    carries anything else the output needs (e.g. ``{"name": ..., "id": ...}`` for an actor)."""

    kind: str
    value: str
    span: Span
    type: str | None = None
    data: dict = field(default_factory=dict)


@dataclass
class Document:
    """A text to read: its id (file name or batch id), the text, and what was learnt loading it."""

    id: str
    text: str
    language: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date, when the document says so
    source: str | None = None     # file path or URL
    meta: dict = field(default_factory=dict)
