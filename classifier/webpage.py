"""Read a saved web page (.html, .htm): its visible text, one block (paragraph, heading, list item,
table cell, line broken by <br>) a line."""
from __future__ import annotations

import codecs
import re

from .errors import InputError

__all__ = ["read_webpage", "webpage_charset"]

# Elements whose content a browser does not show.
_INVISIBLE = {"script", "style", "template", "noscript", "head", "title", "meta", "link", "iframe",
              "object", "embed", "svg", "canvas", "select", "option", "button", "input", "textarea"}
# Elements that stand on lines of their own.
_BLOCKS = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
           "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
           "h5", "h6", "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section",
           "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}
_HIDDEN_STYLE = re.compile(r"(?:display\s*:\s*none|visibility\s*:\s*hidden)", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_WHITE = re.compile(r"[ \t\r\n\f]+")  # HTML's white space: a run shows as one space (not &nbsp;)


def webpage_charset(data: bytes):
    """The encoding a page's bytes declare (a byte-order mark, or a <meta> charset in the first
    4 KB), as a Python codec name, or None."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE begins both
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):  # browsers read all of these as GB18030's subset
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_webpage(text: str, name: str) -> str:
    """The visible text of the page ``text`` (already decoded), one block a line."""
    import lxml.html
    from lxml import etree

    if not text.strip():
        raise InputError(name, "is empty")
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as err:
        raise InputError(name, f"is not a readable web page ({err})") from None
    pieces = []
    _walk(root, pieces, preformatted=False)
    lines = (line.strip(" \t") for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line)


def _hidden(element) -> bool:
    attributes = element.attrib
    return ("hidden" in attributes or attributes.get("aria-hidden", "").strip().lower() == "true"
            or _HIDDEN_STYLE.search(attributes.get("style", "")) is not None
            or (element.tag == "input" and attributes.get("type", "").lower() == "hidden"))


def _walk(element, pieces: list, preformatted: bool) -> None:
    """Append the visible text of ``element`` and its tail to ``pieces``."""
    tag = element.tag if isinstance(element.tag, str) else None  # comments and processing instructions have none
    if tag is not None and tag.lower() not in _INVISIBLE and not _hidden(element):
        tag = tag.lower()
        inner = preformatted or tag == "pre"
        if tag == "br":
            pieces.append("\n")
        block = tag in _BLOCKS
        if block:
            pieces.append("\n")
        if element.text:
            pieces.append(_shown(element.text, inner))
        for child in element:
            _walk(child, pieces, inner)
        if block:
            pieces.append("\n")
    if element.tail:
        pieces.append(_shown(element.tail, preformatted))


def _shown(text: str, preformatted: bool) -> str:
    return text if preformatted else _WHITE.sub(" ", text)
