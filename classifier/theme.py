"""The area a report's title names, if it names exactly one: 某社区文化工作总结 is about culture,
某县宣传思想工作总结 about none in particular.

The annotation guide labels a title like any paragraph, by its topic; and in a report about one
area, the annotators give that area to the generic paragraphs too (高度重视，加强领导 in a report on
external publicity is `media`).  A classifier reading paragraphs one by one cannot see that, so
:meth:`ParagraphClassifier.predict_report_proba` leans each paragraph towards its report's title area.
"""
from __future__ import annotations

import re

from .segment import is_report_title
from .vectorize import load_cues, unwrap

__all__ = ["title_area", "report_title_areas"]

# The propaganda sector's own name (宣传思想文化工作) names no single area, though it holds 文化.
_SECTOR_NAME = re.compile(r"宣传\s*思想\s*文化|宣传\s*文化|思想\s*文化")


def title_area(title: str, labels=None) -> str | None:
    """The one area (of ``labels``, default all but ``other``) whose cue terms the title holds;
    None when it holds none, or those of several areas."""
    text = _SECTOR_NAME.sub("", unwrap(title))
    areas = [area for area, terms in sorted(load_cues().items())
             if area != "other" and (labels is None or area in labels)
             and any(term in text for term in terms)]
    return areas[0] if len(areas) == 1 else None


def report_title_areas(texts, reports=None, labels=None):
    """For paragraphs read in order: each one's report title area (or None) and whether it is the
    title itself.  A report starts at a report title (…工作总结) or where ``reports`` changes id."""
    areas, is_title = [], []
    area, previous = None, object()
    for position, text in enumerate(texts):
        report = reports[position] if reports is not None else None
        if report != previous:
            area, previous = None, report
        title = is_report_title(text)
        if title:
            area = title_area(text, labels)
        areas.append(area)
        is_title.append(title)
    return areas, is_title
