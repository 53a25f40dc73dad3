"""EVTX records (as the evtx parser renders them to JSON) to Sigma's flat field names."""

from __future__ import annotations

from geobuk.sources.evtx_flatten import flatten_event

SYSTEM = {
    "Provider": {"#attributes": {"Name": "Microsoft-Windows-Sysmon", "Guid": "5770385F-C22A"}},
    "EventID": 1, "Version": 5, "Level": 4, "Task": 1, "Opcode": 0,
    "Keywords": "0x8000000000000000",
    "TimeCreated": {"#attributes": {"SystemTime": "2024-03-01T10:00:00.123456Z"}},
    "EventRecordID": 7,
    "Correlation": None,
    "Execution": {"#attributes": {"ProcessID": 3120, "ThreadID": 4412}},
    "Channel": "Microsoft-Windows-Sysmon/Operational",
    "Computer": "WS01.corp.example",
    "Security": {"#attributes": {"UserID": "S-1-5-18"}},
}


def test_system_fields_get_sigma_names_and_text_values():
    out = flatten_event({"#attributes": {"xmlns": "x"}, "System": SYSTEM})
    assert out["EventID"] == "1"
    assert out["Provider_Name"] == "Microsoft-Windows-Sysmon"
    assert out["Provider_Guid"] == "5770385F-C22A"
    assert out["TimeCreated"] == "2024-03-01T10:00:00.123456Z"
    assert out["Execution_ProcessID"] == "3120"
    assert out["Execution_ThreadID"] == "4412"
    assert out["Security_UserID"] == "S-1-5-18"
    assert out["Channel"] == "Microsoft-Windows-Sysmon/Operational"
    assert out["EventRecordID"] == "7"
    assert out["Level"] == "4" and out["Task"] == "1" and out["Keywords"] == "0x8000000000000000"
    assert "Correlation" not in out  # null: missing, never the text "None"
    assert all(type(v) is str for v in out.values())


def test_metadata_comes_from_time_created_and_computer():
    out = flatten_event({"System": SYSTEM})
    assert out["_timestamp"] == "2024-03-01T10:00:00.123456Z"
    assert out["_host"] == "WS01.corp.example"


def test_event_id_with_qualifiers_keeps_its_text_as_event_id():
    system = {**SYSTEM, "EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 3001}}
    out = flatten_event({"System": system})
    assert out["EventID"] == "3001"
    assert out["EventID_Qualifiers"] == "16384"


def test_named_event_data_items_keep_their_names():
    data = {"Image": "C:\\Windows\\System32\\cmd.exe", "CommandLine": "cmd /c whoami", "ProcessId": 4242,
            "Initiated": True, "DestinationIsIpv6": False, "RuleName": "", "Binary": None}
    out = flatten_event({"System": SYSTEM, "EventData": data})
    assert out["Image"] == "C:\\Windows\\System32\\cmd.exe"
    assert out["CommandLine"] == "cmd /c whoami"
    assert out["ProcessId"] == "4242"
    assert out["Initiated"] == "true" and out["DestinationIsIpv6"] == "false"  # as XML spells them
    assert out["RuleName"] == ""  # an empty value is a value
    assert "Binary" not in out


def test_unnamed_data_becomes_data_and_params():
    data = {"Data": {"#text": ["sa", " Reason: Password did not match", " [CLIENT: 10.0.2.17]"]}}
    out = flatten_event({"System": SYSTEM, "EventData": data})
    assert out["Data"] == "sa\n Reason: Password did not match\n [CLIENT: 10.0.2.17]"
    assert out["param1"] == "sa"
    assert out["param3"] == " [CLIENT: 10.0.2.17]"
    assert "param4" not in out


def test_single_unnamed_data_item():
    out = flatten_event({"System": SYSTEM, "EventData": {"Data": {"#text": "audit_schema_version:1"}}})
    assert out["Data"] == "audit_schema_version:1"
    assert out["param1"] == "audit_schema_version:1"


def test_named_param_is_not_overwritten_by_unnamed_items():
    out = flatten_event({"System": SYSTEM, "EventData": {"param1": "named", "Data": ["a", "b"]}})
    assert out["param1"] == "named"
    assert out["param2"] == "b"


def test_event_data_attributes_are_not_fields():
    out = flatten_event({"System": SYSTEM, "EventData": {"#attributes": {"Name": "EVENT_X"}, "A": "1"}})
    assert out["A"] == "1"
    assert "Name" not in out and "#attributes" not in out


def test_user_data_leaves_get_their_leaf_names_and_never_overwrite_system():
    user_data = {"LogFileCleared": {"#attributes": {"xmlns": "http://manifests.microsoft.com/win"},
                                    "SubjectUserName": "admin", "Channel": "Security",
                                    "Nested": {"Deep": {"Leaf": 5}}}}
    out = flatten_event({"System": SYSTEM, "UserData": user_data})
    assert out["SubjectUserName"] == "admin"
    assert out["Leaf"] == "5"
    assert out["Channel"] == "Microsoft-Windows-Sysmon/Operational"  # System wins
    assert out["UserData_Channel"] == "Security"  # the other value is kept, not lost
    assert not any(k.startswith("xmlns") or "xmlns" in k for k in out)


def test_event_data_field_named_like_a_system_field_is_kept_aside():
    out = flatten_event({"System": SYSTEM, "EventData": {"Computer": "OTHER"}})
    assert out["Computer"] == "WS01.corp.example"
    assert out["EventData_Computer"] == "OTHER"


def test_other_sections_are_flattened_too():
    extra = {"ProcessingErrorData": {"ErrorCode": 15005, "DataItemName": "shellId"}}
    out = flatten_event({"System": SYSTEM, **extra})
    assert out["ErrorCode"] == "15005"
    assert out["DataItemName"] == "shellId"


def test_null_event_data_and_missing_system_are_fine():
    assert flatten_event({"EventData": None}) == {}
    out = flatten_event({"System": {"EventID": 4624, "Channel": None}})
    assert out == {"EventID": "4624"}
