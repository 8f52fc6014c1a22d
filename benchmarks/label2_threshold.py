"""Choose the threshold above which a paragraph's second-highest score becomes its ``label2``.

    OPENBLAS_NUM_THREADS=1 python benchmarks/label2_threshold.py [--shared ../shared] [--folds 5]

Out-of-fold probabilities of the default model on the shared corpus (with the shipped
corrections; folds grouped by report; held-out paragraphs read in order as parts of their report,
as ``predict`` reads them), then for every threshold from 0.01 to 0.60 the secondary labels that
rule gives, scored against the corpus's own ``label2``: a predicted ``label2`` is right when the
gold paragraph has that very ``label2``; precision over the paragraphs given one, recall over
the paragraphs whose gold has one. Two rules are compared: any label may be second, or any but
the fallback label (``other``). Prints the best threshold of each rule and the curve around it.
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np

from classifier.analysis import out_of_fold_predictions
from classifier.training import load_training_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THRESHOLDS = [round(0.01 * k, 2) for k in range(1, 61)]


def gold_label2(labels_path: str) -> dict:
    """{(doc, i): label2} of the paragraphs the corpus gives a secondary label."""
    found = {}
    with open(labels_path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("label2"):
                found[(str(row["doc"]), int(row["i"]))] = row["label2"]
    return found


def second_labels(proba, labels, threshold, exclude=None) -> list:
    """The second-highest label of each row when its probability reaches ``threshold``, else None
    (the label ``exclude`` never counts as second)."""
    result = []
    for row in proba:
        order = np.argsort(-row, kind="stable")
        second = next((k for k in order[1:] if labels[k] != exclude), None)
        result.append(labels[second] if second is not None and row[second] >= threshold else None)
    return result


def score(predicted, gold) -> dict:
    """Precision, recall and F1 of predicted secondary labels (None: none) against gold ones."""
    hits = sum(1 for p, g in zip(predicted, gold) if p is not None and p == g)
    given = sum(1 for p in predicted if p is not None)
    wanted = sum(1 for g in gold if g is not None)
    precision = hits / given if given else 0.0
    recall = hits / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "given": given, "wanted": wanted, "hits": hits}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    labels_path = os.path.join(args.shared, "corpus", "labels.jsonl")
    data, _ = load_training_data([labels_path], corrections=os.path.join(ROOT, "models", "corrections.jsonl"))
    oof = out_of_fold_predictions(None, data, folds=args.folds, dedupe=False)
    wanted = gold_label2(labels_path)
    # A secondary label equal to the (corrected) primary one says nothing: not a secondary label.
    gold = [wanted.get(key) if wanted.get(key) != label else None
            for key, label in zip(oof.data.ids, oof.data.labels)]
    print(f"{len(gold)} paragraphs, {sum(g is not None for g in gold)} with a gold label2; "
          f"{args.folds} folds grouped by report")
    for rule, exclude in (("any label second", None), ("'other' never second", "other")):
        curve = [(t, score(second_labels(oof.proba, oof.labels, t, exclude), gold)) for t in THRESHOLDS]
        best_t, best = max(curve, key=lambda item: (item[1]["f1"], -item[0]))
        print(f"\n{rule}: best threshold {best_t:.2f}: precision {best['precision']:.3f}, recall "
              f"{best['recall']:.3f}, F1 {best['f1']:.3f} ({best['hits']} right of {best['given']} given, "
              f"{best['wanted']} wanted)")
        for t, s in curve:
            if abs(t - best_t) <= 0.1 + 1e-9 and round(t * 100) % 2 == 0 or t == best_t:
                print(f"  {t:.2f}  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  given {s['given']}")


if __name__ == "__main__":
    main()
