"""``classifier info``: what a model file says of itself (labels, training data, versions, scores),
read from its data alone: nothing in the file is run or built."""
from __future__ import annotations


def add_parser(subparsers) -> None:
    """The ``info`` command's arguments."""
    info = subparsers.add_parser("info", help="describe a model file without loading it",
                                 description="Print a model file's essentials: labels, training data "
                                             "digests, library versions, cross-validated scores and the "
                                             "file's SHA-256. Reads the file's data only; runs nothing.")
    info.add_argument("model", nargs="?", metavar="MODEL", help="model file (default: the shipped model)")


def run(args) -> int:
    """Print the model's essentials."""
    from ..persist import format_model_info, model_info

    print(format_model_info(model_info(args.model)))  # None: the shipped model, with its hint if missing
    return 0
