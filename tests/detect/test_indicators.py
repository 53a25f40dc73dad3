"""Indicators from the intel store matched against events by one join."""

from __future__ import annotations

import pyarrow as pa

from detect_helpers import table_of
from geobuk.detect.indicators import IndicatorIndex, candidates, match_indicators

SHA256 = "a" * 64
MD5 = "b" * 32


def index(*rows: tuple[str, str]) -> IndicatorIndex:
    return IndicatorIndex.from_table(pa.table({
        "kind": [k for k, _ in rows], "value": [v for _, v in rows],
        "indicator_id": [f"indicator--{i}" for i in range(len(rows))],
        "name": [v for _, v in rows]}))


def hits(events: list[dict], idx: IndicatorIndex) -> set[tuple[int, str]]:
    return {(row, value) for row, _kind, value, _id, _name in match_indicators(table_of(events), idx)}


def test_hashes_inside_sysmon_hashes_field_and_plain_fields():
    events = [{"Hashes": f"SHA1={'c' * 40},MD5={MD5.upper()},SHA256={SHA256},IMPHASH={'d' * 32}"},
              {"sha256": SHA256.upper()}, {"Hashes": f"IMPHASH={MD5}"}, {"CommandLine": SHA256}]
    idx = index(("sha256", SHA256), ("md5", MD5))
    # The IMPHASH that equals an MD5 indicator is not a file hash; a hash in a command line is not a file.
    assert hits(events, idx) == {(0, SHA256), (0, MD5), (1, SHA256)}


def test_ips_and_cidrs():
    events = [{"DestinationIp": "192.0.2.45"}, {"SourceIp": "198.51.100.7"}, {"DestinationIp": "203.0.113.9"},
              {"DestinationIp": "2001:db8::1"}]
    idx = index(("ipv4", "192.0.2.45"), ("ipv4-cidr", "198.51.100.0/24"), ("ipv6", "2001:db8::1"))
    assert hits(events, idx) == {(0, "192.0.2.45"), (1, "198.51.100.0/24"), (3, "2001:db8::1")}


def test_domains_match_subdomains_dns_urls_and_host_headers():
    events = [{"QueryName": "cdn.evil.example"}, {"url": "https://Evil.Example:8443/payload?x=1"},
              {"QueryName": "notevil.example"}, {"DestinationHostname": "EVIL.EXAMPLE."},
              {"host": "a.b.evil.example"}]
    idx = index(("domain", "evil.example"))
    assert {row for row, _ in hits(events, idx)} == {0, 1, 3, 4}


def test_urls_file_names_and_crypto_addresses():
    eth = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
    events = [{"url": "http://192.0.2.1/x.exe"}, {"Image": r"C:\Users\a\AppData\Local\Temp\MAUI.EXE"},
              {"TargetFilename": "/tmp/ok.txt"}, {"to_address": eth.lower()}]
    idx = index(("url", "http://192.0.2.1/x.exe"), ("filename", "maui.exe"), ("eth-address", eth.lower()))
    assert {row for row, _ in hits(events, idx)} == {0, 1, 3}


def test_no_candidates_and_no_indicators():
    assert match_indicators(table_of([{"Foo": "bar"}]), index(("md5", MD5))) == []
    assert candidates(table_of([{"Foo": "bar"}])).num_rows == 0
    assert match_indicators(table_of([{"sha256": SHA256}]), index()) == []
