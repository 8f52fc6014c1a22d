"""Figures of an error analysis: the confusion matrix as a heatmap, the learning curve with its fit."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_confusion", "plot_learning_curve"]


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
