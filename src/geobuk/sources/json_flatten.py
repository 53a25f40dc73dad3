"""A JSON log event, in whichever shape the shipper wrote it, flattened to Sigma's Windows field names.

Four shapes are recognised, so that one Sigma rule matches the same event however it was collected:

- EVTX rendered as JSON (``evtx_dump``, Velociraptor, ``{"Event": {"System": ..., "EventData": ...}}``):
  flattened exactly as EVTX files are (``evtx_flatten``).
- Winlogbeat / Elastic Agent (ECS): ``winlog.event_data.*`` and ``winlog.user_data.*`` leaves under
  their own names (``Image``, ``CommandLine``), ``winlog.event_id`` -> ``EventID``, ``winlog.channel`` ->
  ``Channel``, ``winlog.computer_name`` -> ``Computer``, ``winlog.provider_name`` -> ``Provider_Name``,
  ``winlog.record_id`` -> ``EventRecordID``, ``winlog.process.pid`` -> ``Execution_ProcessID`` (see
  ``WINLOG_FIELDS``); every other nested key is kept with dots (``host.name``, ``process.executable``,
  ``winlog.api``). ``Computer`` falls back to ``host.name`` and ``EventID`` to ``event.code``.
- NXLog ``im_msvistalog`` (flat, with the event data at the top level next to the System fields):
  its System fields get the EVTX names (``SourceName`` -> ``Provider_Name``, ``ProcessID`` ->
  ``Execution_ProcessID``, ``Hostname`` -> ``Computer``...). This matters: NXLog's ``ProcessID`` (the
  logging service) sits next to Sysmon's ``ProcessId`` (the process the event is about), and
  case-insensitive column names would otherwise merge the two.
- Anything else: keys as they are, nested objects joined with dots.

An Elasticsearch hit (``{"_index": ..., "_source": {...}}``) is read as its ``_source``. Values are
text (``values.as_text``); nulls are left out. A field never overwrites one already set.
"""

from __future__ import annotations

from typing import Any

from geobuk.sources.base import METADATA, Event
from geobuk.sources.evtx_flatten import flatten_event
from geobuk.sources.metadata import fill_metadata
from geobuk.sources.values import as_text

# winlog.* path (dotted) -> Sigma name.
WINLOG_FIELDS = {
    "event_id": "EventID", "channel": "Channel", "computer_name": "Computer",
    "provider_name": "Provider_Name", "provider_guid": "Provider_Guid", "record_id": "EventRecordID",
    "process.pid": "Execution_ProcessID", "process.thread.id": "Execution_ThreadID",
    "user.identifier": "Security_UserID", "activity_id": "Correlation_ActivityID",
    "task": "Task", "opcode": "Opcode", "keywords": "Keywords", "version": "Version",
}
# Sections of winlog whose leaves are the event's own fields, named as in the EVTX record.
WINLOG_DATA = ("event_data", "user_data")
# NXLog im_msvistalog System fields -> the EVTX names.
NXLOG_FIELDS = {
    "SourceName": "Provider_Name", "ProviderGuid": "Provider_Guid", "RecordNumber": "EventRecordID",
    "ProcessID": "Execution_ProcessID", "ThreadID": "Execution_ThreadID", "Hostname": "Computer",
    "UserID": "Security_UserID", "ActivityID": "Correlation_ActivityID",
}
# Fallbacks applied after flattening: Sigma name <- ECS field, when the Sigma name is missing.
ECS_FALLBACKS = (("Computer", "host.name"), ("EventID", "event.code"))


def flatten_json(obj: dict[str, Any]) -> Event:
    """The flat fields of one JSON event, with ``_timestamp``/``_host`` when it has them."""
    source = obj.get("_source")
    if type(source) is dict:
        obj = source
    event = obj.get("Event")
    if type(event) is dict and ("System" in event or "EventData" in event):
        return flatten_event(event)
    if type(obj.get("System")) is dict:
        return flatten_event(obj)
    out: Event = {}
    winlog = obj.get("winlog")
    if type(winlog) is dict:
        _winlog(winlog, out)
    elif _is_nxlog(obj):
        obj = {NXLOG_FIELDS.get(key, key): value for key, value in obj.items()}
    for key, value in obj.items():
        if key == "winlog" and type(winlog) is dict:
            continue
        if type(value) is dict:
            _dotted(value, key, out)
        else:
            _put(out, key, value)
    for name, fallback in ECS_FALLBACKS:
        if name not in out and fallback in out:
            out[name] = out[fallback]
    return fill_metadata(out)


def _winlog(winlog: dict[str, Any], out: Event) -> None:
    for section in WINLOG_DATA:
        data = winlog.get(section)
        if type(data) is dict:
            _leaves(data, out)
    rest: Event = {}
    _dotted({k: v for k, v in winlog.items() if k not in WINLOG_DATA}, "", rest)
    for path, text in rest.items():
        name = WINLOG_FIELDS.get(path)
        if name is None:
            name = f"winlog.{path}"
        if name not in out:
            out[name] = text


def _is_nxlog(obj: dict[str, Any]) -> bool:
    return "SourceModuleType" in obj or ("EventTime" in obj and "SourceName" in obj)


def _leaves(node: dict[str, Any], out: Event) -> None:
    for key, value in node.items():
        if type(value) is dict:
            _leaves(value, out)
        else:
            _put(out, key, value)


def _dotted(node: dict[str, Any], prefix: str, out: Event) -> None:
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if type(value) is dict:
            _dotted(value, path, out)
        else:
            _put(out, path, value)


def _put(out: Event, name: str, value: Any) -> None:
    if name in METADATA:
        name += "_"  # the event's own field of that name; the metadata column is geobuk's
    if name not in out:
        text = as_text(value)
        if text is not None:
            out[name] = text
