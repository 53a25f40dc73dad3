"""Device inventory readers: USB ids in any common spelling, errors by row."""

from __future__ import annotations

import pytest

from geobuk.errors import InputError
from geobuk.vet.mapping import Mapping
from geobuk.vet.readers import read_all
from geobuk.vet.readers.devices import usb_id


def test_usb_ids_normalised(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("person_id,hostname,usb_vendor_id,usb_product_id\nE1,LT-1,0x1D6B,PID_104\nE1,LT-1,,\n")
    rows = read_all("devices", [path], Mapping()).to_pylist()
    assert (rows[0]["usb_vendor_id"], rows[0]["usb_product_id"]) == ("1d6b", "0104")
    assert rows[1]["usb_vendor_id"] == ""


def test_bad_usb_id_names_the_row(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("person_id,usb_vendor_id\nE1,1d6b\nE2,keyboard\n")
    with pytest.raises(InputError, match="row 3: usb_vendor_id must be a hex USB id"):
        read_all("devices", [path], Mapping())


def test_usb_id():
    assert usb_id("VID_046D") == "046d" and usb_id("") == "" and usb_id("zz") is None
