"""Loading documents to read: plain text, HTML, Markdown or PDF, told apart by their content.

Advisories come as PDFs, news as web pages or text copied from them, notes as Markdown. Whatever
the format, the reader wants the article's own words: web-page furniture (menus, share buttons,
cookie banners, "Articles similaires", "Laisser un commentaire", "Leave a Reply") is dropped, from
HTML by trafilatura after the obvious page furniture is cut out of the tree, and from any text by
the line rules of ``data/boilerplate.yaml``. A publication date is picked up when the document
states one: HTML metadata, Markdown front matter, PDF metadata, or a first line such as
"date 2024-07" or "Publié le 25 juillet 2024" (removed from the text, kept in ``published``).

Anything that cannot be read (binary data, an encrypted or broken PDF, a bad batch line) raises
``InputError`` naming the file, and the line for a batch.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import orjson
import yaml

from geobuk.errors import InputError
from geobuk.intel.read.entities_data import load
from geobuk.intel.read.entities_dates import parse_date
from geobuk.intel.read.language import detect_language
from geobuk.intel.read.model import Document

#: Leading bytes that name a binary format, for a clearer error.
_MAGIC = {
    b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an Office document)", b"\x7fELF": "an ELF executable",
    b"MZ": "a Windows executable", b"\x1f\x8b": "a gzip archive", b"7z\xbc\xaf": "a 7-Zip archive",
    b"\xd0\xcf\x11\xe0": "an old Office document", b"Rar!": "a RAR archive",
}
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<(?:!doctype\s+)?html)",
                         re.IGNORECASE)
_HTML_TAGS = re.compile(r"<(?:p|div|article|section|h[1-6]|span|table|br|a\s)[\s>/]", re.IGNORECASE)
_MD_SIGNS = (
    re.compile(r"^#{1,6}\s+\S", re.MULTILINE),
    re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
    re.compile(r"(\*\*|__)[^*_\n]+\1"),
    re.compile(r"^\s*(?:[-*+]|\d+\.)\s+\S", re.MULTILINE),
    re.compile(r"^(?:```|~~~)", re.MULTILINE),
    re.compile(r"^>\s", re.MULTILINE),
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_DATE_PREFIX = re.compile(r"\A\s*(?:date|dated)\s*:?\s+(\d{4}-\d\d(?:-\d\d)?)(?![\d-])[ \t]*", re.IGNORECASE)
_DATE_LINE = re.compile(r"^\s*(?:date|published(?: on)?|posted(?: on)?|updated(?: on)?|publié(?: le)?|"
                        r"mis à jour(?: le)?|mise à jour)\s*:?\s*(.{4,40}?)\s*$", re.IGNORECASE)
#: Elements of a web page that are never the article (cut before trafilatura sees the page).
_FURNITURE_TAGS = ("script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "button", "svg")
_FURNITURE_WORDS = frozenset((
    "cookie", "cookies", "consent", "gdpr", "share", "sharing", "sharedaddy", "social", "comment",
    "comments", "respond", "related", "relatedposts", "similar", "newsletter", "subscribe", "breadcrumb",
    "breadcrumbs", "menu", "sidebar", "advert", "ads", "promo", "popup", "banner", "footer", "navbar", "nav",
    "widget",
))


# ------------------------------------------------------------------------------------ public API
def load_document(path: str | Path) -> Document:
    """Read one file (text, HTML, Markdown or PDF) into a ``Document``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    if not raw.strip():
        raise InputError(path, "the file is empty")
    if raw.lstrip()[:5] == b"%PDF-":
        text, title, published, meta = _read_pdf(path, raw)
    else:
        content = _decode(path, raw)
        markdown = path.suffix.lower() in (".md", ".markdown")
        text, title, published, meta = _read_text(content, markdown_hint=markdown)
    doc = _finish(path.name, text, title, published, str(path), meta)
    if not doc.text.strip():
        raise InputError(path, "no text found in the document")
    return doc


def load_batch(path: str | Path) -> list[Document]:
    """Read a JSON Lines file of ``{"id": ..., "text": ...}`` objects, one document a line.

    Optional keys: "title", "published", "source", "language". Blank lines are skipped; a line that
    is not such an object, or an id used twice, is an ``InputError`` with its line number.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
    docs: list[Document] = []
    seen: set[str] = set()
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        doc = _batch_line(path, number, line)
        if doc.id in seen:
            raise InputError(path, f"id {doc.id!r} is used twice", index=number, what="line")
        seen.add(doc.id)
        docs.append(doc)
    if not docs:
        raise InputError(path, "no documents (expected one JSON object per line)")
    return docs


def document_from_text(doc_id: str, content: str, *, title: str | None = None, published: str | None = None,
                       source: str | None = None, language: str | None = None) -> Document:
    """A ``Document`` from text already in memory (HTML and Markdown are recognised and read too)."""
    text, found_title, found_published, meta = _read_text(content)
    doc = _finish(doc_id, text, title or found_title, published or found_published, source, meta)
    if language:
        doc.language = language
    return doc


# ------------------------------------------------------------------------------------- batches
def _batch_line(path: Path, number: int, line: bytes) -> Document:
    def bad(message: str) -> InputError:
        return InputError(path, message, index=number, what="line")

    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise bad(f"not valid JSON ({str(exc).split(':')[0]})") from None
    if not isinstance(obj, dict):
        raise bad("expected a JSON object with \"id\" and \"text\"")
    doc_id, text = obj.get("id"), obj.get("text")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or str(doc_id).strip() == "":
        raise bad("\"id\" must be a non-empty string or a number")
    if not isinstance(text, str) or not text.strip():
        raise bad("\"text\" must be a non-empty string")
    for key in ("title", "published", "source", "language"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise bad(f"\"{key}\" must be a string")
    published = obj.get("published")
    if published is not None:
        published = parse_date(published)
        if published is None:
            raise bad(f"\"published\" is not a date: {obj['published']!r}")
    return document_from_text(str(doc_id), text, title=obj.get("title"), published=published,
                              source=obj.get("source") or f"{path}:{number}", language=obj.get("language"))


# -------------------------------------------------------------------------------------- decoding
def _decode(path: Path, raw: bytes) -> str:
    """The bytes as text, or an ``InputError`` for binary data."""
    for magic, kind in _MAGIC.items():
        if raw.startswith(magic):
            raise InputError(path, f"not a document: {kind} (expected text, HTML, Markdown or PDF)")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" not in raw[:8192]:
        try:
            return _check_text(path, raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            pass
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        if best is not None:
            return _check_text(path, str(best))
    raise InputError(path, "not a document: binary data (expected text, HTML, Markdown or PDF)")


def _check_text(path: Path, text: str) -> str:
    sample = text[:8192]
    control = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if control > max(2, len(sample) // 50):
        raise InputError(path, "not a document: binary data (expected text, HTML, Markdown or PDF)")
    return text


# ---------------------------------------------------------------------------------------- formats
def _read_text(content: str, *, markdown_hint: bool = False) -> tuple[str, str | None, str | None, dict]:
    head = content[:4096]
    if _HTML_START.match(head) or (head.lstrip().startswith("<") and _HTML_TAGS.search(head)):
        return _read_html(content)
    signs = sum(bool(p.search(content)) for p in _MD_SIGNS)
    if markdown_hint or _FRONT_MATTER.match(content) or signs >= 2:
        return _read_markdown(content)
    return content, None, None, {"format": "text"}


def _read_html(html: str) -> tuple[str, str | None, str | None, dict]:
    import trafilatura
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return "", None, None, {"format": "html"}
    _cut_furniture(tree)
    doc = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False, include_tables=True,
                                      include_links=False, favor_recall=True)
    if doc is None:  # nothing but page furniture
        return "", None, None, {"format": "html"}
    return doc.text or "", doc.title, doc.date, {"format": "html"}


def _cut_furniture(tree) -> None:
    """Cut menus, footers, forms and blocks named like furniture, unless one holds most of the page."""
    for element in list(tree.iter(*_FURNITURE_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()
    total = len(tree.text_content())
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "article", "main"):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}".lower()
        if (_FURNITURE_WORDS.intersection(re.split(r"[\s_-]+", names)) and element.getparent() is not None
                and len(element.text_content()) < total / 2):
            element.drop_tree()


def _read_markdown(content: str) -> tuple[str, str | None, str | None, dict]:
    from markdown_it import MarkdownIt

    title = published = None
    front = _FRONT_MATTER.match(content)
    if front:
        content = content[front.end():]
        try:
            meta = yaml.safe_load(front.group(1))
        except yaml.YAMLError:
            meta = None
        if isinstance(meta, dict):
            title = str(meta["title"]) if meta.get("title") else None
            date = meta.get("date") or meta.get("published")
            published = parse_date(str(date)) if date else None
    blocks: list[str] = []
    tokens = MarkdownIt("commonmark").parse(content)
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            line = _inline_text(tok.children or [])
            if title is None and i > 0 and tokens[i - 1].type == "heading_open":
                title = line
            blocks.append(line)
        elif tok.type in ("fence", "code_block"):
            blocks.append(tok.content.rstrip("\n"))
    return "\n\n".join(b for b in blocks if b.strip()), title, published, {"format": "markdown"}


def _inline_text(children) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak":
            out.append(" ")
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.append(_inline_text(child.children or []))
    return "".join(out)


def _read_pdf(path: Path, raw: bytes) -> tuple[str, str | None, str | None, dict]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and not _decrypt(path, reader):
            raise InputError(path, "the PDF is encrypted and needs a password: decrypt it first")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many exception types on broken files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(path, f"unreadable PDF: {reason}") from None
    if not any(p.strip() for p in pages):
        raise InputError(path, "the PDF has no text layer (a scan?): run OCR on it first")
    title, published = _pdf_metadata(reader)
    return _pdf_text(pages), title, published, {"format": "pdf", "pages": len(pages)}


def _decrypt(path: Path, reader) -> bool:
    """Open a PDF encrypted with an empty user password (common: it only restricts printing)."""
    try:
        return bool(reader.decrypt(""))
    except Exception as exc:  # an unsupported algorithm, or a missing crypto provider
        raise InputError(path, f"the PDF is encrypted and cannot be opened: {exc}") from None


def _pdf_metadata(reader) -> tuple[str | None, str | None]:
    try:
        meta = reader.metadata
        if meta is None:
            return None, None
        title = meta.title.strip() if meta.title and meta.title.strip() else None
        created = meta.creation_date
        return title, created.date().isoformat() if created else None
    except Exception:  # malformed metadata is no reason to refuse the text
        return None, None


def _pdf_text(pages: list[str]) -> str:
    """Join pages, drop running headers and footers and page numbers, and unwrap lines.

    A running header or footer is a line among the first or last two of a page that comes back on
    at least half the pages (three at least).
    """
    page_lines = [[line.strip() for line in page.splitlines()] for page in pages]
    repeated: set[str] = set()
    if len(pages) >= 3:
        edges = Counter(line for lines in page_lines for line in set(_edges(lines)))
        repeated = {line for line, n in edges.items() if n >= max(3, len(pages) // 2)}
    page_number = re.compile(r"(?:page\s*)?\d{1,4}(?:\s*(?:/|of|sur)\s*\d{1,4})?", re.IGNORECASE)
    out: list[str] = []
    for lines in page_lines:
        edges = set(_edges(lines))
        for line in lines:
            if not line:
                out.append("")
            elif not (line in edges and line in repeated) and not page_number.fullmatch(line):
                out.append(line)
        out.append("")
    return _unwrap("\n".join(out))


def _edges(lines: list[str]) -> list[str]:
    text = [line for line in lines if line]
    return text[:2] + text[-2:]


def _unwrap(text: str) -> str:
    """Join lines a PDF broke inside a sentence: the next line goes on in lower case."""
    text = re.sub(r"(?<=[^\W\d_])-\n(?=[^\W\d_]*[a-zà-ÿ])", "-", text)
    return re.sub(r"(?<=[^\s.!?:;»\"”])\n(?=[a-zà-ÿ(«\"“])", " ", text)


# ------------------------------------------------------------------------------------ cleaning
def _finish(doc_id: str, text: str, title: str | None, published: str | None, source: str | None,
            meta: dict) -> Document:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, header_date = _take_date_header(text)
    text = _drop_boilerplate(text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    published = _iso(published) or header_date
    if title is None and meta.get("format") == "text":
        title = _guess_title(text)
    return Document(doc_id, text, detect_language(text), title, published, source, meta)


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    m = re.match(r"\d{4}(?:-\d\d(?:-\d\d)?)?", value)
    return m.group() if m else parse_date(value)


def _take_date_header(text: str) -> tuple[str, str | None]:
    """A date stated at the top ("date 2024-07 ...", "Published: 25 July 2024"), taken out of the text."""
    m = _DATE_PREFIX.match(text)
    if m:
        return text[m.end():], m.group(1)
    lines = text.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        m = _DATE_LINE.match(line)
        date = parse_date(m.group(1)) if m else None
        if date:
            return "\n".join(lines[:i] + lines[i + 1:]), date
        seen += 1
        if seen >= 5:
            break
    return text, None


@cache
def _boilerplate() -> tuple[re.Pattern, re.Pattern]:
    rules = load("boilerplate")
    return (re.compile("|".join(f"(?:{r})" for r in rules["tail"])),
            re.compile("|".join(f"(?:{r})" for r in rules["line"])))


def _fold_line(line: str) -> str:
    line = unicodedata.normalize("NFKD", line.strip().lower().replace("\u2019", "'"))
    line = "".join(c for c in line if not unicodedata.combining(c))
    return " ".join(line.split())


def _drop_boilerplate(text: str) -> str:
    """Drop furniture lines; a tail marker in the second half of the text ends the article there."""
    tail, single = _boilerplate()
    kept: list[str] = []
    offset = 0
    for line in text.split("\n"):
        position, offset = offset, offset + len(line) + 1
        folded = _fold_line(line)
        if not folded or len(folded) > 160:
            kept.append(line)
        elif tail.fullmatch(folded):
            if position >= len(text) / 2:
                break
        elif not single.fullmatch(folded):
            kept.append(line)
    return "\n".join(kept)


def _guess_title(text: str) -> str | None:
    """A short first line that reads as a headline (no final full stop, a few words)."""
    for line in text.split("\n")[:4]:
        line = line.strip()
        if not line:
            continue
        if len(line) > 200 or line.endswith((".", ":", ";", ",")):
            return None
        if len(line.split()) >= 3:
            return line
    return None
