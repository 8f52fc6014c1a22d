"""Coordinate search over the default model's parameters, scored as ``evaluate --cv`` scores.

    python benchmarks/tune.py --grid fit:C=3,10,30 --repeats 1
    python benchmarks/tune.py --grid decode:neighbour_weight=0.1,0.2,0.3 --grid decode:temperature=0.5,0.7,1

Grouped 5-fold cross-validation by report, end to end (the tool's own segmentation of each held-out
report, each labelled paragraph taking the label covering most of its characters), the same folds
for every row (`cross_validate`'s folds for the same --seed).  A ``fit:`` parameter changes the
fitted model; a ``decode:`` parameter only how a fitted model reads a report (neighbours, heading,
section lean, title area, temperature), so all decode rows share one fit per fold and are paired
exactly.  ``--base`` sets parameters every row shares.  Each row prints one JSON line (end-to-end
macro-F1 per repeat and per label, paragraph ECE); ``--oof`` also saves the first row's out-of-fold
paragraph probabilities for reading the corpus' disagreements.
"""
from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import sys
import time

import numpy as np

from cv_bench import SHARED, read_corpus, ROOT

from classifier import context
from classifier.evaluate import _fold_splits, _pool, calibration, grouped, label_by_overlap, scores, segment_docs
from classifier.model import ParagraphClassifier

DECODE = {"neighbour_weight", "heading_context_weight", "section_weight", "section_threshold",
          "title_weight", "theme_weight", "temperature"}


def parse_value(text):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # "balanced"


def parse_grid(specs):
    """``kind:name=v1,v2;name2=…`` → (kind, [dict, …]); names within one spec vary together
    as a product."""
    kind, _, body = specs.partition(":")
    if kind not in ("fit", "decode"):
        raise SystemExit(f"--grid {specs!r}: start with fit: or decode:")
    names, values = [], []
    for part in body.split(";"):
        name, _, vals = part.partition("=")
        names.append(name)
        # a tuple value such as (1,4) is written 1-4
        values.append([tuple(int(x) for x in v.split("-")) if "-" in v and not v.startswith("-") else parse_value(v)
                       for v in vals.split(",")])
    for name in names:
        if (name in DECODE) != (kind == "decode"):
            raise SystemExit(f"{name} is a {'decode' if name in DECODE else 'fit'} parameter")
    return kind, [dict(zip(names, combo)) for combo in itertools.product(*values)]


def rows_from(grids):
    """[(fit params, [decode params, …])]: the baseline first; one fit per fit row."""
    fits, decodes = [{}], [{}]
    for spec in grids:
        kind, combos = parse_grid(spec)
        (fits if kind == "fit" else decodes).extend(combos)
    return [(fit, decodes if not fit else [{}]) for fit in fits]


def run(data, groups, doc_paragraphs, base, rows, folds, repeats, seed, log, oof=None, splits=None):
    """Cross-validate every (fit, decode) row; print a JSON line per row as it finishes.
    ``splits(repeat)``, if given, yields (train, test) positions instead of the grouped folds.
    Each result also holds the last repeat's end-to-end labels (``predictions``, not printed)."""
    labels = sorted(set(data.labels))
    keys = [(json.dumps(fit, sort_keys=True), json.dumps(dec, sort_keys=True)) for fit, decs in rows for dec in decs]
    e2e_runs = {key: [] for key in keys}
    para_runs = {key: [] for key in keys}
    oof_proba = np.zeros((repeats, len(data), len(labels))) if oof else None
    started = time.time()
    for repeat in range(repeats):
        e2e = {key: [None] * len(data) for key in keys}
        para = {key: [None] * len(data) for key in keys}
        conf = {key: [0.0] * len(data) for key in keys}
        fold_iter = splits(repeat) if splits else _fold_splits(groups, folds, repeat, seed)
        for train, test in fold_iter:
            train_data, test_data = data.subset(train), data.subset(test)
            test_groups = [groups[p] for p in test]
            docs = sorted(set(test_data.docs))
            for fit, decs in rows:
                model = ParagraphClassifier(**{**base, **fit})
                model.fit(train_data.texts, train_data.labels, headings=train_data.headings)
                gold_x = model.transform(test_data.texts, test_data.headings)
                doc_x = {doc: model.transform([p.text for p in doc_paragraphs[doc]],
                                              [p.heading for p in doc_paragraphs[doc]]) for doc in docs}
                for dec in decs:
                    key = (json.dumps(fit, sort_keys=True), json.dumps(dec, sort_keys=True))
                    settings = {**ParagraphClassifier().get_params(), **base, **fit, **dec}
                    model.set_params(**{k: v for k, v in settings.items() if k in DECODE})
                    proba, _ = context.report_proba(model, test_data.texts, gold_x, test_data.headings,
                                                     context.title_theme(model, test_data.texts, test_groups),
                                                     test_groups)
                    for position, row in zip(test, proba):
                        para[key][position] = model.classes_[int(np.argmax(row))]
                        conf[key][position] = float(row.max())
                    if oof and key == keys[0]:
                        oof_proba[repeat, test] = proba
                    for doc in docs:
                        paragraphs = doc_paragraphs[doc]
                        texts = [p.text for p in paragraphs]
                        heads = [p.heading for p in paragraphs]
                        probs, _ = context.report_proba(model, texts, doc_x[doc], heads,
                                                           context.title_theme(model, texts, None), None)
                        predicted = model.classes_[np.argmax(probs, axis=1)]
                        triples = [(p.start, p.end, lab) for p, lab in zip(paragraphs, predicted)]
                        members = [pos for pos in test if data.docs[pos] == doc]
                        for pos, lab in zip(members, label_by_overlap([data.spans[m] for m in members], triples)):
                            e2e[key][pos] = lab if lab is not None else "other"
        for key in keys:
            e2e_runs[key].append(scores(data.labels, e2e[key], labels))
            p = scores(data.labels, para[key], labels)
            p["calibration"] = calibration([t == q for t, q in zip(data.labels, para[key])], conf[key])
            para_runs[key].append(p)
        print(f"# repeat {repeat} done {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    results = []
    for key in keys:
        e, p = _pool(e2e_runs[key]), _pool(para_runs[key])
        result = {"fit": json.loads(key[0]), "decode": json.loads(key[1]), "e2e": round(e["macro_f1"], 4),
                  "runs": [round(r, 4) for r in e["macro_f1_runs"]],
                  "per_label": {lab: round(e["per_label"][lab]["f1"], 3) for lab in labels},
                  "para": round(p["macro_f1"], 4), "ece": round(p["calibration"]["ece"], 4),
                  "base": base, "repeats": repeats, "seconds": round(time.time() - started)}
        print(json.dumps(result, ensure_ascii=False), file=log, flush=True)
        results.append(result | {"predictions": e2e[key]})
    if oof:
        np.savez_compressed(oof, proba=oof_proba, labels=np.array(labels), ids=np.array([f"{d}#{i}" for d, i in data.ids]),
                            gold=np.array(data.labels))
    return results


def add_cues(path):
    """Add the cue terms of ``path`` to those of resources/cues.tsv for this process."""
    from classifier import resources, vectorize

    cues = resources.cues()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                label, term = line.rstrip("\n").split("\t")
                if term not in cues.setdefault(label, []):
                    cues[label].append(term)
    resources.cue_index.cache_clear()  # rebuilt from the extended terms
    vectorize._cue_search.cache_clear()


def load(corpus, corrections):
    data, groups = grouped(read_corpus(corpus, corrections), True, "tuning")
    return data, groups, segment_docs(os.path.join(corpus, "docs"), sorted(set(data.docs)))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpus"))
    parser.add_argument("--corrections", default=os.path.join(ROOT, "models", "corrections.jsonl"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base", default="{}", help="parameters of every row, as a Python dict")
    parser.add_argument("--grid", action="append", default=[], help="fit:name=v1,v2 or decode:name=v1,v2")
    parser.add_argument("--oof", help="save the first row's out-of-fold probabilities here (.npz)")
    parser.add_argument("--extra-cues", help="more cue terms (label<TAB>term lines) on top of resources/cues.tsv")
    args = parser.parse_args(argv)
    if args.extra_cues:
        add_cues(args.extra_cues)
    data, groups, doc_paragraphs = load(args.corpus, args.corrections)
    run(data, groups, doc_paragraphs, ast.literal_eval(args.base), rows_from(args.grid), args.folds,
        args.repeats, args.seed, sys.stdout, args.oof)


if __name__ == "__main__":
    main()
