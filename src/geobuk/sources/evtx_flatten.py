"""An EVTX record (the JSON the ``evtx`` parser renders) flattened to the field names Sigma uses.

Sigma's Windows rules name fields the way Zircolite, Hayabusa and Chainsaw flatten records, so
geobuk does the same, and one rule matches EVTX files and JSON exports of the same events alike:

- ``System`` children keep their names (``EventID``, ``Channel``, ``Computer``, ``Level``, ``Task``,
  ``Keywords``, ``EventRecordID`` ...). An element with attributes gives one field per attribute,
  named ``Element_Attribute`` (``Provider_Name``, ``Provider_Guid``, ``Execution_ProcessID``,
  ``Security_UserID``, ``Correlation_ActivityID``, ``EventID_Qualifiers``); its text, if any, keeps
  the element's name (``EventID`` stays ``4688`` when the record stores ``{"#text": 4688,
  "#attributes": {"Qualifiers": 0}}``). ``TimeCreated`` is its ``SystemTime`` attribute.
- ``EventData``: each named ``Data`` item under its name (``Image``, ``CommandLine`` ...). Unnamed
  items (classic providers write ``<Data>a</Data><Data>b</Data>``) become ``Data``, all of them one per
  line (so ``Data|contains`` finds any), and ``param1``, ``param2`` ... in order (the ``%1``, ``%2``
  inserts of the event's message), unless a named item already has that name.
- ``UserData`` and any other section (``ProcessingErrorData``, ``RenderingInfo``): every leaf under
  its own element name, whatever the nesting (``UserData.LogFileCleared.SubjectUserName`` ->
  ``SubjectUserName``); namespace attributes are dropped.

A field is never overwritten: when a later section repeats a name already set (``UserData`` of event
104 has a ``Channel`` too), the later value is kept as ``Section_Name`` (``UserData_Channel``).
Null values are left out (a missing field); every value is text (``geobuk.sources.values``).
"""

from __future__ import annotations

from typing import Any

from geobuk.sources.base import HOST, TIMESTAMP, Event
from geobuk.sources.values import LIST_SEPARATOR, as_text

# System attributes whose conventional field name is not Element_Attribute.
_SYSTEM_ATTRIBUTE_NAMES = {("TimeCreated", "SystemTime"): "TimeCreated"}


def flatten_event(event: dict[str, Any]) -> Event:
    """The flat fields of one ``Event`` object (the value under the record's ``"Event"`` key)."""
    out: Event = {}
    system = event.get("System")
    if type(system) is dict:
        _system(system, out)
    for section, body in event.items():
        if body is None or section == "System" or section == "#attributes":
            continue
        if section == "EventData" and type(body) is dict:
            _event_data(body, out)
        elif type(body) is dict:
            _leaves(body, section, section, out)
        else:
            _put(out, section, as_text(body), section)
    timestamp = out.get("TimeCreated")
    if timestamp is not None:
        out[TIMESTAMP] = timestamp
    host = out.get("Computer")
    if host is not None:
        out[HOST] = host
    return out


def _system(system: dict[str, Any], out: Event) -> None:
    for name, value in system.items():
        kind = type(value)
        if kind is str:
            out[name] = value
        elif kind is int:
            out[name] = str(value)
        elif kind is dict:
            attributes = value.get("#attributes")
            if attributes:
                keys = _ATTRIBUTE_KEYS.get(name) or _attribute_keys(name)
                for attribute, raw in attributes.items():
                    key = keys.get(attribute) or _attribute_key(keys, name, attribute)
                    if type(raw) is str:
                        out[key] = raw
                    elif raw is not None:
                        out[key] = as_text(raw)  # type: ignore[assignment]
            if "#text" in value:
                text = as_text(value["#text"])
                if text is not None:
                    out[name] = text
        elif value is not None:
            out[name] = as_text(value)  # type: ignore[assignment]


# Field names of System attributes, per element: a few dict lookups are cheaper than formatting
# ``Element_Attribute`` again for each of millions of records. The set of names is small and fixed.
_ATTRIBUTE_KEYS: dict[str, dict[str, str]] = {}


def _attribute_keys(element: str) -> dict[str, str]:
    keys = _ATTRIBUTE_KEYS.get(element)
    if keys is None:
        keys = _ATTRIBUTE_KEYS[element] = {}
    return keys


def _attribute_key(keys: dict[str, str], element: str, attribute: str) -> str:
    key = keys[attribute] = _SYSTEM_ATTRIBUTE_NAMES.get((element, attribute)) or f"{element}_{attribute}"
    return key


def _event_data(data: dict[str, Any], out: Event) -> None:
    for name, value in data.items():
        if type(value) is str:
            text: str | None = value
        elif name == "#attributes" or value is None:
            continue
        elif name == "Data":
            _unnamed_data(value, out)
            continue
        else:
            text = as_text(value)
            if text is None:
                continue
        if name in out:
            out["EventData_" + name] = text  # type: ignore[assignment]
        else:
            out[name] = text  # type: ignore[assignment]


def _unnamed_data(value: Any, out: Event) -> None:
    """``<Data>`` items without a ``Name``: ``Data`` (all, one per line) and ``param1``..``paramN``."""
    items = value.get("#text") if type(value) is dict else value
    if items is None:
        return
    if type(items) is not list:
        items = [items]
    texts = [as_text(item) for item in items]
    present = [t for t in texts if t is not None]
    if present:
        _put(out, "Data", LIST_SEPARATOR.join(present), "EventData")
    for number, text in enumerate(texts, 1):
        key = f"param{number}"
        if text is not None and key not in out:
            out[key] = text


def _leaves(node: dict[str, Any], element: str, section: str, out: Event) -> None:
    for name, value in node.items():
        if name == "#attributes":
            if type(value) is dict:
                for attribute, raw in value.items():
                    if not attribute.startswith("xmlns"):
                        _put(out, f"{element}_{attribute}", as_text(raw), section)
        elif name == "#text":
            _put(out, element, as_text(value), section)
        elif type(value) is dict:
            _leaves(value, name, section, out)
        elif value is not None:
            _put(out, name, as_text(value), section)


def _put(out: Event, name: str, text: str | None, section: str) -> None:
    if text is None:
        return
    if name not in out:
        out[name] = text
    else:
        out.setdefault(f"{section}_{name}", text)
