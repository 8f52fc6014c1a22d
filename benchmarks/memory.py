#!/usr/bin/env python3
"""Peak memory of ``predict --format jsonl --out X`` as the input grows.

    OPENBLAS_NUM_THREADS=1 python benchmarks/memory.py            # 1 … 50 MB texts, batches of 100 … 5000 files
    python benchmarks/memory.py --sizes 1 5 --batches 100          # a shorter run
    python benchmarks/memory.py --sizes 10 50 100 200 --batches    # one text read in windows, up to 200 MB

Measures (a) one synthetic text made by joining the shared corpus's documents (blank lines between
them) again and again up to each size in MB, run with ``--max-mb`` and ``--max-paragraphs`` raised
to take it, and (b) batches of copies of the shared documents (100, 1000, 5000 files).  Each run
gives the wall and CPU time, the peak RSS of the largest process (getrusage) and the peak PSS of
the process tree, sampled (bench.py's :func:`run`).  Nothing is asserted: a table is printed and
written to ``benchmarks/out/memory.md``.  The texts are read from ``../shared`` at run time and the
copies live in ``benchmarks/out/memory-work``, deleted at the end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import PY, ROOT, run, shared_docs  # noqa: E402  (beside this script)

OUT = os.path.join(ROOT, "benchmarks", "out")


def _texts(shared):
    folder, names = shared_docs(shared)
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            yield name, folder, handle.read().strip()


def make_text(shared, path, megabytes):
    """One text of about ``megabytes`` MB of UTF-8: the shared documents joined by blank lines, repeated."""
    target, size = megabytes * 1_000_000, 0
    texts = [text for _, _, text in _texts(shared)]
    with open(path, "w", encoding="utf-8") as handle:
        while size < target:
            for text in texts:
                piece = text + "\n\n"
                handle.write(piece)
                size += len(piece.encode("utf-8"))
                if size >= target:
                    break
    return size


def make_batch(shared, folder, files):
    """``files`` copies of the shared documents (cycling through them) in ``folder``."""
    os.makedirs(folder, exist_ok=True)
    sources = [(name, source) for name, source, _ in _texts(shared)]
    size = 0
    for number in range(files):
        name, source = sources[number % len(sources)]
        target = os.path.join(folder, f"c{number:05d}_{name}")
        shutil.copyfile(os.path.join(source, name), target)
        size += os.path.getsize(target)
    return size


def measure(inputs, work, env, extra=()):
    out = os.path.join(work, "out.jsonl")
    result = run([PY, "-m", "classifier", "predict", "--format", "jsonl", "--force", "--out", out, *extra, *inputs],
                 env, sample=True)
    result["out_mb"] = os.path.getsize(out) / 1e6
    os.remove(out)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 5, 10, 25, 50], help="MB of one text")
    parser.add_argument("--batches", type=int, nargs="*", default=[100, 1000, 5000], help="files of a batch")
    parser.add_argument("--label", default="", help="what this run measures (a branch name), for the table")
    args = parser.parse_args(argv)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    work = os.path.join(OUT, "memory-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    rows = []
    try:
        for megabytes in args.sizes:
            path = os.path.join(work, "big.txt")
            size = make_text(args.shared, path, megabytes)
            limits = ["--max-mb", str(megabytes + 10), "--max-paragraphs", "100000000"]
            rows.append((f"one text, {megabytes} MB", size, measure([path], work, env, limits)))
            os.remove(path)
            print(_row(*rows[-1]), flush=True)
        for files in args.batches:
            folder = os.path.join(work, "batch")
            size = make_batch(args.shared, folder, files)
            rows.append((f"batch of {files} files", size, measure([folder], work, env)))
            shutil.rmtree(folder)
            print(_row(*rows[-1]), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = [f"Peak memory of `predict --format jsonl --out X` {args.label}".rstrip(), "",
             "| input | input MB | wall s | CPU s | peak RSS MB | peak PSS MB (tree) | RSS bytes / input byte |",
             "|---|---:|---:|---:|---:|---:|---:|"] + [_row(*row) for row in rows]
    with open(os.path.join(OUT, "memory.md"), "w", encoding="utf-8") as handle:
        handle.write("\n".join(table) + "\n")
    print(f"wrote {os.path.join(OUT, 'memory.md')}")
    return 0


def _row(name, size, result):
    pss = f"{result['pss_mb']:.0f}" if result["pss_mb"] else "-"
    return (f"| {name} | {size / 1e6:.1f} | {result['wall']:.1f} | {result['cpu']:.1f} | {result['maxrss_mb']:.0f} "
            f"| {pss} | {result['maxrss_mb'] * 1048576 / size:.1f} |")


if __name__ == "__main__":
    sys.exit(main())
