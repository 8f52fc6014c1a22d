"""What the cross-validating benchmarks share: their options, the corpus read as ``train`` reads
it, and the table they write."""
from __future__ import annotations

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
OUT = os.path.join(ROOT, "benchmarks", "out")  # results not kept in git

from classifier.training import load_training_data  # noqa: E402


def cv_parser(description: str, out: str) -> argparse.ArgumentParser:
    """--repeats, --folds, --corrections and --out (default ``out``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--corrections", default=os.path.join(ROOT, "models", "corrections.jsonl"),
                        help="label corrections to apply, as training applies them ('' for none)")
    parser.add_argument("--out", default=out)
    return parser


def read_corpus(corpus: str, corrections: str):
    """The labelled paragraphs of ``corpus``/labels.jsonl, corrections applied, repeats dropped."""
    return load_training_data([os.path.join(corpus, "labels.jsonl")], corrections=corrections or None)[0]


def runs_text(end_to_end: dict) -> str:
    """Each repeat's end-to-end macro-F1, for a table cell."""
    return ", ".join(f"{run:.3f}" for run in end_to_end["macro_f1_runs"])


def write_table(path: str, lines: list) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print(f"wrote {path}")
