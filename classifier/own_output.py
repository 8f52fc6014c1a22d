"""Recognise the tool's own output (table, JSON Lines, CSV, HTML page) given back as a report."""
from __future__ import annotations

import json
import re

from .output import CSV_FIELDS

__all__ = ["own_output_kind"]

# output.write_table's first two lines: "== name: 9 paragraphs, 900 characters ==", "   #  label  conf  text".
_TABLE = re.compile(r"== .+: \d+ paragraphs?, \d+ characters? ==\r?\n\s*#\s+label\s+(?:also\s+)?conf\s+text\s*(?:\r?\n|$)")
_JSONL_FIELDS = {"file", "index", "start", "end", "text", "label", "confidence", "scores"}
_CSV_HEADER = ",".join(CSV_FIELDS)


def own_output_kind(text: str):
    """What output of this tool ``text`` is ("a table of labels", …), or None for anything else."""
    head = text.lstrip("\ufeff \t\r\n")
    if _TABLE.match(head):
        return "a table of labels"
    if head.startswith(_CSV_HEADER):
        return "a CSV of labels"
    if head.startswith("{"):
        try:
            row = json.loads(head.split("\n", 1)[0])
        except ValueError:
            row = None
        if isinstance(row, dict) and _JSONL_FIELDS <= row.keys():
            return "JSON Lines of labels"
    if _is_own_page(head[:4096]):
        return "a page of labels"
    return None


def _is_own_page(head: str) -> bool:
    from .html_report import GENERATOR

    return re.search(rf"""<meta\s+name=["']generator["']\s+content=["']{re.escape(GENERATOR)}[\s"']""", head, re.I) is not None
