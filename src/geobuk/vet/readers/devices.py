"""Company device inventories: which software and USB devices are on whose laptop.

One row per person and device, or per person and USB device: a person may have several rows.
``software`` lists installed programs separated by ``;`` or ``|``; USB ids are hex (``1d6b``,
``0x1D6B`` and ``VID_1D6B`` are the same).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa

from geobuk.errors import InputError
from geobuk.vet.mapping import DEVICES
from geobuk.vet.readers.base import READERS
from geobuk.vet.readers.rows import CsvRows, JsonRows
from geobuk.vet.readers.tabular import first_blank

_USB_ID_RE = re.compile(r"(?:0x|vid_|pid_)?([0-9a-f]{1,4})", re.IGNORECASE)


def usb_id(value: str) -> str | None:
    """A USB vendor or product id as four lower-case hex digits; "" for blank; None if not an id."""
    if not value:
        return ""
    match = _USB_ID_RE.fullmatch(value.strip())
    return match.group(1).lower().zfill(4) if match else None


def validate_devices(table: pa.Table, path: Path, what: str) -> pa.Table:
    records = table.column("_record")
    blank = first_blank(table.column("person_id"))
    if blank is not None:
        raise InputError(path, "no person_id", index=records[blank].as_py(), what=what)
    for name in ("usb_vendor_id", "usb_product_id"):
        values = []
        for i, value in enumerate(table.column(name).to_pylist()):
            normal = usb_id(value)
            if normal is None:
                raise InputError(
                    path,
                    f"{name} must be a hex USB id, not {value[:20]!r}",
                    index=records[i].as_py(),
                    what=what,
                )
            values.append(normal)
        table = table.set_column(table.schema.get_field_index(name), name, pa.array(values, pa.string()))
    return table


@READERS.register
class DevicesCsv(CsvRows):
    name = "devices-csv"
    kind = "devices"
    description = (
        "device inventory CSV: person_id, hostname, software, usb_vendor_id, usb_product_id, usb_product"
    )
    names = list(DEVICES)
    validate = staticmethod(validate_devices)


@READERS.register
class DevicesJson(JsonRows):
    name = "devices-json"
    kind = "devices"
    description = "device inventory as JSON records with the CSV's fields"
    names = list(DEVICES)
    validate = staticmethod(validate_devices)
