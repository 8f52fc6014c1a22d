"""Command line: ``python -m classifier COMMAND`` (predict, train, evaluate, info, labels, serve);
one module a command, each a thin layer over the library, and here the parser and the mapping of
errors to exit codes."""
from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys

from ..errors import InputError
from . import evaluate, info, labels, predict, serve, train
from ._shared import PROG

__all__ = ["PROG", "build_parser", "main"]

COMMANDS = {"predict": predict, "train": train, "evaluate": evaluate, "info": info, "labels": labels,
            "serve": serve}


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line, like every other error of the tool."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command (cheap: the commands import the library only when they run)."""
    from .. import __version__

    parser = _Parser(
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


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the program is, so that it stops as Ctrl-C stops it: the
    workers of ``--jobs`` ended, temporary files removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum, frame):
    raise Stopped(signum)


@contextlib.contextmanager
def _stop_on_signals():
    """SIGTERM and SIGHUP raise :class:`Stopped` while the command runs (the handlers before are
    put back after, for a caller like a test runner)."""
    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    try:
        before = {name: signal.signal(getattr(signal, name), _raise_stopped) for name in names}
    except ValueError:  # not the main thread: signals are not ours to handle
        before = {}
    try:
        yield
    finally:
        for name, handler in before.items():
            signal.signal(getattr(signal, name), handler)


class _ClosedOutput:
    """Standard output when the process started with it closed (``>&-``): writing is an error."""

    closed = True

    def write(self, text):
        raise OSError(errno.EBADF, "is closed: redirect it to a file, or use --out FILE")

    def flush(self):
        pass


def _fill_closed_standard_streams() -> None:
    """Put /dev/null on a closed standard input or output, so that no file opened later takes
    descriptor 0 or 1 by chance; a closed stdout is kept an error to write to, a closed stdin
    stays None (reading ``-`` says it is closed)."""
    for fd in (0, 1):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # takes the lowest free descriptor: this one
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()


def main(argv=None) -> int:
    """Run the command ``argv`` names (default: the process's arguments); the exit status."""
    _fill_closed_standard_streams()
    args = _parse(argv)
    try:
        with _stop_on_signals():
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
    except Stopped as stop:  # the conventional status of a process ended by a signal: 128 + its number
        print(f"{PROG}: stopped by {signal.Signals(stop.signum).name}", file=sys.stderr)
        return 128 + stop.signum
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
