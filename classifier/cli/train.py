"""``classifier train``: train a model from labelled paragraphs, print its cross-validated scores,
write it (and its card)."""
from __future__ import annotations

import hashlib
import os
import sys

from ..errors import InputError
from ._shared import count, file_name, folds, say


def add_parser(subparsers) -> None:
    """The ``train`` command's arguments."""
    train = subparsers.add_parser("train", help="train a model from labelled paragraphs",
                                  description="Train a model from JSON Lines or CSV with text and label "
                                              "(optional: doc, heading), print grouped cross-validated scores "
                                              "and write the model.")
    train.add_argument("data", nargs="+", metavar="DATA", help="labelled paragraphs (.jsonl or .csv)")
    train.add_argument("--out", required=True, type=file_name,
                       help="where to write the model (a .model file: data only, safe to share)")
    train.add_argument("--force", action="store_true", help="replace --out if it exists")
    train.add_argument("--labels", help="comma-separated label set; any other label in DATA is an error")
    train.add_argument("--corrections", type=file_name, help="JSON Lines of label corrections (doc, i, label, reason)")
    train.add_argument("--docs", type=file_name, help="folder of the documents DATA's spans refer to (adds end-to-end scores)")
    train.add_argument("--card", type=file_name, help="also write a model card (Markdown) to this file")
    train.add_argument("--folds", type=folds, default=5, help="cross-validation folds (default 5)")
    train.add_argument("--repeats", type=count, default=1, help="cross-validation repeats; 0 skips it (default 1)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def _check_outputs(args) -> None:
    """Refuse, before any work, outputs that cannot be written or that would replace an input."""
    from ..files import check_writable, same_file

    if args.card and os.path.abspath(args.card) == os.path.abspath(args.out):
        raise InputError(args.card, "is also the --out model file: give the card another name")
    inputs = args.data + ([args.corrections] if args.corrections else [])
    for path in [args.out] + ([args.card] if args.card else []):
        check_writable(path, args.force)
        if any(same_file(path, given) for given in inputs):
            raise InputError(path, "is one of the input files: write the model and card elsewhere")


def run(args) -> int:
    """Train, print the cross-validated scores, save the model and the card."""
    from ..files import atomic_writer
    from ..persist import model_bytes
    from ..training import train_from_files, write_card
    from .evaluate import print_cv

    labels = tuple(x.strip() for x in args.labels.split(",") if x.strip()) if args.labels else None
    _check_outputs(args)
    done = train_from_files(args.data, labels=labels, corrections=args.corrections, docs=args.docs,
                            folds=args.folds, repeats=args.repeats, seed=args.seed,
                            command="python -m classifier " + " ".join(args.argv), notify=say)
    if done.cv is not None:
        print_cv(done.cv, sys.stdout)
    data = model_bytes(done.model, done.metadata)
    # The card first: if it cannot be written, no model is published without its card.
    if args.card:
        write_card(done.metadata, args.card, force=args.force, model_sha256=hashlib.sha256(data).hexdigest())
    with atomic_writer(args.out, args.force, binary=True) as out:
        out.write(data)
    print(f"wrote model to {args.out}", file=sys.stderr)
    if args.card:
        print(f"wrote model card to {args.card}", file=sys.stderr)
    return 0
