#!/usr/bin/env python3
"""Many reports on one machine: ``predict --jobs 2`` against a Dask LocalCluster of two workers.

    python benchmarks/scale.py                 # 2,000 files: the shared documents repeated
    python benchmarks/scale.py --files 500

Both label the same N files (copies of ``../shared/corpus/docs``, read at run time) and write
their labels (JSON Lines; Parquet from Dask); wall time and CPU time of each run with all its
processes (the Dask run starts its own cluster, so its start-up counts, as it would for a user).
Prints a Markdown table and writes ``benchmarks/out/scale.md``.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

DASK_RUN = """
import os, sys
import dask.dataframe as dd, distributed, pandas
from classifier.dask import label_dask
folder, out = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(folder))
texts = []
for name in names:
    with open(os.path.join(folder, name), encoding="utf-8") as handle:
        texts.append(handle.read())
if __name__ == "__main__":
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        frame = dd.from_pandas(pandas.DataFrame({"doc": names, "text": texts}), npartitions=40)
        label_dask(frame).to_parquet(out, write_index=False)
"""


def _timed(command, env):
    """(wall seconds, CPU seconds of the command and every process it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000, help="how many files (default 2000)")
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"))
    args = parser.parse_args()
    docs = os.path.join(args.shared, "corpus", "docs")
    sources = sorted(os.path.join(docs, n) for n in os.listdir(docs) if n.endswith(".txt"))
    env = {**os.environ, "PYTHONPATH": ROOT, "OPENBLAS_NUM_THREADS": "1"}
    work = tempfile.mkdtemp(prefix="scale-")
    try:
        folder = os.path.join(work, "docs")
        os.makedirs(folder)
        characters = 0
        for number in range(args.files):
            source = sources[number % len(sources)]
            target = os.path.join(folder, f"{number:06d}.txt")
            shutil.copyfile(source, target)
            with open(target, encoding="utf-8") as handle:
                characters += len(handle.read())
        runs = {
            "`predict --format jsonl --jobs 2`": [sys.executable, "-m", "classifier", "predict", "--format",
                                                  "jsonl", "--jobs", "2", "--out", os.path.join(work, "x.jsonl"),
                                                  folder],
            "Dask LocalCluster, 2 workers (`label_dask` → Parquet)": [
                sys.executable, "-c", DASK_RUN, folder, os.path.join(work, "x.parquet")],
        }
        load = os.getloadavg()[0]
        results = {name: _timed(command, env) for name, command in runs.items()}
        base_wall, base_cpu = next(iter(results.values()))
        lines = [f"{args.files} files, {characters:,} characters; load average {load:.1f} before, "
                 f"{os.getloadavg()[0]:.1f} after; {os.cpu_count()} cores.", "",
                 "| run | wall s | × `--jobs 2` | CPU s | × `--jobs 2` | characters/s |", "|---|---|---|---|---|---|"]
        for name, (wall, cpu) in results.items():
            lines.append(f"| {name} | {wall:.1f} | {wall / base_wall:.2f} | {cpu:.1f} | {cpu / base_cpu:.2f} | "
                         f"{characters / wall:,.0f} |")
        text = "\n".join(lines) + "\n"
        print(text)
        os.makedirs(os.path.join(ROOT, "benchmarks", "out"), exist_ok=True)
        with open(os.path.join(ROOT, "benchmarks", "out", "scale.md"), "w", encoding="utf-8") as handle:
            handle.write(text)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
