"""A learning curve by number of labelled reports, a power law fitted to it, and what it says
about labelling more reports.

    >>> from classifier.curve import learning_curve, curve_conclusion
    >>> curve = learning_curve(None, data)                  # None: training.default_estimator()
    >>> print(curve_conclusion(curve))
"""
from __future__ import annotations

import math

import numpy as np

from .analysis import factory, run_fits
from .data import LabelledData
from .evaluate import _fold_splits, grouped, scores

__all__ = ["learning_curve", "fit_power_law", "doubling_gain", "curve_conclusion"]


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
    make_model = factory(make_model)
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
    for (size_index, repeat, test, n_reports, n_paragraphs), proba in zip(keys, run_fits(tasks, n_jobs)):
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
