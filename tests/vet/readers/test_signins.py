"""Sign-in readers: Entra and Okta by their real field names, the generic CSV, and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from geobuk.errors import InputError
from geobuk.vet.mapping import Mapping
from geobuk.vet.readers import read_all, reader_for

ENTRA = {
    "userPrincipalName": "Ann@Corp.example",
    "createdDateTime": "2025-03-03T14:00:00Z",
    "ipAddress": "192.0.2.1",
    "clientAppUsed": "Browser",
    "userAgent": "Mozilla/5.0",
    "deviceDetail": {"deviceId": "dev-1"},
    "status": {"errorCode": 0},
    "location": {"countryOrRegion": "US", "geoCoordinates": {"latitude": 40.7, "longitude": -74.0}},
}
OKTA = {
    "published": "2025-03-03T14:00:00.123Z",
    "eventType": "user.session.start",
    "actor": {"alternateId": "bo@corp.example", "type": "User"},
    "client": {
        "ipAddress": "198.51.100.9",
        "userAgent": {"rawUserAgent": "curl"},
        "geographicalContext": {"country": "Russian Federation"},
    },
    "securityContext": {"asNumber": 9009, "isProxy": True},
    "authenticationContext": {"externalSessionId": "s-1"},
    "outcome": {"result": "SUCCESS"},
}


def test_entra_fields_and_failed_sign_ins_left_out(tmp_path):
    path = tmp_path / "entra.json"
    failed = dict(ENTRA, status={"errorCode": 50126}, ipAddress="192.0.2.99")
    path.write_text(json.dumps({"value": [ENTRA, failed]}))
    assert reader_for("signins", path).name == "entra"
    table = read_all("signins", [path], Mapping())
    row = table.to_pylist()[0]
    assert table.num_rows == 1 and row["user"] == "ann@corp.example" and row["ip"] == "192.0.2.1"
    assert row["time"] == datetime(2025, 3, 3, 14, tzinfo=UTC) and row["device_id"] == "dev-1"
    assert row["country"] == "US" and row["lat"] == "40.7" and row["_record"] == 1


def test_okta_country_names_proxy_and_session(tmp_path):
    path = tmp_path / "okta.jsonl"
    path.write_text(json.dumps(OKTA) + "\n" + json.dumps(dict(OKTA, outcome={"result": "FAILURE"})) + "\n")
    assert reader_for("signins", path).name == "okta"
    rows = read_all("signins", [path], Mapping()).to_pylist()
    assert len(rows) == 1
    assert rows[0]["country"] == "RU" and rows[0]["is_proxy"] is True and rows[0]["asn"] == "9009"
    assert rows[0]["session_id"] == "s-1" and rows[0]["action"] == "user.session.start"


def test_generic_csv(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        "user,time,ip,country,asn,device_id,user_agent\nE1,2025-03-03 14:00:00,192.0.2.1,"
        "United States,AS7922,d1,ua\n"
    )
    row = read_all("signins", [path], Mapping()).to_pylist()[0]
    assert row["user"] == "e1" and row["asn"] == "7922" and row["country"] == "US"
    assert row["time"] == datetime(2025, 3, 3, 14, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "message", "index"),
    [
        ("user,time\nE1,yesterday\n", "is not an ISO 8601 date", 2),
        ("user,time\nE1,2025-03-03T00:00:00Z\n,2025-03-03T00:00:00Z\n", "no user", 3),
        ("user,ip\nE1,1.2.3.4\n", "no time column", None),
    ],
)
def test_bad_sign_ins(tmp_path, text, message, index):
    path = tmp_path / "s.csv"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_all("signins", [path], Mapping())
    assert message in str(err.value) and err.value.index == index


def test_entra_bad_time_names_the_record(tmp_path):
    path = tmp_path / "entra.json"
    path.write_text(json.dumps([ENTRA, dict(ENTRA, createdDateTime="soon")]))
    with pytest.raises(InputError, match="record 2: time 'soon'"):
        read_all("signins", [path], Mapping())
