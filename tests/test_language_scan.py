"""No interface text of another language on any public page: a Finnish page shows none of the
catalogues' Swedish or English texts, a Swedish or English page none of the Finnish ones,
outside the elements marked with their own `lang` (the switcher's links, the hidden
suggestion boxes, Finnish content shown for want of a translation).

The interface texts are the catalogues' own (locale/sv and locale/en django.po): every
translation that differs from its Finnish message and is at least two words long, cut at
placeholders and tags. The directory's content (names, descriptions) is not interface: its
strings are taken out of the page before the scan.
"""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from tests.pages import make_directory, public_pages
from tests.test_html_validity import NOT_HTML

pytestmark = pytest.mark.django_db

TRANSLATIONS = ["sv", "en"]
CONTENT_APPS = ["actors", "funding", "practices", "glossary"]
# Placeholders (%(name)s, %s) and tags, where a message's text is cut into fragments.
CUT = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]*>")
PO_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# Attributes whose text is read or shown as the element's (names, tips, placeholders).
READ_ATTRIBUTES = ["aria-label", "title", "alt", "placeholder"]
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


def po_entries(language):
    """Yield (msgid, msgstr) of locale/<language>/LC_MESSAGES/django.po; a plural message's
    singular and plural each with every form of its translation."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    entries, entry, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgctxt ", "msgid ")) and any(k.startswith("msgstr") for k in entry):
            entries.append(entry)
            entry = {}
        if line.startswith("#") or not line.strip():
            continue
        if not line.startswith('"'):
            key, line = line.split(" ", 1)
        value = PO_STRING.fullmatch(line.strip()).group(1)
        entry[key] = entry.get(key, "") + re.sub(
            r"\\(.)", lambda escape: PO_ESCAPES[escape.group(1)], value
        )
    entries.append(entry)
    for entry in entries:
        if not entry["msgid"]:
            continue  # the catalogue's header
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        for source in filter(None, [entry["msgid"], entry.get("msgid_plural")]):
            for text in translations:
                yield source, text


def fragments(text, other):
    """The pieces of `text` between placeholders and tags that are at least two words and
    are not in `other` (the same message in the other language: a name kept as it is)."""
    for piece in CUT.split(text):
        piece = " ".join(piece.split())
        if len(piece.split()) >= 2 and piece not in other:
            yield piece


@cache
def interface_texts(language):
    """Return {text: msgid} of the interface texts that show a page is not in `language`: on
    a Finnish page the Swedish and English translations, on a translated page the Finnish
    messages of its own catalogue."""
    texts = {}
    if language == "fi":
        for code in TRANSLATIONS:
            for msgid, msgstr in po_entries(code):
                texts.update((piece, msgid) for piece in fragments(msgstr, msgid))
    else:
        for msgid, msgstr in po_entries(language):
            texts.update((piece, msgid) for piece in fragments(msgid, msgstr))
    return texts


class PageText(HTMLParser):
    """The text of a page that is in the page's language: the text and the read attributes of
    every element not marked with another `lang`, and not a script or a style."""

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.open = []  # (tag, whether it and its descendants are left out)
        self.parts = []

    def left_out(self):
        return bool(self.open) and self.open[-1][1]

    def read(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        left_out = (
            self.left_out()
            or tag in ("script", "style")
            or (lang is not None and lang.split("-")[0] != self.language)
        )
        if not left_out:
            self.parts.extend(attrs[name] for name in READ_ATTRIBUTES if attrs.get(name))
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
        return left_out

    def handle_starttag(self, tag, attrs):
        left_out = self.read(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, left_out))

    def handle_startendtag(self, tag, attrs):
        self.read(tag, attrs)

    def handle_endtag(self, tag):
        # Up to the element it closes: one closed implicitly (a <p> by a <div>) closes too.
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        if not self.left_out():
            self.parts.append(data)


def page_text(html, language, content):
    parser = PageText(language)
    parser.feed(html)
    parser.close()
    text = " ".join(" ".join(parser.parts).split())
    for value in content:
        text = text.replace(value, " | ")
    return text


def content_strings():
    """Every text of the directory's content in the database, longest first (not a code: a
    slug, an address, a choice's stored value)."""
    kinds = (models.CharField, models.TextField)
    not_text = (models.SlugField, models.URLField, models.EmailField)
    values = set()
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                field.attname
                for field in model._meta.concrete_fields
                if isinstance(field, kinds)
                and not isinstance(field, not_text)
                and not field.choices
            ]
            if not fields:
                continue
            for row in model._default_manager.values_list(*fields):
                values.update(" ".join(value.split()) for value in row if value)
    return sorted((value for value in values if len(value) > 3), key=len, reverse=True)


def found_in(text, texts):
    """Return the (text, msgid) of `texts` that occur in `text` as whole words."""
    found = []
    for piece, msgid in texts.items():
        if piece in text:
            start = r"(?<!\w)" if piece[0].isalnum() else ""
            end = r"(?!\w)" if piece[-1].isalnum() else ""
            if re.search(start + re.escape(piece) + end, text):
                found.append((piece, msgid))
    return found


def html_pages(language, directory):
    """Return {name: path} of every public HTML page type in `language`."""
    with translation.override(language):
        pages = public_pages(directory)
        pages["not_found"] = reverse("directory:home") + "ei-tallaista-sivua/"
    pages = {name: path for name, path in pages.items() if name not in NOT_HTML}
    if language != "fi":
        del pages["admin_login"]  # outside the prefixes, always Finnish
    return pages


def test_the_interface_texts_are_many_and_differ_by_language():
    """The scans below look for something: hundreds of texts, known ones among them."""
    finnish, swedish_and_english = interface_texts("sv"), interface_texts("fi")
    assert len(finnish) > 300 and len(swedish_and_english) > 600
    assert "Tunnetko alueesi toimijat?" in finnish
    assert "Känner du aktörerna i ditt område?" in swedish_and_english
    assert "Do you know the actors in your area?" in swedish_and_english
    # A name the translations keep as it is, a book's title, is in no language's list.
    title = "Verkostot ja kumppanuus – Järjestöt työllisyyden edistäjinä"
    assert title not in finnish and title not in swedish_and_english


def test_the_scan_finds_unmarked_text_and_passes_marked_text():
    swedish = "Känner du aktörerna i ditt område?"
    page = (
        '<html lang="fi"><body><p lang="sv">{0}</p><div hidden lang="sv-FI"><p>{0}</p></div>'
        '<script>"{0}"</script><button aria-label="{1}">x</button>{2}</body></html>'
    )
    texts = interface_texts("fi")

    marked = page_text(page.format(swedish, "Sulje", ""), "fi", [])
    unmarked = page_text(page.format(swedish, swedish, f"<p>{swedish}</p>"), "fi", [])

    assert found_in(marked, texts) == []
    assert found_in(unmarked, texts) == [(swedish, "Tunnetko alueesi toimijat?")]
    # Content is not interface, whatever its words.
    assert found_in(page_text(f"<p>{swedish}</p>", "fi", [swedish]), texts) == []


@pytest.mark.parametrize("language", ["fi", *TRANSLATIONS])
def test_no_page_shows_interface_text_of_another_language(client, language):
    directory = make_directory()
    content = content_strings()
    texts = interface_texts(language)

    findings = {}
    for name, path in html_pages(language, directory).items():
        response = client.get(path)
        assert response.status_code == (404 if name == "not_found" else 200), path
        html = response.content.decode()
        assert re.search(rf'<html lang="{language}"[ >]', html), path
        found = found_in(page_text(html, language, content), texts)
        if found:
            findings[path] = found

    report = "\n".join(
        f"{path}: {piece!r} (msgid {msgid!r})"
        for path, found in sorted(findings.items())
        for piece, msgid in found
    )
    assert not findings, f"Interface text not in {language!r}:\n{report}"
