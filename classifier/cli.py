"""Command line: ``python -m classifier predict|train|evaluate``; a thin layer over the library."""
from __future__ import annotations

import argparse
import json
import os
import sys

from .errors import InputError

PROG = "classifier"


def _whole_number(value, least):
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more, not {number}")
    return number


def _positive_int(value):
    return _whole_number(value, 1)


def _folds(value):
    return _whole_number(value, 2)


def _count(value):
    return _whole_number(value, 0)


class _CountOrFile(argparse.Action):
    """``--explain [N]``: a value that is not a whole number is a file, so ``--explain report.txt``
    means ``--explain`` (N = const) and the report, not a bad N."""

    def __call__(self, parser, namespace, value, option_string=None):
        if value is None:
            setattr(namespace, self.dest, self.const)
            return
        try:
            number = int(value)
        except ValueError:
            setattr(namespace, self.dest, self.const)
            if isinstance(namespace.inputs, list):  # the files named before the option: after them
                namespace.inputs.append(value)
            else:  # the files named after the option will replace inputs: kept apart until then
                namespace.inputs_before = getattr(namespace, "inputs_before", []) + [value]
            return
        if number < 1:
            raise argparse.ArgumentError(self, f"must be 1 or more, not {number}")
        setattr(namespace, self.dest, number)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .output import FORMATS

    parser = argparse.ArgumentParser(
        prog=PROG, description="Label the paragraphs of Chinese propaganda work reports by work area.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    predict = commands.add_parser("predict", help="label every paragraph of reports",
                                  description="Label every paragraph of reports (.txt in UTF-8, GB18030 or "
                                              "UTF-16, .docx, folders of them, - for stdin).")
    inputs = predict.add_argument("inputs", nargs="+", metavar="FILE",
                                  help="report files, folders, or - for stdin")
    # A file taken by --explain counts too: whether any was given is checked after parsing.
    inputs.required = False
    predict.add_argument("--model", help="model file (default: the shipped model in models/)")
    predict.add_argument("--format", choices=FORMATS,
                         help="output format (default: the one --out's extension names: .csv, .jsonl, "
                              ".html/.htm; else table)")
    predict.add_argument("--out", help="write to this file instead of standard output (needed for html); "
                                       "its extension sets the format")
    predict.add_argument("--force", action="store_true", help="replace --out if it exists (never an input)")
    predict.add_argument("--explain", nargs="?", action=_CountOrFile, const=5, default=0, metavar="N",
                         help="show the N strongest pieces of evidence for each paragraph's label "
                              "(default 5), each with its weight: words or word pairs (w:), "
                              "characters (c:), cue words of an area in the paragraph, its opening "
                              "clause or its heading (cues:, lead-cues:, heading-cues:), the area the "
                              "report's title names (title:) and, for a heading, the area of its "
                              "section (section:)")
    predict.add_argument("--jobs", type=_positive_int, default=1, metavar="N",
                         help="label reports on N processes (same output, faster batches)")

    train = commands.add_parser("train", help="train a model from labelled paragraphs",
                                description="Train a model from JSON Lines or CSV with text and label "
                                            "(optional: doc, heading), print grouped cross-validated scores "
                                            "and write the model.")
    train.add_argument("data", nargs="+", metavar="DATA", help="labelled paragraphs (.jsonl or .csv)")
    train.add_argument("--out", required=True, help="where to write the model")
    train.add_argument("--force", action="store_true", help="replace --out if it exists")
    train.add_argument("--labels", help="comma-separated label set; any other label in DATA is an error")
    train.add_argument("--corrections", help="JSON Lines of label corrections (doc, i, label, reason)")
    train.add_argument("--docs", help="folder of the documents DATA's spans refer to (adds end-to-end scores)")
    train.add_argument("--card", help="also write a model card (Markdown) to this file")
    train.add_argument("--folds", type=_folds, default=5, help="cross-validation folds (default 5)")
    train.add_argument("--repeats", type=_count, default=1, help="cross-validation repeats; 0 skips it (default 1)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    evaluate = commands.add_parser("evaluate", help="score a model on labelled paragraphs",
                                   description="Per-label precision, recall, F1 and support, macro-F1, "
                                               "accuracy and the confusion matrix.")
    evaluate.add_argument("data", metavar="DATA", help="labelled paragraphs (.jsonl or .csv)")
    evaluate.add_argument("--model", help="model file (default: the shipped model)")
    evaluate.add_argument("--cv", action="store_true",
                          help="instead of scoring a model, cross-validate a new one on DATA, grouped by doc")
    evaluate.add_argument("--docs", help="with --cv: folder of the documents DATA's spans refer to")
    evaluate.add_argument("--corrections", help="with --cv: label corrections to apply first")
    # No defaults here: the command refuses these options without --cv, and fills them in with it.
    evaluate.add_argument("--folds", type=_folds, help="with --cv: folds (default 5)")
    evaluate.add_argument("--repeats", type=_positive_int, help="with --cv: repeats (default 3)")
    evaluate.add_argument("--seed", type=int, help="with --cv: random seed (default 0)")
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    return parser


def _parse(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "predict":
        args.inputs = getattr(args, "inputs_before", []) + (args.inputs or [])
        if not args.inputs:
            parser.error("predict: the following arguments are required: FILE (a report, a folder or - for stdin)")
    return args


def main(argv=None) -> int:
    args = _parse(argv)
    try:
        from . import commands

        return getattr(commands, args.command)(args)
    except InputError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (head, less) went away: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # a full disk, an unwritable folder: said in one line
        where = err.filename or "standard output"
        print(f"{PROG}: error: {where}: {err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
