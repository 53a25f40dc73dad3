"""Sign-in flags, each with a look-alike that must not raise it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from geobuk.vet.config import VetConfig
from geobuk.vet.flags import signins

MONDAY = datetime(2025, 3, 3, tzinfo=UTC)


def at(user, when, **fields):
    return {
        "user": user,
        "time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ip": fields.pop("ip", "192.0.2.1"),
        "country": fields.pop("country", "US"),
        **fields,
    }


def codes(data):
    return {(i, f.code) for i, f in signins.flags(data)}


def workdays(user, utc_hour, days=10, **fields):
    return [
        at(user, MONDAY + timedelta(days=d, hours=utc_hour + k), **fields)
        for d in range(days)
        for k in (0, 3)
    ]


def test_kst_hours_but_not_for_local_hours_or_a_declared_night_shift(data_for, person):
    rows = [person("E1"), person("E2"), person("E3", shift="night")]
    events = workdays("e1", 1) + workdays("e2", 14) + workdays("e3", 1)  # 01-04 UTC = 10-13 KST = 20-23 EST
    found = codes(data_for(rows, events))
    assert (0, "kst_hours") in found and (1, "kst_hours") not in found and (2, "kst_hours") not in found
    no_shift = codes(data_for([person("E1"), person("E2"), person("E3")], events))
    assert (2, "kst_hours") in no_shift


def test_countries_travel_and_risky_countries(data_for, person):
    rows = [person("E1"), person("E2")]
    events = [
        at("e1", MONDAY, country="US"),
        at("e1", MONDAY + timedelta(hours=1), country="CN", ip="192.0.2.2"),
        at("e1", MONDAY + timedelta(hours=3), country="SG", ip="192.0.2.3"),
        # a traveller: the US, then Germany after a night flight, then Japan days later
        at("e2", MONDAY, country="US"),
        at("e2", MONDAY + timedelta(hours=14), country="DE"),
        at("e2", MONDAY + timedelta(days=3), country="JP"),
    ]
    found = codes(data_for(rows, events))
    assert {(0, "multi_country"), (0, "impossible_travel"), (0, "risky_country")} <= found
    assert not {c for i, c in found if i == 1}


def test_office_vpn_ignored_for_geography(data_for, person):
    events = [
        at("e1", MONDAY, country="US"),
        at("e1", MONDAY + timedelta(minutes=30), country="JP", ip="10.9.9.9"),
    ]
    assert codes(data_for([person("E1")], events, config=VetConfig(ignore_ips=["10.0.0.0/8"]))) == set()
    assert (0, "impossible_travel") in codes(data_for([person("E1")], events))


def test_vpn_proxy_by_flag_and_asn_long_session_and_bulk_copy(data_for, person):
    rows = [person("E1"), person("E2"), person("E3")]
    events = [
        at("e1", MONDAY, is_proxy="true"),
        at("e2", MONDAY, asn="AS9009"),
        at("e3", MONDAY, session_id="s1"),
        at("e3", MONDAY + timedelta(hours=30), session_id="s1"),
    ]
    events += [
        at("e1", MONDAY + timedelta(minutes=2 * k), action="git.clone", target=f"org/repo{k}")
        for k in range(25)
    ]
    events += [
        at("e2", MONDAY + timedelta(days=k), action="git.clone", target=f"org/repo{k}") for k in range(25)
    ]
    found = codes(data_for(rows, events))
    assert {(0, "vpn_proxy"), (1, "vpn_proxy"), (2, "long_session"), (0, "bulk_repo_copy")} <= found
    assert (1, "bulk_repo_copy") not in found


def test_intel_ip_and_vpn_indicator(data_for, store, person):
    from geobuk.intel.importing import import_files
    from geobuk.vet.run import indicators_of

    ioc = store.path.parent / "iocs.txt"
    ioc.write_text("203.0.113.0/24;Astrill VPN exit\n192.0.2.66;Andariel C2\n")
    import_files(store, [ioc])
    rows = [person("E1"), person("E2")]
    events = [at("e1", MONDAY, ip="203.0.113.5"), at("e2", MONDAY, ip="192.0.2.66")]
    found = codes(data_for(rows, events, indicators=indicators_of(store)))
    assert found == {(0, "vpn_proxy"), (1, "intel_ip")}


def test_utc_offset_forms():
    assert signins.utc_offset_minutes("UTC+5:30", 0) == 330
    assert signins.utc_offset_minutes("America/New_York", int(MONDAY.timestamp() * 1e6)) == -300
    assert signins.utc_offset_minutes("Mars/Olympus", 0) is None
