"""The accuracy issue's baselines, measured the way the default model is measured.

    python benchmarks/baselines.py [--repeats 3] [--out benchmarks/out/baselines.md]

The issue that set the accuracy goal scores simple approaches on a held-out set this project
cannot see. This runs the same kinds of approach through the project's own measure (5-fold
cross-validation grouped by report on the shared corpus, end to end through the tool's
segmentation), beside the default model on the same folds, so that the two tables can be read
side by side. The two linear baselines have scikit-learn's default settings but balanced class
weights (the labels are far from balanced; without them the word model scores about 0.60). The
issue does not give its settings, so a gap between the two tables is only a hint of how the
held-out set compares with the corpus.
fastText is not in this project's stack and is left out.
"""
from __future__ import annotations

import os
import re
import time
from datetime import date

import numpy as np
from cv_bench import OUT, SHARED, cv_parser, read_corpus, runs_text, write_table

from classifier.evaluate import cross_validate
from classifier.training import default_estimator
from classifier.tokenize import tokenize


def guide_cues(guide_text: str) -> dict:
    """{area: [search terms]} from the "typical cues" column of the annotation guide's label
    table: each cue split at ``/`` (舆情监测/研判/处置 gives three terms), terms of one character
    dropped.  ``other`` is left out: it is what no area's term matches."""
    cues = {}
    for line in guide_text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`[a-z]+`", cells[0]) or cells[0] == "`other`":
            continue
        terms = [term.strip() for cue in cells[-1].split(",") for term in cue.split("/")]
        cues[cells[0].strip("`")] = [term for term in terms if len(term) > 1]
    return cues


class _Flat:
    """A paragraph classifier with no report context, in the shape cross_validate expects."""

    def fit(self, X, y, headings=None):
        self.pipeline_.fit(list(X), list(y))
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_report(self, X, headings=None, reports=None):
        return self.pipeline_.predict(list(X))

    def predict_report_proba(self, X, headings=None, reports=None):
        # One-hot: the scores only need the argmax.
        return (self.predict_report(X)[:, None] == self.classes_[None, :]).astype(float)


class WordLogistic(_Flat):
    """TF-IDF of jieba word 1–2-grams, logistic regression."""

    def __init__(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        self.pipeline_ = make_pipeline(
            TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False, ngram_range=(1, 2)),
            LogisticRegression(class_weight="balanced", max_iter=2000))


class CharSVM(_Flat):
    """TF-IDF of character 1–3-grams, linear SVM."""

    def __init__(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.svm import LinearSVC

        self.pipeline_ = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)),
                                       LinearSVC(class_weight="balanced"))


class KeywordCount(_Flat):
    """Each area's search terms counted; the area with most hits, ``other`` when none hit."""

    def __init__(self, cues: dict):
        self.cues = cues

    def fit(self, X, y, headings=None):
        self.classes_ = np.array(sorted(set(y)))
        return self

    def predict_report(self, X, headings=None, reports=None):
        labels = []
        for text in X:
            hits = {area: sum(text.count(term) for term in terms) for area, terms in sorted(self.cues.items())}
            best = max(hits, key=hits.get)
            labels.append(best if hits[best] else "other")
        return np.array(labels)


def main(argv=None):
    parser = cv_parser(__doc__.splitlines()[0], os.path.join(OUT, "baselines.md"))
    parser.add_argument("--shared", default=SHARED, help="folder with LABELS.md and corpus/")
    args = parser.parse_args(argv)

    corpus = os.path.join(args.shared, "corpus")
    data = read_corpus(corpus, args.corrections)
    with open(os.path.join(args.shared, "LABELS.md"), encoding="utf-8") as handle:
        cues = guide_cues(handle.read())
    approaches = [
        ("keyword counting (the guide's typical cues)", lambda: KeywordCount(cues)),
        ("TF-IDF on jieba 1–2-grams + logistic regression", WordLogistic),
        ("TF-IDF on character 1–3-grams + linear SVM", CharSVM),
        ("the default model", default_estimator),
    ]
    lines = [
        "# The accuracy issue's baselines on the project's measure",
        "",
        f"Made by `python benchmarks/baselines.py` on {date.today()}: the shared corpus, {args.folds}-fold "
        f"cross-validation grouped by report, repeated {args.repeats} times (the same folds for every row), "
        "end to end through the tool's segmentation. The linear baselines have scikit-learn's default "
        "settings with balanced class weights.",
        "",
        "| approach | end-to-end macro-F1 | per repeat | lowest label |",
        "|---|---|---|---|",
    ]
    for name, make_model in approaches:
        started = time.time()
        e2e = cross_validate(make_model, data, folds=args.folds, repeats=args.repeats,
                             docs_dir=os.path.join(corpus, "docs"))["end_to_end"]
        runs = runs_text(e2e)
        lowest = min(e2e["per_label"], key=lambda label: e2e["per_label"][label]["f1"])
        lines.append(f"| {name} | {e2e['macro_f1']:.3f} | {runs} | {lowest} {e2e['per_label'][lowest]['f1']:.2f} |")
        print(f"{name:50} end-to-end {e2e['macro_f1']:.4f}  ({runs})  {time.time() - started:.0f}s", flush=True)
    write_table(args.out, lines)


if __name__ == "__main__":
    main()
