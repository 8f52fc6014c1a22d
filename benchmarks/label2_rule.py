"""Choose the rule that gives a paragraph its secondary label (``label2``), on grouped cross-validation.

    OPENBLAS_NUM_THREADS=1 python benchmarks/label2_rule.py [--shared ../shared] [--folds 5]
                                                            [--cache /tmp/label2_rule.pkl]

For every fold (5, grouped by report, as ``evaluate --cv``'s first repeat) the default model is fit
on the other reports (with the shipped corrections), and of each held-out paragraph it keeps: its
probabilities read as part of its report (what ``predict`` shows), its own probabilities (the
paragraph alone), and the probabilities of its pieces (:func:`classifier.mixed.pieces`: sentences
and list items, each with the paragraph's heading).  These are cached (``--cache``), so the rules
are re-scored in seconds.  Rules compared, each as a curve of its parameters:

- ``report``: the runner-up of the report-read probabilities at or above a threshold (the first rule);
- ``own``: the runner-up of the paragraph's own probabilities at or above a threshold;
- ``share``: the label guide's rule: the area (not the label, not ``other``) whose pieces cover at
  least a share of the paragraph's characters, counting pieces whose best label it is with at least
  a confidence; only paragraphs of two pieces or more can get one;
- ``gate+share``: ``share``, tried only when the paragraph's own probability of its runner-up
  reaches a gate (what lets ``predict`` classify the pieces of few paragraphs).

A ``label2`` is right when the gold paragraph has that very ``label2`` (a gold ``label2`` equal to the
corrected label is none).  Printed per rule: its best setting by F1 among those of precision at least
0.25, else its most precise setting giving at least 50 labels; precision, recall, F1 and labels given;
then the setting chosen for ``predict`` (``ParagraphClassifier``'s ``label2_threshold`` = gate,
``label2_share``, ``label2_confidence``): the best of ``gate+share+runner-up`` among those that
classify the pieces of at most 15% of the text (the cost ``predict`` can afford).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from classifier.evaluate import _fold_splits, fit_and_read, grouped  # noqa: E402
from classifier.mixed import pieces, share_label  # noqa: E402
from classifier.training import default_estimator, load_training_data  # noqa: E402

MIN_PIECES = (10, 25)  # piece sizes cached (:data:`classifier.mixed.MIN_PIECE` and a coarser one)


def gold_label2(labels_path: str) -> dict:
    """{(doc, i): label2} of the paragraphs the corpus gives a secondary label."""
    found = {}
    with open(labels_path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("label2"):
                found[(str(row["doc"]), int(row["i"]))] = row["label2"]
    return found


def _columns(model, labels, proba):
    """``proba`` (columns in ``model.classes_`` order) in ``labels`` order."""
    out = np.zeros((len(proba), len(labels)))
    for k, label in enumerate(model.classes_):
        out[:, labels.index(label)] = proba[:, k]
    return out


def collect(shared: str, folds: int) -> dict:
    """Out-of-fold probabilities of paragraphs and of their pieces, with the gold labels."""
    labels_path = os.path.join(shared, "corpus", "labels.jsonl")
    data, _ = load_training_data([labels_path], corrections=os.path.join(ROOT, "models", "corrections.jsonl"))
    data, groups = grouped(data, False, "label2 benchmark")
    labels = sorted(set(data.labels))
    n = len(data)
    report, own = np.zeros((n, len(labels))), np.zeros((n, len(labels)))
    spans = {m: [None] * n for m in MIN_PIECES}
    piece_proba = {m: [None] * n for m in MIN_PIECES}
    for number, (train, test) in enumerate(_fold_splits(groups, folds, 0, 0)):
        started = time.time()
        test_data = data.subset(test)
        model, read = fit_and_read(default_estimator, data.subset(train), test_data, [groups[i] for i in test])
        report[test] = _columns(model, labels, read)
        own[test] = _columns(model, labels, model.predict_proba(test_data.texts, headings=test_data.headings))
        for m in MIN_PIECES:
            texts, headings, owners = [], [], []
            for position, text, heading in zip(test, test_data.texts, test_data.headings):
                cut = pieces(text, m)
                spans[m][position] = cut
                for a, b in cut:
                    texts.append(text[a:b])
                    headings.append(heading)
                    owners.append(position)
            proba = _columns(model, labels, model.predict_proba(texts, headings=headings))
            for position in test:
                piece_proba[m][position] = []
            for position, row in zip(owners, proba):
                piece_proba[m][position].append(row)
        print(f"fold {number + 1}/{folds}: {len(test)} paragraphs, {time.time() - started:.0f} s", flush=True)
    wanted = gold_label2(labels_path)
    gold = [wanted.get(key) if wanted.get(key) != label else None for key, label in zip(data.ids, data.labels)]
    return {"labels": labels, "report": report, "own": own, "spans": spans, "piece_proba": piece_proba,
            "gold": gold, "texts": list(data.texts), "truth": list(data.labels)}


def runner_up(row, labels, exclude):
    """(label, probability) of the highest of ``row`` whose label is not in ``exclude``."""
    k = max((k for k in range(len(row)) if labels[k] not in exclude), key=lambda k: (row[k], -k))
    return labels[k], row[k]


def score(predicted, gold) -> dict:
    """Precision, recall and F1 of predicted secondary labels (None: none) against gold ones."""
    hits = sum(1 for p, g in zip(predicted, gold) if p is not None and p == g)
    given = sum(1 for p in predicted if p is not None)
    wanted = sum(1 for g in gold if g is not None)
    precision = hits / given if given else 0.0
    recall = hits / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "given": given, "hits": hits}


def rules(cache):
    """(rule name, setting, label2 per paragraph, share of the characters whose pieces are
    classified) for every rule and setting compared."""
    labels = cache["labels"]
    primary = [labels[k] for k in cache["report"].argmax(axis=1)]
    fallback = "other"
    chars = np.array([len(text) for text in cache["texts"]])
    for name, proba in (("report", cache["report"]), ("own", cache["own"])):
        seconds = [runner_up(row, labels, {p, fallback}) for row, p in zip(proba, primary)]
        for t in np.arange(0.05, 0.91, 0.05):
            yield name, f"threshold {t:.2f}", [label if value >= t else None for label, value in seconds], 0.0
    seconds = [runner_up(row, labels, {p, fallback}) for row, p in zip(cache["report"], primary)]
    for m in MIN_PIECES:
        sizes = [[b - a for a, b in spans] for spans in cache["spans"][m]]
        several = np.array([len(size) >= 2 for size in sizes])
        for share in (0.2, 0.25, 0.3, 0.33, 0.4, 0.5):
            for confidence in (0.0, 0.5, 0.6, 0.7, 0.8):
                found = [share_label(rows, size, labels, {p, fallback}, share, confidence) if len(size) >= 2 else None
                         for rows, size, p in zip(cache["piece_proba"][m], sizes, primary)]
                setting = f"share {share:.2f} confidence {confidence:.1f}"
                yield f"share (pieces >= {m})", setting, found, chars[several].sum() / chars.sum()
                # What predict does (classifier.mixed.secondary_labels): pieces only of paragraphs
                # whose runner-up reaches the gate, and only the runner-up confirmed by them.
                for gate in (0.0, 0.01, 0.02, 0.05, 0.1, 0.2):
                    tried = several & np.array([value >= gate for _, value in seconds])
                    gated = [f if ok and f == label else None for f, ok, (label, _) in zip(found, tried, seconds)]
                    yield (f"gate+share+runner-up (pieces >= {m})", f"gate {gate:.2f} {setting}", gated,
                           chars[tried].sum() / chars.sum())


def choose(curve):
    """The setting of best F1 among those of precision >= 0.25, else the most precise giving >= 50."""
    trusted = [item for item in curve if item[1]["precision"] >= 0.25 and item[1]["given"] >= 10]
    if trusted:
        return max(trusted, key=lambda item: item[1]["f1"])
    enough = [item for item in curve if item[1]["given"] >= 50]
    return max(enough or curve, key=lambda item: (item[1]["precision"], item[1]["f1"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--cache", default="/tmp/label2_rule.pkl")
    parser.add_argument("--curve", help="also print every setting of this rule")
    args = parser.parse_args()
    if os.path.exists(args.cache):
        with open(args.cache, "rb") as handle:
            cache = pickle.load(handle)
    else:
        cache = collect(args.shared, args.folds)
        with open(args.cache, "wb") as handle:
            pickle.dump(cache, handle)
    gold = cache["gold"]
    print(f"{len(gold)} paragraphs, {sum(g is not None for g in gold)} with a gold label2; "
          f"{args.folds} folds grouped by report")
    curves = {}
    for name, setting, found, cost in rules(cache):
        curves.setdefault(name, []).append((setting, dict(score(found, gold), cost=cost)))
    for name, curve in curves.items():
        setting, s = choose(curve)
        print(f"{name:38s} {setting:42s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
              f"({s['hits']} right of {s['given']} given; pieces of {s['cost']:.0%} of the text)")
    # predict classifies the pieces of at most ~15% of the text: what keeps it within 10% of its time.
    cheap = [item for item in curves[f"gate+share+runner-up (pieces >= {MIN_PIECES[0]})"] if item[1]["cost"] <= 0.15]
    setting, s = choose(cheap)
    print(f"\nchosen (pieces of at most 15% of the text): {setting}: P {s['precision']:.3f}  R {s['recall']:.3f}  "
          f"F1 {s['f1']:.3f}  ({s['hits']} right of {s['given']} given)")
    if args.curve:
        for setting, s in curves[args.curve]:
            print(f"  {setting:42s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
                  f"given {s['given']:4d}  pieces of {s['cost']:.0%} of the text")


if __name__ == "__main__":
    main()
