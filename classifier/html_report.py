"""Write labelled reports as one self-contained HTML page, for a person to read in a browser.

The page needs nothing but itself: inline CSS, inline SVG charts, no script, no web fonts, no
links outside the page.  Each report shows the share each work area takes (a bar chart) and its
paragraphs, each coloured by area with its label, confidence and, when asked for, the words that
decided it.  Several reports get a summary table first, a row a report linking to its section.
"""
from __future__ import annotations

import html
import os
import zlib

from .labels import CHINESE_NAMES, display_name, in_guide_order
from .segment import heading_level

# The page's <meta name="generator">, by which read.py knows a page of labels given back as a report.
GENERATOR = "classifier"

__all__ = ["write_html", "label_colour"]

# One colour an area, told apart also by people with the common colour-vision deficiencies.
COLOURS = {
    "theory": "#3b6fb6",
    "ideology": "#d1495b",
    "media": "#e08a1e",
    "civilization": "#3f9a4b",
    "culture": "#8e5fb5",
    "other": "#8a8f98",
}
# A user's own labels get one of these, always the same for the same label.
_SPARE = ("#1b9e9e", "#b8860b", "#c2185b", "#6d4c41", "#5c6bc0", "#7cb342", "#00838f", "#ad1457")


def label_colour(label: str) -> str:
    """The colour of ``label``: a fixed one for the default areas, a stable spare one otherwise."""
    return COLOURS.get(label) or _SPARE[zlib.crc32(label.encode("utf-8")) % len(_SPARE)]


def _tint(colour: str, keep: float) -> str:
    """``colour`` mixed with white, ``keep`` being the share of the colour left."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * keep):02x}" for c in rgb)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# How the page names each kind of evidence (a feature reads ``kind:term``), and what it means.
_KINDS = {
    "w": ("词", "word or word pair in the paragraph"),
    "c": ("字", "characters in the paragraph"),
    "h": ("题", "word of the section heading"),
    "l": ("首", "word at the start of the paragraph"),
    "cues": ("提示词", "the paragraph holds cue words of this area"),
    "lead-cues": ("段首提示词", "the start of the paragraph holds cue words of this area"),
    "heading-cues": ("标题提示词", "the section heading holds cue words of this area"),
    "title": ("报告标题", "the report's title names this area"),
    "section": ("本节内容", "the paragraphs under this heading are about this area"),
}

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328; line-height: 1.75;
  font-family: "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
    "Source Han Sans SC", "WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 0; word-break: break-all; }
.lead { color: #57606a; margin: 0 0 16px; }
.legend { display: flex; flex-wrap: wrap; gap: 8px 18px; margin: 0 0 20px; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; font-size: 14px; }
.chip { display: inline-block; width: 14px; height: 14px; border-radius: 3px; }
.card { background: #fff; border: 1px solid #d8dee4; border-radius: 10px; padding: 20px 24px;
  margin: 0 0 24px; box-shadow: 0 1px 2px rgba(31,35,40,.06); }
table.summary { border-collapse: collapse; width: 100%; font-size: 14px; }
table.summary th, table.summary td { padding: 6px 8px; border-bottom: 1px solid #e6e9ed; text-align: right;
  white-space: nowrap; }
table.summary th { font-weight: 600; color: #424a53; vertical-align: bottom; }
table.summary th.area { border-bottom: 3px solid var(--c); }
table.summary td.name, table.summary th.name { text-align: left; white-space: normal; }
table.summary td.name .part { white-space: nowrap; }
table.summary td.share { font-variant-numeric: tabular-nums; }
table.summary td.zero { color: #b0b7bf; }
a { color: #0b5cad; text-decoration: none; }
a:hover { text-decoration: underline; }
.report-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 8px; }
.meta { color: #57606a; font-size: 14px; margin: 2px 0 12px; }
.overview { display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-start; }
.chart { flex: 0 1 560px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.untouched { font-size: 14px; color: #57606a; margin: 4px 0 0; }
.paragraphs { margin-top: 16px; }
.p { position: relative; margin: 0 0 10px; padding: 10px 14px 10px 16px; border-left: 5px solid var(--c);
  background: var(--t); border-radius: 0 8px 8px 0; }
.p.heading-p .text { font-weight: 700; }
.p.unsure { border-left-style: dashed; }
.tag { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; font-size: 13px; margin-bottom: 2px; }
.label { color: #fff; background: var(--c); border-radius: 4px; padding: 0 8px; font-weight: 600; }
.label2 { color: var(--c2); background: #fff; border: 1.5px solid var(--c2); border-radius: 4px; padding: 0 7px;
  font-weight: 600; }
.review-mark { color: #9a6700; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 4px; padding: 0 6px; }
.filter { font-size: 14px; margin: 0 0 16px; }
#only-review:checked ~ section .p:not(.unsure):not(.review) { display: none; }
.conf { color: #424a53; font-variant-numeric: tabular-nums; }
.confbar { display: inline-block; width: 48px; height: 6px; background: #d8dee4; border-radius: 3px;
  vertical-align: middle; overflow: hidden; }
.confbar i { display: block; height: 100%; background: var(--c); }
.num { color: #6e7781; font-variant-numeric: tabular-nums; }
.under { color: #6e7781; }
.text { margin: 0; font-size: 16px; white-space: pre-wrap; word-break: break-word; }
.why { margin: 6px 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 4px 6px; font-size: 12.5px; }
.why li { background: #fff; border: 1px solid #d0d7de; border-radius: 10px; padding: 0 8px; }
.why .kind { color: #6e7781; margin-right: 3px; }
.why .w { color: #1a7f37; font-variant-numeric: tabular-nums; margin-left: 3px; }
.top { font-size: 13px; }
footer { color: #6e7781; font-size: 13px; text-align: center; }
@media print { body { background: #fff; } .card { box-shadow: none; break-inside: auto; } .p { break-inside: avoid; } }
"""


def _label_names(reports) -> list:
    return in_guide_order(label for report in reports for label in report.labels)


def _legend(labels) -> str:
    items = "".join(f'<li><span class="chip" style="background:{label_colour(label)}"></span>{_e(display_name(label))}</li>'
                    for label in labels)
    return f'<ul class="legend" aria-label="areas">{items}</ul>'


def _bar_chart(report) -> str:
    """Horizontal bars: the share of the report's characters each area takes."""
    labels = in_guide_order(report.labels)
    row, label_width, bar_width, top = 30, 150, 300, 6
    width, height = label_width + bar_width + 150, top * 2 + row * len(labels)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-size="14" '
             f'aria-label="share of the report by area"><title>share of the report by area</title>']
    for number, label in enumerate(labels):
        entry = report.summary[label]
        y = top + number * row
        length = round(bar_width * entry["share"], 1)
        colour = label_colour(label)
        name = CHINESE_NAMES.get(label)
        caption = _e(name or label)
        if name:
            caption += f' <tspan fill="#6e7781" font-size="12">{_e(label)}</tspan>'
        parts.append(f'<g class="bar" data-label="{_e(label)}" data-share="{entry["share"]:.4f}">')
        parts.append(f'<text x="{label_width - 10}" y="{y + 19}" text-anchor="end" fill="#1f2328">{caption}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 5}" width="{bar_width}" height="18" rx="3" fill="#eef1f4"/>')
        if length > 0:
            parts.append(f'<rect x="{label_width}" y="{y + 5}" width="{max(length, 2)}" height="18" rx="3" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + bar_width + 10}" y="{y + 19}" fill="#1f2328">'
                     f'{entry["share"] * 100:.1f}%<tspan fill="#6e7781" font-size="12"> · {entry["paragraphs"]} 段</tspan></text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _stacked_bar(report, width=180, height=14) -> str:
    """One thin bar for the summary table: the report's areas side by side."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="composition">']
    x = 0.0
    for label in in_guide_order(report.labels):
        length = width * report.summary[label]["share"]
        if length > 0:
            parts.append(f'<rect x="{x:.2f}" y="0" width="{length:.2f}" height="{height}" fill="{label_colour(label)}">'
                         f'<title>{_e(display_name(label))} {report.summary[label]["share"] * 100:.1f}%</title></rect>')
        x += length
    parts.append("</svg>")
    return "".join(parts)


def _summary_table(reports, labels, names) -> str:
    head = "".join(f'<th class="area" style="--c:{label_colour(label)}">{_e(CHINESE_NAMES.get(label, label))}'
                   f'<br><span class="num">{_e(label) if label in CHINESE_NAMES else ""}</span></th>'
                   for label in labels)
    rows = []
    for number, (report, name) in enumerate(zip(reports, names), 1):
        cells = []
        for label in labels:
            entry = report.summary.get(label)
            share = entry["share"] if entry else 0.0
            if share > 0:
                tint = _tint(label_colour(label), 0.08 + 0.4 * share)
                cells.append(f'<td class="share" data-label="{_e(label)}" style="background:{tint}">{share * 100:.1f}%</td>')
            else:
                cells.append(f'<td class="share zero" data-label="{_e(label)}">{share * 100:.1f}%</td>')
        rows.append(f'<tr data-report="{number}"><td class="name" title="{_e(report.name)}"><a href="#report-{number}">{_path_html(name)}</a></td>'
                    f'<td>{len(report.paragraphs)}</td><td>{report.characters}</td>{"".join(cells)}'
                    f'<td>{_stacked_bar(report)}</td></tr>')
    return ('<section class="card" id="summary"><h2>Summary 概览</h2>'
            f'<p class="meta">the share of each report\'s characters that each area takes; a report\'s name links to its paragraphs</p>'
            '<div style="overflow-x:auto"><table class="summary"><thead><tr><th class="name">report</th>'
            f'<th>paragraphs</th><th>characters</th>{head}<th>composition</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></section>')


def _path_html(name: str) -> str:
    """A path whose lines break only after a folder separator: each part of it stays whole."""
    parts = name.replace(os.sep, "/").split("/")
    return "/<wbr>".join(f'<span class="part">{_e(part)}</span>' for part in parts)


def _short_names(reports) -> list:
    """Names to show: a report's path below the folder all reports share (its file name alone
    when only one), so reports/2023/总结.txt and reports/2024/总结.txt stay apart."""
    names = [report.name for report in reports]
    folders = [os.path.dirname(name) for name in names]
    try:
        common = os.path.commonpath(folders) if len(names) > 1 and all(folders) else None
    except ValueError:  # absolute and relative paths mixed
        common = None
    if len(names) == 1 or common is None:
        return [os.path.basename(name) or name for name in names]
    if not common:  # relative paths in different folders: short already
        return names
    return [os.path.relpath(name, common) for name in names]


def _explanation(explanation) -> str:
    if not explanation:
        return ""
    items = []
    for feature, weight in explanation:
        kind, _, term = str(feature).partition(":")
        if not term:
            kind, term = "", str(feature)
        mark, title = _KINDS.get(kind, ("", "feature"))
        if kind.endswith("cues") or kind in ("title", "section"):  # an area: named as everywhere else
            term = CHINESE_NAMES.get(term, term)
        kind_html = f'<span class="kind">{_e(mark)}</span>' if mark else ""
        items.append(f'<li title="{_e(title)}">{kind_html}{_e(term)}<span class="w">+{weight:.2f}</span></li>')
    return f'<ul class="why" aria-label="why">{"".join(items)}</ul>'


def _paragraph(p, rid, rank=None) -> str:
    colour = label_colour(p.label)
    classes = ["p"]
    if heading_level(p.text) is not None:
        classes.append("heading-p")
    if p.confidence < 0.5:
        classes.append("unsure")
    if rank is not None:
        classes.append("review")
    under = f'<span class="under">under: {_e(p.heading)}</span>' if p.heading else ""
    label2, data2 = "", ""
    if getattr(p, "label2", None):
        data2 = f' data-label2="{_e(p.label2)}"'
        label2 = (f'<span class="label2" style="--c2:{label_colour(p.label2)}" title="also about">'
                  f'+ {_e(display_name(p.label2))}</span>')
    mark = (f'<span class="review-mark" title="one of the paragraphs the model is least sure of">'
            f'review {rank}</span>' if rank is not None else "")
    return (f'<div class="{" ".join(classes)}" id="{rid}-p{p.index}" data-index="{p.index}" '
            f'data-start="{p.start}" data-end="{p.end}" data-label="{_e(p.label)}"{data2} '
            f'data-confidence="{p.confidence:.4f}" style="--c:{colour};--t:{_tint(colour, 0.1)}">'
            f'<div class="tag"><span class="num">#{p.index + 1}</span>'
            f'<span class="label">{_e(display_name(p.label))}</span>{label2}{mark}'
            f'<span class="conf" title="confidence">{p.confidence:.2f} '
            f'<span class="confbar"><i style="width:{p.confidence * 100:.0f}%"></i></span></span>{under}</div>'
            f'<p class="text">{_e(p.text)}</p>{_explanation(p.explanation)}</div>')


def _report_section(report, number, many, name, ranks=None) -> str:
    rid = f"report-{number}"
    untouched = ""
    if report.untouched:
        untouched = ('<p class="untouched">not covered 未涉及: '
                     + "、".join(_e(display_name(label)) for label in report.untouched) + "</p>")
    top = '<a class="top" href="#summary">↑ summary</a>' if many else ""
    encoding = f" · {_e(report.encoding)}" if report.encoding else ""
    ranks = ranks or {}
    paragraphs = "".join(_paragraph(p, rid, ranks.get(id(p))) for p in report.paragraphs)
    return (f'<section class="card report" id="{rid}" data-name="{_e(report.name)}">'
            f'<div class="report-head"><h2>{_e(name)}</h2>{top}</div>'
            f'<p class="meta">{_e(report.name)} · {len(report.paragraphs)} paragraphs · {report.characters} characters{encoding}</p>'
            f'<div class="overview"><div class="chart">{_bar_chart(report)}</div></div>{untouched}'
            f'<div class="paragraphs">{paragraphs}</div></section>')


def write_html(reports, out, review=()) -> None:
    """Write ``reports`` (:class:`~classifier.report.LabelledReport`) to the text stream ``out``
    as one HTML page that opens anywhere, offline.  ``review`` holds the (report, paragraph) pairs
    to mark for review (:func:`classifier.review.least_sure`), least sure first."""
    reports = list(reports)
    ranks = {id(p): rank for rank, (_, p) in enumerate(review, 1)}
    labels = _label_names(reports)
    many = len(reports) > 1
    names = _short_names(reports)
    if len(reports) == 1:
        title = f"{names[0]} · 分段标注"
    else:
        title = f"{len(reports)} reports · 分段标注"
    # The generator tag tells a page this tool wrote from a report, when it is given back as one.
    out.write('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
              f'<meta name="generator" content="{GENERATOR}">\n'
              '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
              f'<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n')
    out.write('<header><h1>宣传思想工作报告 · 分段标注</h1>'
              f'<p class="lead">{len(reports)} report{"s" if many else ""}, '
              f'{sum(len(r.paragraphs) for r in reports)} paragraphs, each labelled by work area with the model\'s confidence.</p>'
              f'{_legend(labels)}</header>\n')
    # No script: a checkbox before the sections hides, through CSS alone, all but the paragraphs
    # to review (those below 0.5 confidence and those --review picked).
    out.write('<input type="checkbox" id="only-review" class="filter">'
              '<label class="filter" for="only-review"> show only the paragraphs to review '
              f'(confidence below 0.5{", or among the " + str(len(ranks)) + " least sure" if ranks else ""})'
              '</label>\n')
    if many:
        out.write(_summary_table(reports, labels, names) + "\n")
    for number, (report, name) in enumerate(zip(reports, names), 1):
        out.write(_report_section(report, number, many, name, ranks) + "\n")
    out.write('<footer>made by classifier · labels: '
              + ", ".join(_e(label) for label in labels) + '</footer>\n</main>\n</body>\n</html>\n')
