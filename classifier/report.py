"""Label a whole report: segment it, classify every paragraph, summarise the areas it covers."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .segment import segment

__all__ = ["LabelledParagraph", "LabelledReport", "label_report", "label_reports"]


@dataclass
class LabelledParagraph:
    """A paragraph with its label: ``text == report_text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    heading: str | None
    label: str
    confidence: float
    scores: dict
    explanation: list | None = None

    def to_dict(self, name=None) -> dict:
        row = {"file": name} if name is not None else {}
        row.update(asdict(self))
        if row["explanation"] is None:
            del row["explanation"]
        return row


@dataclass
class LabelledReport:
    """All paragraphs of one report with their labels, and the share each area takes."""

    name: str
    text: str
    paragraphs: list
    labels: tuple
    encoding: str = "utf-8"
    summary: dict = field(init=False)

    def __post_init__(self):
        self.summary = summarise(self.paragraphs, self.labels)

    @property
    def untouched(self) -> list:
        """Areas (all labels but ``other``) that no paragraph of the report is about."""
        return [label for label in self.labels
                if label != "other" and self.summary[label]["paragraphs"] == 0]


def summarise(paragraphs, labels) -> dict:
    """Per label: paragraphs, characters, and the share of the report's characters."""
    total = sum(len(p.text) for p in paragraphs) or 1
    summary = {label: {"paragraphs": 0, "characters": 0, "share": 0.0} for label in labels}
    for paragraph in paragraphs:
        entry = summary[paragraph.label]
        entry["paragraphs"] += 1
        entry["characters"] += len(paragraph.text)
    for entry in summary.values():
        entry["share"] = entry["characters"] / total
    return summary


def label_report(model, text: str, name: str = "<text>", explain: int = 0, encoding: str = "utf-8") -> LabelledReport:
    """Segment ``text`` and label every paragraph with ``model``.

    ``explain`` > 0 adds, per paragraph, that many features that pushed it to its label.
    """
    return label_reports(model, [(name, text, encoding)], explain=explain)[0]


def label_reports(model, reports, explain: int = 0, jobs: int = 1, progress=None) -> list:
    """Label many reports at once, ``reports`` being (name, text[, encoding]) tuples.

    Paragraphs go through the model in batches, much faster than one call a report; ``jobs`` > 1
    spreads the batches over processes (the same results).  ``progress(done)`` is told how many
    reports are done.
    """
    reports = [tuple(r) for r in reports]
    batches = [reports[start:start + _BATCH] for start in range(0, len(reports), _BATCH)]
    if jobs > 1 and len(batches) > 1:
        from joblib import Parallel, delayed

        labelled = Parallel(n_jobs=jobs, return_as="generator")(
            delayed(_label_batch)(model, batch, explain) for batch in batches)
    else:
        labelled = (_label_batch(model, batch, explain) for batch in batches)
    results = []
    for batch_result in labelled:
        results.extend(batch_result)
        if progress:
            progress(len(results))
    return results


_BATCH = 64


def _label_batch(model, reports, explain):
    segmented = [segment(r[1]) for r in reports]
    flat = [p for paragraphs in segmented for p in paragraphs]
    labels = tuple(str(c) for c in model.classes_)
    if flat:
        texts = [p.text for p in flat]
        headings = [p.heading for p in flat]
        reports_of = [number for number, paragraphs in enumerate(segmented) for _ in paragraphs]
        probabilities = model.predict_report_proba(texts, headings=headings, reports=reports_of)
        best = np.argmax(probabilities, axis=1)
        explanations = (model.explain(texts, headings, top=explain, labels=[labels[b] for b in best])
                        if explain else [None] * len(flat))
    results = []
    position = 0
    for report, paragraphs in zip(reports, segmented):
        labelled = []
        for p in paragraphs:
            row = probabilities[position]
            labelled.append(LabelledParagraph(
                index=p.index, start=p.start, end=p.end, text=p.text, heading=p.heading,
                label=labels[best[position]], confidence=float(row[best[position]]),
                scores={label: round(float(v), 4) for label, v in zip(labels, row)},
                explanation=explanations[position]))
            position += 1
        results.append(LabelledReport(report[0], report[1], labelled, labels,
                                      report[2] if len(report) > 2 else "utf-8"))
    return results
