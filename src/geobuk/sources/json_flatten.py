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
# Sections of winlog whose leaves are the event's own fields, named as in the EVTX record, and the
# EVTX section name a leaf is kept under when its name is already taken (``UserData_Channel``).
WINLOG_DATA = {"event_data": "EventData", "user_data": "UserData"}
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
        _winlog(winlog, "", out)
        for section, name in WINLOG_DATA.items():
            data = winlog.get(section)
            if type(data) is dict:
                _leaves(data, name, out)
        obj = {key: value for key, value in obj.items() if key != "winlog"}
    elif "SourceModuleType" in obj or ("EventTime" in obj and "SourceName" in obj):  # NXLog
        obj = {NXLOG_FIELDS.get(key, key): value for key, value in obj.items()}
    _dotted(obj, "", out)
    for name, fallback in ECS_FALLBACKS:
        if name not in out and fallback in out:
            out[name] = out[fallback]
    for name in METADATA:
        if name in out:  # the event's own field of that name; the metadata column is geobuk's
            out[name + "_"] = out.pop(name)
    return fill_metadata(out)


def _winlog(node: dict[str, Any], prefix: str, out: Event) -> None:
    """The System-like fields of ``winlog`` under their Sigma names, others as ``winlog.path``."""
    for key, value in node.items():
        path = prefix + key
        kind = type(value)
        if kind is dict:
            if path not in WINLOG_DATA:
                _winlog(value, path + ".", out)
            continue
        name = WINLOG_FIELDS.get(path) or "winlog." + path
        if name not in out:
            if kind is not str:
                value = as_text(value)
                if value is None:
                    continue
            out[name] = value


def _leaves(node: dict[str, Any], section: str, out: Event) -> None:
    """Event data leaves under their own names; one already set keeps its value (as in EVTX)."""
    for key, value in node.items():
        kind = type(value)
        if kind is dict:
            _leaves(value, section, out)
            continue
        if kind is not str:
            value = as_text(value)
            if value is None:
                continue
        if key not in out:
            out[key] = value
        else:
            out.setdefault(f"{section}_{key}", value)


def _dotted(node: dict[str, Any], prefix: str, out: Event) -> None:
    """Every leaf under its dotted path (``host.os.family``); a name already set is kept."""
    for key, value in node.items():
        path = prefix + key
        kind = type(value)
        if kind is dict:
            _dotted(value, path + ".", out)
        elif path not in out:
            if kind is not str:
                value = as_text(value)
                if value is None:
                    continue
            out[path] = value
