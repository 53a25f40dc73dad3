"""Loading documents: plain text, HTML, Markdown, PDF and JSON Lines batches, and what cannot be read."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from geobuk.errors import InputError
from geobuk.intel.read.documents import document_from_text, load_batch, load_document

ARTICLE_FR = (
    "Des pirates informatiques liés à Pyongyang ont visé plusieurs hôpitaux européens au printemps.\n\n"
    "Selon un rapport publié par une agence nationale, le groupe a utilisé un rançongiciel pour chiffrer "
    "les serveurs des victimes avant de réclamer une rançon en cryptomonnaie.\n"
)


def make_pdf(*texts: str, title: str | None = None) -> bytes:
    """One page per text, each under the same running header."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in texts:
        pdf.add_page()
        pdf.cell(0, 6, "TLP:CLEAR - Joint advisory", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, text)
    if title:
        pdf.set_title(title)
    pdf.set_creation_date(dt.datetime(2024, 7, 25, tzinfo=dt.UTC))
    return bytes(pdf.output())


def encrypt(raw: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------ plain text
def test_plain_text_drops_the_trailing_comment_form_and_related_links(tmp_path):
    path = tmp_path / "article.txt"
    tail = ("\nArticles similaires\n\nUn autre article sur un autre sujet\n\nLaisser un commentaire\n\n"
            "Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *\n\n"
            "Bouton retour en haut de la page\n")
    path.write_text(ARTICLE_FR + tail, encoding="utf-8")
    doc = load_document(path)
    assert doc.text.endswith("réclamer une rançon en cryptomonnaie.")
    assert "commentaire" not in doc.text and "Articles similaires" not in doc.text
    assert doc.id == "article.txt" and doc.source == str(path)
    assert doc.language == "fr" and doc.meta["format"] == "text"


def test_english_comment_form_is_dropped(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("Officials said the intrusion began with a fake job offer sent to an engineer.\n"
                    "The company has since rotated its credentials and notified its customers.\n\n"
                    "Share this:\nLeave a Reply\nYour email address will not be published. "
                    "Required fields are marked *\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.text.endswith("notified its customers.") and doc.language == "en"


def test_furniture_line_in_the_first_half_drops_only_itself(tmp_path):
    path = tmp_path / "top.txt"
    path.write_text("Partager sur Facebook\nCommentaires\n" + ARTICLE_FR * 2, encoding="utf-8")
    doc = load_document(path)
    assert doc.text.startswith("Des pirates informatiques") and doc.text.count("rançongiciel") == 2


def test_date_prefix_of_the_first_line_becomes_the_publication_date(tmp_path):
    path = tmp_path / "dated.txt"
    path.write_text(" date 2024-07 (Paris) Les agences ont publié un avis commun sur une campagne.\n",
                    encoding="utf-8")
    doc = load_document(path)
    assert doc.published == "2024-07"
    assert doc.text.startswith("(Paris) Les agences")


def test_publication_line_is_read_and_removed(tmp_path):
    path = tmp_path / "dated.txt"
    path.write_text("Une campagne vise les banques asiatiques\nPublié le 25 juillet 2024\n\n" + ARTICLE_FR,
                    encoding="utf-8")
    doc = load_document(path)
    assert doc.published == "2024-07-25" and "Publié" not in doc.text
    assert doc.title == "Une campagne vise les banques asiatiques"


def test_latin1_text_is_decoded(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes(ARTICLE_FR.encode("latin-1"))
    doc = load_document(path)
    assert "hôpitaux européens" in doc.text


# ------------------------------------------------------------------------------------------ HTML
PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Des pirates visent des hôpitaux | Le Quotidien</title>
<meta property="article:published_time" content="2024-03-14T08:30:00+01:00"></head>
<body>
<div class="cookie-banner">Nous utilisons des cookies pour mesurer l'audience. Accepter</div>
<nav class="main-menu"><ul><li><a href="/">Accueil</a></li><li><a href="/monde">Monde</a></li></ul></nav>
<article>
<h1>Des pirates visent des hôpitaux</h1>
<p>Des pirates informatiques liés à Pyongyang ont visé plusieurs hôpitaux européens au printemps, selon un
rapport publié mardi par une agence nationale de cybersécurité.</p>
<p>Le groupe a utilisé un rançongiciel pour chiffrer les serveurs des victimes avant de réclamer une rançon
en cryptomonnaie, ajoute le rapport.</p>
<div class="share-buttons"><a href="#">Partager sur Facebook</a> <a href="#">Partager sur X</a></div>
</article>
<section class="related-posts"><h2>Articles similaires</h2>
<ul><li><a href="/x">Un autre sujet sans rapport</a></li></ul></section>
<div id="respond" class="comment-respond"><h3>Laisser un commentaire</h3>
<form><p>Votre adresse e-mail ne sera pas publiée.</p><textarea></textarea></form></div>
<footer><p>Tous droits réservés au Quotidien.</p></footer>
</body></html>
"""


def test_html_keeps_the_article_and_its_metadata(tmp_path):
    path = tmp_path / "page.bin"  # the content decides, not the name
    path.write_text(PAGE, encoding="utf-8")
    doc = load_document(path)
    assert "rançongiciel pour chiffrer" in doc.text and "hôpitaux européens" in doc.text
    for furniture in ("cookies", "Accueil", "Partager", "Articles similaires", "commentaire", "Tous droits",
                      "Un autre sujet"):
        assert furniture not in doc.text, furniture
    assert doc.meta["format"] == "html" and doc.published == "2024-03-14"
    assert doc.title.startswith("Des pirates visent des hôpitaux") and doc.language == "fr"


def test_html_fragment_is_read_as_html(tmp_path):
    path = tmp_path / "fragment.html"
    path.write_text("<p>Le groupe <b>Kimsuky</b> a visé des diplomates.</p>"
                    "<p>Les enquêteurs ont confirmé.</p>", encoding="utf-8")
    doc = load_document(path)
    assert "<" not in doc.text and "Le groupe Kimsuky a visé des diplomates." in doc.text


def test_page_of_nothing_but_furniture_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><body><nav><a href='/'>Accueil</a></nav><footer>Tous droits réservés</footer>"
                    "</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="no text found"):
        load_document(path)


# -------------------------------------------------------------------------------------- Markdown
def test_markdown_markup_and_front_matter_are_stripped(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("---\ntitle: Note sur Andariel\ndate: 2024-07-25\n---\n\n# Andariel vise la défense\n\n"
                    "Le groupe **Andariel** a visé des [entreprises](https://example.org/a) de défense.\n\n"
                    "- premier point\n- second point\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "Note sur Andariel" and doc.published == "2024-07-25"
    assert "Le groupe Andariel a visé des entreprises de défense." in doc.text
    assert not any(mark in doc.text for mark in ("**", "](", "# ", "---", "https://"))
    assert "premier point" in doc.text and doc.meta["format"] == "markdown"


def test_markdown_recognised_by_content_without_extension(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("## Résumé\n\nLe groupe a visé des **banques** et des [plateformes](https://x.example).\n",
                    encoding="utf-8")
    doc = load_document(path)
    assert doc.meta["format"] == "markdown" and doc.title == "Résumé"
    assert "Le groupe a visé des banques et des plateformes." in doc.text


# ------------------------------------------------------------------------------------------- PDF
def test_pdf_text_title_and_date(tmp_path):
    path = tmp_path / "advisory.pdf"
    path.write_bytes(make_pdf(
        "Le groupe Andariel a visé des hôpitaux aux États-Unis et des entreprises de défense en Europe et en "
        "Asie, selon les agences signataires de cet avis conjoint.",
        "Les agences recommandent de corriger les serveurs exposés et de surveiller les comptes de service.",
        "Annexe : indicateurs de compromission observés pendant la campagne.", title="Avis conjoint"))
    doc = load_document(path)
    assert doc.meta == {"format": "pdf", "pages": 3}
    assert doc.title == "Avis conjoint" and doc.published == "2024-07-25"
    assert "hôpitaux aux États-Unis" in doc.text and "Annexe : indicateurs" in doc.text
    assert "\nentreprises" not in doc.text  # lines the PDF wrapped are joined
    assert "TLP:CLEAR" not in doc.text  # a header repeated on every page is dropped


def test_pdf_encrypted_with_a_password_is_a_clear_error(tmp_path):
    path = tmp_path / "secret.pdf"
    path.write_bytes(encrypt(make_pdf("Contenu confidentiel de l'avis."), "s3cret"))
    with pytest.raises(InputError) as err:
        load_document(path)
    assert str(err.value).startswith(str(path)) and "encrypted" in str(err.value)
    assert "\n" not in str(err.value)


def test_pdf_restricted_by_an_owner_password_only_is_read(tmp_path):
    path = tmp_path / "restricted.pdf"
    path.write_bytes(encrypt(make_pdf("Le groupe Kimsuky a visé des diplomates."), ""))
    assert "Kimsuky" in load_document(path).text


@pytest.mark.parametrize("raw", [b"%PDF-1.7\nthis is not a pdf at all\n", make_pdf("Texte")[:400]])
def test_broken_pdf_is_a_clear_error(tmp_path, raw):
    path = tmp_path / "broken.pdf"
    path.write_bytes(raw)
    with pytest.raises(InputError, match="unreadable PDF") as err:
        load_document(path)
    assert err.value.path == str(path)


def test_pdf_without_text_is_a_clear_error(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(pdf.output()))
    with pytest.raises(InputError, match="no text layer"):
        load_document(path)


# ---------------------------------------------------------------------------- what is no document
@pytest.mark.parametrize(("raw", "what"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    (b"PK\x03\x04" + bytes(64), "ZIP archive"),
    (bytes(range(256)) * 8, "binary data"),
    (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50, "binary data"),
])
def test_binary_file_is_a_clear_error(tmp_path, raw, what):
    path = tmp_path / "blob.txt"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=what) as err:
        load_document(path)
    assert str(err.value).startswith(f"{path}: not a document")


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(InputError, match="empty"):
        load_document(empty)
    with pytest.raises(InputError, match="cannot read"):
        load_document(tmp_path / "missing.txt")


# ---------------------------------------------------------------------------------------- batches
def test_batch_reads_each_line_as_a_document(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "a1", "text": "Le groupe Lazarus a volé des fonds.", "published": "2023-06-20"}\n'
                    "\n"
                    '{"id": 7, "text": "<p>The <b>Andariel</b> group hit hospitals.</p>"}\n',
                    encoding="utf-8")
    first, second = load_batch(path)
    assert (first.id, first.published) == ("a1", "2023-06-20")
    assert first.text == "Le groupe Lazarus a volé des fonds."
    assert (second.id, second.text) == ("7", "The Andariel group hit hospitals.")
    assert second.meta["format"] == "html"
    assert first.source == f"{path}:1" and second.source == f"{path}:3"


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "b", "text": "ok"', "not valid JSON"),
    ('["b", "text"]', "expected a JSON object"),
    ('{"id": "b"}', '"text" must be a non-empty string'),
    ('{"text": "hello"}', '"id" must be a non-empty string'),
    ('{"id": "b", "text": "hello", "published": "whenever"}', '"published" is not a date'),
    ('{"id": "a", "text": "again"}', "used twice"),
])
def test_bad_batch_line_names_its_line_number(tmp_path, line, message):
    path = tmp_path / "batch.jsonl"
    path.write_text('{"id": "a", "text": "Premier document."}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_batch(path)
    assert err.value.index == 3 and message in str(err.value)
    assert str(err.value).startswith(f"{path}: line 3: ")


def test_empty_batch(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n\n")
    with pytest.raises(InputError, match="no documents"):
        load_batch(path)


def test_document_from_text_keeps_given_fields():
    doc = document_from_text("x", "Plain words about a campaign against banks.", title="T",
                             published="2024-01-02", language="en")
    assert (doc.id, doc.title, doc.published, doc.language) == ("x", "T", "2024-01-02", "en")
