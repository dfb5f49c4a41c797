"""Saved HTML pages → plain text, so a page saved as ``.txt`` is read as its article.

Scripts, styles and other invisible elements are dropped, block elements
become paragraph breaks and character references are decoded (stdlib
``html.parser``: no network, no external parser). Ingest then removes the
page chrome line by line as for any text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["looks_like_html", "html_to_text"]

_HTML_START = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|article)\b", re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_HIDDEN = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
_BLOCK = {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "nav",
          "aside", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption", "title", "main", "hr"}


def looks_like_html(text: str) -> bool:
    """True for a page that opens with HTML markup and keeps using tags.

    >>> looks_like_html("<!DOCTYPE html><html><body><p>نص</p></body></html>")
    True
    >>> looks_like_html("قال <المصدر> إن")
    False
    """
    head = text[:4096]
    return bool(_HTML_START.match(head)) and len(_TAG.findall(head)) >= 3


def html_to_text(page: str) -> str:
    """The visible text of a page, one block a paragraph; the title first.

    >>> html_to_text("<html><head><title>عنوان</title><script>x()</script></head>"
    ...              "<body><p>فقرة &amp; أخرى</p><p>ثانية</p></body></html>")
    'عنوان\\n\\nفقرة & أخرى\\n\\nثانية'
    """
    parser = _TextParser()
    parser.feed(page)
    parser.close()
    text = "".join(parser.parts)
    paragraphs = (" ".join(block.split()) for block in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in _HIDDEN:
            self.hidden += 1
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title or not self.hidden:
            self.parts.append(data)

    def close(self):
        """An unclosed comment hides the rest of the page, as a browser shows it (html.parser
        would hand it over as text, markup and all)."""
        if self.rawdata.startswith("<!--"):
            self.rawdata = ""
        super().close()
