"""Hold out whole batches of the corpus: train on the other batches, score the held-out batch end
to end.

    python benchmarks/batch_holdout.py [--base "{'C': 10.0}"]

Batches by document name: the seeds and web_0xx (the first corpus) are one batch, then web_1xx,
web_2xx, … web_8xx (each added with its own focus, see ../shared/corpus/README.md).  A model that
only works on reports like those it saw scores lower here than in the grouped cross-validation.
Prints each batch's end-to-end macro-F1 and per-label F1, and the pooled scores over all batches.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys

from cv_bench import ROOT, SHARED
from tune import load, run

from classifier.evaluate import scores


def batch_of(doc: str) -> str:
    """'0xx' for the seeds and web_0NN, else 'Nxx' for web_NMM."""
    if doc.startswith("web_") and doc[4:5].isdigit() and doc[4] != "0":
        return f"{doc[4]}xx"
    return "0xx"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpus"))
    parser.add_argument("--corrections", default=os.path.join(ROOT, "models", "corrections.jsonl"))
    parser.add_argument("--base", default="{}", help="model parameters, as a Python dict")
    args = parser.parse_args(argv)
    data, groups, doc_paragraphs = load(args.corpus, args.corrections)
    batches = [batch_of(doc) for doc in data.docs]
    names = sorted(set(batches))

    def splits(repeat):
        for name in names:
            yield ([p for p, b in enumerate(batches) if b != name], [p for p, b in enumerate(batches) if b == name])

    base = ast.literal_eval(args.base)
    devnull = open(os.devnull, "w")
    [result] = run(data, groups, doc_paragraphs, base, [({}, [{}])], None, 1, 0, devnull, splits=splits)
    predicted = result["predictions"]
    labels = sorted(set(data.labels))
    print(f"parameters: {json.dumps(base)}")
    print("| batch | paragraphs | end-to-end macro-F1 | " + " | ".join(labels) + " |")
    print("|---|---|---|" + "---|" * len(labels))
    per_batch = []
    for name in names:
        members = [p for p, b in enumerate(batches) if b == name]
        s = scores([data.labels[p] for p in members], [predicted[p] for p in members], labels)
        per_batch.append(s["macro_f1"])
        print(f"| {name} | {len(members)} | {s['macro_f1']:.4f} | "
              + " | ".join(f"{s['per_label'][lab]['f1']:.3f}" if s['per_label'][lab]['support'] else "–" for lab in labels) + " |")
    pooled = scores(data.labels, predicted, labels)
    print(f"| pooled | {len(data)} | {pooled['macro_f1']:.4f} | "
          + " | ".join(f"{pooled['per_label'][lab]['f1']:.3f}" for lab in labels) + " |")
    print(f"mean of batches {sum(per_batch) / len(per_batch):.4f}; min {min(per_batch):.4f}")
    # A batch's macro-F1 averages labels it may hold only a few paragraphs of: read it with these.
    print("paragraphs per label: " + "; ".join(
        f"{name} " + " ".join(f"{lab[:4]} {sum(1 for p, b in enumerate(batches) if b == name and data.labels[p] == lab)}"
                              for lab in labels) for name in names))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
