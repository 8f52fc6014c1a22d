"""Read a Word (.docx) file as the text a reader sees: paragraphs in reading order, table cells,
text boxes, and the numbers Word's automatic numbering draws before paragraphs."""
from __future__ import annotations

import re

from .blank import is_blank
from .errors import InputError

__all__ = ["read_docx"]


def read_docx(source, name: str | None = None, max_part_bytes: int | None = None) -> tuple[str, tuple]:
    """The text of a Word document and its headings; ``source`` is its path or a binary stream,
    ``name`` what errors call it (default: the path).  A package whose parts would unpack to more
    than ``max_part_bytes`` bytes together (default: :func:`limits.max_bytes`) is refused before
    any is unpacked.

    The text holds its paragraphs one a line, headings and table cells included, with the numbers
    Word's automatic numbering shows before them (一、 （一） 1. …), as a reader sees them.  The
    headings are the (start, end, level) character spans of the paragraphs in a Heading style, which
    are section headings whether or not a number opens them.
    """
    name = source if name is None else name
    _check_unpacked_size(source, name, max_part_bytes)
    document = _open(source, name)
    try:
        return _read(document)
    except Exception as err:  # a number, level or part Word would repair or refuse: one line, no traceback
        detail = " ".join(str(err).split())[:100]
        raise InputError(name, f"is not a readable .docx file ({type(err).__name__}: {detail})") from None


def _check_unpacked_size(source, name: str, limit: int | None) -> None:
    """Refuse a package that would unpack past ``limit``, from the sizes its zip directory declares
    (python-docx reads every part whole; zipfile never unpacks more than a part declares)."""
    import zipfile

    from .limits import max_bytes, megabytes

    limit = max_bytes() if limit is None else limit
    try:
        with zipfile.ZipFile(source) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # said by _open, in the words it uses for any file that is not a Word package
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    total = sum(part.file_size for part in parts)
    if total > limit:
        biggest = max(parts, key=lambda part: part.file_size)
        raise InputError(name, f"unpacks to {megabytes(total)} ({biggest.filename} alone "
                               f"{megabytes(biggest.file_size)}), more than the limit of {megabytes(limit)} "
                               f"(--max-mb or $CLASSIFIER_MAX_MB raises it)")


def _open(source, name: str):
    """The python-docx document of ``source``; any file it cannot open is an :class:`InputError` of ``name``."""
    import zipfile

    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a declared dependency
        raise InputError(name, "reading .docx needs python-docx: pip install python-docx") from None
    try:
        return docx.Document(source)
    except Exception as err:  # not a zip, no document part, bad XML: python-docx raises each its own way
        if isinstance(err, zipfile.BadZipFile) or type(err).__name__ == "PackageNotFoundError":
            why = "not a Word zip package; a .doc must be saved as .docx first"
        else:
            why = type(err).__name__
        raise InputError(name, f"is not a readable .docx file ({why})") from None


def _read(document) -> tuple[str, tuple]:
    """:func:`read_docx` of an opened document."""
    styles, numbering = {}, None
    try:
        styles = {style.get(_W + "styleId"): style for style in document.styles.element.findall(_W + "style")}
        numbering = _Numbering(document, styles)
    except Exception:  # a styles or numbering part Word would repair: read the text without them
        pass
    lines: list = []
    _docx_blocks(document.element.body, lines, numbering, _heading_levels(styles))
    text = "\n".join(line for line, _ in lines)
    headings, start = [], 0
    for line, level in lines:
        if level is not None and not is_blank(line):
            headings.append((start, start + len(line), level))
        start += len(line) + 1
    return text, tuple(headings)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _docx_blocks(parent, lines: list, numbering, heading_levels: dict) -> None:
    """Append (text, heading level or None) of each paragraph under ``parent`` in reading order:
    body paragraphs, table cells (row by row) and content controls alike."""
    for block in parent.iterchildren():
        if block.tag == _W + "p":
            number = numbering.label(block) if numbering else ""
            level = heading_levels.get(_attr(block, "pPr/pStyle"))
            lines.append((number + _docx_paragraph(block), level))
        elif block.tag in (_W + "tbl", _W + "tr", _W + "tc", _W + "sdt", _W + "sdtContent", _W + "customXml"):
            _docx_blocks(block, lines, numbering, heading_levels)


# Heading styles by the name Word stores (``heading 1``; some Chinese editors write ``标题 1``).
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*([1-9])", re.IGNORECASE)


def _style_chain(styles: dict, style_id):
    """The style ``style_id`` and those it is based on, nearest first (11 at most, in case of a loop)."""
    for _ in range(11):
        style = styles.get(style_id)
        if style is None:
            return
        yield style
        style_id = _attr(style, "basedOn")


def _heading_levels(styles: dict) -> dict:
    """The outline level of each style that makes a paragraph a heading: Heading 1…9 and the
    styles based on one."""
    levels = {}
    for style_id in styles:
        for style in _style_chain(styles, style_id):
            match = _HEADING_STYLE.fullmatch(_attr(style, "name", "").strip())
            if match:
                levels[style_id] = int(match.group(1))
                break
    return levels


def _docx_paragraph(paragraph) -> str:
    """A paragraph's text: its runs' text, tabs as tabs and line breaks as line ends.

    A text box's content is stored twice (the drawing and a fallback for old Word): read once.
    Deleted revisions (``w:delText``) and field codes (``w:instrText``) are not text.
    """
    parts = []
    stack = [iter(paragraph.iterchildren())]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        tag = node.tag
        if tag == _W + "t":
            parts.append(node.text or "")
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "p":  # a paragraph inside a text box within this one
            parts.append("\n" + _docx_paragraph(node))
        elif tag not in (_FALLBACK, _W + "pPr", _W + "rPr", _W + "del"):
            stack.append(iter(node.iterchildren()))
    return "".join(parts)


def _attr(element, path: str, default=None):
    """``w:val`` of the child at ``path`` (w: tags joined by /), or ``default``."""
    node = element
    for tag in path.split("/"):
        node = node.find(_W + tag) if node is not None else None
    if node is None:
        return default
    return node.get(_W + "val", default)


_CN_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 10000:
        unit, name = (1000, "千") if n >= 1000 else (100, "百")
        rest = n % unit
        tail = ("一" if 10 <= rest < 20 else "") + _chinese_number(rest) if rest else ""
        if rest and rest < unit // 10:
            tail = "零" + tail
        return _CN_DIGITS[n // unit] + name + tail
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                           (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "ideographDigital", "koreanCounting"):
        return _chinese_number(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return "".join("零壹贰叁肆伍陆柒捌玖"[_CN_DIGITS.index(c)] if c in _CN_DIGITS else
                       {"十": "拾", "百": "佰", "千": "仟"}.get(c, c) for c in _chinese_number(n))
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        return _letters(n) if fmt == "lowerLetter" else _letters(n).upper()
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n) if fmt == "lowerRoman" else _roman(n).upper()
    return str(n)


class _Numbering:
    """The numbers Word draws before numbered paragraphs: counted in document order, per list
    (abstract numbering), a level's count restarting after a higher level's paragraph.
    Bullets and levels without a number give nothing."""

    def __init__(self, document, styles: dict):
        part = getattr(document.part, "numbering_part", None)
        root = part.element if part is not None else None
        self.abstract = {}
        self.nums = {}
        if root is not None:
            for abstract in root.findall(_W + "abstractNum"):
                self.abstract[abstract.get(_W + "abstractNumId")] = {
                    lvl.get(_W + "ilvl"): lvl for lvl in abstract.findall(_W + "lvl")}
            for num in root.findall(_W + "num"):
                overrides = {o.get(_W + "ilvl"): o for o in num.findall(_W + "lvlOverride")}
                self.nums[num.get(_W + "numId")] = (_attr(num, "abstractNumId"), overrides)
        self.styles = styles
        self.counters: dict = {}
        self.started: set = set()

    def _style_numbering(self, style_id):
        for style in _style_chain(self.styles, style_id):
            num_id = _attr(style, "pPr/numPr/numId")
            if num_id is not None:
                return num_id, _attr(style, "pPr/numPr/ilvl")
        return None, None

    def _level(self, num_id, ilvl):
        abstract_id, overrides = self.nums.get(num_id, (None, {}))
        override = overrides.get(ilvl)
        if override is not None and override.find(_W + "lvl") is not None:
            return abstract_id, override.find(_W + "lvl")
        return abstract_id, self.abstract.get(abstract_id, {}).get(ilvl)

    def label(self, paragraph) -> str:
        style_id = _attr(paragraph, "pPr/pStyle")
        num_id, ilvl = _attr(paragraph, "pPr/numPr/numId"), _attr(paragraph, "pPr/numPr/ilvl")
        if num_id is None:
            num_id, style_ilvl = self._style_numbering(style_id)
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        if ilvl is None:  # a style-linked list: the level that names this style, else the first
            abstract_id = self.nums[num_id][0]
            ilvl = next((i for i, lvl in self.abstract.get(abstract_id, {}).items()
                         if _attr(lvl, "pStyle") == style_id), "0")
        abstract_id, lvl = self._level(num_id, ilvl)
        if lvl is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.started:  # a list instance may restart its levels' counts
            self.started.add(num_id)
            for level, override in self.nums[num_id][1].items():
                start = _attr(override, "startOverride")
                if start is not None:
                    counters[level] = int(start) - 1
        level = int(ilvl)
        start = int(_attr(lvl, "start", "1"))
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if int(k) > level]:
            del counters[deeper]
        fmt = _attr(lvl, "numFmt", "decimal")
        text = _attr(lvl, "lvlText", "")
        if fmt in ("bullet", "none") or not text:
            return ""
        legal = lvl.find(_W + "isLgl") is not None

        def number(match):
            shown = str(int(match.group(1)) - 1)
            _, shown_lvl = self._level(num_id, shown)
            value = counters.get(shown, int(_attr(shown_lvl, "start", "1")) if shown_lvl is not None else 1)
            shown_fmt = _attr(shown_lvl, "numFmt", "decimal") if shown_lvl is not None else "decimal"
            return _format_number(value, "decimal" if legal and shown != ilvl else shown_fmt)

        label = re.sub(r"%([1-9])", number, text)
        if _attr(lvl, "suff", "tab") != "nothing" and label and label[-1].isalnum():
            label += " "
        return label
