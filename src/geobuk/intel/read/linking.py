"""Reports of the same event, recognised across languages and outlets, so it is counted once.

Two readings report the same event when what they are about agrees, whatever the language: the same
actors, victims' countries and sectors, reporting organisations, money amounts, and a publication
month close enough. The score is a weighted overlap of those facts (language-neutral by
construction: ISO codes, STIX ids, sector names), so a French and an English article link without
translation.
"""

from __future__ import annotations

from geobuk.intel.read.reader import Reading

WEIGHTS = {"actor": 3.0, "malware": 2.0, "campaign": 2.0, "organization": 1.0, "sector": 1.0,
           "country": 1.0, "amount": 2.0, "indicator": 3.0}
#: Linked when the weighted overlap reaches this share of the smaller reading's facts...
THRESHOLD = 0.6
#: ...and they share at least an actor, an indicator or an amount (topic words alone are not enough).
ANCHORS = ("actor", "indicator", "amount", "campaign")


def signature(reading: Reading) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {kind: set() for kind in WEIGHTS}
    for fact in reading.facts:
        if fact.kind not in WEIGHTS:
            continue
        if fact.kind == "amount":
            value = fact.data.get("value")
            currency = fact.data.get("currency") or fact.type
            key = f"{currency}:{round(float(value), -7) if value else fact.value}"
        else:
            key = fact.value
        out[fact.kind].add(key)
    return out


def _months_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b or len(a) < 7 or len(b) < 7:
        return None
    ya, ma, yb, mb = int(a[:4]), int(a[5:7]), int(b[:4]), int(b[5:7])
    return abs((ya * 12 + ma) - (yb * 12 + mb))


def similarity(a: Reading, b: Reading) -> float:
    """Weighted overlap of two readings' facts (0..1), 0 without a shared anchor or months apart."""
    apart = _months_apart(a.doc.published, b.doc.published)
    if apart is not None and apart > 1:
        return 0.0
    sa, sb = signature(a), signature(b)
    if not any(sa[k] & sb[k] for k in ANCHORS):
        return 0.0
    shared = sum(WEIGHTS[k] * len(sa[k] & sb[k]) for k in WEIGHTS)
    size_a = sum(WEIGHTS[k] * len(sa[k]) for k in WEIGHTS)
    size_b = sum(WEIGHTS[k] * len(sb[k]) for k in WEIGHTS)
    smaller = min(size_a, size_b)
    return shared / smaller if smaller else 0.0


def link_same_events(readings: list[Reading], threshold: float = THRESHOLD) -> list[tuple[str, str, float]]:
    """Mark readings of the same event (``Reading.same_event``) and return the linked pairs."""
    pairs = []
    for i, a in enumerate(readings):
        for b in readings[i + 1:]:
            score = similarity(a, b)
            if score >= threshold:
                a.same_event.append(b.doc.id)
                b.same_event.append(a.doc.id)
                pairs.append((a.doc.id, b.doc.id, round(score, 3)))
    return pairs
