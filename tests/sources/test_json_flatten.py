"""JSON events in the shapes shippers write, flattened to the same Sigma names."""

from __future__ import annotations

from geobuk.sources.json_flatten import flatten_json

WINLOGBEAT = {
    "@timestamp": "2024-03-01T10:00:00.123Z",
    "host": {"name": "ws01.corp.example", "os": {"family": "windows"}},
    "agent": {"type": "winlogbeat"},
    "event": {"code": "1", "provider": "Microsoft-Windows-Sysmon"},
    "winlog": {
        "event_id": 1, "channel": "Microsoft-Windows-Sysmon/Operational", "computer_name": "WS01",
        "provider_name": "Microsoft-Windows-Sysmon", "record_id": 77, "api": "wineventlog",
        "process": {"pid": 3120, "thread": {"id": 4412}},
        "event_data": {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd /c whoami",
                       "ProcessId": "4242"},
    },
}


def test_winlogbeat_fields_get_sigma_names():
    out = flatten_json(WINLOGBEAT)
    assert out["EventID"] == "1"
    assert out["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert out["Computer"] == "WS01"
    assert out["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert out["EventRecordID"] == "77"
    assert out["Execution_ProcessID"] == "3120"
    assert out["Execution_ThreadID"] == "4412"
    assert out["Image"] == "C:\\Windows\\System32\\cmd.exe"
    assert out["ProcessId"] == "4242"
    assert out["winlog.api"] == "wineventlog"  # unmapped winlog keys keep their path
    assert out["host.name"] == "ws01.corp.example"
    assert out["host.os.family"] == "windows"
    assert "winlog.event_data.Image" not in out and "winlog.event_id" not in out
    assert out["_timestamp"] == "2024-03-01T10:00:00.123000Z"
    assert out["_host"] == "WS01"


def test_ecs_without_winlog_falls_back_to_host_name_and_event_code():
    out = flatten_json({"host": {"name": "srv7"}, "event": {"code": 4624}, "message": "An account logged on"})
    assert out["Computer"] == "srv7"
    assert out["EventID"] == "4624"
    assert out["_host"] == "srv7"


def test_flat_sysmon_style_event_keeps_its_names():
    out = flatten_json({"EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational", "Image": "a.exe",
                        "Hashes": ["MD5=1", "SHA256=2"], "Signed": True, "Extra": None})
    assert out == {"EventID": "1", "Channel": "Microsoft-Windows-Sysmon/Operational", "Image": "a.exe",
                   "Hashes": "MD5=1\nSHA256=2", "Signed": "true"}


def test_nxlog_system_fields_do_not_collide_with_event_data():
    nxlog = {"EventTime": "2024-03-01 10:00:00", "Hostname": "WS01", "SourceName": "Microsoft-Windows-Sysmon",
             "EventID": 1, "ProcessID": 3120, "ProcessId": "4242", "RecordNumber": 9,
             "SourceModuleType": "im_msvistalog", "Image": "cmd.exe"}
    out = flatten_json(nxlog)
    assert out["Execution_ProcessID"] == "3120"
    assert out["ProcessId"] == "4242"
    assert "ProcessID" not in out
    assert out["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert out["Computer"] == "WS01"
    assert out["EventRecordID"] == "9"
    assert out["_timestamp"] == "2024-03-01T10:00:00.000000"  # no zone given: not claimed to be UTC


def test_evtx_rendered_as_json_is_flattened_like_evtx():
    record = {"Event": {"System": {"EventID": {"#text": 4688, "#attributes": {"Qualifiers": 0}},
                                   "Computer": "DC1", "Channel": "Security",
                                   "TimeCreated": {"#attributes": {"SystemTime": "2024-01-01T00:00:00Z"}}},
                        "EventData": {"NewProcessName": "C:\\x.exe"}}}
    out = flatten_json(record)
    assert out["EventID"] == "4688"
    assert out["NewProcessName"] == "C:\\x.exe"
    assert out["_host"] == "DC1"
    assert out["_timestamp"] == "2024-01-01T00:00:00Z"


def test_elasticsearch_hit_is_read_as_its_source():
    out = flatten_json({"_index": "winlogbeat-1", "_id": "x", "_source": WINLOGBEAT})
    assert out["Image"] == "C:\\Windows\\System32\\cmd.exe"
    assert "_index" not in out


def test_fields_named_like_metadata_do_not_replace_it():
    out = flatten_json({"_host": "fake", "_record": "1", "Hostname": "real"})
    assert out["_host_"] == "fake" and out["_record_"] == "1"
    assert out["_host"] == "real"


def test_winlog_system_fields_win_over_user_data_like_in_evtx():
    beat = {"winlog": {"channel": "System", "event_id": 104,
                       "user_data": {"LogFileCleared": {"Channel": "Security", "SubjectUserName": "m"}}}}
    out = flatten_json(beat)
    assert out["Channel"] == "System"
    assert out["UserData_Channel"] == "Security"
    assert out["SubjectUserName"] == "m"
