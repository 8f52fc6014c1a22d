#!/usr/bin/env python3
"""Load on the web page's API: concurrent uploads of one report against one ``classifier serve``.

    python benchmarks/serve_load.py                      # 20 and 100 uploads at once
    python benchmarks/serve_load.py --concurrency 5 50   # other sizes

Starts ``python -m classifier serve --port 0`` (default options: one labelling worker), posts a
report of about 11 000 characters (shared documents joined, read from ``../shared`` at run time)
that many times at once to ``/api/label``, and reports for each size: every answer's status,
throughput (uploads and characters a second) and the p50/p95/max latency of an upload (from
sending it to the whole answer read), with the server's peak RSS.  Nothing is asserted: the
numbers are printed and written to ``benchmarks/out/serve_load.md`` and ``serve_load.json``.
Needs the serve extra and httpx (``pip install -e '.[test]'``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import PY, ROOT, machine, make_report  # noqa: E402  (the same report and machine notes)

sys.path.insert(0, ROOT)  # this clone's classifier, as the server runs it


def start_server(env):
    """A ``classifier serve`` process on a free port, and its address once it answers."""
    server = subprocess.Popen([PY, "-m", "classifier", "serve", "--port", "0"], cwd=ROOT, env=env,
                              stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        found = re.search(r"http://[\d.]+:\d+", line)
        if found:
            return server, found.group(0)
    server.wait()
    raise SystemExit(f"the server did not start (exit {server.returncode})")


def percentile(values, share):
    """The nearest-rank percentile: the smallest value at least ``share`` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


async def load(url, data, concurrency):
    """``concurrency`` uploads of ``data`` at once: (statuses, latencies, wall time)."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=600) as client:
        async def one(number):
            began = time.perf_counter()
            response = await client.post("/api/label", files=[("files", (f"report{number}.txt", data))])
            await response.aread()
            return response.status_code, time.perf_counter() - began

        began = time.perf_counter()
        answers = await asyncio.gather(*(one(n) for n in range(concurrency)))
        wall = time.perf_counter() - began
    return [status for status, _ in answers], [latency for _, latency in answers], wall


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def in_process_seconds(data, rounds=5):
    """Median time of labelling ``data`` as the API does, in this process, without the server."""
    import statistics

    from classifier import load_model
    from classifier.serve import label_uploads

    model = load_model()
    label_uploads(model, [("report.txt", data)], None)  # the dictionary loaded
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        label_uploads(model, [("report.txt", data)], None)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def markdown(results) -> str:
    info = results["machine"]
    lines = [f"Concurrent uploads of one report of {results['characters']:,} characters to "
             f"`/api/label` (one `classifier serve`, one labelling worker); commit {info['commit']}, "
             f"{info['cores']} cores of {info['cpu']}, load average {info['load_before'][0]:.1f} before and "
             f"{info['load_after'][0]:.1f} after. The same work in one process without the server: "
             f"{results['in_process']:.3f} s an upload.", "",
             "| uploads at once | answered 200 | wall | uploads/s | characters/s | time an upload × in-process | p50 latency | p95 latency | max | server peak RSS |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for run in results["runs"]:
        lines.append(f"| {run['concurrency']} | {run['ok']}/{run['concurrency']} | {run['wall']:.1f} s | "
                     f"{run['per_second']:.1f} | {run['chars_per_second']:,.0f} | "
                     f"{run['wall'] / run['concurrency'] / results['in_process']:.2f} | {run['p50']:.2f} s | "
                     f"{run['p95']:.2f} s | {run['max']:.2f} s | {run['rss_mb']:.0f} MB |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"),
                        help="the shared data folder (default: ../shared beside the clone)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--chars", type=int, default=11_000, help="size of the report (default 11 000)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        path, chars = make_report(args.shared, work, args.chars)
        with open(path, "rb") as handle:
            data = handle.read()
    env = {**os.environ, "PYTHONPATH": ROOT, "OPENBLAS_NUM_THREADS": "1"}
    results = {"machine": machine(), "characters": chars, "runs": [], "in_process": in_process_seconds(data)}
    print(f"in one process, without the server: {results['in_process']:.3f} s an upload")
    server, url = start_server(env)
    try:
        asyncio.run(load(url, data, 2))  # warm-up: first requests, connections
        for concurrency in args.concurrency:
            statuses, latencies, wall = asyncio.run(load(url, data, concurrency))
            run = {"concurrency": concurrency, "ok": statuses.count(200), "wall": wall,
                   "per_second": concurrency / wall, "chars_per_second": concurrency * chars / wall,
                   "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
                   "max": max(latencies), "rss_mb": peak_rss_mb(server.pid)}
            results["runs"].append(run)
            print(f"{concurrency} at once: {run['ok']}/{concurrency} answered 200 in {wall:.2f} s "
                  f"({run['per_second']:.1f} uploads/s), p50 {run['p50']:.2f} s, p95 {run['p95']:.2f} s, "
                  f"max {run['max']:.2f} s, server peak RSS {run['rss_mb']:.0f} MB")
    finally:
        server.terminate()
        server.wait(30)
    results["machine"]["load_after"] = os.getloadavg()
    out = os.path.join(ROOT, "benchmarks", "out")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "serve_load.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    with open(os.path.join(out, "serve_load.md"), "w", encoding="utf-8") as handle:
        handle.write(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
