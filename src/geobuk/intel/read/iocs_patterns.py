"""The one compiled scanner that finds indicator candidates in running text.

Every indicator shape is an alternative of a single regular expression, so the text is walked once,
in C, whatever its size; Python only sees the candidates the scanner proposes and validates them
cheaply (``iocs.py``). What keeps that walk fast and the candidates right:

- One shared look-behind lets an alternative start only at the beginning of an alphanumeric run:
  the engine tries the alternatives at word starts, not at every character, and never finds a
  hash or an address that is the tail of a longer word.
- Alternatives begin with a plain character test where they can (the engine skips such an
  alternative on its first character without entering it; hence ``[0-9a-fA-F]`` spelled once
  before the rest of a hash) and end with an empty named group, so ``lastgroup`` says which one
  matched without a capturing group around it defeating that skip.
- The first alternative reads a word once and decides by what follows: ``://`` makes a URL, a dot
  or an at-sign a dotted name or an e-mail address; plain words, most of the text, stop there.
- A dotted run (domain, file name, IPv4 address, host of a scheme-less URL) is one candidate, so
  ``1.2.3.4.5`` or ``120.0.6099.109`` never leaks an inner ``2.3.4.5``; Python tells IP, domain and
  file name apart from the labels.
- Possessive quantifiers (``++``, ``*+``) stop the engine from retrying shorter runs.
- Defanged separators are part of the shapes (``[.]``, ``(.)``, ``{.}``, ``[dot]``, ``(dot)``,
  ``{dot}``, ``[@]``, ``(@)``, ``[at]``, ``(at)``, ``hxxp``, ``[:]//``, ``[://]``), the set
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
# A label, an e-mail local part or a URL scheme: the first alternative reads any of them once.
_WORD = r"\w[\w+%-]*+"
# Where a URL or a path stops: white space, quotes and the table/guillemet characters reports use.
_URL_CHARS = r"[^\s<>\"'`|«»“”‘’]"

_SCHEME_SEP = r"(?:://|\[://\]|\[:\]//)"
_HIVE = (r"[hH][kK](?i:EY_LOCAL_MACHINE|EY_CURRENT_USER|EY_CLASSES_ROOT|EY_USERS|EY_CURRENT_CONFIG"
         r"|LM|CU|CR|U|CC)")
# A key component; a space is allowed before a capitalised word ("Windows NT", "Image File
# Execution Options"), the way Windows names keys, but not before a lower-case one ("Run key").
_REG_SEG = r"[^\\\s\"'<>|,;()]++"
_REG_COMPONENT = rf"{_REG_SEG}(?:\ [A-Z0-9][^\\\s\"'<>|,;()]*+)*+"
_HEX = "[0-9a-fA-F]"
_B58 = "[1-9A-HJ-NP-Za-km-z]"
_END = r"(?![0-9A-Za-z])"
# A quoted name that ends with an extension: the only way to see where a file name with spaces
# ("Job Description.pdf.lnk", a favourite lure) starts. Only double and typographic quotes: a
# single quote is too often an apostrophe.
_QUOTED_FILE = r"[\"“«]\ ?[^\"“”«»\r\n\\/:*?<>|]{1,100}?\.[A-Za-z0-9]{1,8}\ ?[\"”»]"
_HYPHEN = "[-\u2010\u2011\u2013]"  # PDFs and French typography turn "-" into (non-breaking) hyphens

# Order matters where two alternatives can start at the same place: the word alternative comes
# before the hash so that "<md5>.exe" is a file name (the hash inside is found by EMBEDDED), and
# before the registry key, CVE and address shapes, which it never matches (no dot or at-sign).
SCANNER = re.compile(
    r"(?<![^\W_])(?:"
    rf"{_WORD}(?:(?P<sep>){_SCHEME_SEP}{_URL_CHARS}+(?P<url>)"
    rf"|(?={_DOT}\w|{_AT})(?:{_DOT}{_WORD})*+(?P<name>)"
    rf"(?:{_AT}{_NAME}(?P<at>)|(?:(?::\d{{1,5}}(?!\d))?/{_URL_CHARS}*|:\d{{1,5}}(?!\d))(?P<tail>))?)"
    rf"|{_HIVE}:?(?:\\{{1,2}}{_REG_COMPONENT})+(?P<reg>)"
    rf"|[cC][vV][eE]{_HYPHEN}(?:19|20)\d\d{_HYPHEN}\d{{4,7}}(?!\d)(?P<cve>)"
    rf"|0[xX]{_HEX}{{40}}{_END}(?P<eth>)"
    rf"|(?:{_HEX}{{0,4}}:){{2,7}}(?:\d{{1,3}}(?:\.\d{{1,3}}){{3}}|{_HEX}{{1,4}})?(?:/\d{{1,3}})?"
    r"(?![\w:])(?P<ip6>)"
    rf"|{_HEX}{_HEX}{{31}}(?:{_HEX}{{8}}(?:{_HEX}{{24}}(?:{_HEX}{{64}})?)?)?{_END}(?P<hash>)"
    rf"|[bB][cC]1(?:[02-9ac-hj-np-z]{{8,87}}|[02-9AC-HJ-NP-Z]{{8,87}}){_END}(?P<bech32>)"
    rf"|[13T]{_B58}{{25,34}}{_END}(?P<b58>)"
    rf"|{_QUOTED_FILE}(?P<qfile>)"
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
