"""Command line: ``python -m classifier predict|train|evaluate|info|labels``; one module a command, each a
thin layer over the library, and here the parser and the mapping of errors to exit codes."""
from __future__ import annotations

import argparse
import os
import sys

from ..errors import InputError
from . import evaluate, info, labels, predict, serve, train
from ._shared import PROG

__all__ = ["PROG", "build_parser", "main"]

COMMANDS = {"predict": predict, "train": train, "evaluate": evaluate, "info": info, "labels": labels,
            "serve": serve}


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command (cheap: the commands import the library only when they run)."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog=PROG, description="Label the paragraphs of Chinese propaganda work reports by work area.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS.values():
        command.add_parser(subparsers)
    return parser


def _parse(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    finish = getattr(COMMANDS[args.command], "finish_parsing", None)
    if finish is not None:
        finish(args, parser)
    # What the model's metadata records as the command: the arguments given to main, not sys.argv.
    args.argv = list(sys.argv[1:] if argv is None else argv)
    return args


def main(argv=None) -> int:
    """Run the command ``argv`` names (default: the process's arguments); the exit status."""
    args = _parse(argv)
    try:
        return COMMANDS[args.command].run(args)
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
