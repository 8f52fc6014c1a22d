"""What each modelling step is worth, by grouped, repeated cross-validation on the shared corpus.

    python benchmarks/accuracy_experiments.py [--repeats 3] [--out models/EXPERIMENTS.md]

Each row is a variant of the default model, cross-validated with folds grouped by report
(repeated reports dropped first), scored on the labelled paragraphs as they are ("paragraph")
and end to end ("end-to-end": the tool's own segmentation of each held-out report, every labelled
paragraph taking the label of the predicted paragraphs covering most of its characters).  The
table is written to --out with the date and the data's digest.
"""
from __future__ import annotations

import functools
import os
import time
from datetime import date

from cv_bench import ROOT, SHARED, cv_parser

from classifier.evaluate import cross_validate
from classifier.model import ParagraphClassifier
from classifier.tokenize import normalise
from classifier.training import load_training_data

NO_SECTION = {"section_weight": 0.0}
NO_TITLE = {"title_weight": 0.0, "theme_weight": 0.0, **NO_SECTION}
NO_CONTEXT = {"neighbour_weight": 0.0, "heading_context_weight": 0.0, **NO_TITLE}
# Segmentation as it was before hard-wrapped lines were joined.
NO_WRAP_JOINING = {"join_wrapped": False}


@functools.lru_cache(maxsize=None)
def _plain_tokenizer():
    import jieba

    return jieba.Tokenizer()


def plain_jieba(text):
    """Tokens of jieba's own dictionary only, without the domain dictionary."""
    return [t for t in map(normalise, _plain_tokenizer().lcut(text)) if t is not None]


# (name, what changes, model parameters, cross_validate's segmentation options)
VARIANTS = [
    ("words", "TF-IDF of jieba word 1–2-grams, logistic regression", dict(char_ngram_range=None, cue_weight=0, **NO_CONTEXT), NO_WRAP_JOINING),
    ("+chars", "and character 1–3-grams", dict(cue_weight=0, **NO_CONTEXT), NO_WRAP_JOINING),
    ("+heading words", "and the section heading's words as a third block (weight 0.5)", dict(cue_weight=0, heading_weight=0.5, **NO_CONTEXT), NO_WRAP_JOINING),
    ("+cues", "chars, and counts of each area's cue terms (resources/cues.tsv), no heading block", dict(**NO_CONTEXT), NO_WRAP_JOINING),
    ("+joined wraps", "and hard-wrapped lines joined in segmentation, cut at sentence ends", dict(**NO_CONTEXT), {}),
    ("+report context", "and the report context: neighbours (0.2) and heading (0.3) in decoding", dict(**NO_TITLE), {}),
    ("+title area", "and the area the report's title names, if one (classifier/theme.py): title 3.0, every paragraph 0.75", dict(**NO_SECTION), {}),
    ("default", "and a heading unsure of itself (own probability < 0.7) leaning to the paragraphs directly under it (0.5)", dict(), {}),
    ("default, no domain dictionary", "jieba without resources/userdict.txt", dict(tokenizer=plain_jieba), {}),
    ("default, no class weights", "class_weight=None", dict(class_weight=None), {}),
    ("default, C=3", "stronger regularisation", dict(C=3.0), {}),
    ("default, C=30", "weaker regularisation", dict(C=30.0), {}),
    ("default, chars 1–4", "character 1–4-grams", dict(char_ngram_range=(1, 4)), {}),
    ("default, cues ×2", "cue_weight=0.6", dict(cue_weight=0.6), {}),
    ("default + heading words", "heading block 0.2 on top of the context", dict(heading_weight=0.2), {}),
    ("default + lead words", "the opening clause's words as a block (0.3)", dict(lead_weight=0.3), {}),
    ("default, neighbours 0.1", "neighbour_weight=0.1", dict(neighbour_weight=0.1), {}),
    ("default, neighbours 0.35", "neighbour_weight=0.35", dict(neighbour_weight=0.35), {}),
    ("default, heading 0.6", "heading_context_weight=0.6", dict(heading_context_weight=0.6), {}),
    ("default, theme 0.4", "theme_weight=0.4", dict(theme_weight=0.4), {}),
    ("default, theme 1.5", "theme_weight=1.5", dict(theme_weight=1.5), {}),
    ("default, section 1.0", "section_weight=1.0", dict(section_weight=1.0), {}),
    ("default, section threshold 0.85", "section_threshold=0.85: surer headings lean too", dict(section_threshold=0.85), {}),
    ("default, title only", "theme_weight=0: only the title line leans to its area", dict(theme_weight=0.0), {}),
]


def main(argv=None):
    parser = cv_parser(__doc__.splitlines()[0], os.path.join(ROOT, "models", "EXPERIMENTS.md"))
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpus"), help="folder with labels.jsonl and docs/")
    parser.add_argument("--only", help="run only variants whose name contains this")
    args = parser.parse_args(argv)

    labels_path = os.path.join(args.corpus, "labels.jsonl")
    # Read as `train` reads it: corrections applied, repeated paragraphs dropped, files hashed.
    data, info = load_training_data([labels_path], corrections=args.corrections or None)
    digest, corrected = info["files"][labels_path][:16], info["corrections_applied"]
    rows = []
    for name, change, params, segmentation in VARIANTS:
        if args.only and args.only not in name:
            continue
        started = time.time()
        result = cross_validate(lambda: ParagraphClassifier(**params), data, folds=args.folds,
                                repeats=args.repeats, docs_dir=os.path.join(args.corpus, "docs"), **segmentation)
        para, e2e = result["paragraph"], result["end_to_end"]
        rows.append((name, change, para, e2e))
        per_label = " ".join(f"{label[:4]} {e2e['per_label'][label]['f1']:.2f}" for label in e2e["labels"])
        print(f"{name:32} paragraph {para['macro_f1']:.4f}  end-to-end {e2e['macro_f1']:.4f}  ({per_label})"
              f"  {time.time() - started:.0f}s", flush=True)

    if not rows:
        parser.error(f"no variant's name contains {args.only!r}")

    def spread(block):
        runs = block["macro_f1_runs"]
        return f"{block['macro_f1']:.3f} ± {(max(runs) - min(runs)) / 2:.3f}"

    labels = rows[0][3]["labels"]
    lines = [
        "# What was tried, and what it is worth",
        "",
        f"Made by `python benchmarks/accuracy_experiments.py` on {date.today()}: the shared corpus "
        f"(`labels.jsonl` SHA-256 {digest}…, {corrected} label(s) corrected by `{os.path.relpath(args.corrections, ROOT) if args.corrections else 'nothing'}`), repeated reports dropped, {args.folds}-fold cross-validation "
        f"grouped by report, repeated {args.repeats} times with different folds (± is half the range of "
        "the repeats). Macro-F1 over the six labels; the per-label columns are end-to-end F1.",
        "",
        "| variant | change | paragraph macro-F1 | end-to-end macro-F1 | " + " | ".join(labels) + " |",
        "|---|---|---|---|" + "---|" * len(labels),
    ]
    for name, change, para, e2e in rows:
        lines.append(f"| {name} | {change} | {spread(para)} | {spread(e2e)} | "
                     + " | ".join(f"{e2e['per_label'][label]['f1']:.2f}" for label in labels) + " |")
    notes_path = os.path.join(ROOT, "models", "EXPERIMENTS_NOTES.md")
    if os.path.exists(notes_path):
        with open(notes_path, encoding="utf-8") as handle:
            lines += ["", handle.read().rstrip()]
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
