"""Error analysis of a paragraph model: out-of-fold predictions, the most confident mistakes,
which labels are confused with which, and a learning curve by number of labelled reports.

Every measurement is grouped by report (:func:`classifier.data.report_groups`): a report's
paragraphs are never on both sides of a split, and held-out paragraphs are read in order as
parts of their report, as ``predict`` reads them (:meth:`ParagraphClassifier.predict_report_proba`).

    >>> from classifier.analysis import out_of_fold_predictions, confident_mistakes, learning_curve
    >>> oof = out_of_fold_predictions(None, data)           # None: the default ParagraphClassifier()
    >>> confident_mistakes(oof.data, oof, top=10)
    >>> curve = learning_curve(None, data)
    >>> print(curve_conclusion(curve))
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .data import LabelledData
from .evaluate import _fold_splits, fit_and_read, grouped, scores

__all__ = ["default_model", "OutOfFold", "out_of_fold_predictions", "confident_mistakes",
           "confusion_pairs", "mistake_patterns", "learning_curve", "fit_power_law",
           "doubling_gain", "curve_conclusion", "format_table", "plot_confusion",
           "plot_learning_curve"]


def default_model():
    """The default estimator with its default parameters (whatever they are at the time)."""
    from .model import ParagraphClassifier

    return ParagraphClassifier()


def _factory(make_model):
    return default_model if make_model is None else make_model


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


def _run(tasks, n_jobs):
    """Run ``_fit_predict`` over argument tuples, in this process or in ``n_jobs`` workers."""
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
    make_model = _factory(make_model)
    data, groups = grouped(data, dedupe, "out-of-fold prediction")
    labels = sorted(set(data.labels))
    splits = [(train, test) for train, test in _fold_splits(groups, folds, 0, seed)]
    tasks = [(make_model, data.subset(train), data.subset(test), [groups[i] for i in test], labels)
             for train, test in splits]
    proba = np.zeros((len(data), len(labels)))
    fold_of = [None] * len(data)
    for number, ((_, test), part) in enumerate(zip(splits, _run(tasks, n_jobs))):
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


# --------------------------------------------------------------------------- learning curve


def _default_sizes(smallest_train: int) -> list:
    sizes = []
    size = 4
    while size < smallest_train:
        sizes.append(size)
        size *= 2
    return sizes + [smallest_train]


def learning_curve(make_model=None, data: LabelledData = None, sizes=None, repeats=3, folds=5, seed=0,
                   dedupe=True, n_jobs=1) -> dict:
    """Macro-F1 on held-out reports against the number of reports trained on.

    For each repeat the reports are split into grouped folds (shuffled differently per repeat,
    as :func:`classifier.evaluate.cross_validate` does). In each fold the training reports are put
    in a random order and the model is trained on the first ``n`` of them for every ``n`` in
    ``sizes`` (nested subsets), then predicts the held-out fold read as reports. A fold with fewer
    training reports than ``n`` trains on all it has. The held-out predictions of all folds are
    pooled into one macro-F1 per repeat and size.

    ``sizes`` defaults to 4, 8, 16, … and the smallest training-fold size (all the reports a fold
    can train on). Returns ``{"sizes", "reports" (mean reports actually trained on), "paragraphs"
    (mean training paragraphs), "mean", "std" (over repeats), "runs" (macro-F1 [size][repeat]),
    "fold_scores" (macro-F1 of each fold alone, [size][repeat*fold]), "total_reports",
    "total_paragraphs", "folds", "repeats", "fit"}``; ``fit`` is :func:`fit_power_law` of the
    means.
    """
    if data is None:
        raise TypeError("learning_curve needs labelled data")
    make_model = _factory(make_model)
    data, groups = grouped(data, dedupe, "a learning curve")
    unique = sorted(set(groups))
    labels = sorted(set(data.labels))
    members: dict = {}
    for position, group in enumerate(groups):
        members.setdefault(group, []).append(position)

    splits = [(repeat, fold, train, test)
              for repeat in range(repeats)
              for fold, (train, test) in enumerate(_fold_splits(groups, folds, repeat, seed))]
    smallest = min(len({groups[i] for i in train}) for _, _, train, _ in splits)
    sizes = sorted(set(int(n) for n in sizes)) if sizes is not None else _default_sizes(smallest)
    if not sizes or sizes[0] < 1:
        raise ValueError("sizes must be positive numbers of reports")

    tasks, keys = [], []
    for repeat, fold, train, test in splits:
        train_groups = sorted({groups[i] for i in train})
        rng = np.random.RandomState(np.random.SeedSequence([seed, repeat, fold]).generate_state(1)[0])
        order = list(rng.permutation(train_groups))
        test_data = data.subset(test)
        test_groups = [groups[i] for i in test]
        for size_index, size in enumerate(sizes):
            chosen = _with_two_labels(order, min(size, len(order)), members, data.labels)
            if chosen is None:
                continue  # too few reports to hold two labels: nothing can be trained
            positions = sorted(p for group in chosen for p in members[group])
            tasks.append((make_model, data.subset(positions), test_data, test_groups, labels))
            keys.append((size_index, repeat, test, len(chosen), len(positions)))

    truth = np.asarray(data.labels, dtype=object)
    pooled = {}  # (size_index, repeat) -> predicted labels of all paragraphs
    fold_scores = [[] for _ in sizes]
    trained_reports = [[] for _ in sizes]
    trained_paragraphs = [[] for _ in sizes]
    for (size_index, repeat, test, n_reports, n_paragraphs), proba in zip(keys, _run(tasks, n_jobs)):
        guess = [labels[k] for k in np.argmax(proba, axis=1)]
        row = pooled.setdefault((size_index, repeat), [None] * len(data))
        for position, label in zip(test, guess):
            row[position] = label
        fold_scores[size_index].append(scores(truth[test], guess, labels)["macro_f1"])
        trained_reports[size_index].append(n_reports)
        trained_paragraphs[size_index].append(n_paragraphs)

    runs = []
    for size_index in range(len(sizes)):
        size_runs = []
        for repeat in range(repeats):
            row = pooled.get((size_index, repeat))
            if row is None:
                continue
            scored = [i for i, label in enumerate(row) if label is not None]
            size_runs.append(scores(truth[scored], [row[i] for i in scored], labels)["macro_f1"])
        runs.append(size_runs)
    keep = [k for k in range(len(sizes)) if runs[k]]
    curve = {
        "sizes": [sizes[k] for k in keep],
        "reports": [float(np.mean(trained_reports[k])) for k in keep],
        "paragraphs": [float(np.mean(trained_paragraphs[k])) for k in keep],
        "mean": [float(np.mean(runs[k])) for k in keep],
        "std": [float(np.std(runs[k])) for k in keep],
        "runs": [runs[k] for k in keep],
        "fold_scores": [fold_scores[k] for k in keep],
        "total_reports": len(unique),
        "total_paragraphs": len(data),
        "folds": folds,
        "repeats": repeats,
    }
    curve["fit"] = fit_power_law(curve["reports"], curve["mean"])
    curve["fit_runs"] = [fit_power_law(curve["reports"], [r[k] for r in curve["runs"]])
                         for k in range(repeats) if all(len(r) > k for r in curve["runs"])]
    return curve


def _with_two_labels(order, size, members, labels):
    """The first ``size`` reports of ``order``, widened until they hold at least two labels."""
    chosen = list(order[:size])
    seen = {labels[p] for group in chosen for p in members[group]}
    extra = size
    while len(seen) < 2 and extra < len(order):
        chosen.append(order[extra])
        seen |= {labels[p] for p in members[order[extra]]}
        extra += 1
    return chosen if len(seen) >= 2 else None


def _power_law(n, a, b, c):
    return a - b * np.power(n, -c)


def fit_power_law(reports, f1) -> dict:
    """Fit macro-F1 ≈ a − b·n^(−c) to points (n reports, macro-F1).

    Returns ``{"method": "power law", "a", "b", "c", "predict"}`` where ``predict(n)`` gives the
    fitted macro-F1; ``a`` is the ceiling with unlimited reports. When the fit fails or there are
    fewer than four points, falls back to a straight line in log2(n) through the last three points
    (``method`` "log-linear", ``slope`` the gain per doubling), which keeps gaining forever and so
    overstates the gain of many more reports.
    """
    x = np.asarray(reports, dtype=float)
    y = np.asarray(f1, dtype=float)
    if len(x) >= 4 and len(set(x)) >= 4:
        try:
            import warnings

            from scipy.optimize import OptimizeWarning, curve_fit

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", OptimizeWarning)
                (a, b, c), _ = curve_fit(_power_law, x, y, p0=(min(1.0, y.max() + 0.05), 1.0, 0.5),
                                         bounds=([0.0, 0.0, 0.01], [1.0, 100.0, 3.0]), maxfev=20000)
            if np.all(np.isfinite([a, b, c])):
                a, b, c = float(a), float(b), float(c)
                return {"method": "power law", "a": a, "b": b, "c": c,
                        "predict": lambda n, a=a, b=b, c=c: float(_power_law(float(n), a, b, c))}
        except (RuntimeError, ValueError):
            pass
    last = slice(-3, None) if len(x) >= 3 else slice(None)
    if len(set(x[last])) >= 2:
        slope, intercept = np.polyfit(np.log2(x[last]), y[last], 1)
    else:
        slope, intercept = 0.0, float(np.mean(y)) if len(y) else 0.0
    slope, intercept = float(slope), float(intercept)
    return {"method": "log-linear", "slope": slope, "intercept": intercept,
            "predict": lambda n, s=slope, i=intercept: float(min(1.0, i + s * math.log2(n)))}


def doubling_gain(fit: dict, n: float) -> float:
    """Fitted macro-F1 at ``2n`` reports minus at ``n``."""
    return fit["predict"](2 * n) - fit["predict"](n)


def curve_conclusion(curve: dict) -> str:
    """Whether more labelled reports would still help, and by how much, from the numbers."""
    fit = curve["fit"]
    total = curve["total_reports"]
    reports, mean, std = curve["reports"], curve["mean"], curve["std"]
    lines = [f"Macro-F1 (held-out reports) goes from {mean[0]:.3f} with {reports[0]:.0f} training reports "
             f"to {mean[-1]:.3f} ± {std[-1]:.3f} with {reports[-1]:.0f}."]
    if len(mean) >= 2:
        lines.append(f"The last step ({reports[-2]:.0f} → {reports[-1]:.0f} reports, ×{reports[-1] / reports[-2]:.1f}) "
                     f"changed macro-F1 by {mean[-1] - mean[-2]:+.3f}.")
    gain = doubling_gain(fit, total)
    if fit["method"] == "power law":
        lines.append(f"Fitted curve: macro-F1 ≈ {fit['a']:.3f} − {fit['b']:.3f}·n^(−{fit['c']:.2f}); "
                     f"ceiling with unlimited reports ≈ {fit['a']:.3f}.")
    else:
        lines.append(f"The power-law fit failed; a line in log2(n) through the last points gives "
                     f"{fit['slope']:+.3f} per doubling (it never levels off, so it overstates large gains).")
    lines.append(f"Predicted macro-F1 with all {total} reports: {fit['predict'](total):.3f}; "
                 f"with twice as many ({2 * total}): {fit['predict'](2 * total):.3f}, a gain of {gain:+.3f}.")
    spread = [doubling_gain(f, total) for f in curve.get("fit_runs", [])]
    if len(spread) >= 2:
        lines.append(f"Fitted to each repeat alone, the gain from doubling ranges {min(spread):+.3f} to "
                     f"{max(spread):+.3f}.")
    noise = max(std[-1], 0.005)
    if gain >= max(0.02, 2 * noise):
        verdict = "More labelled reports would still help noticeably."
    elif gain >= max(0.005, noise):
        verdict = "More labelled reports would still help, but modestly: expect small gains for the labelling effort."
    else:
        verdict = ("More labelled reports would barely help: the curve has levelled off within the noise; "
                   "better features or cleaner labels are likelier to pay.")
    lines.append(verdict)
    return "\n".join(lines)


# --------------------------------------------------------------------------- presentation


def format_table(rows, columns, floats="{:.3f}", width=None) -> str:
    """A Markdown table of ``rows`` (dicts) with ``columns``; long text cut to ``width`` chars."""
    def cell(value):
        if isinstance(value, float):
            value = floats.format(value)
        value = "" if value is None else str(value)
        value = value.replace("|", "\\|").replace("\n", " ")
        if width and len(value) > width:
            value = value[:width - 1] + "…"
        return value

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(column)) for column in columns) + " |" for row in rows]
    return "\n".join(lines)


def plot_confusion(block: dict, ax=None, normalise=True):
    """Heatmap of a :func:`classifier.evaluate.scores` confusion matrix (rows: true label);
    ``normalise`` shows each row as shares of the true label, annotated with the counts."""
    import matplotlib.pyplot as plt

    labels = block["labels"]
    counts = np.asarray(block["confusion"], dtype=float)
    shown = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1) if normalise else counts
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 5))
    image = ax.imshow(shown, cmap="Blues", vmin=0, vmax=1 if normalise else None)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, f"{int(counts[i, j])}", ha="center", va="center",
                    color="white" if shown[i, j] > 0.5 * (shown.max() or 1) else "black", fontsize=9)
    ax.figure.colorbar(image, ax=ax, label="share of true label" if normalise else "paragraphs")
    ax.set_title("Out-of-fold confusion matrix")
    return ax


def plot_learning_curve(curve: dict, ax=None):
    """Macro-F1 against training reports (log scale), with the spread over repeats, the fitted
    curve extended to twice the corpus, and the corpus size marked."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    x = np.asarray(curve["reports"])
    mean, std = np.asarray(curve["mean"]), np.asarray(curve["std"])
    ax.errorbar(x, mean, yerr=std, fmt="o", capsize=3, label="held-out macro-F1 (± sd over repeats)")
    total = curve["total_reports"]
    grid = np.geomspace(max(1.0, x.min()), 2 * total, 100)
    fit = curve["fit"]
    ax.plot(grid, [fit["predict"](n) for n in grid], "-", alpha=0.7, label=f"fit ({fit['method']})")
    ax.axvline(total, color="grey", linestyle=":", label=f"whole corpus ({total} reports)")
    ax.axvline(2 * total, color="grey", linestyle="--", alpha=0.5, label="twice the corpus")
    ax.set_xscale("log", base=2)
    ticks = sorted({int(round(v)) for v in x} | {total, 2 * total})
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("training reports")
    ax.set_ylabel("macro-F1")
    ax.set_title("Learning curve (grouped CV)")
    ax.legend(loc="lower right", fontsize=8)
    return ax
