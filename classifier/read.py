"""Read reports as they come: text in any common Chinese encoding, Word files, folders, stdin.

Every problem a user can cause is raised as an :class:`InputError` naming the file.
"""
from __future__ import annotations

import codecs
import contextlib
import functools
import io
import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .blank import is_blank
from .convert import convert_office
from .errors import InputError
from .limits import max_bytes as _max_bytes
from .limits import max_paragraphs as _max_paragraphs
from .limits import too_large
from .own_output import own_output_kind
from .pdf import read_pdf
from .webpage import read_webpage, webpage_charset
from . import windows as _windows
from .windows import TextWindows, spool
from .word import read_docx

__all__ = ["Document", "TextWindows", "decode", "read_document", "document_from_bytes", "iter_documents", "input_files", "printable",
           "check_paragraphs", "SUPPORTED_SUFFIXES", "OwnOutputError"]

_REFUSED_SUFFIXES = (".rtf", ".odt", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".xlsx", ".xls",
                     ".pptx", ".zip")  # said to be unsupported rather than read as text
SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".doc", ".wps")
# The end of the list of what is supported that only the command line takes (the web page drops it).
COMMAND_LINE_INPUTS = "; folders of them, or - for stdin"
_SUPPORTED = ("supported: .txt (UTF-8, GB18030/GBK, Big5, UTF-16), .docx, .pdf, .html/.htm, and .doc/.wps with a converter"
              + COMMAND_LINE_INPUTS)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never stand in a text file (tab, line ends and form feed do).
_BINARY_CONTROLS = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127}
_CONTROL_BYTES = bytes(sorted(_BINARY_CONTROLS))


def _mostly_controls(head: bytes) -> bool:
    """Whether more than 1 % of ``head`` are control bytes no text holds (counted in C)."""
    return len(head) - len(head.translate(None, _CONTROL_BYTES)) > len(head) * 0.01


@dataclass
class Document:
    """A report's decoded text and where it came from (``name`` is what results show)."""

    name: str
    text: str
    encoding: str = "utf-8"
    # (start, end, level) of the paragraphs the file itself marks as headings (a .docx's Heading
    # styles): section headings for :func:`segment` even without a number.
    headings: tuple = ()


# Characters that make up nearly all of a Chinese report (or of plain ASCII text).  UTF-16
# decoded in the wrong byte order, or binary data, yields scattered scripts instead.
_COMMON_PUNCTUATION = set("\u00a0\u00b7\u2014\u2015\u2018\u2019\u201c\u201d\u2022\u2026\u2027\u25cf\u25a0\u2605")


def _common(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x20 <= code <= 0x7E or ch in "\t\n\r"
            or 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or 0x3400 <= code <= 0x4DBF
            or ch in _COMMON_PUNCTUATION)


# Big5 text (traditional characters, Taiwan and Hong Kong) nearly always decodes as GB18030 too, into
# rare characters, kana and symbols: more than this share of its non-ASCII characters lie outside
# GB2312's common ones, where a GBK report has a few percent at most.
_BIG5_SUSPECT = 0.2
_BIG5_SAMPLE = 8192  # characters looked at


def _share_outside_gb2312(text: str) -> float:
    """Of ``text``'s non-ASCII characters, the share GB2312 (simplified Chinese's common
    characters and symbols) lacks; counted by encoding, in C."""
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if not non_ascii:
        return 0.0
    kept = len(text.encode("gb2312", "ignore").decode("gb2312"))
    return (len(text) - kept) / non_ascii


def _share_outside_big5_common(text: str) -> float:
    """Of ``text``'s non-ASCII characters, the share outside Big5's symbols and frequent characters
    (its codes A140–C67E; the less frequent ones follow from C940)."""
    non_ascii = [char for char in text if ord(char) > 0x7F]
    if not non_ascii:
        return 0.0
    outside = 0
    for char in non_ascii:
        try:
            lead = char.encode("big5hkscs")[0]
        except UnicodeEncodeError:
            lead = 0xFF
        outside += lead > 0xC6
    return outside / len(non_ascii)


def _decoded(data: bytes, codec: str):
    """``data`` decoded with ``codec``, or None where it cannot be."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _big5_instead(as_gb18030: str, head: bytes, read):
    """(codec, what ``read(codec)`` gave) for a text that also decodes as GB18030 but is Big5
    ("big5", or Hong Kong's superset "big5hkscs"), or None.  ``as_gb18030`` is its start so
    decoded, ``head`` its first bytes; ``read(codec)`` reads the whole text with ``codec``, None
    where it cannot.  Big5 wins where GB18030 makes rare characters of the text and Big5 fewer."""
    gb_outside = _share_outside_gb2312(as_gb18030[:_BIG5_SAMPLE])
    if gb_outside <= _BIG5_SUSPECT:
        return None
    for codec in ("big5", "big5hkscs"):
        as_big5 = head.decode(codec, "ignore")[:_BIG5_SAMPLE]  # the head may end inside a character
        if _share_outside_big5_common(as_big5) < gb_outside:
            whole = read(codec)
            if whole is not None:
                return codec, whole
    return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a BOM: (text, encoding) in the byte order that reads as text, or None.

    Counting NULs is not enough: a Chinese text has them only in its few ASCII characters
    (and in characters like 一, U+4E00).  So decode both ways and keep the one whose characters
    are nearly all Chinese, ASCII or common punctuation.
    """
    if len(data) < 2 or len(data) % 2:
        return None
    best = None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        share = sum(map(_common, sample)) / len(sample)
        if share >= 0.9 and (best is None or share > best[0]):
            best = (share, text, encoding)
    return (best[1], best[2]) if best else None


def decode(data: bytes, source: str = "<bytes>", supported: str = _SUPPORTED) -> tuple[str, str]:
    """Decode a text file's bytes, detecting the encoding; return (text, encoding name).

    Tried in order: a byte-order mark, UTF-16 without one (when the data holds NUL bytes, which
    UTF-8 and GB18030 text never does), UTF-8, then GB18030 (a superset of GBK and GB2312, what
    Chinese Windows saves as "ANSI") or Big5 (traditional Windows' "ANSI") where both decode and
    GB18030 makes rare characters of it.  Binary data is refused, its message ending with
    ``supported``: what the caller reads.
    """
    if not data:
        raise InputError(source, "is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError as err:
                raise InputError(source, f"cannot be decoded as {encoding} (byte {err.start})") from None
    head = data[:65536]
    if b"\0" in head:
        utf16 = _utf16_without_bom(data)
        if utf16:
            return utf16
        raise InputError(source, "is a binary file, not text; " + supported)
    if _mostly_controls(head):
        raise InputError(source, "is a binary file, not text; " + supported)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        position = err.start  # where UTF-8 fails, for the message if nothing else reads it
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        big5 = _big5_instead(text, data[:4 * _BIG5_SAMPLE], functools.partial(_decoded, data))
        return (big5[1], big5[0]) if big5 else (text, "gb18030")
    utf16 = _utf16_without_bom(data)  # a UTF-16 text all in Chinese may hold no NUL byte at all
    if utf16:
        return utf16
    raise InputError(source, f"is not UTF-8, UTF-16, GB18030 or Big5 text (undecodable byte at offset {position})")


def _read_bytes(path: str, limit: int | None = None) -> bytes:
    limit = _max_bytes() if limit is None else limit
    try:
        with open(path, "rb") as handle:
            return _read_limited(handle, path, limit)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None


def _read_limited(stream, name: str, limit: int) -> bytes:
    """At most ``limit`` bytes of ``stream``; more is refused before it is all read (``/dev/zero``)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_large(name, limit)
    return data


def _read_stdin(limit: int) -> bytes:
    if sys.stdin is None:  # started with standard input closed (<&-)
        raise InputError("-", "standard input is closed: give the report as a file")
    try:
        return _read_limited(sys.stdin.buffer, "<stdin>", limit)
    except OSError as err:
        raise InputError("-", f"standard input cannot be read ({err.strerror or err})") from None


def _check_regular(path: str) -> None:
    """Refuse, without opening it, a path that is not a regular file: opening a FIFO blocks until
    someone writes to it, and a device like /dev/zero never ends."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # said when it is opened: no such file, permission denied
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise InputError(path, f"is not a regular file ({kind}), so it is not read")


def read_document(path: str, max_bytes: int | None = None, windows: bool = False) -> Document:
    """Read one report file (.txt in any supported encoding, .docx, .pdf, .html/.htm, .doc/.wps) of
    at most ``max_bytes`` bytes (default: :func:`limits.max_bytes`), a .docx's parts unpacked included.
    With ``windows``, a plain text of more than :data:`windows.WINDOW_CHARS` characters comes as
    :class:`windows.TextWindows`, read a window at a time (standard input spooled to a temporary file)."""
    limit = _max_bytes() if max_bytes is None else max_bytes
    if windows and path != "-":
        long = _long_text(path, limit)
        if long is not None:
            return long
    if path == "-":
        data = _stdin_or_windows(limit) if windows else _read_stdin(limit)
        if isinstance(data, (TextWindows, Document)):
            return data
        if _is_docx(data):  # a Word file piped in has no name to tell it by
            return _docx_document("<stdin>", io.BytesIO(data), limit)
        if data.startswith(b"%PDF-"):
            return _pdf_document("<stdin>", io.BytesIO(data))
        if _is_webpage(data):
            return _webpage_document("<stdin>", data)
        return _text_document("<stdin>", data)
    if os.path.isdir(path):
        raise InputError(path, "is a directory")
    _check_regular(path)
    suffix = os.path.splitext(path)[1].lower()
    if suffix in _REFUSED_SUFFIXES:
        raise InputError(path, f"{suffix} files are not supported; " + _SUPPORTED)
    if suffix in (".doc", ".wps"):  # the converter reads the file itself
        if not os.path.exists(path):
            raise InputError(path, "no such file")
        return _office_document(path)
    return document_from_bytes(path, _read_bytes(path, limit), limit)


def _small_bytes() -> int:
    """More bytes than this hold more than WINDOW_CHARS characters in any encoding read (4 bytes a
    character at most): a text this short is read whole as ever, then windowed only if it is long."""
    return 4 * _windows.WINDOW_CHARS + 4


_CONVERTED_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".doc", ".wps")


def _long_text(path: str, limit: int):
    """A plain text file of more than WINDOW_CHARS characters at ``path`` as :class:`TextWindows`;
    None for anything else, which is read as ever."""
    if os.path.isdir(path) or os.path.splitext(path)[1].lower() in _CONVERTED_SUFFIXES + _REFUSED_SUFFIXES:
        return None
    _check_regular(path)
    try:
        size = os.path.getsize(path)
    except OSError:
        return None  # said when it is opened
    if size <= _windows.WINDOW_CHARS:  # a character takes a byte at least
        return None
    if size > limit:
        raise too_large(path, limit)
    data = _read_bytes(path, limit) if size <= _small_bytes() else None
    return _windows_of(path, path, data, temporary=False)


def _stdin_or_windows(limit: int):
    """All of standard input's bytes (at most ``limit``), or, for a plain text of more than
    WINDOW_CHARS characters, :class:`TextWindows` of a temporary copy of it (a plain text found
    shorter once decoded: its :class:`Document`)."""
    if sys.stdin is None:  # started with standard input closed (<&-)
        raise InputError("-", "standard input is closed: give the report as a file")
    try:
        small = _small_bytes()
        head = _read_limited(sys.stdin.buffer, "<stdin>", limit) if limit <= small else sys.stdin.buffer.read(small + 1)
        if len(head) <= _windows.WINDOW_CHARS or _is_docx(head) or head.startswith(b"%PDF-") or _is_webpage(head):
            if len(head) <= _small_bytes():
                return head
            data = head + sys.stdin.buffer.read(limit + 1 - len(head))  # converted whole, as ever
            if len(data) > limit:
                raise too_large("<stdin>", limit)
            return data
        copy = spool(io.BufferedReader(_Chained(head, sys.stdin.buffer)), limit, "<stdin>")
    except OSError as err:
        raise InputError("-", f"standard input cannot be read ({err.strerror or err})") from None
    return _windows_of("<stdin>", copy, head if len(head) <= _small_bytes() else None, temporary=True) or head


def _windows_of(name: str, path: str, data, temporary: bool):
    """The text at ``path`` as :class:`TextWindows` if it holds more than WINDOW_CHARS characters,
    else None (``data``: its bytes, when they were read whole; then a shorter text is its
    :class:`Document`, from the text already decoded)."""
    try:
        if data is not None:
            text, encoding = decode(data, name)
            if len(text) <= _windows.WINDOW_CHARS:
                if temporary:
                    os.remove(path)
                return _decoded_document(name, text, encoding)
            codec = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else encoding
            blank, characters = is_blank(text), len(text)
        else:
            encoding, codec, blank, characters = _stream_encoding(path, name)
        if blank:
            raise InputError(name, "is empty (only white space)")
        windows = TextWindows(name, path, encoding, codec, temporary, characters)
        with contextlib.closing(windows.pieces()) as pieces:
            _refuse_own_output(name, next(pieces)[1])
    except BaseException:
        if temporary:
            os.remove(path)
        raise
    return windows


def _stream_encoding(path: str, name: str) -> tuple:
    """(encoding, codec, whether it is blank, characters) of a long text file, found as
    :func:`decode` finds them, each candidate read through a block at a time; the same errors."""
    with open(path, "rb") as handle:
        head = handle.read(65536)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            position, blank, characters = _stream_check(path, encoding)
            if position is not None:
                raise InputError(name, f"cannot be decoded as {encoding} (byte {position})")
            return encoding.replace("-sig", ""), encoding, blank, characters
    if b"\0" not in head:
        if _mostly_controls(head):
            raise InputError(name, "is a binary file, not text; " + _SUPPORTED)
        position, blank, characters = _stream_check(path, "utf-8")
        if position is None:
            return "utf-8", "utf-8", blank, characters
        gb18030, blank, characters = _stream_check(path, "gb18030")
        if gb18030 is None:
            def read(codec):  # (None, blank, characters) where the whole file decodes, else None
                checked = _stream_check(path, codec)
                return checked if checked[0] is None else None

            big5 = _big5_instead(head.decode("gb18030", "ignore"), head, read)
            if big5:
                codec, (_, blank, characters) = big5
                return codec, codec, blank, characters
            return "gb18030", "gb18030", blank, characters
    utf16 = _stream_utf16(path, head)
    if utf16:
        return utf16
    if b"\0" in head:
        raise InputError(name, "is a binary file, not text; " + _SUPPORTED)
    raise InputError(name, f"is not UTF-8, UTF-16, GB18030 or Big5 text (undecodable byte at offset {position})")


def _stream_utf16(path: str, head: bytes):
    """(encoding, codec, blank, characters) of a long UTF-16 text without a BOM, as
    :func:`_utf16_without_bom` tells it, or None."""
    if os.path.getsize(path) % 2:
        return None
    best = None
    for encoding in ("utf-16-le", "utf-16-be"):
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head[:40000])[:20000]
        share = sum(map(_common, sample)) / max(len(sample), 1)
        if share >= 0.9 and (best is None or share > best[0]):
            position, blank, characters = _stream_check(path, encoding)
            if position is None:
                best = (share, encoding, blank, characters)
    return (best[1], best[1], best[2], best[3]) if best else None


def _stream_check(path: str, codec: str) -> tuple:
    """(byte offset of the first byte ``codec`` cannot decode, or None; whether the text is blank;
    its characters), the file read a block at a time."""
    decoder = codecs.getincrementaldecoder(codec)()
    read, blank, characters = 0, True, 0
    with open(path, "rb") as handle:
        while True:
            block = handle.read(1 << 20)
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as err:
                return read - len(err.object) + len(block) + err.start, blank, characters
            blank = blank and is_blank(text)
            read, characters = read + len(block), characters + len(text)
            if not block:
                return None, blank, characters


class _Chained(io.RawIOBase):
    """Bytes already read, then the rest of a stream."""

    def __init__(self, head: bytes, rest):
        self._head, self._rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size], self._head = self._head[:size], self._head[size:]
            return size
        data = self._rest.read(len(buffer)) if self._rest is not None else b""
        buffer[:len(data)] = data
        return len(data)


_PAGE_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)


def _is_webpage(data: bytes) -> bool:
    """Whether ``data`` (standard input, which has no name to tell it by) is a saved web page."""
    return _PAGE_START.match(data[:4096]) is not None


def _is_docx(data: bytes) -> bool:
    """Whether ``data`` is a zip package holding a Word document part."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "word/document.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


def _docx_document(name: str, source, limit: int | None = None) -> Document:
    """A .docx read from ``source``, a path or a binary stream."""
    text, headings = read_docx(source, name, max_part_bytes=limit)
    if is_blank(text):
        raise InputError(name, "is empty (no text in the document)")
    return Document(name, text, "docx", headings)


def _text_document(name: str, data: bytes) -> Document:
    return _decoded_document(name, *decode(data, name))


def _decoded_document(name: str, text: str, encoding: str) -> Document:
    if is_blank(text):
        raise InputError(name, "is empty (only white space)")
    _refuse_own_output(name, text)
    return Document(name, text, encoding)


class OwnOutputError(InputError):
    """A file that is this tool's own output, given as a report: left out of a folder without failing it."""


def _refuse_own_output(name: str, text: str) -> None:
    kind = own_output_kind(text)
    if kind:
        raise OwnOutputError(name, f"is this tool's own output ({kind}), not a report")


def _pdf_document(name: str, source) -> Document:
    """A PDF's text layer, read from ``source``, a path or a binary stream."""
    text = read_pdf(source, name)
    if is_blank(text):
        raise InputError(name, "is empty (no text in the PDF)")
    return Document(name, text, "pdf")


def _webpage_document(name: str, data: bytes) -> Document:
    """A saved web page: its declared charset (byte-order mark or <meta>), else detected as any text."""
    charset = webpage_charset(data)
    if charset:
        try:
            text, encoding = data.decode(charset), charset.replace("-sig", "")
        except UnicodeDecodeError as err:
            raise InputError(name, f"cannot be decoded as {charset}, its declared charset (byte {err.start})") from None
    else:
        text, encoding = decode(data, name)
    _refuse_own_output(name, text)
    text = read_webpage(text, name)
    if is_blank(text):
        raise InputError(name, "is empty (no visible text on the page)")
    return Document(name, text, encoding)


def _office_document(path: str, name: str | None = None) -> Document:
    """An old Word (.doc) or WPS (.wps) file, through the converter on the machine (errors name
    ``name``, default ``path``)."""
    name = path if name is None else name
    kind, converted, folder = convert_office(path, name)
    if kind == "text":
        if is_blank(converted):
            raise InputError(name, "is empty (no text in the document)")
        return Document(name, converted, "doc")
    try:
        document = _docx_document(name, converted)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    document.encoding = os.path.splitext(path)[1].lower().lstrip(".")
    return document


def input_files(paths: Iterable[str]) -> list:
    """The files :func:`iter_documents` reads for ``paths``, folders listed, standard input left out."""
    return [file for path in paths if path != "-"
            for file in (_folder_files(path) if os.path.isdir(path) else [path])]


def _folder_files(path: str) -> list:
    """The report files in a folder and its subfolders, sorted; hidden ones and Word's lock files left out."""
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(os.path.join(root, f) for f in files
                     if f.lower().endswith(SUPPORTED_SUFFIXES) and not f.startswith((".", "~$")))
    if not found:
        raise InputError(path, "holds no report files (" + ", ".join(SUPPORTED_SUFFIXES) + ")")
    return sorted(found)


def printable(name: str) -> str:
    """A file name as text any output can hold: bytes that are not UTF-8 (``bad\\xff.txt``, which
    Python keeps as lone surrogates) are shown as ``\\xff``."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def check_paragraphs(document: Document, limit: int | None = None) -> None:
    """Refuse a report of more than ``limit`` paragraphs (default: :func:`limits.max_paragraphs`)."""
    limit = _max_paragraphs() if limit is None else limit
    from .segment import segment

    if isinstance(document, TextWindows):  # counted a window at a time, before any is labelled
        characters = document.characters
        if characters is None:  # made by hand: counted
            characters = sum(len(text) for _, text in document.pieces())
        if characters <= limit:
            return
        from .windows import window_paragraphs

        count = sum(sum(keep) for _, _, keep in window_paragraphs(document, lambda text: (segment(text),)))
    elif len(document.text) <= limit:  # a paragraph holds a character at least: nothing to count
        return
    else:
        count = len(segment(document.text, document.headings))
    if count > limit:
        raise InputError(document.name, f"has {count} paragraphs, more than the limit of {limit} "
                                        f"(--max-paragraphs or $CLASSIFIER_MAX_PARAGRAPHS raises it)")


def _read_checked(path: str, max_bytes, max_paragraphs, windows=False) -> Document:
    document = None
    try:
        document = read_document(path, max_bytes, windows)
        document.name = printable(document.name)
        check_paragraphs(document, max_paragraphs)
    except BaseException as error:  # Ctrl-C too: a spooled copy of standard input is removed
        if isinstance(document, TextWindows):
            document.close()
        if not isinstance(error, InputError) or printable(error.source) == error.source:
            raise
        raise InputError(printable(error.source), error.problem) from None
    return document


def iter_documents(paths: Iterable[str], skip: Callable[[InputError], None] | None = None,
                   max_bytes: int | None = None, max_paragraphs: int | None = None,
                   windows: bool = False) -> Iterator[Document]:
    """Read every report named: files, folders (recursively, sorted) and ``-`` for stdin.

    A file that cannot be read raises its :class:`InputError`, unless ``skip`` is given and the file
    was found inside a folder: then ``skip(error)`` is called and the batch goes on without it.  A
    folder none of whose files can be read is an error all the same; so is a bad file named directly.
    So is a file of more than ``max_bytes`` bytes or a report of more than ``max_paragraphs``
    paragraphs (defaults: :mod:`limits`), and anything but a regular file (a FIFO, a device).
    Names that are not UTF-8 come as :func:`printable` text.  With ``windows``, a plain text of
    more than :data:`windows.WINDOW_CHARS` characters comes as :class:`windows.TextWindows`.
    """
    paths = list(paths)
    if paths.count("-") > 1:  # checked first: the second - would read nothing
        raise InputError("-", "standard input can be read only once: give - once")
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            yield _read_checked(path, max_bytes, max_paragraphs, windows)
            continue
        files = _folder_files(path)
        read = 0
        for file_path in files:
            try:
                document = _read_checked(file_path, max_bytes, max_paragraphs, windows)
            except InputError as error:
                if skip is None:
                    raise
                skip(error)
                continue
            read += 1
            yield document
        if not read:
            raise InputError(path, "none of its report files could be read")


def document_from_bytes(name: str, data: bytes, max_bytes: int | None = None) -> Document:
    """A report from a file's name and bytes (an upload), read as :func:`read_document` reads the
    file, suffix for suffix, with the same :class:`InputError` messages naming ``name``; a .docx
    may unpack to at most ``max_bytes`` (default: :func:`limits.max_bytes`)."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in _REFUSED_SUFFIXES:
        raise InputError(name, f"{suffix} files are not supported; " + _SUPPORTED)
    if suffix == ".docx":
        return _docx_document(name, io.BytesIO(data), _max_bytes() if max_bytes is None else max_bytes)
    if suffix == ".pdf":
        return _pdf_document(name, io.BytesIO(data))
    if suffix in (".html", ".htm"):
        return _webpage_document(name, data)
    if suffix in (".doc", ".wps"):  # the converter needs a file: a temporary one, removed at once
        with tempfile.TemporaryDirectory(prefix="classifier-") as folder:
            copy = os.path.join(folder, "upload" + suffix)
            with open(copy, "wb") as handle:
                handle.write(data)
            return _office_document(copy, name)
    return _text_document(name, data)
