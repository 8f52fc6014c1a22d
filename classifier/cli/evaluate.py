"""``classifier evaluate``: score a model on labelled paragraphs, or cross-validate a new one."""
from __future__ import annotations

import json
import os
import sys

from ..errors import InputError
from ._shared import add_model_options, folds, positive_int, say

# evaluate's options for --cv alone, with their defaults (None: not given); --docs serves both.
_CV_DEFAULTS = {"corrections": None, "folds": 5, "repeats": 3, "seed": 0}


def add_parser(subparsers) -> None:
    """The ``evaluate`` command's arguments."""
    evaluate = subparsers.add_parser("evaluate", help="score a model on labelled paragraphs",
                                     description="Per-label precision, recall, F1 and support, macro-F1, "
                                                 "accuracy and the confusion matrix.")
    evaluate.add_argument("data", metavar="DATA", help="labelled paragraphs (.jsonl or .csv)")
    add_model_options(evaluate)
    evaluate.add_argument("--cv", action="store_true",
                          help="instead of scoring a model, cross-validate a new one on DATA, grouped by doc")
    evaluate.add_argument("--docs", help="folder of the reports DATA's spans refer to (<doc>.txt, .docx, …): "
                                         "adds end-to-end scores, each report segmented by the tool itself")
    evaluate.add_argument("--corrections", help="with --cv: label corrections to apply first")
    # No defaults here: the command refuses these options without --cv, and fills them in with it.
    evaluate.add_argument("--folds", type=folds, help="with --cv: folds (default 5)")
    evaluate.add_argument("--repeats", type=positive_int, help="with --cv: repeats (default 3)")
    evaluate.add_argument("--seed", type=int, help="with --cv: random seed (default 0)")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")


def print_cv(result: dict, out) -> None:
    """A cross-validation result for the terminal: its paragraph and end-to-end score tables."""
    from ..tables import write_scores

    out.write(f"cross-validation: {result['folds']} folds grouped by report ({result['groups']} reports, "
              f"{result['n']} paragraphs), {result['repeats']} repeat(s)\n\n")
    write_scores(result["paragraph"], out, "paragraph scores")
    if result.get("end_to_end"):
        write_scores(result["end_to_end"], out, "end-to-end scores (own segmentation of each held-out report)")


def _cross_validate(args) -> int:
    from ..training import Notes, cross_validate_default, load_training_data

    for given, name in ((args.model, "--model"), (args.trust_pickle, "--trust-pickle")):
        if given:
            raise InputError(name, "is not used with --cv, which trains new models on DATA's folds")
    for name, default in _CV_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    data, _ = load_training_data([args.data], corrections=args.corrections)
    result = cross_validate_default(data, args.data, folds=args.folds, repeats=args.repeats, seed=args.seed,
                                    docs=args.docs, notes=Notes(say))
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_cv(result, sys.stdout)
    return 0


def run(args) -> int:
    """Score the model on DATA (or, with --cv, cross-validate a new one) and print the scores."""
    # Options that do nothing in the chosen mode are refused rather than silently ignored.
    if args.cv:
        return _cross_validate(args)
    given = next((name for name in _CV_DEFAULTS if getattr(args, name) is not None), None)
    if given:
        raise InputError(f"--{given}", "works only with --cv (cross-validation of a new model)")
    from ..data import read_labelled
    from ..evaluate import scores
    from ..persist import load_model_with_metadata
    from ..tables import write_scores

    if args.docs is not None and not os.path.isdir(args.docs):
        raise InputError(args.docs, "is not a folder of documents (--docs)")

    model, meta = load_model_with_metadata(args.model, trust_pickle=args.trust_pickle)
    labels = [str(c) for c in model.classes_]
    data = read_labelled(args.data, labels=labels)
    trained_on = set(((meta or {}).get("data") or {}).get("files", {}).values())
    if trained_on & set(data.sources.values()):
        print(f"note: {args.data} is the model's own training data: these scores say how well it fits "
              "that data, not how it does on new reports (use --cv for that)", file=sys.stderr)
    result = scores(data.labels, model.predict(data.texts, headings=data.headings), labels)
    end_to_end = _end_to_end(model, data, args, labels) if args.docs is not None else None
    if args.format == "json":
        print(json.dumps(result if end_to_end is None else {"paragraph": result, "end_to_end": end_to_end},
                         ensure_ascii=False, indent=2))
    else:
        write_scores(result, sys.stdout, f"scores of the model on {args.data} ({len(data)} paragraphs)")
        if end_to_end is not None:
            write_scores(end_to_end, sys.stdout, f"end-to-end scores (the tool's own segmentation of the "
                                                 f"{len(set(data.docs))} reports in {args.docs})")
    return 0


def _end_to_end(model, data, args, labels) -> dict:
    """Scores of DATA's spans labelled as ``predict`` labels the reports of --docs."""
    from ..evaluate import end_to_end_labels, scores, segment_docs

    where = next((n for n, (doc, span) in enumerate(zip(data.docs, data.spans)) if doc is None or span is None),
                 None)
    if where is not None:
        raise InputError(args.data, f"paragraph {where + 1} names no doc or no start/end: --docs needs both "
                                    "to find each paragraph in its report")
    paragraphs = segment_docs(args.docs, sorted(set(data.docs)))
    found = end_to_end_labels(model, data, range(len(data)), paragraphs)
    return scores(data.labels, [found[position] for position in range(len(data))], labels)
