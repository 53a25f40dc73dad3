"""The one compiled scanner that finds indicator candidates in running text.

Every indicator shape is an alternative of a single regular expression so the text is walked once,
in C, whatever its size; Python only sees the few candidates the scanner proposes and validates
them cheaply (``iocs.py``). A few design points keep that walk fast and the candidates right:

- One shared look-behind makes every alternative start only at the beginning of an alphanumeric
  run, so the engine tries the alternatives at word starts, not at every character, and never
  finds a hash or an address that is the tail of a longer word.
- Dotted names (domains, file names, IPv4 addresses and the host of a scheme-less URL) are one
  alternative: the whole dotted run is one candidate, so ``1.2.3.4.5`` or ``120.0.6099.109`` can
  never leak an inner ``2.3.4.5``; Python tells IP, domain and file name apart from the labels.
- Possessive quantifiers (``++``, ``*+``) stop the engine from retrying shorter runs when a word
  turns out not to be followed by a dot or an at-sign.
- Defanged separators are part of the shapes (``[.]``, ``(.)``, ``{.}``, ``[dot]``, ``(dot)``,
  ``{dot}``, ``[@]``, ``(@)``, ``[at]``, ``(at)``, ``hxxp``, ``[:]``, ``[://]``), the set that
  ``observables.refang`` undoes, so a candidate's span is the original text as written.
"""

from __future__ import annotations

import re

# The separators ``observables.refang`` understands. Bracketed ones may be padded by one space
# ("evil [.] com"), a common way of writing them in prose.
_DOT = r"(?:\.|\ ?(?i:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\})\ ?)"
_AT = r"(?:@|\ ?(?i:\[@\]|\(@\)|\[at\]|\(at\))\ ?)"
_LABEL = r"\w[\w-]*+"
_NAME = rf"{_LABEL}(?:{_DOT}{_LABEL})++"
# A label or an e-mail local part: the name alternative reads both in one pass over the word.
_WORD = r"\w[\w+%-]*+"
# Where a URL or a path stops: white space, quotes and the table/guillemet characters reports use.
_URL_CHARS = r"[^\s<>\"'`|«»“”‘’]"

# URL schemes as a small trie of explicit cases, which the engine rejects at a word start faster
# than a case-insensitive alternation; "hxxp" and "fxp" are the defanged spellings
# ``observables.refang`` knows.
_SCHEME = (r"(?:[hH](?:[tT][tT]|[xX][xX])[pP][sS]?|[fF](?:[tT][pP][sS]?|[xX][pP])|[sS](?:[fF][tT][pP]|[mM][bB])"
           r"|[wW][sS][sS]?|[lL][dD][aA][pP]|[tT][cC][pP]|[uU][dD][pP])")
_SCHEME_SEP = r"(?:://|\[://\]|\[:\]//)"
_HIVE = (r"(?i:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG"
         r"|HKLM|HKCU|HKCR|HKU|HKCC)")
# A key component; a space is allowed before a capitalised word ("Windows NT", "Image File
# Execution Options"), the way Windows names keys, but not before a lower-case one ("Run key").
_REG_SEG = r"[^\\\s\"'<>|,;()]++"
_REG_COMPONENT = rf"{_REG_SEG}(?:\ [A-Z0-9][^\\\s\"'<>|,;()]*+)*+"
_HEX = "[0-9a-fA-F]"
_B58 = "[1-9A-HJ-NP-Za-km-z]"
_END = r"(?![0-9A-Za-z])"
_HYPHEN = "[-\u2010\u2011\u2013]"  # PDFs and French typography turn "-" into (non-breaking) hyphens

# Order matters only between alternatives that can start at the same place: URL before the name
# it starts with, name before hash so that "<md5>.exe" is a file name (the hash inside is found by
# the embedded scan). The name alternative reads a dotted run or an e-mail local part once; the
# look-ahead after its first word keeps plain words (most of the text) from being candidates.
SCANNER = re.compile(
    r"(?<![^\W_])(?:"
    rf"{_SCHEME}{_SCHEME_SEP}{_URL_CHARS}+(?P<url>)"
    rf"|{_HIVE}:?(?:\\{{1,2}}{_REG_COMPONENT})+(?P<reg>)"
    rf"|[cC][vV][eE]{_HYPHEN}(?:19|20)\d\d{_HYPHEN}\d{{4,7}}(?!\d)(?P<cve>)"
    rf"|0[xX]{_HEX}{{40}}{_END}(?P<eth>)"
    rf"|{_WORD}(?={_DOT}\w|{_AT})(?:{_DOT}{_WORD})*+(?P<name>)"
    rf"(?:{_AT}{_NAME}(?P<at>)|(?:(?::\d{{1,5}}(?!\d))?/{_URL_CHARS}*|:\d{{1,5}}(?!\d))(?P<tail>))?"
    rf"|(?:{_HEX}{{0,4}}:){{2,7}}(?:\d{{1,3}}(?:\.\d{{1,3}}){{3}}|{_HEX}{{1,4}})?(?:/\d{{1,3}})?(?![\w:])(?P<ip6>)"
    rf"|{_HEX}{{32}}(?:{_HEX}{{8}}(?:{_HEX}{{24}}(?:{_HEX}{{64}})?)?)?{_END}(?P<hash>)"
    rf"|[bB][cC]1(?:[02-9ac-hj-np-z]{{8,87}}|[02-9AC-HJ-NP-Z]{{8,87}}){_END}(?P<bech32>)"
    rf"|[13T]{_B58}{{25,34}}{_END}(?P<b58>)"
    r")"
)

# Indicators that live inside a URL, a file name or an e-mail address and are worth their own fact:
# hashes and wallet addresses (a download path named by its SHA-256, an explorer link).
EMBEDDED = re.compile(
    r"(?<![0-9A-Za-z])(?:"
    rf"0[xX]{_HEX}{{40}}{_END}(?P<eth>)"
    rf"|{_HEX}{{32}}(?:{_HEX}{{8}}(?:{_HEX}{{24}}(?:{_HEX}{{64}})?)?)?{_END}(?P<hash>)"
    rf"|[bB][cC]1(?:[02-9ac-hj-np-z]{{8,87}}|[02-9AC-HJ-NP-Z]{{8,87}}){_END}(?P<bech32>)"
    rf"|[13T]{_B58}{{25,34}}{_END}(?P<b58>)"
    r")"
)

# The start of an e-mail's domain, to look again for a name when the whole address is refused.
AT_SIGN = re.compile(_AT)
