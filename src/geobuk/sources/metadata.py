"""``_timestamp`` and ``_host`` for formats that have no fixed place for them (JSON, CSV).

Exports name the event time and machine many ways (``@timestamp`` in Elastic, ``EventTime`` in
NXLog, ``TimeCreated`` in EVTX-as-JSON, ``UtcTime`` in Sysmon); the first one present is used.
Times are written as ISO-8601 with microseconds, the way EVTX's ``SystemTime`` is, so that sorting
the text sorts the events across formats: a time with a zone is converted to UTC (``...Z``), a time
without one is kept as local time (no ``Z``: it is not known to be UTC), and epoch numbers are taken
as seconds, milliseconds or microseconds by their size.
A value that is no time is left out of ``_timestamp`` (the field itself is kept as it was).
"""

from __future__ import annotations

from datetime import UTC, datetime

from geobuk.sources.base import HOST, TIMESTAMP, Event

TIME_FIELDS = ("@timestamp", "TimeCreated", "SystemTime", "EventTime", "timestamp", "Timestamp",
               "UtcTime", "time", "Time", "TimeGenerated", "EventReceivedTime", "Date and Time",
               "date", "datetime")
HOST_FIELDS = ("Computer", "host.name", "host.hostname", "Hostname", "hostname", "HostName", "host",
               "ComputerName", "computer_name", "Workstation")

_MS_EPOCH = 10**11  # 1973 in milliseconds, 5138 in seconds: larger numbers are not seconds
_US_EPOCH = 10**14


def fill_metadata(event: Event) -> Event:
    """Set ``_timestamp`` and ``_host`` from the event's own fields (those already set are kept)."""
    if TIMESTAMP not in event:
        for name in TIME_FIELDS:
            value = event.get(name)
            if value:
                iso = iso_time(value)
                if iso:
                    event[TIMESTAMP] = iso
                    break
    if HOST not in event:
        for name in HOST_FIELDS:
            value = event.get(name)
            if value:
                event[HOST] = value
                break
    return event


def iso_time(text: str) -> str | None:
    """``text`` as ISO-8601 (UTC with ``Z`` when its zone is known), or None if it is no time."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit() or (text[0] == "-" and text[1:].isdigit()):
        return _from_epoch(int(text))
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            return _from_epoch(float(text))
        except (ValueError, OverflowError):
            return None
    if moment.tzinfo is None:
        return moment.isoformat(timespec="microseconds")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _from_epoch(number: float) -> str | None:
    if abs(number) >= _US_EPOCH:
        number /= 1_000_000
    elif abs(number) >= _MS_EPOCH:
        number /= 1000
    try:
        moment = datetime.fromtimestamp(number, UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
