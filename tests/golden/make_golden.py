"""Record SHA-256 digests of what ``predict`` writes for every shared document (never the text).

Run from anywhere: ``python tests/golden/make_golden.py``.  It labels every document of the shared
corpus with models/default.model through the command line (one run per output format) and writes
``predict_outputs.json`` beside this script: a digest per document of its ``--format jsonl`` lines
and one digest per whole batch written as csv, table, html and jsonl with ``--explain``.
tests/test_golden.py recomputes them; run this script again only on purpose, when the outputs are
meant to change (a retrained model, a new output format), and say so in the commit.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DOCS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "docs")
MODEL = os.path.join(ROOT, "models", "default.model")
GOLDEN = os.path.join(HERE, "predict_outputs.json")
EXPLAIN = 5
BATCH_FORMATS = ("csv", "table", "html", "jsonl")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _predict(names, *options) -> bytes:
    """What ``predict`` writes for ``names`` (run inside DOCS, so names are path-free)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out.html")
        extra = ["--out", out] if "html" in options else []
        done = subprocess.run([sys.executable, "-m", "classifier", "predict", "--model", MODEL, *options,
                               *extra, *names], cwd=DOCS, capture_output=True,
                              env={**os.environ, "PYTHONPATH": ROOT, "OPENBLAS_NUM_THREADS": "1"})
        if done.returncode:
            raise RuntimeError(f"predict failed: {done.stderr.decode(errors='replace')}")
        if extra:
            with open(out, "rb") as handle:
                return handle.read()
        return done.stdout


def documents() -> list:
    """The shared documents' file names, sorted."""
    return sorted(name for name in os.listdir(DOCS) if name.endswith((".txt", ".docx")))


def compute() -> dict:
    """{"model": digest of the model file, "documents": {name: digest of its jsonl lines},
    "batch": {format: digest of the whole batch with --explain}}."""
    names = documents()
    lines = {name: [] for name in names}
    for line in _predict(names, "--format", "jsonl").splitlines(keepends=True):
        lines[json.loads(line)["file"]].append(line)
    with open(MODEL, "rb") as handle:
        model = sha256(handle.read())
    return {
        "model": model,
        "explain": EXPLAIN,
        "documents": {name: sha256(b"".join(lines[name])) for name in names},
        "batch": {form: sha256(_predict(names, "--format", form, "--explain", str(EXPLAIN)))
                  for form in BATCH_FORMATS},
    }


def main() -> None:
    digests = compute()
    with open(GOLDEN, "w", encoding="utf-8") as handle:
        json.dump(digests, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"wrote digests of {len(digests['documents'])} documents to {GOLDEN}")


if __name__ == "__main__":
    main()
