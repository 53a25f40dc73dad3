"""Indicators from running text: every type in English and French, every defanging, the false
positives reports are full of, spans into the original text, deduplication."""

from __future__ import annotations

import pytest

from geobuk.intel import observables as obs
from geobuk.intel.read.iocs import extract_indicators

RONIN = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"
GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
BECH32 = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
TAPROOT = "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"
MD5 = "44d88612fea8a8f36de82e1278abb02f"
SHA1 = "de92a7a1aeb56a82df2ee8aadaaeb8b61a4e83ea"
SHA256 = "570ba394a92e7f20fdd80629fa608e3bccef1b8fdd16c96fa559527f53c2b454"
SHA512 = "ab12" * 32


def found(text: str) -> set[tuple[str, str]]:
    return {(f.type, f.value) for f in extract_indicators(text)}


def assert_spans_are_original(text: str) -> None:
    for fact in extract_indicators(text):
        for span in fact.data["spans"]:
            assert text[span.start:span.end] == span.text


ENGLISH = [
    ("The actor used 45.67.89.10 as its C2 server.", obs.IPV4, "45.67.89.10"),
    ("Beacons went to 2001:db8:85a3::8a2e:370:7334 over TLS.", obs.IPV6, "2001:db8:85a3::8a2e:370:7334"),
    ("They scanned 203.0.113.0/24 first.", obs.IPV4_CIDR, "203.0.113.0/24"),
    ("Traffic from 2001:db8::/32 was blocked.", obs.IPV6_CIDR, "2001:db8::/32"),
    ("The fallback domain was update-check.example.net, registered in May.", obs.DOMAIN,
     "update-check.example.net"),
    ("The payload came from https://cdn.example.org/a/b.php?id=7 yesterday.", obs.URL,
     "https://cdn.example.org/a/b.php?id=7"),
    ("Lures were sent from hr.team@careers-portal.com to developers.", obs.EMAIL,
     "hr.team@careers-portal.com"),
    (f"The MD5 of the loader is {MD5}.", obs.MD5, MD5),
    (f"Its SHA-1 is {SHA1}.", obs.SHA1, SHA1),
    (f"SHA-256: {SHA256.upper()}", obs.SHA256, SHA256),
    (f"The installer's SHA-512 is {SHA512}.", obs.SHA512, SHA512),
    ("The operators exploited CVE-2023-42793 on TeamCity servers.", obs.CVE, "CVE-2023-42793"),
    ("The implant dropped svchost_upd.exe in a temporary folder.", obs.FILENAME, "svchost_upd.exe"),
    (r"Persistence: HKCU\Software\Microsoft\Windows\CurrentVersion\Run holds the loader.",
     obs.REGISTRY_KEY, r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run"),
    (f"Funds moved to {GENESIS} after the theft.", obs.BTC_ADDRESS, GENESIS),
    (f"Then to the segwit address {BECH32}.", obs.BTC_ADDRESS, BECH32),
    (f"And the taproot address {TAPROOT}.", obs.BTC_ADDRESS, TAPROOT),
    (f"The Ronin exploiter address {RONIN} received the ETH.", obs.ETH_ADDRESS, RONIN.lower()),
    (f"USDT went through the Tron address {TRON}.", obs.TRON_ADDRESS, TRON),
]

FRENCH = [
    ("L'acteur a utilisé 45.67.89.10 comme serveur de commande.", obs.IPV4, "45.67.89.10"),
    ("Le préfixe 2001:db8::/32 a été bloqué.", obs.IPV6_CIDR, "2001:db8::/32"),
    ("Le réseau 198.51.100.0/24 a été balayé.", obs.IPV4_CIDR, "198.51.100.0/24"),
    ("Le domaine mise-a-jour.example.fr hébergeait la charge.", obs.DOMAIN, "mise-a-jour.example.fr"),
    ("La charge a été téléchargée depuis http://telechargement.example.com/x.zip puis exécutée.",
     obs.URL, "http://telechargement.example.com/x.zip"),
    ("Le courriel venait de recrutement@emplois-exemple.fr ; ne pas répondre.", obs.EMAIL,
     "recrutement@emplois-exemple.fr"),
    (f"Empreinte MD5 : {MD5}.", obs.MD5, MD5),
    (f"Empreinte SHA-256 : {SHA256}", obs.SHA256, SHA256),
    ("La vulnérabilité CVE‑2021‑44228 a été exploitée.", obs.CVE, "CVE-2021-44228"),  # non-breaking hyphens
    ("Le fichier facture_2024.pdf.lnk lançait la porte dérobée.", obs.FILENAME, "facture_2024.pdf.lnk"),
    (r"La clé HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon a été modifiée.",
     obs.REGISTRY_KEY, r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon"),
    (f"Les fonds ont été transférés vers {RONIN}.", obs.ETH_ADDRESS, RONIN.lower()),
    (f"Puis vers le portefeuille bitcoin {BECH32}.", obs.BTC_ADDRESS, BECH32),
    (f"Le portefeuille Tron {TRON} a reçu des USDT.", obs.TRON_ADDRESS, TRON),
]


@pytest.mark.parametrize(("text", "kind", "value"), ENGLISH + FRENCH)
def test_each_type_in_running_text(text: str, kind: str, value: str) -> None:
    facts = [f for f in extract_indicators(text) if f.type == kind]
    assert [f.value for f in facts] == [value]
    assert facts[0].kind == "indicator"
    assert_spans_are_original(text)


DEFANGED = [
    ("C2: 45.67.89[.]10", "45.67.89[.]10", obs.IPV4, "45.67.89.10"),
    ("C2: 45[.]67[.]89[.]10", "45[.]67[.]89[.]10", obs.IPV4, "45.67.89.10"),
    ("C2: 45.67.89(.)10", "45.67.89(.)10", obs.IPV4, "45.67.89.10"),
    ("host evil[.]com today", "evil[.]com", obs.DOMAIN, "evil.com"),
    ("host evil(.)com today", "evil(.)com", obs.DOMAIN, "evil.com"),
    ("host evil{.}com today", "evil{.}com", obs.DOMAIN, "evil.com"),
    ("host evil[dot]com today", "evil[dot]com", obs.DOMAIN, "evil.com"),
    ("host evil(dot)com today", "evil(dot)com", obs.DOMAIN, "evil.com"),
    ("host evil [.] com today", "evil [.] com", obs.DOMAIN, "evil.com"),
    ("get hxxp://evil[.]com/a.php now", "hxxp://evil[.]com/a.php", obs.URL, "http://evil.com/a.php"),
    ("get hxxps://evil[.]com/a now", "hxxps://evil[.]com/a", obs.URL, "https://evil.com/a"),
    ("get hXXps://evil[.]com/a now", "hXXps://evil[.]com/a", obs.URL, "https://evil.com/a"),
    ("get hxxps[:]//evil[.]com/a now", "hxxps[:]//evil[.]com/a", obs.URL, "https://evil.com/a"),
    ("get hxxps[://]evil[.]com/a now", "hxxps[://]evil[.]com/a", obs.URL, "https://evil.com/a"),
    ("get http[:]//1.2.3[.]4:8080/x now", "http[:]//1.2.3[.]4:8080/x", obs.URL, "http://1.2.3.4:8080/x"),
    ("get evil[.]com/gate.php now", "evil[.]com/gate.php", obs.URL, "evil.com/gate.php"),
    ("mail kim[@]evil[.]com now", "kim[@]evil[.]com", obs.EMAIL, "kim@evil.com"),
    ("mail kim(@)evil[.]com now", "kim(@)evil[.]com", obs.EMAIL, "kim@evil.com"),
    ("mail kim[at]evil[.]com now", "kim[at]evil[.]com", obs.EMAIL, "kim@evil.com"),
    ("mail kim(at)evil(.)com now", "kim(at)evil(.)com", obs.EMAIL, "kim@evil.com"),
    ("mail kim [at] evil [dot] com now", "kim [at] evil [dot] com", obs.EMAIL, "kim@evil.com"),
]


@pytest.mark.parametrize(("text", "span", "kind", "value"), DEFANGED)
def test_defanged_forms_are_refanged_and_spans_keep_the_original(text: str, span: str, kind: str,
                                                                  value: str) -> None:
    facts = extract_indicators(text)
    assert [(f.type, f.value) for f in facts] == [(kind, value)]
    assert facts[0].span.text == span
    assert text[facts[0].span.start:facts[0].span.end] == span


@pytest.mark.parametrize("text", [
    "Update to version 1.2.3.4 today.",
    "Version: 2.0.1.5 is affected.",
    "Affected builds: v1.2.3.4 and v2.0.0.1.",
    "Victims ran Chrome 120.0.6099.109 on Windows.",
    "The User-Agent ends in Chrome/120.0.0.0 Safari/537.36.",
    "Windows build 10.0.19041.1 and firmware 1.0.2.3 were seen.",
    "See section 2.1.3.4 for details.",
    "The netmask 255.255.255.0 was configured.",
    "OID 1.3.6.1.4.1.311.2 identifies Authenticode.",
    "Reported on 15.03.2024 at 12:30:45, then 2024-03-15T12:30:45Z.",
    "Call +33 1 23 45 67 89, 01.23.45.67.89 or (555) 123-4567.",
    "The ransom was $1,250,000.00 or 1.250.000 € or 3.5 BTC.",
    "A NIC with MAC 00:1A:2B:3C:4D:5E was seen.",
    "Settings are read from config.json and package.json.",
    "The fake job asked for a Node.js and Vue.js project built on ASP.NET.",
    "The loader calls [System.IO.File]::WriteAllBytes and System.Net.WebClient.",
    "Abbreviations such as e.g. and i.e. or U.S. are not domains.",
    "A 32-digit number 12345678901234567890123456789012 is not a hash.",
    "A mistyped address 0x098b716B8Aaf21512996dC57EB0615e2383E2f96 has a bad checksum.",
    "TLS 1.2, HTTP/1.1, x86_64, UTF-8, glibc 2.35 and Python 3.11.4.",
])
def test_hard_negatives_are_not_indicators(text: str) -> None:
    assert found(text) == set()


def test_version_cue_yields_to_a_defanged_address() -> None:
    assert found("version 1.2.3[.]4 of the C2") == {(obs.IPV4, "1.2.3.4")}
    assert found("version 1.2.3.4:443 answered") == {(obs.IPV4, "1.2.3.4")}


def test_a_news_outlet_named_as_the_source_is_not_an_indicator() -> None:
    assert found("Selon 01net.com, la Corée du Nord infiltre des entreprises.") == set()
    assert found("D’après l’article de alliancy.fr, les sommes extorquées financent le régime.") == set()
    assert found("According to the report of bleepingcomputer.com, the actor is back.") == set()
    # A cue does not hide a domain the author marks (defanged) or names after other words.
    assert found("Selon les chercheurs, le domaine evil[.]com sert de C2.") == {(obs.DOMAIN, "evil.com")}
    assert found("Selon le rapport, les serveurs bad-domain.com et x.org.") == {
        (obs.DOMAIN, "bad-domain.com"), (obs.DOMAIN, "x.org")}
    assert found("The loader beacons via update-check.net every hour.") == {(obs.DOMAIN, "update-check.net")}


def test_dll_and_exe_names_are_files_not_domains() -> None:
    assert found("It resolves APIs from kernel32.dll and runs example.exe.") == {
        (obs.FILENAME, "kernel32.dll"), (obs.FILENAME, "example.exe")}


def test_file_extensions_that_are_tlds() -> None:
    text = "It dropped invoice.zip, update_v1.2.zip and setup.py; cdn.example.zip is a host."
    assert found(text) == {(obs.FILENAME, "invoice.zip"), (obs.FILENAME, "update_v1.2.zip"),
                           (obs.FILENAME, "setup.py"), (obs.DOMAIN, "cdn.example.zip")}


def test_file_names_at_the_end_of_paths() -> None:
    text = r"Dropped to C:\Users\Public\Libraries\msupdate.dll and /tmp/.cache/loader.sh."
    assert found(text) == {(obs.FILENAME, "msupdate.dll"), (obs.FILENAME, "loader.sh")}


def test_quoted_file_names_may_hold_spaces() -> None:
    text = 'The archive "Job Description.pdf.lnk" and « Compte rendu.docx » ran "evil.com".'
    assert found(text) == {(obs.FILENAME, "Job Description.pdf.lnk"), (obs.FILENAME, "Compte rendu.docx"),
                           (obs.DOMAIN, "evil.com")}
    assert_spans_are_original(text)


def test_private_and_documentation_addresses_are_kept() -> None:
    text = "Lateral movement to 10.10.5.23 and 192.168.1.0/24; the proxy 198.51.100.7 relayed it."
    assert found(text) == {(obs.IPV4, "10.10.5.23"), (obs.IPV4_CIDR, "192.168.1.0/24"),
                           (obs.IPV4, "198.51.100.7")}


def test_md5_that_looks_like_base58_is_an_md5() -> None:
    md5 = "1a2b3c4d5e6f7a8b9c1d2e3f4a5b6c7d"  # starts with 1 and has no 0: a Base58 shape
    assert found(f"MD5 {md5}") == {(obs.MD5, md5)}


def test_ethereum_address_is_not_a_sha1_but_bare_hex_is() -> None:
    bare = RONIN[2:].lower()
    assert found(f"{RONIN} and {bare}") == {(obs.ETH_ADDRESS, RONIN.lower()), (obs.SHA1, bare)}


def test_hashes_are_whole_runs() -> None:
    assert found(SHA256) == {(obs.SHA256, SHA256)}
    assert found(SHA512) == {(obs.SHA512, SHA512)}
    assert found(SHA256 + "ab") == set()  # 66 hex digits are no hash at all


def test_invalid_checksums_are_dropped() -> None:
    bad_tron = TRON[:-1] + ("u" if TRON[-1] != "u" else "v")
    bad_btc = GENESIS[:-1] + ("b" if GENESIS[-1] != "b" else "c")
    bad_bech32 = BECH32[:-1] + "5"
    assert found(f"{bad_tron} {bad_btc} {bad_bech32}") == set()


def test_hash_inside_a_url_is_found_with_the_url() -> None:
    text = f"Download from hxxps://files.example[.]com/d/{SHA256}/run.exe?x=1."
    facts = {f.type: f for f in extract_indicators(text)}
    assert set(facts) == {obs.URL, obs.SHA256}
    url, digest = facts[obs.URL], facts[obs.SHA256]
    assert url.value == f"https://files.example.com/d/{SHA256}/run.exe?x=1"
    assert digest.value == SHA256
    assert url.span.start < digest.span.start < digest.span.end < url.span.end
    assert_spans_are_original(text)


def test_wallet_address_inside_a_url_and_hash_named_file() -> None:
    text = f"See https://etherscan.io/address/{RONIN} and {MD5}.exe"
    assert found(text) == {(obs.URL, f"https://etherscan.io/address/{RONIN}"),
                           (obs.ETH_ADDRESS, RONIN.lower()), (obs.FILENAME, f"{MD5}.exe"), (obs.MD5, MD5)}


def test_url_host_and_email_domain_are_not_separate_indicators() -> None:
    assert found("hxxps://evil[.]com/login and ops@evil-mail.com") == {
        (obs.URL, "https://evil.com/login"), (obs.EMAIL, "ops@evil-mail.com")}


def test_urls_end_where_prose_resumes() -> None:
    text = ("(see https://a.example.com/x/y). Then [report](https://b.example.com/r_(1)), "
            "<https://c.example.com/z>, and https://d.example.com/q?a=1&b=2.")
    assert found(text) == {(obs.URL, "https://a.example.com/x/y"), (obs.URL, "https://b.example.com/r_(1)"),
                           (obs.URL, "https://c.example.com/z"), (obs.URL, "https://d.example.com/q?a=1&b=2")}


def test_registry_key_spellings() -> None:
    text = (r"Keys: HKLM\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths, "
            r"HKCU:\\Software\\Classes\\CLSID and HKEY_CURRENT_USER\Software\Microsoft\Run key.")
    assert found(text) == {
        (obs.REGISTRY_KEY, r"HKLM\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths"),
        (obs.REGISTRY_KEY, r"HKCU\Software\Classes\CLSID"),
        (obs.REGISTRY_KEY, r"HKEY_CURRENT_USER\Software\Microsoft\Run"),
    }


def test_mixed_case_names() -> None:
    assert found("EVIL-CDN.COM and Booking.com but not System.IO") == {
        (obs.DOMAIN, "evil-cdn.com"), (obs.DOMAIN, "booking.com")}


def test_email_that_is_not_one_still_yields_its_host_address() -> None:
    assert found("login as admin@45.67.89.10 then") == {(obs.IPV4, "45.67.89.10")}


def test_dedup_keeps_every_span_in_order_of_first_appearance() -> None:
    text = (f"C2 at 45.67.89[.]10, then {MD5}; later 45.67.89.10 again and "
            f"45[.]67[.]89[.]10 in the table, {MD5.upper()} too.")
    facts = extract_indicators(text)
    assert [(f.type, f.value) for f in facts] == [(obs.IPV4, "45.67.89.10"), (obs.MD5, MD5)]
    ip, md5 = facts
    assert [s.text for s in ip.data["spans"]] == ["45.67.89[.]10", "45.67.89.10", "45[.]67[.]89[.]10"]
    assert ip.span == ip.data["spans"][0]
    assert [s.text for s in md5.data["spans"]] == [MD5, MD5.upper()]
    assert_spans_are_original(text)


def test_a_megabyte_of_text_is_processed_in_full() -> None:
    paragraphs = []
    for i in range(4500):
        paragraphs.append(
            f"Paragraph {i}: the implant (version 3.{i % 10}.1.2) contacted 10.{i // 256}.{i % 256}.7 and "
            f"host-{i}.example[.]net, then wrote report_{i}.docx on 2024-03-15 at 12:30:45. "
            "Analysts note the operators reused infrastructure and tooling across campaigns.")
    text = "\n".join(paragraphs)
    assert len(text) > 1_000_000
    facts = extract_indicators(text)
    by_type: dict[str, int] = {}
    for fact in facts:
        by_type[fact.type] = by_type.get(fact.type, 0) + 1
    assert by_type == {obs.IPV4: 4500, obs.DOMAIN: 4500, obs.FILENAME: 4500}
    last = facts[-1]
    assert text[last.span.start:last.span.end] == last.span.text == "report_4499.docx"
