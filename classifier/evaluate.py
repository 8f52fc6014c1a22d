"""Measure a model: per-label precision, recall and F1, macro-F1, accuracy, confusion matrix;
and grouped cross-validation that never splits a report across folds.

Cross-validation measures two things.  *Paragraph* scores classify the labelled paragraphs as
they are.  *End-to-end* scores (when the documents are at hand) run the tool's own segmentation
on each held-out report and give every labelled paragraph the label of the predicted paragraphs
covering most of its characters: what a user of ``predict`` gets.
"""
from __future__ import annotations

import os

import numpy as np

from .data import LabelledData, deduplicate, report_groups
from .errors import InputError
from .read import read_document

__all__ = ["scores", "cross_validate", "fit_and_read", "label_by_overlap", "calibration", "grouped",
           "segment_docs", "end_to_end_labels"]


def scores(y_true, y_pred, labels=None) -> dict:
    """Per-label precision/recall/F1/support, macro-F1, accuracy and the confusion matrix
    (rows: true label, columns: predicted label)."""
    y_true = list(y_true)
    y_pred = list(y_pred)
    if labels is None:
        labels = sorted(set(y_true) | set(y_pred))
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred):
        confusion[index[t], index[p]] += 1
    per_label = {}
    for i, label in enumerate(labels):
        tp = confusion[i, i]
        predicted = confusion[:, i].sum()
        support = confusion[i, :].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": float(precision), "recall": float(recall), "f1": float(f1),
                            "support": int(support)}
    present = [label for label in labels if per_label[label]["support"]]
    return {
        "labels": labels,
        "per_label": per_label,
        "macro_f1": float(np.mean([per_label[label]["f1"] for label in present])) if present else 0.0,
        "accuracy": float(np.trace(confusion) / confusion.sum()) if confusion.sum() else 0.0,
        "n": int(confusion.sum()),
        "confusion": confusion.tolist(),
    }


def calibration(correct, confidence, bins=10) -> dict:
    """How well confidence matches accuracy: expected calibration error over equal-width bins,
    mean confidence and accuracy, and the bins themselves (count, confidence, accuracy)."""
    correct = np.asarray(correct, dtype=float)
    confidence = np.asarray(confidence, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    table, error = [], 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            gap = abs(confidence[inside].mean() - correct[inside].mean())
            error += inside.mean() * gap
            table.append((float(low), float(high), int(inside.sum()), float(confidence[inside].mean()),
                          float(correct[inside].mean())))
    return {"ece": float(error), "mean_confidence": float(confidence.mean()),
            "accuracy": float(correct.mean()), "bins": table}


def label_by_overlap(spans, predicted) -> list:
    """For each gold (start, end) span, the label of the predicted (start, end, label)
    paragraphs that cover most of its characters."""
    result = []
    for start, end in spans:
        cover: dict = {}
        for p_start, p_end, label in predicted:
            overlap = min(end, p_end) - max(start, p_start)
            if overlap > 0:
                cover[label] = cover.get(label, 0) + overlap
        result.append(max(cover, key=cover.get) if cover else None)
    return result


def grouped(data: LabelledData, dedupe: bool, purpose: str):
    """(data without repeated paragraphs when ``dedupe``, a report group per paragraph), refusing
    data that holds fewer than two reports: nothing could be held out."""
    if dedupe:
        data = deduplicate(data)
    groups = report_groups(data)
    if len(set(groups)) < 2:
        raise ValueError(f"{purpose} needs paragraphs from at least two reports (docs)")
    return data, groups


def _fold_splits(groups, folds, repeat, seed):
    """Grouped folds, shuffled differently for each repeat."""
    from sklearn.model_selection import GroupKFold

    unique = sorted(set(groups))
    rng = np.random.RandomState(seed + repeat)
    order = {g: k for k, g in enumerate(rng.permutation(unique))}
    splitter = GroupKFold(n_splits=min(folds, len(unique)))
    # GroupKFold balances fold sizes deterministically; permuting group ids varies the folds.
    return splitter.split(np.zeros(len(groups)), groups=[order[g] for g in groups])


def fit_and_read(make_model, train_data: LabelledData, test_data: LabelledData, test_groups):
    """Fit ``make_model()`` on ``train_data``; return it and the probabilities of ``test_data``'s
    paragraphs read in order within their report (``test_groups``), as ``predict`` reads them."""
    model = make_model()
    model.fit(train_data.texts, train_data.labels, headings=train_data.headings)
    return model, model.predict_report_proba(test_data.texts, headings=test_data.headings, reports=test_groups)


def segment_docs(docs_dir, docs, join_wrapped=True) -> dict:
    """{doc: its paragraphs as ``predict`` cuts them} for the documents ``docs`` under ``docs_dir``
    (:func:`doc_path`), read as ``predict`` reads a report: any supported format and encoding,
    errors named by file; a traditional report segmented in simplified characters, as ``predict``
    segments and scores it."""
    from .script import to_simplified
    from .segment import segment

    found = {}
    below = {}  # the folder's files by name and by name without extension, listed once if needed
    for doc in docs:
        document = read_document(doc_path(docs_dir, doc, below))
        found[doc] = segment(to_simplified(document.text), document.headings, join_wrapped=join_wrapped)
    return found


def doc_path(docs_dir: str, doc: str, below: dict | None = None) -> str:
    """The file of ``doc`` as ``predict --format train`` names it, for the folder ``docs_dir`` given
    to ``predict``: ``docs_dir/<doc>`` itself or with an extension (``.txt``, ``.docx``, …); else
    ``doc`` as the path it is (where two folders held the same name, predict wrote the path); else
    the one file in ``docs_dir``'s subfolders of that name, with or without its extension.
    ``below`` caches the listing of the subfolders between calls."""
    from .read import SUPPORTED_SUFFIXES, input_files

    spellings = [os.path.join(docs_dir, doc + suffix) for suffix in ("",) + SUPPORTED_SUFFIXES]
    path = next((p for p in spellings if os.path.isfile(p)), None)
    if path is None and os.path.isfile(doc):
        path = doc
    if path is None and os.path.isdir(docs_dir):
        below = {} if below is None else below
        if not below:
            try:
                files = input_files([docs_dir])
            except InputError:  # a folder without report files: the message below names the file
                files = []
            for file in files:
                name = os.path.basename(file)
                for key in {name, os.path.splitext(name)[0]}:
                    below.setdefault(key, []).append(file)
        matches = below.get(os.path.basename(doc), [])
        if len(matches) > 1:
            raise InputError(docs_dir, f"holds several files for doc {doc!r} ({', '.join(matches[:3])}): "
                                       f"give --docs the folder that holds it")
        path = matches[0] if matches else None
    return path or spellings[1]


def end_to_end_labels(model, data: LabelledData, positions, doc_paragraphs) -> dict:
    """{position: label} of ``data``'s paragraphs at ``positions``: each report (``doc``) labelled
    as ``predict`` labels it, from its paragraphs in ``doc_paragraphs`` (:func:`segment_docs`), and
    each labelled span taking the label covering most of its characters (:func:`label_by_overlap`);
    a span no paragraph covers takes the model's fallback label."""
    labels = {}
    by_doc = {}
    for position in positions:
        by_doc.setdefault(data.docs[position], []).append(position)
    for doc in sorted(by_doc):
        paragraphs = doc_paragraphs[doc]
        predicted = model.predict_report([p.text for p in paragraphs], headings=[p.heading for p in paragraphs])
        triples = [(p.start, p.end, label) for p, label in zip(paragraphs, predicted)]
        members = by_doc[doc]
        for position, label in zip(members, label_by_overlap([data.spans[m] for m in members], triples)):
            labels[position] = label if label is not None else model.fallback_label_
    return labels


def cross_validate(make_model, data: LabelledData, folds=5, repeats=3, seed=0, docs_dir=None,
                   dedupe=True, progress=None, join_wrapped=True) -> dict:
    """Grouped, repeated cross-validation of the models ``make_model()`` builds.

    Returns ``{"paragraph": {...}, "end_to_end": {...} or None, "folds", "repeats", "groups",
    "n"}``, each score block being :func:`scores` pooled over one repeat, with ``macro_f1_runs``
    listing every repeat's macro-F1 (the headline is their mean).  ``join_wrapped`` is
    :func:`segment.segment`'s, for the end-to-end scores.
    """
    data, groups = grouped(data, dedupe, "cross-validation")
    labels = sorted(set(data.labels))
    # A paragraph is found in its document by its doc and span: without either, no end-to-end scores.
    use_docs = docs_dir is not None and all(s is not None for s in data.spans) and None not in data.docs
    doc_paragraphs = segment_docs(docs_dir, sorted(set(data.docs)), join_wrapped) if use_docs else {}

    paragraph_runs, end_to_end_runs = [], []
    for repeat in range(repeats):
        para_pred = [None] * len(data)
        para_confidence = [0.0] * len(data)
        e2e_pred = [None] * len(data)
        for fold, (train, test) in enumerate(_fold_splits(groups, folds, repeat, seed)):
            if len({data.labels[position] for position in train}) < 2:
                raise ValueError("a fold would train on one label only: the data needs more reports "
                                 "(docs) of each label")
            test_data, train_data = data.subset(test), data.subset(train)
            model, probabilities = fit_and_read(make_model, train_data, test_data,
                                                [groups[position] for position in test])
            for position, row in zip(test, probabilities):
                para_pred[position] = model.classes_[int(np.argmax(row))]
                para_confidence[position] = float(np.max(row))
            if use_docs:
                for pos, label in end_to_end_labels(model, data, test, doc_paragraphs).items():
                    e2e_pred[pos] = label
            if progress:
                progress(repeat, fold)
        paragraph_runs.append(scores(data.labels, para_pred, labels))
        paragraph_runs[-1]["calibration"] = calibration(
            [t == p for t, p in zip(data.labels, para_pred)], para_confidence)
        if use_docs:
            end_to_end_runs.append(scores(data.labels, e2e_pred, labels))
    return {
        "paragraph": _pool(paragraph_runs),
        "end_to_end": _pool(end_to_end_runs) if end_to_end_runs else None,
        "folds": min(folds, len(set(groups))),  # what _fold_splits uses
        "repeats": repeats,
        "groups": len(set(groups)),
        "n": len(data),
    }


def _pool(runs: list) -> dict:
    """Mean of the repeats' scores, with each repeat's macro-F1 kept for the spread."""
    first = runs[0]
    pooled = {
        "labels": first["labels"],
        "per_label": {
            label: {key: float(np.mean([r["per_label"][label][key] for r in runs]))
                    for key in ("precision", "recall", "f1")} | {"support": first["per_label"][label]["support"]}
            for label in first["labels"]
        },
        "macro_f1": float(np.mean([r["macro_f1"] for r in runs])),
        "macro_f1_runs": [r["macro_f1"] for r in runs],
        "accuracy": float(np.mean([r["accuracy"] for r in runs])),
        "n": first["n"],
        "confusion": np.sum([r["confusion"] for r in runs], axis=0).tolist(),
        # Support counts each paragraph once (it is the same in every repeat); the confusion
        # matrix sums the repeats' counts.
        "confusion_repeats": len(runs),
    }
    if "calibration" in first:
        pooled["calibration"] = {key: float(np.mean([r["calibration"][key] for r in runs]))
                                 for key in ("ece", "mean_confidence", "accuracy")}
        pooled["calibration"]["bins"] = first["calibration"]["bins"]
    return pooled
