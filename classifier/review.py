"""The paragraphs of a batch the model is least sure of, for a person to check (``predict --review``).

"Least sure" is the smallest margin between a paragraph's two best scores: a paragraph at 0.45
against 0.44 is a toss-up, one at 0.45 against 0.10 is not, though both have the same confidence.
"""
from __future__ import annotations

import heapq
from types import SimpleNamespace

from .labels import display_name
from .output import text_cell
from .segment import display_width
from .tables import fit_width

__all__ = ["margin", "least_sure", "LeastSure", "write_review"]


def margin(paragraph) -> float:
    """The paragraph's best score minus its second best (its only score when it has one)."""
    best = sorted(paragraph.scores.values(), reverse=True)
    return best[0] - best[1] if len(best) > 1 else best[0]


def least_sure(reports, count: int) -> list:
    """The ``count`` (report, paragraph) pairs of smallest margin, smallest first; ties in the
    order of the batch."""
    kept = LeastSure(count)
    for report in reports:
        kept.add(report)
    return kept.pairs()


class LeastSure:
    """:func:`least_sure` fed a report at a time, holding only the ``count`` pairs it keeps
    (``names_only``: with a stand-in holding the report's ``name`` instead of the report)."""

    def __init__(self, count: int, names_only: bool = False):
        self.count, self.names_only = count, names_only
        self._heap = []  # (key, report, paragraph); the key of the least sure is the largest
        self._seen = 0

    def add(self, report) -> None:
        holder = SimpleNamespace(name=report.name) if self.names_only else report
        for p in report.paragraphs:
            # Smaller margin first, then earlier in the batch: both negated for a heap of the largest.
            key = (-margin(p), -self._seen)
            self._seen += 1
            if len(self._heap) < self.count:
                heapq.heappush(self._heap, (key, holder, p))
            elif self._heap and key > self._heap[0][0]:
                heapq.heapreplace(self._heap, (key, holder, p))

    def pairs(self) -> list:
        return [(holder, p) for _, holder, p in sorted(self._heap, key=lambda entry: entry[0], reverse=True)]


def write_review(pairs, out, text_columns: int = 40) -> None:
    """The pairs of :func:`least_sure` as a table: file, paragraph number, label, the runner-up
    and the margin between them, the text cut to ``text_columns`` (0: whole)."""
    if not pairs:
        return
    names = [report.name for report, _ in pairs]
    file_columns = min(max(display_width(name) for name in names + ["file"]) + 2, 40)
    label_columns = max(display_width(display_name(p.label)) for _, p in pairs) + 2
    runner_columns = max(display_width(_runner_up(p)) for _, p in pairs) + 2
    out.write(f"to review: the {len(pairs)} paragraph{'s' if len(pairs) != 1 else ''} whose two best labels "
              "are closest (margin: best score minus the second)\n")
    out.write(f"{fit_width('file', file_columns)}{'#':>4}  {fit_width('label', label_columns)}"
              f"{fit_width('or', runner_columns)}{'margin':>6}  text\n")
    for report, p in pairs:
        text = text_cell(p.text, text_columns)
        out.write(f"{_tail(report.name, file_columns - 2)}  {p.index + 1:>4}  "
                  f"{fit_width(display_name(p.label), label_columns)}{fit_width(_runner_up(p), runner_columns)}"
                  f"{margin(p):6.2f}  {text}\n")


def _tail(name: str, columns: int) -> str:
    """``name`` cut from the left to ``columns`` (…docs/report.txt: the file name is what tells
    files apart), padded to that width."""
    if display_width(name) > columns:
        kept = ""
        for ch in reversed(name):
            if display_width(kept) + display_width(ch) > columns - 1:
                break
            kept = ch + kept
        name = "…" + kept
    return fit_width(name, columns)


def _runner_up(paragraph) -> str:
    """The label of the paragraph's second-best score."""
    ranked = sorted(paragraph.scores.items(), key=lambda item: -item[1])
    return ranked[1][0] if len(ranked) > 1 else ""
