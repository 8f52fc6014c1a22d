"""A plain text too long to hold (more than :data:`WINDOW_CHARS` characters) read in windows:
decoded a block at a time, cut at blank lines, each window segmented with a piece of text on
either side as context, so that memory stays bounded however long the text."""
from __future__ import annotations

import codecs
import contextlib
import os
import re
import tempfile
from dataclasses import dataclass

from .blank import LINE_BREAK, SPACE

__all__ = ["WINDOW_CHARS", "PIECE_CHARS", "TextWindows", "regions", "window_paragraphs", "spool"]

# Characters of a text labelled at a time: far above any real report (the longest shared one
# holds about 55 000), so that only a text pasted together from many reports is cut.
WINDOW_CHARS = 1_000_000
# Characters of the pieces a window is made of, and of the context read on either side of it:
# more than any section of a real report, so that a paragraph's neighbours, section and title
# stand in the context read with it (see README, Reliability: what differs at a window's edge).
PIECE_CHARS = 100_000
_BLOCK_BYTES = 1 << 20
# A blank line: where a piece is cut, so that no paragraph is split (failing that, a line break).
# (Two line breaks as segment counts them: a form feed after one is a page break, not a blank line.)
_NEW_LINE = "(?:\r\n|[\n\r\x85\u2028\u2029])"
_BLANK_LINE = re.compile(rf"{_NEW_LINE}[{SPACE}]*{_NEW_LINE}")


@dataclass
class TextWindows:
    """A long plain text on disk (``path``; ``temporary`` when it is standard input spooled to a
    file, removed by :meth:`close`), read as ``encoding`` (a codec name, BOM handled by it)."""

    name: str
    path: str
    encoding: str  # what results show (utf-8, gb18030, utf-16)
    codec: str  # what decodes it (utf-8-sig for a BOM)
    temporary: bool = False
    characters: int | None = None  # of the decoded text, when the reading that found its encoding counted them

    def pieces(self):
        """(offset, text) of consecutive pieces of about :data:`PIECE_CHARS` characters, each cut
        after a blank line if one is in its last half, else after a line break, else where it ends."""
        decoder = codecs.getincrementaldecoder(self.codec)()
        buffer, offset = "", 0
        with open(self.path, "rb") as handle:
            while True:
                block = handle.read(_BLOCK_BYTES)
                buffer += decoder.decode(block, final=not block)
                while len(buffer) >= 2 * PIECE_CHARS or (not block and buffer):
                    cut = _cut(buffer) if len(buffer) > PIECE_CHARS else len(buffer)
                    yield offset, buffer[:cut]
                    offset, buffer = offset + cut, buffer[cut:]
                if not block:
                    return

    def close(self) -> None:
        """Remove the spooled copy of standard input, if any."""
        if self.temporary:
            with contextlib.suppress(OSError):
                os.remove(self.path)


def _cut(buffer: str) -> int:
    """Where to end a piece of ``buffer`` (longer than :data:`PIECE_CHARS`): after the last blank
    line of its last half, else after the last line break there, else at :data:`PIECE_CHARS`
    (a line that long is cut mid-line; the characters on either side stay apart)."""
    low, high = PIECE_CHARS // 2, PIECE_CHARS
    for pattern in (_BLANK_LINE, LINE_BREAK):
        last = None
        for last in pattern.finditer(buffer, low, high):
            pass
        if last is not None:
            end = last.end()
            if buffer[end - 1] == "\r" and end < len(buffer) and buffer[end] == "\n":
                end += 1  # never between the two characters of a CRLF
            return end
    return high


def regions(pieces):
    """(text, offset, keep_from, keep_to) of each window: about :data:`WINDOW_CHARS` characters of
    pieces whose paragraphs are kept (those starting in [keep_from, keep_to)), read with the piece
    before and the piece after it as context."""
    pieces = iter(pieces)
    before = None
    window = []
    size = 0
    for piece in pieces:
        if size >= WINDOW_CHARS:
            yield _region(before, window, piece)
            before, window, size = window[-1], [], 0
        window.append(piece)
        size += len(piece[1])
    if window:
        yield _region(before, window, None)


def _region(before, window, after):
    keep_from = window[0][0] if before else 0
    keep_to = window[-1][0] + len(window[-1][1]) if after else float("inf")
    parts = ([before] if before else []) + window + ([after] if after else [])
    return "".join(text for _, text in parts), parts[0][0], keep_from, keep_to


def window_paragraphs(windows: TextWindows, segment_text):
    """For each window: (offset of the text read for it, ``segment_text(text)``, whether each
    paragraph is kept).  ``segment_text`` gives one list of paragraphs or more, with the same
    offsets into ``text`` (the first decides).  A kept paragraph starts in the window and after the
    end of the last one kept before: every paragraph is kept once, in order, none overlapping."""
    last_end = 0
    for text, offset, keep_from, keep_to in regions(windows.pieces()):
        segmented = segment_text(text)
        keep = []
        for p in segmented[0]:
            start = offset + p.start
            kept = keep_from <= start < keep_to and start >= last_end
            if kept:
                last_end = offset + p.end
            keep.append(kept)
        yield offset, segmented, keep


def spool(stream, limit: int, name: str):
    """Copy at most ``limit`` bytes of binary ``stream`` to a temporary file; its path, or an
    InputError when there is more."""
    from .limits import too_large

    handle = tempfile.NamedTemporaryFile(prefix="classifier-stdin-", delete=False)
    try:
        with handle:
            copied = 0
            while True:
                block = stream.read(min(_BLOCK_BYTES, limit + 1 - copied))
                if not block:
                    break
                handle.write(block)
                copied += len(block)
                if copied > limit:
                    raise too_large(name, limit)
    except BaseException:
        os.remove(handle.name)
        raise
    return handle.name

