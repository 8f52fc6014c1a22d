#!/usr/bin/env python3
"""Speed and scale of the classifier on this machine, each next to the floor it cannot beat by much.

    python benchmarks/bench.py            # the full run (a few minutes)
    python benchmarks/bench.py --quick    # a short run (about a minute)

Measures, in one run:

* batch: ``python -m classifier predict --format jsonl`` (``--jobs 1`` and ``--jobs 2``) over the
  shared documents copied many times, next to a process that only tokenises the same files with
  jieba (the floor of any jieba pipeline); wall time, CPU time, peak memory, and whether both
  ``--jobs`` give the same bytes.  Also the same comparison inside one process, start-up excluded.
* cold start: ``python -m classifier predict`` on one report of about 10 000 characters, next to a
  process that only imports scikit-learn and initialises jieba.
* training: time, peak memory and model size of the default estimator
  (``classifier.training.train``) on 1 000 … 100 000 paragraphs made from repeated corpus paragraphs,
  each with a counter suffix so that no two are equal.

Runs are paired (floor and command alternate, in changing order) and medians are reported, as
ratios and as absolute figures, with each round's ratio and the ratio of each command's fastest run
(``--rounds N`` for more rounds where the machine is shared).  Nothing is asserted: the numbers are printed and written to
``benchmarks/out/results.json`` and ``benchmarks/out/results.md``.  The report texts are read from
``../shared`` at run time; the copies made for the batch live in ``benchmarks/out/work`` and are
deleted at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = sys.executable

FLOOR_BATCH = ("import os, sys, jieba; jieba.setLogLevel(60); jieba.initialize(); d = sys.argv[1]\n"
               "for name in sorted(os.listdir(d)):\n"
               "    with open(os.path.join(d, name), encoding='utf-8') as f: jieba.lcut(f.read())")
FLOOR_COLD = "import sklearn, jieba; jieba.setLogLevel(60); jieba.initialize()"


# ---------------------------------------------------------------------------------------------
# Running a process and measuring it


def _children_of():
    """{parent pid: [child pids]} of all processes, from /proc (Linux)."""
    tree = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_pss_kb(pid):
    """Proportional set size of ``pid`` and its descendants (shared pages counted once), in KB."""
    tree = _children_of()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(tree.get(current, ()))
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            pass
    return total


def run(cmd, env, sample=False, stdout=subprocess.DEVNULL):
    """Run ``cmd``; return wall and CPU seconds (children included), peak RSS of the largest
    process (getrusage) and, with ``sample``, the peak PSS of the whole process tree."""
    errors = tempfile.TemporaryFile()
    start = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=stdout, stderr=errors)
    peak_pss = 0
    if sample and os.path.exists("/proc/self/smaps_rollup"):
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak_pss = max(peak_pss, _tree_pss_kb(process.pid))
            time.sleep(0.05)
    else:
        pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        errors.seek(0)
        sys.stderr.write(errors.read().decode("utf-8", "replace")[-3000:])
        raise SystemExit(f"failed ({process.returncode}): {' '.join(cmd)}")
    errors.close()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "maxrss_mb": usage.ru_maxrss / 1024,
            "pss_mb": peak_pss / 1024 if peak_pss else None}


def paired(commands, rounds, env, sample=()):
    """Run named commands ``rounds`` times, alternating their order; the runs of each name."""
    names = list(commands)
    runs = {name: [] for name in names}
    for number in range(rounds):
        order = names if number % 2 == 0 else names[::-1]
        for name in order:
            runs[name].append(run(commands[name], env, sample=name in sample))
    return runs


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio_of_pairs(runs, name, floor, key="wall"):
    """Median over rounds of run[name] / run[floor]: each round's pair shares the machine's state."""
    return median(ratios_of_pairs(runs, name, floor, key))


def ratios_of_pairs(runs, name, floor, key="wall"):
    return [a[key] / b[key] for a, b in zip(runs[name], runs[floor])]


def ratio_of_best(runs, name, floor, key="wall"):
    """Fastest run[name] / fastest run[floor]: on a machine whose neighbours come and go, each
    command's least disturbed run."""
    return min(r[key] for r in runs[name]) / min(r[key] for r in runs[floor])


# ---------------------------------------------------------------------------------------------
# The work


def shared_docs(shared):
    folder = os.path.join(shared, "corpus", "docs")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
    if not names:
        raise SystemExit(f"no documents in {folder}")
    return folder, names


def make_batch(shared, work, target_chars):
    """Copies of the shared documents in ``work/batch`` until they hold ``target_chars``."""
    folder, names = shared_docs(shared)
    texts = {}
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            texts[name] = handle.read()
    per_copy = sum(len(t) for t in texts.values())
    copies = max(1, -(-target_chars // per_copy))
    batch = os.path.join(work, "batch")
    os.makedirs(batch, exist_ok=True)
    for copy in range(copies):
        for name in names:
            shutil.copyfile(os.path.join(folder, name), os.path.join(batch, f"c{copy:03d}_{name}"))
    return batch, copies * per_copy, copies * len(names), copies


def make_report(shared, work, chars=10_000):
    """One report of about ``chars`` characters: shared documents of ordinary length, joined."""
    folder, names = shared_docs(shared)
    parts, total = [], 0
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            text = handle.read().strip()
        if len(text) > 2 * chars:
            continue
        parts.append(text)
        total += len(text)
        if total >= chars:
            break
    path = os.path.join(work, "report.txt")
    text = "\n\n".join(parts) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path, len(text)


def bench_batch(shared, work, env, quick, rounds=None):
    target = 600_000 if quick else 3_000_000
    rounds = rounds or (2 if quick else 3)
    batch, chars, files, copies = make_batch(shared, work, target)
    out1, out2 = os.path.join(work, "jobs1.jsonl"), os.path.join(work, "jobs2.jsonl")
    predict = [PY, "-m", "classifier", "predict", "--format", "jsonl", "--force", batch]
    commands = {"floor": [PY, "-c", FLOOR_BATCH, batch],
                "jobs1": predict + ["--out", out1],
                "jobs2": predict + ["--out", out2, "--jobs", "2"]}
    print(f"batch: {files} files ({copies} copies of the shared documents), {chars:,} characters, "
          f"{rounds} paired rounds", flush=True)
    runs = paired(commands, rounds, env, sample=("floor", "jobs1", "jobs2"))
    with open(out1, "rb") as one, open(out2, "rb") as two:
        identical = one.read() == two.read()
    result = {"chars": chars, "files": files, "rounds": rounds, "identical_jobs_output": identical}
    for name, name_runs in runs.items():
        wall = median([r["wall"] for r in name_runs])
        result[name] = {"wall_s": wall, "chars_per_s": chars / wall,
                        "cpu_s": median([r["cpu"] for r in name_runs]),
                        "maxrss_mb": median([r["maxrss_mb"] for r in name_runs]),
                        "pss_mb": median([r["pss_mb"] for r in name_runs]),
                        "walls": [round(r["wall"], 3) for r in name_runs]}
    for name in ("jobs1", "jobs2"):
        result[name]["ratio_to_floor"] = ratio_of_pairs(runs, name, "floor")
        result[name]["cpu_ratio_to_floor"] = ratio_of_pairs(runs, name, "floor", key="cpu")
        result[name]["ratios"] = [round(r, 3) for r in ratios_of_pairs(runs, name, "floor")]
        result[name]["ratio_of_best"] = ratio_of_best(runs, name, "floor")
    print("batch in one process, start-up excluded ...", flush=True)
    result["in_process"] = json.loads(subprocess.run(
        [PY, os.path.abspath(__file__), "--in-process", batch, "--rounds", str(rounds)],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    shutil.rmtree(batch)
    return result


def in_process(batch, rounds):
    """Inside one process: label_reports over the batch next to jieba.lcut of the same texts."""
    import jieba

    from classifier import label_reports, load_model
    from classifier.read import Document
    from classifier.tokenize import expect_characters, tokenizer

    jieba.setLogLevel(60)
    jieba.initialize()
    tokenizer()
    model = load_model()
    texts = []
    for name in sorted(os.listdir(batch)):
        with open(os.path.join(batch, name), encoding="utf-8") as handle:
            texts.append(Document(name, handle.read()))
    chars = sum(len(d.text) for d in texts)
    expect_characters(chars)  # as predict does for a batch this size: the fast cut from the start
    label_reports(model, texts[:5])  # first calls: lazy imports, caches of the vectorisers
    runs = {"floor": [], "predict": []}
    for number in range(rounds):
        for what in (("floor", "predict") if number % 2 == 0 else ("predict", "floor")):
            start, start_cpu = time.perf_counter(), time.process_time()
            if what == "floor":
                for document in texts:
                    jieba.lcut(document.text)
            else:
                label_reports(model, texts)
            runs[what].append({"wall": time.perf_counter() - start, "cpu": time.process_time() - start_cpu})
    floor = median([r["wall"] for r in runs["floor"]])
    predict = median([r["wall"] for r in runs["predict"]])
    return {"chars": chars, "floor_s": floor, "predict_s": predict,
            "floor_chars_per_s": chars / floor, "predict_chars_per_s": chars / predict,
            "ratio_to_floor": ratio_of_pairs(runs, "predict", "floor"),
            "cpu_ratio_to_floor": ratio_of_pairs(runs, "predict", "floor", key="cpu")}


def bench_cold(shared, work, env, quick, rounds=None):
    rounds = rounds or (3 if quick else 9)
    report, chars = make_report(shared, work)
    commands = {"floor": [PY, "-c", FLOOR_COLD],
                "predict": [PY, "-m", "classifier", "predict", report]}
    print(f"cold start: one report of {chars:,} characters, {rounds} paired rounds", flush=True)
    for cmd in commands.values():  # warm-up: caches on disk (jieba's, ours), files in memory
        run(cmd, env)
    runs = paired(commands, rounds, env)
    result = {"chars": chars, "rounds": rounds}
    for name, name_runs in runs.items():
        result[name] = {"wall_s": median([r["wall"] for r in name_runs]),
                        "cpu_s": median([r["cpu"] for r in name_runs]),
                        "maxrss_mb": median([r["maxrss_mb"] for r in name_runs]),
                        "walls": [round(r["wall"], 3) for r in name_runs]}
    result["predict"]["ratio_to_floor"] = ratio_of_pairs(runs, "predict", "floor")
    result["predict"]["cpu_ratio_to_floor"] = ratio_of_pairs(runs, "predict", "floor", key="cpu")
    result["predict"]["ratios"] = [round(r, 3) for r in ratios_of_pairs(runs, "predict", "floor")]
    result["predict"]["ratio_of_best"] = ratio_of_best(runs, "predict", "floor")
    extra = paired({"python": [PY, "-c", "pass"], "help": [PY, "-m", "classifier", "--help"]},
                   rounds, env)
    result["python_s"] = median([r["wall"] for r in extra["python"]])
    result["help_s"] = median([r["wall"] for r in extra["help"]])
    return result


def train_one(shared, size, model_path):
    """Train the default estimator on ``size`` paragraphs; print a JSON line about it."""
    import resource

    from classifier.data import LabelledData, read_labelled
    from classifier.persist import save_model
    from classifier.tokenize import tokenize, tokenizer
    from classifier.training import train

    base = read_labelled(os.path.join(shared, "corpus", "labels.jsonl"))
    data = LabelledData()
    for number in range(size):
        i = number % len(base)
        copy = number // len(base)
        data.texts.append(f"{base.texts[i]}〔{number}〕")  # no two paragraphs alike
        data.labels.append(base.labels[i])
        data.docs.append(f"{base.docs[i]}~{copy}")
        data.headings.append(base.headings[i])
        data.ids.append((data.docs[-1], number))
        data.spans.append(None)
    tokenizer()
    start = time.perf_counter()
    for text in data.texts:
        tokenize(text)
    tokenise_s = time.perf_counter() - start
    rss_before = _rss_mb()
    start = time.perf_counter()
    model = train(data, seed=0)
    fit_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    save_model(model, model_path, force=True)
    features = None
    linear = getattr(model, "linear_", None)
    if linear is not None and hasattr(linear, "coef_"):
        features = int(linear.coef_.shape[1])
    print(json.dumps({"paragraphs": size, "chars": sum(len(t) for t in data.texts), "fit_s": fit_s,
                      "tokenise_s": tokenise_s, "model_mb": os.path.getsize(model_path) / 2**20,
                      "features": features, "peak_rss_mb": peak, "rss_before_mb": rss_before,
                      "fit_growth_mb": peak - rss_before}))


def _rss_mb():
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def bench_training(shared, work, env, quick, sizes, blas_sizes):
    sizes = sizes or ([1_000, 10_000] if quick else [1_000, 10_000, 30_000, 100_000])
    runs = [(size, False) for size in sizes]
    # The same fits with BLAS on one thread: what OpenBLAS's threads cost L-BFGS on a busy machine.
    runs += [(size, True) for size in blas_sizes]
    rows = []
    for size, one_thread in runs:
        print(f"training on {size:,} paragraphs{' (BLAS on one thread)' if one_thread else ''} ...", flush=True)
        model_path = os.path.join(work, f"model_{size}.model")
        run_env = {**env, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"} if one_thread else env
        start = time.perf_counter()
        done = subprocess.run([PY, os.path.abspath(__file__), "--train-one", str(size), "--model-out",
                               model_path, "--shared", shared], env=run_env, cwd=ROOT, check=True,
                              capture_output=True, text=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["process_s"] = time.perf_counter() - start
        row["blas_one_thread"] = one_thread
        rows.append(row)
        os.unlink(model_path)
    return rows


def machine():
    model_name = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model_name = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = None
    try:
        with open("/proc/meminfo") as handle:
            memory = round(int(handle.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    versions = {}
    for package in ("jieba", "sklearn", "numpy", "scipy", "joblib"):
        try:
            versions[package] = __import__(package).__version__
        except Exception:  # an absent package is just not listed
            pass
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": model_name, "memory_gb": memory,
            "python": platform.python_version(), "platform": platform.platform(), "versions": versions,
            "commit": commit, "load_before": os.getloadavg()}


# ---------------------------------------------------------------------------------------------
# Output


def _f(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f}"


def _rounds(run) -> str:
    """Each round's ratio to the floor, lowest first: how far the rounds agree."""
    return " ".join(f"{r:.2f}" for r in sorted(run["ratios"])) if run.get("ratios") else "–"


def markdown(results) -> str:
    m = results["machine"]
    lines = [f"Machine: {m['cores']} cores, {m['cpu']}, {m['memory_gb']} GB; Python {m['python']}; "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
             + f"; commit {m['commit']}; load average {m['load_before'][0]:.1f} before, "
             f"{m['load_after'][0]:.1f} after; {'quick' if results['quick'] else 'full'} run.", ""]
    b = results.get("batch")
    if b:
        lines += [f"Batch: {b['files']} files, {b['chars']:,} characters; medians of {b['rounds']} paired runs; "
                  f"`--jobs 2` output identical to `--jobs 1`: {'yes' if b['identical_jobs_output'] else 'NO'}.", "",
                  "| batch | wall s | characters/s | × floor (wall) | × floor, each round | × floor, fastest runs | CPU s | × floor (CPU) | peak RSS MB | peak PSS of all processes MB |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, title in (("floor", "floor: jieba.lcut of every file, one process"),
                            ("jobs1", "`predict --format jsonl`"), ("jobs2", "`predict --format jsonl --jobs 2`")):
            r = b[name]
            lines.append(f"| {title} | {_f(r['wall_s'])} | {r['chars_per_s']:,.0f} | "
                         f"{_f(r.get('ratio_to_floor', 1.0))} | {_rounds(r)} | {_f(r.get('ratio_of_best', 1.0))} | "
                         f"{_f(r['cpu_s'])} | {_f(r.get('cpu_ratio_to_floor', 1.0))} | "
                         f"{_f(r['maxrss_mb'], 0)} | {_f(r['pss_mb'], 0)} |")
        p = b["in_process"]
        lines += ["", f"In one process, start-up excluded: `label_reports` {p['predict_chars_per_s']:,.0f} characters/s, "
                      f"`jieba.lcut` {p['floor_chars_per_s']:,.0f} characters/s: **{p['ratio_to_floor']:.2f} ×** the floor "
                      f"in wall time, {p['cpu_ratio_to_floor']:.2f} × in CPU time.", ""]
    c = results.get("cold")
    if c:
        lines += [f"Cold start: one report of {c['chars']:,} characters; medians of {c['rounds']} paired runs "
                  f"(bare `python -c pass` {_f(c['python_s'])} s, `python -m classifier --help` {_f(c['help_s'])} s).", "",
                  "| cold start | wall s | × floor (wall) | × floor, each round | × floor, fastest runs | CPU s | × floor (CPU) | peak RSS MB |",
                  "|---|---|---|---|---|---|---|---|"]
        for name, title in (("floor", "floor: `import sklearn, jieba; jieba.initialize()`"),
                            ("predict", "`python -m classifier predict report.txt`")):
            r = c[name]
            lines.append(f"| {title} | {_f(r['wall_s'])} | {_f(r.get('ratio_to_floor', 1.0))} | {_rounds(r)} | "
                         f"{_f(r.get('ratio_of_best', 1.0))} | {_f(r['cpu_s'])} | "
                         f"{_f(r.get('cpu_ratio_to_floor', 1.0))} | {_f(r['maxrss_mb'], 0)} |")
        lines.append("")
    t = results.get("training")
    if t:
        lines += ["| training paragraphs | characters | fit s | s per 1 000 paragraphs | tokenising alone s | features | model MB | peak RSS MB | RSS growth in fit MB |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in t:
            lines.append(f"| {r['paragraphs']:,}{' (BLAS 1 thread)' if r.get('blas_one_thread') else ''} | {r['chars']:,} | {_f(r['fit_s'], 1)} | "
                         f"{_f(1000 * r['fit_s'] / r['paragraphs'])} | {_f(r['tokenise_s'], 1)} | "
                         f"{r['features'] if r['features'] is not None else '–'} | {_f(r['model_mb'], 1)} | "
                         f"{_f(r['peak_rss_mb'], 0)} | {_f(r['fit_growth_mb'], 0)} |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run: less data, fewer rounds")
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT), "shared"),
                        help="the shared data folder (default: ../shared beside the clone)")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"), help="results folder")
    parser.add_argument("--only", choices=("batch", "cold", "training"), action="append",
                        help="run only this part (may be repeated)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        help="training sizes, comma-separated (default 1000,10000,30000,100000)")
    parser.add_argument("--blas-sizes", type=lambda s: [int(x) for x in s.split(",") if x],
                        help="also train on these sizes with BLAS on one thread (default 1000,10000; "
                             "quick 1000; '' for none)")
    parser.add_argument("--train-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model-out", help=argparse.SUPPRESS)
    parser.add_argument("--in-process", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int,
                        help="paired rounds of the batch and cold-start runs (default 3 and 9; quick 2 and 3): "
                             "more where the machine is shared and its speed comes and goes")
    args = parser.parse_args(argv)

    if args.train_one:
        train_one(args.shared, args.train_one, args.model_out)
        return 0
    if args.in_process:
        print(json.dumps(in_process(args.in_process, args.rounds or 3)))
        return 0

    if not os.path.isdir(os.path.join(args.shared, "corpus")):
        raise SystemExit(f"no corpus under {args.shared}: pass --shared")
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="work-", dir=args.out)
    parts = args.only or ["batch", "cold", "training"]
    results = {"quick": args.quick, "machine": machine()}
    started = time.perf_counter()
    try:
        if "batch" in parts:
            results["batch"] = bench_batch(args.shared, work, env, args.quick, args.rounds)
        if "cold" in parts:
            results["cold"] = bench_cold(args.shared, work, env, args.quick, args.rounds)
        if "training" in parts:
            blas = args.blas_sizes if args.blas_sizes is not None else ([1_000] if args.quick else [1_000, 10_000])
            results["training"] = bench_training(args.shared, work, env, args.quick, args.sizes, blas)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["machine"]["load_after"] = os.getloadavg()
    results["seconds"] = time.perf_counter() - started
    text = markdown(results)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    print()
    print(text)
    print(f"({results['seconds']:.0f} s; written to {os.path.relpath(args.out)}/results.json and results.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
