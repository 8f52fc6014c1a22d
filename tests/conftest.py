import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
CORPUS = os.path.join(SHARED, "corpus")
LABELS = os.path.join(CORPUS, "labels.jsonl")
DOCS = os.path.join(CORPUS, "docs")
DEFAULT_MODEL = os.path.join(ROOT, "models", "default.model")


def run_cli(*args, stdin=None, cwd=None):
    """Run ``python -m classifier`` as a user would; return the completed process (text)."""
    return subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin, cwd=cwd or ROOT,
                          capture_output=True, text=stdin is None or isinstance(stdin, str),
                          env={**os.environ, "PYTHONPATH": ROOT})


@pytest.fixture(scope="session")
def default_model():
    from classifier import load_model

    return load_model(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def corpus_rows():
    import json

    with open(LABELS, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def doc_text(doc):
    with open(os.path.join(DOCS, f"{doc}.txt"), encoding="utf-8") as handle:
        return handle.read()
