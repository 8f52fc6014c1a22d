"""The area a report's title names, if it names exactly one: 某社区文化工作总结 is about culture,
某县宣传思想工作总结 about none in particular.

The annotation guide labels a title like any paragraph, by its topic; and in a report about one
area, the annotators give that area to the generic paragraphs too (高度重视，加强领导 in a report on
external publicity is `media`).  A classifier reading paragraphs one by one cannot see that, so
:meth:`ParagraphClassifier.predict_report_proba` leans each paragraph towards its report's title area.
"""
from __future__ import annotations

import re

from .resources import NO_AREA, title_terms
from .segment import is_report_title
from .vectorize import unwrap

__all__ = ["title_area", "report_title_areas", "is_theme_title"]

# Lines shaped like a title that start no report: web navigation around a copied report, and
# the documents a report studies (党的二十大报告, 政府工作报告).
_NOT_A_TITLE = re.compile(r"^\s*(?:上一篇|下一篇|上一页|下一页|相关|推荐|热门|猜你|更多|延伸阅读|附件|标签)"
                          r"|(?:大|代会|全会|政府工作)报告\s*[。.]?\s*$")
# What a section line like 下一步工作计划 is made of: with these taken out nothing is left, and
# the line goes on the report it stands in rather than starting another.
_GENERIC = re.compile(r"下一步|今后|明年|今年|来年|年度|上半年|下半年|全年|季度|第[0一二三四]|工作|总结|计划|要点"
                      r"|思路|打算|安排|方案|范文|[0某年及和与的\s:：、，,。.]")


def title_area(title: str, labels=None) -> str | None:
    """The one area whose terms the title holds, if it is one of ``labels`` (default: any); None
    when it holds none, terms of several areas, or the sector's own name (宣传思想文化)."""
    text = unwrap(title)
    areas = set()
    for term, area in title_terms():  # longest first: 新闻出版 is ideology before 新闻 is media
        if term in text:
            areas.add(area)
            text = text.replace(term, "|")
    if len(areas) != 1 or NO_AREA in areas:
        return None
    area = areas.pop()
    return area if labels is None or area in labels else None


def is_theme_title(text: str) -> bool:
    """A line that starts a report for the title area: a report title (…工作总结), not web
    navigation or a studied document, and not a generic section line (下一步工作计划)."""
    return (is_report_title(text) and not _NOT_A_TITLE.search(text)
            and bool(_GENERIC.sub("", unwrap(text))))


def report_title_areas(texts, reports=None, labels=None):
    """For paragraphs read in order: each one's report title area (or None) and whether it is the
    title itself.  A report starts at a title (:func:`is_theme_title`) or where ``reports`` changes."""
    areas, is_title = [], []
    area, previous = None, object()
    for text, report in zip(texts, reports if reports is not None else [None] * len(texts)):
        if report != previous:
            area, previous = None, report
        title = is_theme_title(text)
        if title:
            area = title_area(text, labels)
        areas.append(area)
        is_title.append(title)
    return areas, is_title
