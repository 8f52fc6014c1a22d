"""What the commands share: the program's name, argument types and where output goes."""
from __future__ import annotations

import argparse
import contextlib
import sys

PROG = "classifier"


def _whole_number(value, least):
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more, not {number}")
    return number


def positive_int(value):
    """An argument type: a whole number, 1 or more."""
    return _whole_number(value, 1)


def folds(value):
    """An argument type: a number of cross-validation folds, 2 or more."""
    return _whole_number(value, 2)


def count(value):
    """An argument type: a whole number, 0 or more."""
    return _whole_number(value, 0)


def file_name(value):
    """An argument type: a file's name, not empty (an empty one would name no file in the error)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    return value


def say(note: str) -> None:
    """A note or warning for the user, on standard error."""
    print(note, file=sys.stderr)


@contextlib.contextmanager
def output(path, force, encoding="utf-8"):
    """Standard output, or ``path`` written atomically (replaced only with --force)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
    else:
        from ..files import atomic_writer

        with atomic_writer(path, force, encoding=encoding) as stream:
            yield stream


def add_model_options(parser) -> None:
    """``--model`` and ``--trust-pickle``, for the commands that load a model."""
    parser.add_argument("--model", type=file_name, help="model file (default: the shipped model in models/)")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="also open a model saved by version 0.1 (a joblib pickle): opening a pickle "
                             "runs whatever code it holds, so only for a file from a source you trust")
