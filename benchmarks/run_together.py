"""End-to-end accuracy on copies of the shared reports whose paragraphs run together on one line.

    python benchmarks/run_together.py [--repeats 3] [--out benchmarks/out/run_together.md]

Web pages are often copied without their paragraph breaks. This rewrites every report of the
corpus with each line break (and the blank space around it) replaced by a separator (nothing, a
space, two ideographic spaces), moves the labelled spans with the text, and cross-validates the
default model end to end on each version, as ``accuracy_experiments.py`` does on the reports as
they are: folds grouped by report, the tool's own segmentation of each held-out report, every
labelled paragraph taking the label of the predicted paragraphs covering most of its characters.
Reports copied from PDFs lose their hard wraps too, which makes their version harder than a real
run-together copy of a web page.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import date

from cv_bench import OUT, SHARED, cv_parser, read_corpus, runs_text, write_table

from classifier.evaluate import cross_validate
from classifier.training import default_estimator
from classifier.read import read_document

SEPARATORS = [("as they are", None), ("line breaks removed", ""), ("line breaks → a space", " "),
              ("line breaks → two ideographic spaces", "\u3000\u3000")]
# A run of line breaks and the blank space on either side of it.
_BREAKS = re.compile(r"[ \t\u3000]*(?:[\r\n]+[ \t\u3000]*)+")


def run_together(text: str, separator: str) -> tuple[str, list]:
    """``text`` with each run of line breaks replaced by ``separator``, and for each offset of
    ``text`` (and its end) the offset it moves to."""
    pieces, offsets, position, length = [], [], 0, 0
    for match in list(_BREAKS.finditer(text)) + [None]:
        stop = match.start() if match else len(text)
        pieces.append(text[position:stop])
        offsets.extend(range(length, length + stop - position))
        length += stop - position
        if match:
            # Offsets inside the replaced run move to where the separator starts.
            offsets.extend([length] * (match.end() - match.start()))
            pieces.append(separator)
            length += len(separator)
            position = match.end()
    offsets.append(length)
    return "".join(pieces), offsets


def rewritten_corpus(data, docs_dir: str, separator: str, out_dir: str):
    """A copy of ``data`` whose spans and texts are those of the reports rewritten into ``out_dir``."""
    copy = data.subset(range(len(data)))
    moved = {}
    for doc in sorted(set(copy.docs)):
        text, offsets = run_together(read_document(os.path.join(docs_dir, f"{doc}.txt")).text, separator)
        with open(os.path.join(out_dir, f"{doc}.txt"), "w", encoding="utf-8") as handle:
            handle.write(text)
        moved[doc] = (text, offsets)
    for position, (doc, (start, end)) in enumerate(zip(copy.docs, copy.spans)):
        text, offsets = moved[doc]
        copy.spans[position] = (offsets[start], offsets[end])
        copy.texts[position] = text[offsets[start]:offsets[end]]
    return copy


def main(argv=None):
    parser = cv_parser(__doc__.splitlines()[0], os.path.join(OUT, "run_together.md"))
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpus"), help="folder with labels.jsonl and docs/")
    args = parser.parse_args(argv)

    data = read_corpus(args.corpus, args.corrections)
    docs_dir = os.path.join(args.corpus, "docs")
    lines = [
        "# End to end on reports run together on one line",
        "",
        f"Made by `python benchmarks/run_together.py` on {date.today()}: the shared corpus, {args.folds}-fold "
        f"cross-validation grouped by report, repeated {args.repeats} times, the default model's parameters.",
        "",
        "| the reports | end-to-end macro-F1 | per repeat |",
        "|---|---|---|",
    ]
    for name, separator in SEPARATORS:
        started = time.time()
        with tempfile.TemporaryDirectory() as folder:
            version = data if separator is None else rewritten_corpus(data, docs_dir, separator, folder)
            result = cross_validate(default_estimator, version, folds=args.folds, repeats=args.repeats,
                                    docs_dir=docs_dir if separator is None else folder)
        e2e = result["end_to_end"]
        runs = runs_text(e2e)
        lines.append(f"| {name} | {e2e['macro_f1']:.3f} | {runs} |")
        print(f"{name:40} end-to-end {e2e['macro_f1']:.4f}  ({runs})  {time.time() - started:.0f}s", flush=True)
    write_table(args.out, lines)


if __name__ == "__main__":
    main()
