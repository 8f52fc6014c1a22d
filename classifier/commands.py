"""What each command does, on top of the library; argument parsing is in :mod:`cli`."""
from __future__ import annotations

import contextlib
import json
import os
import sys

from .cli import PROG
from .errors import InputError
from .files import atomic_writer, check_writable, same_file


@contextlib.contextmanager
def _output(path, force, encoding="utf-8"):
    """Standard output, or ``path`` written atomically (replaced only with --force)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_writer(path, force, encoding=encoding) as stream:
            yield stream


def _progress(total):
    """A progress bar on stderr for batches, only when stderr is a terminal."""
    if total < 2 or not sys.stderr.isatty():
        return lambda done: None

    def show(done):
        filled = round(30 * done / total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} reports")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show


def predict(args) -> int:
    from .model import load_model
    from .output import output_format, plural, write_csv, write_jsonl, write_table
    from .read import input_files, iter_documents
    from .report import label_reports

    output = output_format(args.format, args.out)
    if output == "html" and not args.out:
        raise InputError("--out", "the html format writes a page: name it with --out report.html")
    if args.out:
        check_writable(args.out, args.force)  # before the work, not after it
        if os.path.exists(args.out):  # --force must not make the output replace a report it reads
            given = next((path for path in input_files(args.inputs) if same_file(path, args.out)), None)
            if given is not None:
                named = "" if given == args.out else f" ({given})"
                raise InputError(args.out, f"is one of the inputs{named}: write the output to another file")
    model = load_model(args.model)
    skipped = 0

    def skip(error):  # a file of a folder left out of the batch: said in one line, and counted
        nonlocal skipped
        skipped += 1
        print(f"{PROG}: warning: {error}; skipped", file=sys.stderr)

    documents = list(iter_documents(args.inputs, skip=skip))
    progress = _progress(len(documents))
    reports = label_reports(model, [(d.name, d.text, d.encoding, d.headings) for d in documents],
                            explain=args.explain, jobs=args.jobs, progress=progress)
    with _output(args.out, args.force, "utf-8-sig" if output == "csv" else "utf-8") as out:
        if output == "html":
            from .html_report import write_html

            write_html(reports, out)
        for number, report in enumerate(reports):
            if output == "table":
                write_table(report, out)
            elif output == "jsonl":
                write_jsonl(report, out)
            elif output == "csv":
                write_csv(report, out, header=number == 0, explain=bool(args.explain))
    if args.out:
        print(f"wrote {len(reports)} {plural(len(reports), 'report')} to {args.out}", file=sys.stderr)
    return 1 if skipped else 0


def _print_scores(block: dict, out, title: str) -> None:
    from .labels import display_name
    from .output import _fit
    from .segment import display_width

    labels = block["labels"]
    column = max(display_width(display_name(label)) for label in labels) + 2
    out.write(f"{title}\n")
    out.write(f"  {_fit('label', column)}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}\n")
    for label in labels:
        s = block["per_label"][label]
        out.write(f"  {_fit(display_name(label), column)}{s['precision']:>10.3f}{s['recall']:>8.3f}"
                  f"{s['f1']:>8.3f}{s['support']:>9}\n")
    out.write(f"  {_fit('macro-F1', column)}{'':>10}{'':>8}{block['macro_f1']:>8.3f}{block['n']:>9}\n")
    out.write(f"  accuracy {block['accuracy']:.3f}")
    if block.get("macro_f1_runs"):
        out.write("; macro-F1 per repeat: " + ", ".join(f"{r:.3f}" for r in block["macro_f1_runs"]))
    if block.get("calibration"):
        c = block["calibration"]
        out.write(f"\n  confidence: mean {c['mean_confidence']:.3f} against accuracy {c['accuracy']:.3f}, "
                  f"calibration error {c['ece']:.3f}")
    out.write("\n  confusion (rows: true, columns: predicted)\n")
    short = [label[:6] for label in labels]
    out.write("  " + " " * column + "".join(f"{s:>8}" for s in short) + "\n")
    for label, row in zip(labels, block["confusion"]):
        out.write(f"  {_fit(display_name(label), column)}" + "".join(f"{v:>8}" for v in row) + "\n")
    out.write("\n")


def _cross_validate(data, args):
    """Cross-validate a new default model on ``data`` (already deduplicated); a problem with the
    data (too few reports, a fold with one label) is the user's, said in one line."""
    from .evaluate import cross_validate
    from .model import ParagraphClassifier

    if args.docs and not os.path.isdir(args.docs):
        raise InputError(args.docs, "is not a folder of documents (--docs)")
    if args.docs and any(span is None for span in data.spans):
        print("note: --docs ignored: the data gives no start/end spans, so no end-to-end scores",
              file=sys.stderr)
    if any(doc is None for doc in data.docs):
        print("note: paragraphs without a doc are held out one by one; paragraphs of one report share "
              "names and phrases, so give each its doc or the scores come out too high", file=sys.stderr)
    try:
        return cross_validate(lambda: ParagraphClassifier(random_state=args.seed), data, folds=args.folds,
                              repeats=args.repeats, seed=args.seed, docs_dir=args.docs, dedupe=False)
    except ValueError as err:
        raise InputError(args.data if isinstance(args.data, str) else args.data[0],
                         f"cannot be cross-validated: {err}") from None


def _print_cv(result, out):
    out.write(f"cross-validation: {result['folds']} folds grouped by report ({result['groups']} reports, "
              f"{result['n']} paragraphs), {result['repeats']} repeat(s)\n\n")
    _print_scores(result["paragraph"], out, "paragraph scores")
    if result.get("end_to_end"):
        _print_scores(result["end_to_end"], out, "end-to-end scores (own segmentation of each held-out report)")


def train(args) -> int:
    from .labels import DEFAULT_LABELS
    from .model import save_model
    from .training import load_training_data, metadata, model_card, train as fit

    labels = tuple(x.strip() for x in args.labels.split(",") if x.strip()) if args.labels else None
    if args.card and os.path.abspath(args.card) == os.path.abspath(args.out):
        raise InputError(args.card, "is also the --out model file: give the card another name")
    inputs = args.data + ([args.corrections] if args.corrections else [])
    for path in [args.out] + ([args.card] if args.card else []):
        check_writable(path, args.force)
        if any(same_file(path, given) for given in inputs):
            raise InputError(path, "is one of the input files: write the model and card elsewhere")
    data, info = load_training_data(args.data, labels=labels, corrections=args.corrections)
    present = set(data.labels)
    if len(present) < 2:
        raise InputError(args.data[0], "training needs at least two different labels")
    if labels is None and not present <= set(DEFAULT_LABELS):
        print(f"note: training on your own label set: {', '.join(sorted(present))}", file=sys.stderr)
    unused = [label for label in labels or () if label not in present]
    if unused:
        print(f"warning: no paragraph is labelled {', '.join(unused)}: the model cannot give "
              f"{'that label' if len(unused) == 1 else 'those labels'}", file=sys.stderr)
    if info["corrections_unmatched"]:
        shown = ", ".join(info["corrections_unmatched"][:5]) + (", …" if len(info["corrections_unmatched"]) > 5 else "")
        print(f"warning: {args.corrections}: {len(info['corrections_unmatched'])} correction(s) name no "
              f"paragraph of the data: {shown}", file=sys.stderr)
    print(f"training on {info['paragraphs']} paragraphs ({info['duplicates_dropped']} repeated paragraphs dropped, "
          f"{info['corrections_applied']} corrections applied) from {info['documents']} documents",
          file=sys.stderr)
    cv = None
    if args.repeats > 0:
        if info["reports"] < 2:
            print("note: no cross-validation: the data names fewer than two reports (doc)", file=sys.stderr)
        else:
            cv = _cross_validate(data, args)
            _print_cv(cv, sys.stdout)
    try:
        model = fit(data, seed=args.seed)
    except ValueError as err:  # data the model cannot learn from (too little text)
        raise InputError(args.data[0], str(err)) from None
    meta = metadata(model, info, cv, args.seed, "python -m classifier " + " ".join(sys.argv[1:]))
    save_model(model, args.out, meta, force=args.force)
    print(f"wrote model to {args.out}", file=sys.stderr)
    if args.card:
        with _output(args.card, args.force) as out:
            out.write(model_card(meta))
        print(f"wrote model card to {args.card}", file=sys.stderr)
    return 0


# evaluate's options for --cv alone, with their defaults (None: not given).
_CV_DEFAULTS = {"docs": None, "corrections": None, "folds": 5, "repeats": 3, "seed": 0}


def evaluate(args) -> int:
    from .data import read_labelled
    from .evaluate import scores
    from .training import load_training_data

    # Options that do nothing in the chosen mode are refused rather than silently ignored.
    if args.cv:
        if args.model:
            raise InputError("--model", "is not used with --cv, which trains new models on DATA's folds")
        for name, default in _CV_DEFAULTS.items():
            if getattr(args, name) is None:
                setattr(args, name, default)
        data, _ = load_training_data([args.data], corrections=args.corrections)
        result = _cross_validate(data, args)
        if args.format == "json":
            print(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            _print_cv(result, sys.stdout)
        return 0
    given = next((name for name in _CV_DEFAULTS if getattr(args, name) is not None), None)
    if given:
        raise InputError(f"--{given}", "works only with --cv (cross-validation of a new model)")
    from .model import load_model_with_metadata

    model, meta = load_model_with_metadata(args.model)
    labels = [str(c) for c in model.classes_]
    data = read_labelled(args.data, labels=labels)
    trained_on = set(((meta or {}).get("data") or {}).get("files", {}).values())
    if trained_on & set(data.sources.values()):
        print(f"note: {args.data} is the model's own training data: these scores say how well it fits "
              "that data, not how it does on new reports (use --cv for that)", file=sys.stderr)
    result = scores(data.labels, model.predict(data.texts, headings=data.headings), labels)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print_scores(result, sys.stdout, f"scores of the model on {args.data} ({len(data)} paragraphs)")
    return 0
