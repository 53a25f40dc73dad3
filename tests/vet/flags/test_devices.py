"""Device flags: remote-access tools (IT staff exempt) and IP-KVMs by USB id, name and hostname."""

from __future__ import annotations

from geobuk.vet.flags import devices


def codes(data):
    return {(i, f.code) for i, f in devices.flags(data)}


def test_remote_tools_and_ip_kvms(data_for, person):
    rows = [
        person("E1"),
        person("E2", department="IT Support"),
        person("E3"),
        person("E4"),
        person("E5"),
        person("E6"),
    ]
    inventory = [
        {
            "person_id": "E1",
            "hostname": "LT-1",
            "software": "Slack; AnyDesk 8.0",
            "usb_vendor_id": "",
            "usb_product_id": "",
            "usb_product": "",
        },
        {
            "person_id": "E2",
            "hostname": "LT-2",
            "software": "TeamViewer 15",
            "usb_vendor_id": "",
            "usb_product_id": "",
            "usb_product": "",
        },
        {
            "person_id": "E3",
            "hostname": "LT-3",
            "software": "",
            "usb_vendor_id": "1d6b",
            "usb_product_id": "0104",
            "usb_product": "",
        },
        {
            "person_id": "E4",
            "hostname": "LT-4",
            "software": "",
            "usb_vendor_id": "",
            "usb_product_id": "",
            "usb_product": "JetKVM HID",
        },
        {
            "person_id": "E5",
            "hostname": "tinypilot",
            "software": "",
            "usb_vendor_id": "",
            "usb_product_id": "",
            "usb_product": "",
        },
        {
            "person_id": "E6",
            "hostname": "LT-6",
            "software": "Zoom; Slack",
            "usb_vendor_id": "046d",
            "usb_product_id": "c52b",
            "usb_product": "Logitech USB Receiver",
        },
    ]
    assert codes(data_for(rows, devices=inventory)) == {
        (0, "remote_access_tool"),
        (2, "ip_kvm"),
        (3, "ip_kvm"),
        (4, "ip_kvm"),
    }
