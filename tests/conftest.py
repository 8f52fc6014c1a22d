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
# The tests' own corpus (tests/fixtures/make_corpus.py wrote it): eight short invented reports.
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "corpus")
FIXTURE_LABELS = os.path.join(FIXTURE, "labels.jsonl")
FIXTURE_DOCS = os.path.join(FIXTURE, "docs")


def run_cli(*args, stdin=None, cwd=None):
    """Run ``python -m classifier`` as a user would; return the completed process (text)."""
    return subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin, cwd=cwd or ROOT,
                          capture_output=True, text=stdin is None or isinstance(stdin, str),
                          env={**os.environ, "PYTHONPATH": ROOT})


@pytest.fixture
def cli(capsys):
    """Run ``classifier`` in this process (:func:`in_process.run_main`); return what ``run_cli``
    returns: ``returncode``, ``stdout`` and ``stderr``."""
    from types import SimpleNamespace

    from in_process import run_main

    def run(*args):
        code, out, err = run_main(capsys, *args)
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)
    return run


@pytest.fixture(scope="session")
def tiny_corpus():
    """The tests' own corpus: ``labels`` (a JSON Lines file with spans) and ``docs`` (its reports)."""
    from types import SimpleNamespace

    return SimpleNamespace(labels=FIXTURE_LABELS, docs=FIXTURE_DOCS)


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
