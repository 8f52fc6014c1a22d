"""Error analysis of a paragraph model: out-of-fold predictions, the most confident mistakes and
which labels are confused with which (the learning curve is in :mod:`curve`, figures in :mod:`plots`).

Every measurement is grouped by report (:func:`classifier.data.report_groups`): a report's
paragraphs are never on both sides of a split, and held-out paragraphs are read in order as
parts of their report, as ``predict`` reads them (:meth:`ParagraphClassifier.predict_report_proba`).

    >>> from classifier.analysis import out_of_fold_predictions, confident_mistakes
    >>> oof = out_of_fold_predictions(None, data)           # None: training.default_estimator()
    >>> confident_mistakes(oof.data, oof, top=10)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import LabelledData
from .evaluate import _fold_splits, fit_and_read, grouped, scores
from .training import default_estimator

__all__ = ["OutOfFold", "out_of_fold_predictions", "confident_mistakes", "confusion_pairs",
           "mistake_patterns"]


def factory(make_model):
    """``make_model``, or when it is None the maker of the default estimator."""
    return default_estimator if make_model is None else make_model


# --------------------------------------------------------------------------- out-of-fold


@dataclass
class OutOfFold:
    """Out-of-fold predictions: each paragraph labelled by a model that never saw its report.

    ``data`` is the (deduplicated) data the predictions belong to, ``groups`` its report ids,
    ``labels`` the column order of ``proba``, ``fold`` the fold that held each paragraph out.
    """

    data: LabelledData
    groups: list
    labels: list
    proba: np.ndarray
    predicted: list
    fold: list

    def __len__(self):
        return len(self.predicted)

    @property
    def confidence(self) -> np.ndarray:
        """The probability of the predicted label."""
        return self.proba.max(axis=1)

    def scores(self) -> dict:
        """:func:`classifier.evaluate.scores` of these predictions (per label, macro-F1, confusion)."""
        return scores(self.data.labels, self.predicted, self.labels)


def _fit_predict(make_model, train_data, test_data, test_groups, labels):
    """Fit on ``train_data``; probabilities of ``test_data`` read as reports, in ``labels`` order."""
    model, own = fit_and_read(make_model, train_data, test_data, test_groups)
    proba = np.zeros((len(test_data), len(labels)))
    column = {label: k for k, label in enumerate(labels)}
    for k, label in enumerate(model.classes_):
        proba[:, column[label]] = own[:, k]
    return proba


def run_fits(tasks, n_jobs):
    """Fit and predict for each (make_model, train data, test data, test groups, labels) tuple, in
    this process or in ``n_jobs`` workers."""
    if n_jobs in (None, 1) or len(tasks) < 2:
        return [_fit_predict(*task) for task in tasks]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n_jobs)(delayed(_fit_predict)(*task) for task in tasks)


def out_of_fold_predictions(make_model=None, data: LabelledData = None, folds=5, seed=0, dedupe=True,
                            n_jobs=1) -> OutOfFold:
    """Label every paragraph by a model trained on the other folds (grouped by report).

    The folds are those of :func:`classifier.evaluate.cross_validate` for the same ``seed``
    (its first repeat). ``make_model`` builds an unfitted model (None: the default one).
    """
    if data is None:
        raise TypeError("out_of_fold_predictions needs labelled data")
    make_model = factory(make_model)
    data, groups = grouped(data, dedupe, "out-of-fold prediction")
    labels = sorted(set(data.labels))
    splits = [(train, test) for train, test in _fold_splits(groups, folds, 0, seed)]
    tasks = [(make_model, data.subset(train), data.subset(test), [groups[i] for i in test], labels)
             for train, test in splits]
    proba = np.zeros((len(data), len(labels)))
    fold_of = [None] * len(data)
    for number, ((_, test), part) in enumerate(zip(splits, run_fits(tasks, n_jobs))):
        proba[test] = part
        for position in test:
            fold_of[position] = number
    predicted = [labels[k] for k in np.argmax(proba, axis=1)]
    return OutOfFold(data=data, groups=groups, labels=labels, proba=proba, predicted=predicted,
                     fold=fold_of)


def _check_aligned(data, predictions):
    if len(data) != len(predictions):
        raise ValueError(f"{len(data)} paragraphs but {len(predictions)} predictions: pass the "
                         "predictions' own data (predictions.data), which is deduplicated")


def confident_mistakes(data: LabelledData, predictions: OutOfFold, top=20) -> list:
    """The ``top`` wrongly labelled paragraphs the model was surest of, surest first.

    Each row is a dict: ``doc``, ``index`` (the paragraph's ``i`` in its doc, else its position),
    ``true``, ``predicted``, ``confidence``, ``true_proba`` (what the model gave the right label),
    ``heading`` and ``text``.
    """
    _check_aligned(data, predictions)
    confidence = predictions.confidence
    column = {label: k for k, label in enumerate(predictions.labels)}
    rows = []
    for position, (truth, guess) in enumerate(zip(data.labels, predictions.predicted)):
        if truth == guess:
            continue
        doc = data.docs[position]
        key = data.ids[position] if position < len(data.ids) else None
        index = key[1] if doc is not None and key is not None and key[0] == doc else position
        rows.append({
            "doc": doc, "index": index,
            "true": truth, "predicted": guess, "confidence": float(confidence[position]),
            "true_proba": float(predictions.proba[position, column[truth]]) if truth in column else 0.0,
            "heading": data.headings[position], "text": data.texts[position],
        })
    rows.sort(key=lambda row: (-row["confidence"], str(row["doc"]), row["index"]))
    return rows if top is None else rows[:top]


def confusion_pairs(data: LabelledData, predictions: OutOfFold, top=None) -> list:
    """Directed (true → predicted) mistakes, most frequent first.

    Each row: ``true``, ``predicted``, ``count``, ``share`` (of the true label's paragraphs),
    ``mean_confidence`` of those mistakes and ``both_ways`` (mistakes between the two labels in
    either direction).
    """
    _check_aligned(data, predictions)
    confidence = predictions.confidence
    counts: dict = {}
    sure: dict = {}
    for position, (truth, guess) in enumerate(zip(data.labels, predictions.predicted)):
        if truth != guess:
            counts[truth, guess] = counts.get((truth, guess), 0) + 1
            sure.setdefault((truth, guess), []).append(float(confidence[position]))
    support = {label: data.labels.count(label) for label in set(data.labels)}
    rows = [{"true": truth, "predicted": guess, "count": count, "share": count / support[truth],
             "mean_confidence": float(np.mean(sure[truth, guess])),
             "both_ways": count + counts.get((guess, truth), 0)}
            for (truth, guess), count in counts.items()]
    rows.sort(key=lambda row: (-row["count"], row["true"], row["predicted"]))
    return rows if top is None else rows[:top]


def mistake_patterns(data: LabelledData, predictions: OutOfFold) -> dict:
    """Per label: where its paragraphs go wrong (``lost_to``) and where its false alarms come
    from (``taken_from``), each a list of (label, count), most first; plus ``errors`` and
    ``false_alarms`` in total."""
    _check_aligned(data, predictions)
    result = {label: {"support": 0, "errors": 0, "false_alarms": 0, "lost_to": {}, "taken_from": {}}
              for label in predictions.labels}
    for truth, guess in zip(data.labels, predictions.predicted):
        result[truth]["support"] += 1
        if truth != guess:
            result[truth]["errors"] += 1
            result[truth]["lost_to"][guess] = result[truth]["lost_to"].get(guess, 0) + 1
            result[guess]["false_alarms"] += 1
            result[guess]["taken_from"][truth] = result[guess]["taken_from"].get(truth, 0) + 1
    for entry in result.values():
        for key in ("lost_to", "taken_from"):
            entry[key] = sorted(entry[key].items(), key=lambda item: (-item[1], item[0]))
    return result
