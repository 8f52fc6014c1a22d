"""Split a report's text into paragraphs with exact character spans and section headings.

Reports arrive as web copies: one paragraph a line, or many paragraphs run together on one line,
separated by spaces or only by an enumerator after a sentence end (``…完成。二是…``). A paragraph is
cut where a person would: at line breaks, before an enumerator that follows a sentence end, at
white space after a sentence end, before a heading number (一、 （一）) or after the report's
title, and after a short heading followed by white space; in a long line, around a web page's
fields (发布时间：… 来源：…); and a stretch longer than any paragraph is cut at sentence ends.
Paragraphs run together without any break are cut too: after a structural heading (一、指导思想以…),
before the next number after a short heading (二、工作重点1、…) and after a list's introduction
(…如下：一、).  Lines are joined where a copy broke them: hard-wrapped lines (a tool's wrap at a
width, indented or not, is cut as its unwrapped line; a PDF's justified lines also at sentence
ends), and a title broken before its last word (某县文化馆二〇二五年度 / 工作总结).
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .blank import BLANK
from .blank import LINE_BREAK as _LINE_BREAK
from .blank import SPACE as _SPACE

__all__ = ["Paragraph", "segment", "heading_level", "assign_headings", "is_report_title", "display_width",
           "ENUMERATOR"]

_CN_NUM = "一二三四五六七八九十"
_TOP_NUMBER = rf"[{_CN_NUM}]{{1,3}}\s*[、．.]"  # 一、
_SECOND_NUMBER = rf"[（(]\s*[{_CN_NUM}]{{1,3}}\s*[）)]"  # （一）
# Enumerators that open a paragraph, by outline level (1 is the top).  ``一是`` items are body
# text, not headings, so they carry no level.
_LEVELED_ENUMERATORS = [
    (1, re.compile(_TOP_NUMBER)),
    (1, re.compile(rf"第[{_CN_NUM}]{{1,3}}(?:部分|章|节)")),
    (2, re.compile(_SECOND_NUMBER)),
    (3, re.compile(r"\d{1,2}\s*[、．]|\d{1,2} ?\.(?!\d)")),
    (4, re.compile(r"[（(]\s*\d{1,2}\s*[）)]|[①-⑳]")),
]
_ITEM_ENUMERATOR = re.compile(rf"(?:[{_CN_NUM}]{{1,2}}[是要抓]|第[{_CN_NUM}]{{1,2}}[,，、是])")
ENUMERATOR = re.compile(
    "|".join(p.pattern for _, p in _LEVELED_ENUMERATORS) + "|" + _ITEM_ENUMERATOR.pattern
)

_SENTENCE_END = "。！？!?；;"
_CLOSERS = "”’」』）)》】"
# A cut inside a line: (1) an enumerator right after a sentence end, (2) a space run after a
# sentence end, or before a heading number, or after a title or a short heading (in code).
_ENUM_AFTER_END = re.compile(rf"(?<=[{_SENTENCE_END}])[{_CLOSERS}]?(?=(?:{ENUMERATOR.pattern}))")
_SPACE_RUN = re.compile(rf"[{_SPACE}]+")
# A heading number of the top two levels (一、 （一）), not the first of a list of numbers (一、二等奖).
_OUTLINE_ENUMERATOR = re.compile(rf"(?:{_TOP_NUMBER}|{_SECOND_NUMBER})(?![{_CN_NUM}\d])")

# A heading's number (or a bullet) at the end of a piece, the heading itself after the space (…工作重点1. 抓好).
_ENDS_WITH_NUMBER = re.compile(rf"(?<![{_CN_NUM}\d])(?:{'|'.join(p.pattern for _, p in _LEVELED_ENUMERATORS)}|-)$")

# Longer than any heading or report title: the most of a piece cut rules look at.
_TAIL_CHARS = 60
# Longer than any paragraph: half again the longest of the labelled reports (780 characters).
RUN_ON_CHARS = 1200
# A heading is short; body paragraphs that open with an enumerator run on for sentences.
MAX_HEADING_CHARS = 40


@dataclass
class Paragraph:
    """One paragraph of a report: ``text == report_text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    heading: str | None = None
    level: int | None = None  # outline level when the paragraph is itself a heading
    headings: tuple = field(default_factory=tuple)  # the outline path above it, top first


def _heading_shaped(text: str) -> bool:
    """Short enough for a heading and at most one sentence: "三、抓阵地建设,完善软硬件。" is one,
    "1.营造氛围。对公共场所…" with a second sentence is a body paragraph."""
    text = text.strip(_SPACE)
    body = text.rstrip(_SENTENCE_END + _CLOSERS)
    return len(text) <= MAX_HEADING_CHARS and not any(ch in _SENTENCE_END for ch in body)


def heading_level(text: str) -> int | None:
    """Outline level of a paragraph that is a heading (1 = 一、, 2 = （一）, …), else None."""
    text = text.strip(_SPACE)
    if len(text) > MAX_HEADING_CHARS:
        return None
    for level, pattern in _LEVELED_ENUMERATORS:
        match = pattern.match(text)
        if match and len(text) - match.end() >= 2 and _heading_shaped(text[match.end():]):
            return level
    return None


_REPORT_TITLE = re.compile(r"^[^，,。；;、]{4,40}(?:总结|计划|思路|要点|报告|方案|范文)[。.]?$")


def is_report_title(text: str) -> bool:
    """A line that names a report (…工作总结, …工作计划): where a pasted-in report starts."""
    text = text.strip(_SPACE)
    return bool(_REPORT_TITLE.match(text)) and not ENUMERATOR.match(text)


def _line_spans(text: str):
    """Yield (start, end) of each non-blank line, with surrounding white space trimmed."""
    pos = 0
    for brk in list(_LINE_BREAK.finditer(text)) + [None]:
        end = brk.start() if brk else len(text)
        start, stop = pos, end
        while start < stop and text[start] in _SPACE:
            start += 1
        while stop > start and text[stop - 1] in _SPACE:
            stop -= 1
        if start < stop:
            yield start, stop
        if brk:
            pos = brk.end()


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a monospaced page: Chinese characters take two
    (East Asian width W or F, as ``unicodedata`` says)."""
    global _measured
    if text.isascii():
        return len(text)
    if _wide_runs is None:
        _measured += len(text)
        if _measured < _PATTERN_AFTER:  # one report: not worth the pattern's 10 ms
            return sum(map(_WIDTHS.__getitem__, text))
        _compile_wide_runs()
    rest = _wide_runs.sub("", text)
    width = 2 * (len(text) - len(rest))
    if rest.isascii():
        return width + len(rest)
    return width + sum(map(_WIDTHS.__getitem__, rest))


class _Widths(dict):
    """character -> its columns, looked up in ``unicodedata`` once (emptied if it grows large)."""

    def __missing__(self, char):
        if len(self) >= 100_000:
            self.clear()
        width = self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return width


_WIDTHS = _Widths()
# The blocks where Chinese (and Japanese, Korean) text's wide characters live: their wide code
# points are matched in runs by one pattern, so that a line's width needs no Python call a character.
_WIDE_BLOCKS = ((0x1100, 0x115F), (0x2E80, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF),
                (0xFE10, 0xFE6F), (0xFF00, 0xFFEF))
_wide_runs = None
_measured = 0
_PATTERN_AFTER = 200_000  # characters measured before the pattern is built


def _compile_wide_runs():
    """The pattern of runs of the code points in :data:`_WIDE_BLOCKS` that ``unicodedata`` calls
    wide (W or F), built on first use."""
    global _wide_runs
    ranges, first = [], None
    for low, high in _WIDE_BLOCKS:
        for code in range(low, high + 2):
            wide = code <= high and unicodedata.east_asian_width(chr(code)) in "WF"
            if wide and first is None:
                first = code
            elif not wide and first is not None:
                ranges.append(f"{re.escape(chr(first))}-{re.escape(chr(code - 1))}")
                first = None
    _wide_runs = re.compile(f"[{''.join(ranges)}]+")


# The breaks that make a blank line when two follow each other: a form feed (or another
# separator) after a line break is a page break, which a sentence runs across.
_NEW_LINE = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _blank_line_before(text: str, lines: list) -> list:
    """For each line after the first, whether a blank line separates it from the previous one;
    all False in a double-spaced copy (nine gaps in ten blank), where blank lines say nothing."""
    blank = [len(_NEW_LINE.findall(text, previous_end, start)) > 1
             for (_, previous_end), (start, _) in zip(lines, lines[1:])]
    return [False] * len(blank) if sum(blank) >= 0.9 * len(blank) else blank


def _full_lines(text: str, lines: list):
    """For each line, whether it is full to a hard wrap's width (it runs on into the next line),
    and whether the joined lines are cut at sentence ends (a PDF's, whose paragraph breaks a full
    line may hide); or None if the lines are no hard-wrapped copy.  A copy wrapped by a tool at a number of
    characters or columns has many lines of exactly that width (one column less where a wide
    character did not fit), and a line that width runs on even after a sentence end; a PDF's
    justified lines vary by a few columns, and one of them that ends without a sentence end runs on.
    (Web pages whose headings happen to share a width have their text in long lines.)"""
    widths = [display_width(text[a:b]) for a, b in lines]
    long_widths = Counter(w for w in widths if w >= 24)
    if not long_widths:
        return None
    # Wrapped at a number of characters, or of columns (one less where a wide character did not
    # fit): three lines or more of the longest length, which no line exceeds.  Wrapping tools differ
    # in whether a line's length counts its indent and blank ends: the count that finds most.
    # A PDF's justified lines spread over the few lengths below the longest; a tool's paragraphs end
    # anywhere in a line, so few end just short of it.
    best = []
    for length, slack, line_sizes in ((len, 0, [b - a for a, b in lines]), (display_width, 1, widths)):
        for sizes in zip(*(_line_sizes(text, a, b, length, size) for (a, b), size in zip(lines, line_sizes))):
            longest = max(sizes)
            full = [longest - slack <= size for size in sizes]
            near = sum(longest - slack - 4 * (slack + 1) <= size < longest - slack for size in sizes)
            if sum(full) > 2 * near:
                best = max(best, full, key=sum)
    if max(widths) >= 24 and sum(best) >= 3:
        return best, False
    def near(w):
        return sum(long_widths[x] for x in range(w - 3, w + 4))
    width = max(long_widths, key=lambda w: (near(w), w))
    if near(width) < 5 or near(width) < 0.4 * sum(long_widths.values()):
        return None
    if sum(w for w in widths if w > width + 4) > 0.5 * sum(widths):
        return None
    return [width - 8 <= w <= width + 4 and text[b - 1] not in _SENTENCE_END + "：:"
            for (a, b), w in zip(lines, widths)], True


def _line_sizes(text: str, start: int, end: int, length, size: int) -> tuple:
    """The ``length`` of the line ``text[start:end]`` (trimmed), whose own is ``size``: as it is,
    with its indent taken out but the rest of its blank space in, and with all of it in (lengths
    add up over the pieces of a line: only its blank ends are measured here)."""
    line_start, line_end = _line_start(text, start), _line_end(text, end)
    tail = length(text[end:line_end])
    return (size, length(text[_indent_after(text, line_start, start):start]) + size + tail,
            length(text[line_start:start]) + size + tail)


def _line_start(text: str, start: int) -> int:
    """Where the line holding ``start`` starts: before the blank space that opens it."""
    while start > 0 and text[start - 1] in _SPACE:
        start -= 1
    return start


def _line_end(text: str, end: int) -> int:
    """Where the line holding ``end`` ends: after the blank space that closes it (a wrap's)."""
    while end < len(text) and text[end] in _SPACE:
        end += 1
    return end


def _indented(text: str, lines: list) -> list:
    """For each line, whether it opens with an indent (two ideographic spaces, or four spaces)."""
    result = []
    for start, _ in lines:
        line_start = start
        while line_start > 0 and text[line_start - 1] in _SPACE:
            line_start -= 1
        indent = text[line_start:start]
        result.append(display_width(indent) >= 4 or "\t" in indent)
    return result


def _join_wrapped(text: str, lines: list, keep=()) -> tuple:
    """Join lines that a hard wrap cut mid-paragraph (:func:`_full_lines`); return the lines and
    whether joined ones are cut at sentence ends.  Lines in ``keep`` are
    joined to none, and lines a blank line separates are not joined either: a hard wrap leaves
    none.  Where indents open paragraphs (most indented lines follow a line that is not full),
    an indented line opens one even after a full line; where they open the lines after a wrap, they
    say nothing."""
    found = _full_lines(text, lines)
    if found is None:
        return lines, False
    full, by_sentence = found
    blank_before = _blank_line_before(text, lines)
    indented = _indented(text, lines)
    after_full = sum(1 for i in range(1, len(lines)) if indented[i] and full[i - 1])
    after_end = sum(1 for i in range(1, len(lines)) if indented[i] and not full[i - 1])
    indent_opens = after_end > after_full
    joined = [list(lines[0])]
    for number, ((start, end), blank) in enumerate(zip(lines[1:], blank_before), 1):
        last = joined[-1]
        if (full[number - 1] and not blank and not (indent_opens and indented[number])
                and (start, end) not in keep and tuple(last) not in keep):
            last[1] = end
        else:
            joined.append([start, end])
    return [tuple(span) for span in joined], by_sentence


def _indent_after(text: str, pos: int, end: int) -> int:
    """Where the text after a line break at ``pos`` starts past an indent (two ideographic spaces,
    four spaces, a tab), or ``pos`` if it has none: a space or two that the wrap left is the text's."""
    stop, width = pos, 0
    while stop < end and text[stop] in _SPACE and width < 4:
        width += 4 if text[stop] == "\t" else display_width(text[stop])
        stop += 1
    return stop if width >= 4 else pos


def _cut_wrapped(text: str, start: int, end: int, by_sentence: bool):
    """Yield the paragraph spans of joined wrapped lines: those of the line they make with the
    breaks (and the indents after them) taken out, so that paragraphs do not depend on where the
    lines were wrapped."""
    pieces, origin, pos = [], [], start
    for match in list(_LINE_BREAK.finditer(text, start, end)) + [None]:
        stop = match.start() if match else end
        pieces.append(text[pos:stop])
        origin.extend(range(pos, stop))
        if match:
            pos = _indent_after(text, match.end(), end)
    line = "".join(pieces)
    for a, b in _cut_line(line, 0, len(line), by_sentence):
        yield origin[a], origin[b - 1] + 1


# After a sentence end, but not after an ASCII ? or ! inside a web address (list?id=1) or English.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[。！？])|(?<=[!?])(?![\x21-\x7e]))[”’」』）)]?(?=[^\s”’」』）)。！？!?])")


# A web page's fields around a copied report (发布时间：…), and the date (and time) that ends one.
_PAGE_FIELD = re.compile(r"(?:发布时间|更新时间|时间|来源|作者|浏览|点击|热度|栏目|查看人数|发布部门|字数)\s*[:：]")
# A line of a page's fields alone is shorter: a longer one holds the report run in after them.
_FIELDS_LINE_CHARS = 200
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_DATE_TIME_END = re.compile(rf"\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}(?:\s{{1,3}}{_TIME.pattern})?$")


# What separates the steps of a web page's breadcrumb trail (首页 > 工作总结 > …).
_TRAIL = ">›»→＞|/"


def _title_before(text: str, piece_start: int, space_run, end: int) -> bool:
    """Whether the text before the ``space_run`` match ends with a report's title (…工作总结)
    that is not a step of a breadcrumb trail, and what follows it is at least six characters up to
    the next space (not a tail like 篇1): in a copy run together on one line, the title's end.
    The piece looked at starts at ``piece_start``."""
    space = space_run.start()
    title_start = _chunk_start(text, piece_start, space)
    title = text[title_start:space] if title_start is not None else ""
    if not is_report_title(title) or any(ch in _TRAIL for ch in title):
        return False
    previous = title_start  # the last character before the title, past the spaces between
    while previous > piece_start and text[previous - 1] in _SPACE:
        previous -= 1
    return ((previous == piece_start or text[previous - 1] not in _TRAIL)
            and _long_chunk_at(text, space_run.end(), end))


def _chunk_start(text: str, piece_start: int, space: int):
    """Where the chunk of text that ends at ``space`` starts (after a space or at ``piece_start``),
    or None if it is longer than any title or field."""
    start = space
    while start > piece_start and text[start - 1] not in _SPACE:
        start -= 1
        if space - start > _TAIL_CHARS:
            return None
    return start


def _long_chunk_at(text: str, start: int, end: int) -> bool:
    """Whether six characters or more, no trail step, follow ``start`` before a space or ``end``."""
    chunk_start = text[start:min(end, start + 6)]
    return len(chunk_start) == 6 and not _SPACE_RUN.search(chunk_start) and chunk_start[0] not in _TRAIL


def _page_field_edge(text: str, piece_start: int, space_run, end: int) -> bool:
    """Whether the ``space_run`` match starts a web page's field (来源：…), or ends one (a field, or
    a date and time that no time follows) before more than a few characters."""
    space, after = space_run.start(), space_run.end()
    if _PAGE_FIELD.match(text, after, end):
        return True
    chunk_start = _chunk_start(text, piece_start, space)
    ends_field = chunk_start is not None and (
        _PAGE_FIELD.match(text, chunk_start, space) is not None
        or _DATE_TIME_END.search(text, max(piece_start, space - 25), space) is not None)
    return ends_field and not _TIME.match(text, after, end) and _long_chunk_at(text, after, end)


def _cut_line(text: str, start: int, end: int, by_sentence: bool = False):
    """Yield the paragraph spans of one line (or of hard-wrapped lines joined into one, cut at
    sentence ends too if ``by_sentence``)."""
    if _LINE_BREAK.search(text, start, end):
        yield from _cut_wrapped(text, start, end, by_sentence)
        return
    cuts = set()
    if by_sentence:
        for match in _SENTENCE_BREAK.finditer(text, start, end):
            cuts.add((match.end(), match.end()))
    for match in _ENUM_AFTER_END.finditer(text, start, end):
        if match.end() > start:
            cuts.add((match.end(), match.end()))
    found_ends = sorted(cut_end for _, cut_end in cuts)
    last_end = start  # where the last cut at a space run ended
    for match in _SPACE_RUN.finditer(text, start, end):
        before = text[match.start() - 1]
        after_enumerator = ENUMERATOR.match(text, match.end(), end) is not None
        earlier = bisect.bisect_right(found_ends, match.start())
        piece_start = max(last_end, found_ends[earlier - 1] if earlier else start)
        # Only a short piece can be a heading or a title: a long one is not even sliced, which
        # keeps a long line without paragraph breaks linear.
        piece = text[piece_start:match.start()] if match.start() - piece_start <= _TAIL_CHARS else ""
        short_heading = heading_level(piece) is not None and ENUMERATOR.match(piece)
        enumerator_only = ENUMERATOR.fullmatch(piece.strip(_SPACE)) is not None
        if enumerator_only or _ENDS_WITH_NUMBER.search(piece):
            continue  # "一、 扎实推进…", "二、工作重点1. 抓好…": the space belongs to the heading
        if ((before in _SENTENCE_END + _CLOSERS and (before not in _CLOSERS or text[match.start() - 2] in _SENTENCE_END))
                or (after_enumerator and before in _SENTENCE_END + _CLOSERS + "：:")
                or _OUTLINE_ENUMERATOR.match(text, match.end(), end)
                or _title_before(text, piece_start, match, end)
                or (end - start > _FIELDS_LINE_CHARS and _page_field_edge(text, piece_start, match, end))
                or (short_heading and match.end() < end)):
            cuts.add((match.start(), match.end()))
            last_end = match.end()
    pos = start
    for cut_start, cut_end in sorted(cuts) + [(end, end)]:
        if cut_start > pos:
            for piece in _sentences_if_run_on(text, pos, cut_start):
                yield from _split_run_together(text, *piece)
        pos = max(pos, cut_end)


def _sentences_if_run_on(text: str, start: int, end: int):
    """The span, or its sentences if it is longer than any paragraph a report holds: a copy that
    lost its paragraph breaks, which sentences cut where a person would more often than not."""
    if end - start <= RUN_ON_CHARS:
        yield start, end
        return
    pos = start
    for match in _SENTENCE_BREAK.finditer(text, start, end):
        if match.end() > pos:  # not a sentence end just before ``start``
            yield pos, match.end()
            pos = match.end()
    if pos < end:
        yield pos, end



# Paragraphs run together without a break, as hand-transcribed copies have them.
# A heading names a part of a plan or summary: what follows it directly is that part's text.
_STRUCTURAL_HEADING = (
    "指导思想|总体要求|工作目标|目标任务|主要目标|发展目标|全年目标|工作任务|主要任务|重点任务|工作重点|"
    "主要措施|工作措施|保障措施|具体措施|工作要求|基本情况|主要做法|主要成效|工作成效|存在的问题|存在问题|"
    "下一步打算|工作打算|工作思路|活动背景|活动目的|活动目标|活动内容|活动安排|活动主题|活动时间|活动形式|"
    "实施步骤|注意事项|效果评估|背景介绍|排查情况|创建标准|基本原则|工作原则|组织保障|开展情况|"
    "方案目标与范围|现状与需求分析|报送内容|报送机制")
_NO_BODY_START = rf"\s，,。；;：:、（(）)“”的和及与\d{_CN_NUM}第"
# An outline number, up to eight more characters of the heading, a structural heading word, and
# text that is not more of the heading (…和进度) nor a short tail running to a stop (…任务。).
_HEADING_INTO_TEXT = re.compile(
    rf"(?:{_TOP_NUMBER}|{_SECOND_NUMBER})[^{_NO_BODY_START}]{{0,8}}(?:{_STRUCTURAL_HEADING})"
    rf"(?=[^{_NO_BODY_START}][^\s，,。；;：:、]{{4}})")
# What introduces a list (…如下：, …三点要求：) or a plan's title (…实施方案), then its first item.
_FIRST_ITEM = rf"(?:[一1][、．.]|一[是要]|[（(]一[）)]|①)(?![{_CN_NUM}\d])"
_LIST_AFTER_INTRO = re.compile(rf"(?:[:：]|如下|方案|计划|总结|要点|样本|模板|范文|打算)(?={_FIRST_ITEM})")
# A bullet (- …) after a clause of a list run together on one line.
_BULLET = r"-\s"
_BULLET_AFTER_CLAUSE = re.compile(rf"(?<=[；;：:。])(?={_BULLET})")
# Short: a heading and the first number under it (二、工作重点1、…), or a list item and the next.
_HEADING_BEFORE_NUMBER_CHARS = 25


def _numeral(text: str) -> int | None:
    """The number an enumerator holds (一 → 1, 十二 → 12, 3 → 3, ② → 2), or None."""
    digits = re.search(r"\d+", text)
    if digits:
        return int(digits.group())
    if re.search(r"[①-⑳]", text):
        return ord(re.search(r"[①-⑳]", text).group()) - ord("①") + 1
    chinese = re.search(rf"[{_CN_NUM}]+", text)
    if not chinese:
        return None
    value = chinese.group()
    if "十" not in value:
        return _CN_NUM.index(value[-1]) + 1
    tens, _, ones = value.partition("十")
    return (_CN_NUM.index(tens) + 1 if tens else 1) * 10 + (_CN_NUM.index(ones) + 1 if ones else 0)


# Any outline enumerator: one match says whether _leveled_enumerator_at finds one at all.
_ANY_LEVELED = re.compile("|".join(f"(?:{p.pattern})" for _, p in _LEVELED_ENUMERATORS))


def _leveled_enumerator_at(text: str, pos: int, end: int):
    """(level, match) of the outline enumerator at ``pos``, or None."""
    if not _ANY_LEVELED.match(text, pos, end):
        return None
    for level, pattern in _LEVELED_ENUMERATORS:
        match = pattern.match(text, pos, end)
        if match:
            return level, match
    return None


# The positions where _next_number_cut's loop may stop: after a sentence end, or before a bullet
# or an outline enumerator; it passes over all others.
_NUMBER_CUT_AT = re.compile(rf"(?<=[{_SENTENCE_END}])|(?=-|{_ANY_LEVELED.pattern})")


def _next_number_cut(text: str, start: int, end: int) -> int | None:
    """Where the next numbered item starts after the short heading or item at ``start`` (二、工作重点1、…,
    1.宣传政策2.提高认识): the next number of the same kind, the first one a level down, or a heading
    number of the top two levels, after a stretch with no sentence end in it."""
    opening = _leveled_enumerator_at(text, start, end)
    if opening is None:
        return None
    level, match = opening
    number = _numeral(match.group())
    limit = min(end, match.end() + MAX_HEADING_CHARS)
    pos = match.end() + 1
    while True:
        look = _NUMBER_CUT_AT.search(text, pos + 1, end)
        if look is None or look.start() >= limit:
            return None
        pos = look.start()
        if text[pos - 1] in _SENTENCE_END:
            return None
        if text[pos - 1] in "，,、" + _CN_NUM + "第" or text[pos - 1].isdigit():
            continue
        if text.startswith("- ", pos) and pos - match.end() <= _HEADING_BEFORE_NUMBER_CHARS:
            return pos
        following = _leveled_enumerator_at(text, pos, end)
        if following is None or re.match(rf"[{_CN_NUM}\d]", text[following[1].end():following[1].end() + 1]):
            continue
        next_level, next_match = following
        next_number = _numeral(next_match.group())
        same_kind = next_level == level and re.sub(rf"[{_CN_NUM}\d①-⑳]", "", next_match.group()) == \
            re.sub(rf"[{_CN_NUM}\d①-⑳]", "", match.group())
        if same_kind and number is not None and next_number == number + 1:
            return pos
        if pos - match.end() > _HEADING_BEFORE_NUMBER_CHARS:
            continue
        if (next_level > level and next_number == 1) or (next_level < level and next_level <= 2):
            return pos


def _run_together_cut(text: str, start: int, end: int) -> int | None:
    """The first place after ``start`` where a paragraph run into this one starts, or None."""
    cuts = []
    heading = _HEADING_INTO_TEXT.match(text, start, end)
    if heading:
        cuts.append(heading.end())
    number_cut = _next_number_cut(text, start, end)
    if number_cut:
        cuts.append(number_cut)
    for pattern in (_LIST_AFTER_INTRO, _BULLET_AFTER_CLAUSE):
        match = pattern.search(text, start + 1, end)
        if match:
            cuts.append(match.end())
    cuts = [cut for cut in cuts if start < cut < end]
    return min(cuts) if cuts else None


def _split_run_together(text: str, start: int, end: int):
    """Yield the span cut where paragraphs run into each other without a break: after a structural
    heading (一、指导思想以…), before the next number after a short heading (二、工作重点1、…),
    and after a list's introduction (…如下：一、) or before a bullet after a clause (…；- …)."""
    while True:
        cut = _run_together_cut(text, start, end)
        if cut is None:
            break
        stop = cut
        while stop > start and text[stop - 1] in BLANK:  # a cut in joined wrapped lines may follow a break
            stop -= 1
        yield start, stop
        start = cut
        while start < end and text[start] in BLANK:
            start += 1
    if start < end:
        yield start, end


def assign_headings(texts, levels=None):
    """For paragraph texts in reading order, return (heading, level, outline path) for each.

    ``heading`` is the innermost heading a paragraph sits under (a heading's own heading is
    its parent), ``level`` the paragraph's own outline level if it is a heading.  ``levels``, when
    given, holds for each text the level of a heading its source marks (or None): a marked text is
    a heading of that level unless a number opening it gives its level, and if it is shaped like
    one (:data:`MAX_HEADING_CHARS` at most, one sentence at most).
    """
    outline: dict[int, str] = {}
    result = []
    for number, text in enumerate(texts):
        level = heading_level(text)
        if level is None and levels and _heading_shaped(text):
            level = levels[number]
        if level is None and is_report_title(text):
            outline.clear()  # a new report begins: the last one's headings no longer apply
        if level is not None:
            for deeper in [lv for lv in outline if lv >= level]:
                del outline[deeper]
        path = tuple(outline[lv] for lv in sorted(outline))
        result.append((path[-1] if path else None, level, path))
        if level is not None:
            outline[level] = text.strip(_SPACE)
    return result


# A line holding only the kind of report (总结, 工作计划 …): the end of a title broken over lines.
_TITLE_TAIL = re.compile(r"(?:工作)?(?:总结|计划|要点|报告|方案|思路|打算)")


def _join_title_tails(text: str, lines: list, keep=()) -> list:
    """Join a title's tail line (总结) to the short line before it that names the rest of the title."""
    joined = []
    for start, end in lines:
        if (joined and _TITLE_TAIL.fullmatch(text[start:end]) and (start, end) not in keep
                and tuple(joined[-1]) not in keep):
            previous = text[joined[-1][0]:joined[-1][1]]
            if len(previous) + end - start <= MAX_HEADING_CHARS and not any(ch in _SENTENCE_END for ch in previous):
                joined[-1] = (joined[-1][0], end)
                continue
        joined.append((start, end))
    return joined


def _mark_headings(lines: list, headings) -> tuple[list, dict]:
    """The lines, those inside one marked heading span made one span; and {span: level} of the
    marked ones.  ``headings`` are (start, end, level) spans."""
    marks = sorted(headings)
    # ``mark``: the index in ``marks`` of the first heading span not ending before the line does;
    # ``previous_mark``: that of the heading span the previous line lies in, or None.
    spans, marked, previous_mark, mark = [], {}, None, 0
    for start, end in lines:
        while mark < len(marks) and marks[mark][1] < end:
            mark += 1
        inside = mark < len(marks) and marks[mark][0] <= start
        if inside and previous_mark == mark:  # the next line of a heading with a line break in it
            del marked[spans[-1]]
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        previous_mark = mark if inside else None
        if inside:
            marked[spans[-1]] = marks[mark][2]
    return spans, marked


def segment(text: str, headings=(), join_wrapped: bool = True) -> list[Paragraph]:
    """Split ``text`` into paragraphs in reading order.

    ``headings`` are (start, end, level) spans of lines the source marks as headings (a Word
    document's Heading styles): each is a paragraph of its own, neither cut nor joined to another,
    and a section heading of that level unless a number opening it gives its level.  A marked line
    too long for a heading or of several sentences (body text in a Heading style) is an ordinary line.
    ``join_wrapped=False`` leaves hard-wrapped lines apart (as segmentation did before it joined them).
    """
    headings = [span for span in headings if _heading_shaped(text[span[0]:span[1]])]
    lines, marked = _mark_headings(list(_line_spans(text)), headings)
    by_sentence = False
    if len(lines) > 1:
        lines = _join_title_tails(text, lines, keep=marked)
        if join_wrapped:
            lines, by_sentence = _join_wrapped(text, lines, keep=marked)
    spans = [span for line in lines
             for span in ([line] if line in marked else _cut_line(text, *line, by_sentence=by_sentence))]
    texts = [text[a:b] for a, b in spans]
    levels = [marked.get(span) for span in spans] if marked else None
    return [
        Paragraph(index=i, start=a, end=b, text=t, heading=h, level=lv, headings=path)
        for i, ((a, b), t, (h, lv, path)) in enumerate(zip(spans, texts, assign_headings(texts, levels)))
    ]
