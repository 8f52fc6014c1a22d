"""What shows nothing on the page: one definition for reading files and cutting paragraphs.

A file of nothing but these is empty, and a line of nothing but these is no paragraph.
"""
from __future__ import annotations

import re

__all__ = ["BLANK", "INVISIBLE", "LINE_BREAK", "LINE_BREAKS", "SPACE", "is_blank"]

# Characters that show nothing but are not white space to ``str.isspace``: zero-width space,
# non-joiner and joiner, word joiner, and U+FEFF (a BOM, or a zero-width no-break space inside).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# White space inside a line: what ``str.isspace`` calls white space (NBSP, U+3000, the U+2000…U+200A
# spaces, U+202F, … included; tests check the list against Unicode) but the line breaks, and the
# invisible characters.
SPACE = "\t\x1f \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000" + INVISIBLE
# What ends a line (as ``str.splitlines`` has it).
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# One line break: CR LF is one.
LINE_BREAK = re.compile(rf"\r\n|[{LINE_BREAKS}]")
# Every character that shows nothing: the line breaks too.
BLANK = frozenset(SPACE + LINE_BREAKS)


def is_blank(text: str) -> bool:
    """True when ``text`` has nothing to read: only white space and invisible characters."""
    return all(ch in BLANK for ch in text)
