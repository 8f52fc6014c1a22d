"""``classifier predict``: label every paragraph of reports, as a table, JSON Lines, CSV or HTML."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys

from ..errors import InputError
from ._shared import PROG, add_model_options, count, file_name, output, positive_int


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


def add_parser(subparsers) -> None:
    """The ``predict`` command's arguments."""
    from ..output import FORMATS

    predict = subparsers.add_parser("predict", help="label every paragraph of reports",
                                    description="Label every paragraph of reports (.txt in UTF-8, GB18030, "
                                                "Big5 or UTF-16, .docx, .pdf, .html/.htm, .doc/.wps with a "
                                                "converter, folders of them, - for stdin).")
    inputs = predict.add_argument("inputs", nargs="+", metavar="FILE",
                                  help="report files, folders, or - for stdin")
    # A file taken by --explain counts too: whether any was given is checked after parsing.
    inputs.required = False
    add_model_options(predict)
    predict.add_argument("--format", choices=FORMATS,
                         help="output format (default: the one --out's extension names: .csv, .jsonl, "
                              ".html/.htm; else table)")
    predict.add_argument("--out", type=file_name, help="write to this file instead of standard output (needed for html); "
                                       "its extension sets the format")
    predict.add_argument("--force", action="store_true", help="replace --out if it exists (never an input)")
    predict.add_argument("--explain", nargs="?", action=_CountOrFile, const=5, default=0, metavar="N",
                         help="show the N strongest pieces of evidence for each paragraph's label "
                              "(default 5), each with its weight: words or word pairs (w:), "
                              "characters (c:), cue words of an area in the paragraph, its opening "
                              "clause or its heading (cues:, lead-cues:, heading-cues:), the area the "
                              "report's title names (title:) and, for a heading, the area of its "
                              "section (section:)")
    predict.add_argument("--jobs", type=positive_int, default=1, metavar="N",
                         help="label reports on N processes (same output, faster batches)")
    predict.add_argument("--review", nargs="?", action=_CountOrFile, const=20, default=0, metavar="N",
                         help="also list on standard error the N paragraphs of the batch (default 20) "
                              "whose two best labels are closest, least sure first, to check by hand; "
                              "the html page marks them and can show them alone")
    predict.add_argument("--width", type=count, default=None, metavar="N",
                         help="table: columns of paragraph text a row shows (default 60; 0 for all)")
    predict.add_argument("--full", action="store_true", help="table: show each paragraph's whole text")
    add_limit_options(predict)


def add_limit_options(parser) -> None:
    """``--max-mb`` and ``--max-paragraphs``: the limits of :mod:`classifier.limits`, raised."""
    from ..limits import MAX_MB, MAX_PARAGRAPHS

    parser.add_argument("--max-mb", type=positive_int, metavar="N",
                        help=f"refuse a file larger than N MB, or a .docx unpacking to more "
                             f"(default {MAX_MB}, or $CLASSIFIER_MAX_MB)")
    parser.add_argument("--max-paragraphs", type=positive_int, metavar="N",
                        help=f"refuse a report of more than N paragraphs "
                             f"(default {MAX_PARAGRAPHS:,}, or $CLASSIFIER_MAX_PARAGRAPHS)")


def finish_parsing(args, parser) -> None:
    """The files named before ``--explain`` and after it, together; at least one is needed."""
    args.inputs = getattr(args, "inputs_before", []) + (args.inputs or [])
    if not args.inputs:
        parser.error("predict: the following arguments are required: FILE (a report, a folder or - for stdin)")


def _listed(inputs):
    """The files ``predict`` will read (:func:`read.input_files`, folders listed once), with
    ``"-"`` for standard input; None when an input is missing (said in its turn, when read)."""
    from ..read import input_files

    try:
        return input_files(inputs) + (["-"] if "-" in inputs else [])
    except InputError:
        return None


def _progress(listed):
    """A progress bar on stderr for batches, only when stderr is a terminal: ``show(done)`` draws
    it, ``show.skipped()`` counts a file left out.  The files are counted by name (:func:`_listed`),
    not read."""
    total = len(listed) if listed is not None and sys.stderr.isatty() else 0
    if total < 2:
        show = lambda done: None  # noqa: E731
        show.skipped = lambda: None
        return show
    done_so_far = 0

    def show(done):
        nonlocal done_so_far
        done_so_far = done
        filled = round(30 * done / max(total, 1))
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} reports")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def skipped():
        nonlocal total
        total -= 1
        if done_so_far and done_so_far == total:
            show(done_so_far)

    show.skipped = skipped
    return show


def _train_docs_by_name(listed):
    """{report name: its ``doc`` in --format train} known before any file is read (``listed``:
    :func:`_listed`), when every file to read has a ``doc`` of its own by :func:`output.train_doc`
    (files left out cannot change that); else None: then the batch's names decide
    (:func:`output.train_docs`) and it is held whole."""
    from ..output import train_doc
    from ..read import printable

    if listed is None:
        return None
    names = ["<stdin>" if name == "-" else printable(name) for name in listed]
    docs = {name: train_doc(name) for name in names}
    return docs if len(docs) == len(names) == len(set(docs.values())) else None


def _check_out(args) -> None:
    """Refuse, before any work, an --out that cannot be written or that is one of the inputs."""
    from ..files import check_writable, same_file
    from ..read import input_files

    check_writable(args.out, args.force)
    if os.path.exists(args.out):  # --force must not make the output replace a report it reads
        given = next((path for path in input_files(args.inputs) if same_file(path, args.out)), None)
        if given is not None:
            named = "" if given == args.out else f" ({given})"
            raise InputError(args.out, f"is one of the inputs{named}: write the output to another file")


def run(args) -> int:
    """Label the reports and write them; 1 when a file of a folder was skipped, else 0."""
    from ..persist import load_model
    from ..limits import max_bytes, max_paragraphs
    from ..output import (TEXT_COLUMNS, output_format, plural, train_docs, write_csv, write_jsonl, write_table,
                          write_table_part, write_train)
    from ..read import OwnOutputError, iter_documents
    from ..report import added, iter_labelled_reports, whole_reports, with_summary

    chosen = output_format(args.format, args.out)
    if args.width is not None and args.full:
        raise InputError("--full", "shows the whole text: give it or --width, not both")
    if (args.width is not None or args.full) and chosen != "table" and not args.review:
        raise InputError("--full" if args.full else "--width", f"sets the table's text, and the {chosen} "
                         "format is no table (it holds the whole text)")
    width = 0 if args.full else TEXT_COLUMNS if args.width is None else args.width
    if chosen == "html" and not args.out:
        raise InputError("--out", "the html format writes a page: name it with --out report.html")
    if chosen == "parquet":
        if not args.out:
            raise InputError("--format parquet", "writes a file: name it with --out labels.parquet")
        from ..frame import need

        try:
            need("pyarrow.parquet", "parquet", "writing Parquet")
        except ImportError as missing:
            raise InputError(args.out, str(missing)) from None
    if args.out:
        _check_out(args)
    elif getattr(sys.stdout, "closed", False):  # said now, not after the labelling
        raise InputError("standard output", "is closed: redirect it to a file, or use --out FILE")
    byte_limit, paragraph_limit = max_bytes(args.max_mb), max_paragraphs(args.max_paragraphs)  # before the work
    model = load_model(args.model, trust_pickle=args.trust_pickle)
    skipped = 0

    def skip(error):  # a file of a folder left out of the batch: said in one line, and counted
        nonlocal skipped
        skipped += not isinstance(error, OwnOutputError)  # leaving out our own output is no failure
        print(f"{PROG}: warning: {error}; skipped", file=sys.stderr)
        progress.skipped()

    from ..tokenize import expect_files

    listed = _listed(args.inputs)
    if listed is not None:
        expect_files(listed)  # a big batch loads the fast cut now, before reading and forking
    # Read, labelled and written a report at a time: a batch is never held whole, except by the
    # html page and --format train when two files would share a doc name.
    # A text longer than windows.WINDOW_CHARS comes in parts, a window each (report.part): written
    # as they come, but joined (held whole) for the page and for train's clashing names.
    documents = iter_documents(args.inputs, skip=skip, max_bytes=byte_limit, max_paragraphs=paragraph_limit,
                               windows=True)
    progress = _progress(listed)
    reports = iter_labelled_reports(model, documents, explain=args.explain, jobs=args.jobs, progress=progress)
    docs = _train_docs_by_name(listed) if chosen == "train" else None
    if chosen == "html" or (chosen == "train" and docs is None):
        reports = list(whole_reports(reports))
        if chosen == "train":
            docs = dict(zip((report.name for report in reports), train_docs(reports)))
    review = None
    if args.review:
        from ..review import LeastSure

        review = LeastSure(args.review, names_only=chosen != "html")
    written = 0

    def each(reports):
        """The reports (or parts of one) as they come, counted and offered to --review."""
        nonlocal written
        for report in reports:
            written += report.last
            if review:
                review.add(report)
            yield report

    if chosen == "parquet":
        from ..files import atomic_writer
        from ..output import write_parquet

        with atomic_writer(args.out, args.force, binary=True) as out:
            write_parquet(each(reports), out, tuple(map(str, model.classes_)), explain=bool(args.explain))
    with output(args.out, args.force, "utf-8-sig" if chosen == "csv" else "utf-8") if chosen != "parquet" \
            else contextlib.nullcontext() as out:
        if chosen == "html":
            from ..html_report import write_html

            reports = list(each(reports))
            write_html(reports, out, review=review.pairs() if review else [])
            reports = ()
        header, summary = True, None  # the CSV's header still to write; the summary of a report's parts so far
        for report in each(reports) if chosen != "parquet" else ():
            if chosen == "table" and report.part is not None:
                summary = report.summary if report.part == 0 else added(summary, report.summary)
                write_table_part(report, out, width, with_summary(report, summary) if report.last else None)
            elif chosen == "table":
                write_table(report, out, width)
            elif chosen == "train":
                write_train(report, out, docs[report.name])
            elif chosen == "jsonl":
                write_jsonl(report, out)
            elif chosen == "csv":
                write_csv(report, out, header=header, explain=bool(args.explain))
                header = False
    pairs = review.pairs() if review else []
    if pairs:  # after the output: on a terminal it is the last thing shown
        from ..review import write_review

        sys.stdout.flush()
        write_review(pairs, sys.stderr, width if args.width is not None or args.full else 40)
    if args.out:
        print(f"wrote {written} {plural(written, 'report')} to {args.out}", file=sys.stderr)
    return 1 if skipped else 0
