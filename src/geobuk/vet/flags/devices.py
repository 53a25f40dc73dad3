"""Red flags on company devices: remote-access tools and IP-KVMs, how a laptop at a laptop farm is
driven from abroad (FBI PSA I-051624 and I-012325; Microsoft's Jasper Sleet report; GTIG 2025).

IT staff who support users with such tools legitimately are exempt by department or by person
(``VetConfig.remote_access_allowed_departments`` / ``remote_access_allowed_people``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow.compute as pc

from geobuk.vet.data import VetData
from geobuk.vet.model import Flag

#: Pattern in a software name -> the tool's name.
REMOTE_ACCESS_TOOLS = {
    r"anydesk": "AnyDesk",
    r"teamviewer": "TeamViewer",
    r"chrome remote desktop": "Chrome Remote Desktop",
    r"rustdesk": "RustDesk",
    r"splashtop": "Splashtop",
    r"ammyy": "Ammyy Admin",
    r"supremo": "Supremo",
    r"screenconnect|connectwise control": "ScreenConnect",
    r"logmein": "LogMeIn",
    r"remotepc": "RemotePC",
    r"zoho assist": "Zoho Assist",
    r"dwagent|dwservice": "DWService",
    r"meshagent|meshcentral": "MeshCentral",
    r"tightvnc|realvnc|ultravnc|tigervnc|vnc server": "VNC",
    r"netsupport": "NetSupport Manager",
    r"parsec": "Parsec",
    r"getscreen": "Getscreen.me",
    r"remote utilities": "Remote Utilities",
}
_TOOL_RE = [(re.compile(p, re.IGNORECASE), name) for p, name in REMOTE_ACCESS_TOOLS.items()]
#: IP-KVM products by name (USB product string or hostname).
IP_KVM_NAMES = re.compile(r"pikvm|tinypilot|jetkvm|nanokvm|blikvm|glkvm|gl-rm1|comet kvm", re.IGNORECASE)
#: The Linux Foundation's multifunction composite gadget, which PiKVM and TinyPilot present as.
IP_KVM_USB_IDS = {("1d6b", "0104"): "Linux USB composite gadget 1d6b:0104 (how PiKVM and TinyPilot appear)"}


def flags(data: VetData) -> Iterator[tuple[int, Flag]]:
    devices = data.devices.filter(pc.greater_equal(data.devices.column("person"), 0))
    if not devices.num_rows:
        return
    config = data.config
    allowed_departments = {d.casefold() for d in config.remote_access_allowed_departments}
    allowed_people = set(config.remote_access_allowed_people)
    departments = data.column("department")
    ids = data.ids
    tools: dict[int, dict[str, set[str]]] = {}
    kvms: dict[int, list[tuple[str, str]]] = {}
    for row in devices.to_pylist():
        person = row["person"]
        host = row["hostname"]
        for item in re.split(r"[;|]", row["software"] or ""):
            for pattern, name in _TOOL_RE:
                if item.strip() and pattern.search(item):
                    tools.setdefault(person, {}).setdefault(name, set()).add(host or "?")
        usb = (row["usb_vendor_id"], row["usb_product_id"])
        if usb in IP_KVM_USB_IDS:
            kvms.setdefault(person, []).append((IP_KVM_USB_IDS[usb], host or "?"))
        elif row["usb_product"] and IP_KVM_NAMES.search(row["usb_product"]):
            kvms.setdefault(person, []).append((f"USB device {row['usb_product']!r}", host or "?"))
        if host and IP_KVM_NAMES.search(host):
            kvms.setdefault(person, []).append(("an IP-KVM's own network name", host))
    for person, found in sorted(tools.items()):
        if (departments[person] or "").casefold() in allowed_departments or ids[person] in allowed_people:
            continue
        hosts = sorted({h for hs in found.values() for h in hs})
        yield (
            person,
            Flag(
                "remote_access_tool",
                {"tools": sorted(found), "hostname": hosts},
                "{tools} installed on {hostname}",
            ),
        )
    for person, found in sorted(kvms.items()):
        yield (
            person,
            Flag(
                "ip_kvm",
                {"devices": sorted({d for d, _ in found}), "hostname": sorted({h for _, h in found})},
                "{devices} on {hostname}",
            ),
        )
