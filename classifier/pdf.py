"""Read a PDF's text layer as paragraphs: hard-wrapped lines joined, running headers, footers and
page numbers dropped; a PDF without a text layer (a scan) refused."""
from __future__ import annotations

import re
from collections import Counter

from .errors import InputError

__all__ = ["read_pdf"]

# Lines that are a page number alone: 3, - 3 -, — 3 —, 第 3 页, 第3页 共12页, 3/12, 3 / 12, Page 3 of 12.
_PAGE_NUMBER = re.compile(
    r"[-－—–·\s]*\d{1,4}[-－—–·\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|(?:共\s*\d{1,4}\s*页\s*)?第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?")
_DIGITS = re.compile(r"\d+")
# Lines at the top or bottom of a page looked at for running headers and footers.
_EDGE_LINES = 2
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_LEADING_WORD = re.compile(r"[“‘（]?[\x21-\x7e]+[”’）]?")


def read_pdf(source, name: str) -> str:
    """The text of the PDF at ``source`` (a path or a binary stream): one paragraph a line."""
    try:
        import pdfplumber
    except ImportError:
        raise InputError(name, "reading PDF needs pdfplumber: pip install pdfplumber") from None
    pages, widths = [], []
    try:
        with pdfplumber.open(source) as pdf:
            for page in pdf.pages:
                pages.append(page.extract_text_lines(strip=True, return_chars=False))
                widths.append(float(page.width))
    except InputError:
        raise
    except Exception as err:  # pdfminer raises many types for a damaged or encrypted file
        raise InputError(name, _problem(err)) from None
    if not any(pages):
        raise InputError(name, "has no text layer (a scanned image?): the tool does not do OCR; "
                               "give it the report's text, or run OCR first")
    lines = _body_lines(pages)
    return "\n".join(_paragraphs(lines, max(widths)))


def _problem(err: Exception) -> str:
    """What went wrong opening a PDF, in words."""
    kind = type(err).__name__
    if "Password" in kind or "Encrypt" in kind:
        return "is a password-protected PDF: save an unprotected copy"
    detail = str(err).strip().splitlines()[0][:80] if str(err).strip() else kind
    return f"is not a readable PDF ({detail})"


def _key(text: str) -> str:
    """A line with its numbers blanked: a running header's text on every page (第 3 页 → 第 # 页)."""
    return _DIGITS.sub("#", re.sub(r"\s+", "", text))


def _body_lines(pages: list) -> list:
    """(page number, line) of every line but page numbers and running headers and footers.

    A running header or footer is a line among the first or last two of a page whose text, numbers
    aside, stands at that edge of most pages (of at least two); a page number stands alone at an edge.
    """
    counted = [p for p in pages if p]
    tops = Counter(_key(line["text"]) for p in counted for line in p[:_EDGE_LINES])
    bottoms = Counter(_key(line["text"]) for p in counted for line in p[-_EDGE_LINES:])
    enough = max(2, (len(counted) + 1) // 2)
    kept = []
    for number, page in enumerate(pages):
        for position, line in enumerate(page):
            at_top, at_bottom = position < _EDGE_LINES, position >= len(page) - _EDGE_LINES
            key = _key(line["text"])
            if (at_top or at_bottom) and _PAGE_NUMBER.fullmatch(line["text"]):
                continue
            if len(counted) >= 2 and ((at_top and tops[key] >= enough) or (at_bottom and bottoms[key] >= enough)):
                continue
            kept.append((number, line))
    return kept


def _paragraphs(lines: list, page_width: float | None = None) -> list:
    """Join the hard-wrapped lines of each paragraph.

    A line continues the one before when that one reaches the text's right edge (within two
    characters, or the width of a Latin word or number the next line starts with: a wrap may leave
    a gap before punctuation that cannot start a line, or before a word), it starts at
    the left edge (a paragraph's first line is indented, a centred title is not at the edge) and
    no wider gap than the usual line spacing stands between them (block paragraphs are spaced).
    The right edge is where most long lines end; where no two end alike (a few lines, none wrapped
    for sure), it is the left margin's width from the page's right side (``page_width``), so that a
    heading longer than the line under it is not taken for a wrapped line.
    """
    if not lines:
        return []
    heights = [line["bottom"] - line["top"] for _, line in lines]
    size = max(1.0, sorted(heights)[len(heights) // 2])  # a character's size
    starts = Counter(round(line["x0"]) for _, line in lines)
    left = min(x for x, n in starts.items() if n >= 0.15 * len(lines) or n == max(starts.values()))
    ends = Counter(round(line["x1"]) for _, line in lines if line["x1"] - line["x0"] > 10 * size)
    right, shared = ends.most_common(1)[0] if ends else (None, 0)
    if shared < 2 and page_width:
        right = page_width - left
    elif right is None:
        right = max(line["x1"] for _, line in lines)
    right = max([right] + [line["x1"] for _, line in lines if abs(line["x1"] - right) < 2 * size])
    pitches = [b["top"] - a["top"] for (pa, a), (pb, b) in zip(lines, lines[1:]) if pa == pb and b["top"] > a["top"]]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else 1.5 * size
    paragraphs = [lines[0][1]["text"]]
    for (page_a, a), (page_b, b) in zip(lines, lines[1:]):
        # A word of Latin letters or digits is not cut: the line before it stops short by its width.
        word = _LEADING_WORD.match(b["text"])
        full = a["x1"] >= right - 2.2 * size - (0.6 * size * len(word.group()) if word else 0)
        at_left = abs(b["x0"] - left) < size / 2
        close = page_a != page_b or 0 < b["top"] - a["top"] <= pitch * 1.25
        if full and at_left and close:
            glue = " " if _ASCII_WORD.match(a["text"][-1]) and _ASCII_WORD.match(b["text"][0]) else ""
            paragraphs[-1] += glue + b["text"]
        else:
            paragraphs.append(b["text"])
    return paragraphs
