"""Read reports as they come: text in any common Chinese encoding, Word files, folders, stdin.

Every problem a user can cause is raised as an :class:`InputError` naming the file.
"""
from __future__ import annotations

import codecs
import os
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

from .errors import InputError

__all__ = ["Document", "decode", "read_document", "iter_documents", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".txt", ".docx")
_SUPPORTED = "supported: .txt (UTF-8, GB18030/GBK, UTF-16) and .docx files, folders of them, or - for stdin"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never stand in a text file (tab, line ends and form feed do).
_BINARY_CONTROLS = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127}


@dataclass
class Document:
    """A report's decoded text and where it came from (``name`` is what results show)."""

    name: str
    text: str
    encoding: str = "utf-8"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM shows NUL in every other byte of its ASCII characters."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    if odd_nuls > half * 0.2 and even_nuls < half * 0.05:
        return "utf-16-le"
    if even_nuls > half * 0.2 and odd_nuls < half * 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, source: str = "<bytes>") -> tuple[str, str]:
    """Decode a text file's bytes, detecting the encoding; return (text, encoding name).

    Tried in order: a byte-order mark, UTF-16 without one, UTF-8, then GB18030 (a superset of
    GBK and GB2312, what Chinese Windows saves as "ANSI").  Binary data is refused.
    """
    if not data:
        raise InputError(source, "is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError as err:
                raise InputError(source, f"cannot be decoded as {encoding} (byte {err.start})") from None
    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    head = data[:65536]
    controls = sum(1 for b in head if b in _BINARY_CONTROLS)
    if b"\0" in head or controls > len(head) * 0.01:
        raise InputError(source, "is a binary file, not text; " + _SUPPORTED)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        position = err.start
    raise InputError(source, f"is not UTF-8, UTF-16 or GB18030 text (undecodable byte at offset {position})")


def _docx_text(path: str) -> str:
    """Paragraphs of a Word document, one a line, headings and table cells included."""
    import zipfile

    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a declared dependency
        raise InputError(path, "reading .docx needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(path)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise InputError(path, f"is not a readable .docx file ({type(err).__name__})") from None
    lines = []
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for cell in block.iter():
                if cell.tag.endswith("}p"):
                    lines.append("".join(n.text or "" for n in cell.iter() if n.tag.endswith("}t")))
    return "\n".join(lines)


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None


def read_document(path: str) -> Document:
    """Read one report file (.txt in any supported encoding, or .docx)."""
    if path == "-":
        data = sys.stdin.buffer.read()
        text, encoding = decode(data, "<stdin>")
        return Document("<stdin>", text, encoding)
    if os.path.isdir(path):
        raise InputError(path, "is a directory")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".docx":
        if not os.path.exists(path):
            raise InputError(path, "no such file")
        text = _docx_text(path)
        if not text.strip():
            raise InputError(path, "is empty (no text in the document)")
        return Document(path, text, "docx")
    if suffix in (".doc", ".pdf", ".rtf", ".wps", ".odt", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".html", ".htm", ".xlsx", ".xls", ".pptx", ".zip"):
        raise InputError(path, f"{suffix} files are not supported; " + _SUPPORTED)
    data = _read_bytes(path)
    text, encoding = decode(data, path)
    if not text.strip():
        raise InputError(path, "is empty (only white space)")
    return Document(path, text, encoding)


def _expand(path: str) -> Iterator[str]:
    if path != "-" and os.path.isdir(path):
        found = []
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.extend(os.path.join(root, f) for f in files
                         if f.lower().endswith(SUPPORTED_SUFFIXES) and not f.startswith((".", "~$")))
        if not found:
            raise InputError(path, "holds no .txt or .docx files")
        yield from sorted(found)
    else:
        yield path


def iter_documents(paths: Iterable[str]) -> Iterator[Document]:
    """Read every report named: files, folders (recursively, sorted) and ``-`` for stdin."""
    for path in paths:
        for file_path in _expand(path):
            yield read_document(file_path)
