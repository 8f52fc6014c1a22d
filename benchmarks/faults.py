"""Faults and hostile input, tried from the outside: what ``python -m classifier`` does with each.

    python benchmarks/faults.py [--out benchmarks/out/faults.md]

Every case runs the command line in a subprocess on files made here in a scratch folder (no report
text is copied: the inputs are a few sentences written below), and the table records the exit code,
the first line of standard error and what was lost or left behind: workers still alive, temporary
files, a file that an attack meant to create, an output overwritten.  About a minute on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "benchmarks", "out", "faults.md")
ENV = {**os.environ, "PYTHONPATH": ROOT, "OPENBLAS_NUM_THREADS": "1"}
LINE = "组织党委中心组专题学习，开展理论宣讲进基层活动，深入推进移风易俗。"
GUIDE = [("组织党委中心组专题学习。", "theory"), ("落实意识形态工作责任制。", "ideology"),
         ("加强新闻宣传和舆论引导。", "media"), ("深化文明城市创建活动。", "civilization"),
         ("举办群众文化活动。", "culture"), ("做好机关日常事务。", "other")] * 4


def command(*args):
    return [sys.executable, "-m", "classifier", *args]


def run(*args, stdin=subprocess.DEVNULL, cwd=None, preexec_fn=None, timeout=300):
    """(exit code, first line of stderr) of ``classifier args``."""
    done = subprocess.run(command(*args), stdin=stdin, stdout=subprocess.PIPE if preexec_fn is None else None,
                          stderr=subprocess.PIPE, env=ENV, cwd=cwd or ROOT, timeout=timeout, preexec_fn=preexec_fn)
    return done.returncode, first_line(done.stderr)


def first_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "backslashreplace").strip().splitlines()
    return lines[0] if lines else ""


def children(pid):
    """Live processes whose parent is ``pid`` (Linux: /proc)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                state, parent = handle.read().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(parent) == pid and state != "Z":
            found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def signal_case(scratch, signum):
    """``predict --jobs 2 --out`` sent ``signum`` once its workers run."""
    lines = "\n".join(f"第{i}项：{LINE}" for i in range(12000))
    paths = []
    for name in "abc":
        paths.append(os.path.join(scratch, f"sig{name}.txt"))
        with open(paths[-1], "w", encoding="utf-8") as handle:
            handle.write(lines)
    out = os.path.join(scratch, "signal-out", "labels.jsonl")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    process = subprocess.Popen(command("predict", "--jobs", "2", "--out", out, *paths), env=ENV, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = children(process.pid)
    process.send_signal(signum)
    try:
        _, stderr = process.communicate(timeout=60)
        hung = ""
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
        hung = "a caller reading stderr hung; "
    deadline = time.monotonic() + 10
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    temporary = [name for name in os.listdir(os.path.dirname(out)) if name.startswith(".tmp-")]
    lost = hung + (f"{len(left)} of {len(workers)} workers left alive" if left else f"{len(workers)} workers ended")
    lost += f", {len(temporary)} .tmp- files left" if temporary else ", no temporary file left"
    if signum == signal.SIGKILL:  # nothing of ours runs: the temporary file is what the next run's
        lost += " (SIGKILL runs no clean-up)" if temporary else ""
    return process.returncode, first_line(stderr), lost


def docx_bomb(path, megabytes):
    """A small .docx whose document part unpacks to ``megabytes`` MB."""
    import docx

    document = docx.Document()
    document.add_paragraph(LINE)
    document.save(path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    start = body.index("<w:p>") if "<w:p>" in body else body.index("<w:p ")
    end = body.index("</w:p>", start) + len("</w:p>")
    copies = megabytes * 1_000_000 // len(body[start:end].encode("utf-8")) + 1
    parts["word/document.xml"] = (body[:start] + body[start:end] * copies + body[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


class _Attack:
    """A pickle that creates a file when it is unpickled."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def cases(scratch):
    """Yield (case, exit code, first line of stderr, lost or left behind) for every case."""
    def path(name):
        return os.path.join(scratch, name)

    def write(name, text):
        with open(path(name), "w", encoding="utf-8") as handle:
            handle.write(text)
        return path(name)

    report = write("report.txt", "\n".join([LINE] * 3))
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGKILL):
        yield (f"{signal.Signals(signum).name} to `predict --jobs 2 --out` while its workers run",
               *signal_case(scratch, signum))

    yield "`/dev/zero` named as a report", *run("predict", "/dev/zero"), "nothing read"
    with open("/dev/zero", "rb") as zero:
        started = time.monotonic()
        code, line = run("predict", "-", stdin=zero)
        yield "`/dev/zero` on standard input", code, line, f"read 50 MB + 1 byte and stopped ({time.monotonic() - started:.1f} s)"
    os.mkfifo(path("fifo.txt"))
    yield "a FIFO `p.txt` named as a report", *run("predict", path("fifo.txt")), "never opened"
    folder = path("with-fifo")
    os.mkdir(folder)
    os.mkfifo(os.path.join(folder, "p.txt"))
    with open(os.path.join(folder, "a.txt"), "w", encoding="utf-8") as handle:
        handle.write(LINE)
    yield "a FIFO `p.txt` inside a folder", *run("predict", folder), "skipped with a warning, the rest labelled"
    big = path("big.txt")
    with open(big, "w", encoding="utf-8") as handle:
        handle.write((LINE + "\n") * (51_000_000 // len((LINE + "\n").encode("utf-8")) + 1))
    started = time.monotonic()
    code, line = run("predict", big)
    yield "a 51 MB text", code, line, f"refused after {time.monotonic() - started:.1f} s"
    os.unlink(big)
    docx_bomb(path("bomb.docx"), 60)
    started = time.monotonic()
    code, line = run("predict", path("bomb.docx"))
    yield (f"a {os.path.getsize(path('bomb.docx')) // 1000} KB .docx unpacking to 60 MB", code, line,
           f"refused after {time.monotonic() - started:.1f} s, nothing unpacked")
    many = write("many.txt", "\n".join(f"{i}. {LINE}" for i in range(300)))
    yield "300 paragraphs with `--max-paragraphs 200`", *run("predict", many, "--max-paragraphs", "200"), "refused"

    names = path("names")
    os.mkdir(names)
    with open(os.path.join(os.fsencode(names), b"bad\xff.txt"), "w", encoding="utf-8") as handle:
        handle.write(LINE)
    for suffix in (".jsonl", ".csv", ".html", ".txt"):
        out = path(f"names-out{suffix}")
        code, line = run("predict", names, "--out", out)
        valid = ""
        if suffix == ".jsonl" and code == 0:
            with open(out, encoding="utf-8") as handle:
                valid = ", valid JSON: " + json.loads(handle.readline())["file"].rsplit("/", 1)[1]
        yield f"a file `bad\\xff.txt` (not UTF-8) in a folder, `--out x{suffix}`", code, line, f"written{valid}"
    yield "standard input closed (`<&-`), `predict -`", *run("predict", "-", preexec_fn=lambda: os.close(0)), ""
    yield "standard output closed (`>&-`)", *run("predict", report, preexec_fn=lambda: os.close(1)), "nothing labelled"

    formula = write("formula.txt", "=HYPERLINK(\"http://example.com\",\"学习\")\n-1+2 开展理论宣讲。")
    code, line = run("predict", formula, "--out", path("formula.csv"))
    with open(path("formula.csv"), encoding="utf-8-sig") as handle:
        cells = [row.split(",", 8)[7][:12] for row in handle.read().splitlines()[1:]]
    yield "paragraphs starting `=HYPERLINK(` and `-1+2` in `--out x.csv`", code, line, "cells: " + " / ".join(cells)

    data = [{"text": t, "label": l, "doc": f"d{i % 3}"} for i, (t, l) in enumerate(GUIDE)]
    with open(path("dup.csv"), "w", encoding="utf-8") as handle:
        handle.write("text,label,doc,label\n" + "".join(f"{r['text']},{r['label']},{r['doc']},other\n" for r in data))
    model = path("m.model")
    yield "training CSV header `text,label,doc,label`", *run("train", path("dup.csv"), "--out", model), "no model written" if not os.path.exists(model) else "MODEL WRITTEN"
    for bad in ("i deology", "NaN"):
        rows = [dict(row) for row in data]
        rows[5]["label"] = bad
        name = write("bad-label.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        yield f"training label `{bad}` among the guide's", *run("train", name, "--out", model), "no model written" if not os.path.exists(model) else "MODEL WRITTEN"
    good = write("good.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data))
    fix = write("fix.jsonl", '{"doc": "d0", "i": 1.7, "label": "media", "reason": "test"}\n')
    yield "correction `\"i\": 1.7`", *run("train", good, "--corrections", fix, "--out", model), "no model written" if not os.path.exists(model) else "MODEL WRITTEN"

    marker = path("pickle-ran")
    with open(path("attack.model"), "wb") as handle:
        pickle.dump(_Attack(marker), handle)
    code, line = run("predict", report, "--model", path("attack.model"))
    yield "a pickle model that creates a file when unpickled", code, line, "the file was created: CODE RAN" if os.path.exists(marker) else "nothing ran"
    with zipfile.ZipFile(os.path.join(ROOT, "models", "default.model")) as package:
        members = {name: package.read(name) for name in package.namelist()}
    members["model.json"] = members["model.json"].replace(b'"', b'"__import__', 1)
    with zipfile.ZipFile(path("tampered.model"), "w") as package:
        for name, data_bytes in members.items():
            package.writestr(name, data_bytes)
    yield "a tampered model (model.json edited)", *run("predict", report, "--model", path("tampered.model")), "nothing ran"
    existing = write("existing.jsonl", "keep me\n")
    code, line = run("predict", report, "--out", existing)
    with open(existing, encoding="utf-8") as handle:
        kept = handle.read() == "keep me\n"
    yield "`--out` an existing file without `--force`", code, line, "kept as it was" if kept else "OVERWRITTEN"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=OUT, help="where to write the table (Markdown)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for case, code, line, lost in cases(scratch):
            line = line.replace(scratch + os.sep, "").replace("|", "\\|")
            rows.append(f"| {case} | {code} | {line} | {lost} |")
            print(rows[-1], flush=True)
    table = "\n".join(["| case | exit | first line of stderr | lost or left behind |", "|---|---|---|---|"] + rows)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write(table + "\n")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
